"""The audit log: one append-only entry per change that someone may later need to account for."""

from __future__ import annotations

from accounts.models import AuditEntry, Organisation, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    object_type: str = "",
    object_id: object = "",
    organisation: Organisation | None = None,
    province: str = "",
    reason: str = "",
    data: dict | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit log, in the caller's transaction (so it exists exactly when
    the change does). The province defaults to the organisation's, which scopes who may read it."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None and actor.pk else "")[:254],
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        organisation=organisation,
        province=province or (organisation.province if organisation is not None else ""),
        reason=reason,
        data=data or {},
        ip_address=ip_address,
    )
