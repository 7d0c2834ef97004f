"""Events of accounts told to people (accounts cannot import notifications: DESIGN §10).

Each receiver runs inside the transaction of the change that sent the signal, so the outbox rows
commit with it (or not at all)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from accounts import signals
from notifications.services import email_address, notify


def _members(organisation: Any) -> list[Any]:
    return [m.user for m in organisation.memberships.select_related("user")]


@receiver(signals.invitation_created)
def tell_invitee(sender: Any, invitation: Any, **kwargs: Any) -> None:
    """An existing account hears it in the inbox too; a new address gets the mail alone.
    Either way the mail carries the accept link and goes through the outbox."""
    url = settings.SITE_URL + reverse("accounts:invitation_accept", args=[invitation.token])
    # A resend extends the expiry: a new key, so the outbox sends it (once) again.
    sent_id = f"{invitation.pk}:{invitation.expires_at.isoformat()}"
    inviter = invitation.invited_by
    organisation = invitation.organisation
    person = get_user_model().objects.filter(email__iexact=invitation.email, is_active=True).first()
    language = person.language if person else (inviter.language if inviter else "") or settings.LANGUAGE_CODE

    def subject() -> str:
        return _("Invitation to join %(organisation)s on Techniekpact Match") % {
            "organisation": organisation.name
        }

    with translation.override(language):
        context = {
            "organisation": organisation.name,
            "inviter": (inviter.name or inviter.email) if inviter else "Techniekpact Match",
            "url": url,
            "expires": formats.date_format(invitation.expires_at, "DATE_FORMAT"),
        }
    if person is None:
        email_address(
            event="invitation.created",
            object_type="invitation",
            object_id=sent_id,
            to_email=invitation.email,
            language=language,
            subject=subject,
            email_template="emails/invitation",
            context=context,
        )
        return
    notify(
        event="invitation.created",
        group="account",
        recipients=[person],
        title=subject,
        body=lambda: (
            _("%(inviter)s invites you to join %(organisation)s. The invitation is valid until %(date)s.")
            % {"inviter": context["inviter"], "organisation": organisation.name, "date": context["expires"]}
        ),
        link=reverse("accounts:invitation_accept", args=[invitation.token]),
        object_type="invitation",
        object_id=sent_id,
        email_template="emails/invitation",
        context=context,
    )


@receiver(signals.organisation_verified)
def tell_verified(sender: Any, organisation: Any, by: Any, **kwargs: Any) -> None:
    notify(
        event="organisation.verified",
        group="account",
        recipients=_members(organisation),
        title=lambda: _("%(organisation)s is verified") % {"organisation": organisation.name},
        body=lambda: (
            _(
                "A coordinator verified %(organisation)s. You can now publish offers and requests, and the "
                "matcher includes them."
            )
            % {"organisation": organisation.name}
        ),
        link=reverse("accounts:organisation_detail", args=[organisation.pk]),
        object_type="organisation",
        object_id=f"{organisation.pk}:{organisation.verified_at.isoformat() if organisation.verified_at else ''}",
    )


@receiver(signals.organisation_rejected)
def tell_rejected(sender: Any, organisation: Any, by: Any, reason: str, **kwargs: Any) -> None:
    notify(
        event="organisation.rejected",
        group="account",
        recipients=_members(organisation),
        title=lambda: _("%(organisation)s was not verified") % {"organisation": organisation.name},
        body=lambda: (
            _("A coordinator could not verify %(organisation)s: %(reason)s")
            % {"organisation": organisation.name, "reason": reason}
        ),
        link=reverse("accounts:organisation_detail", args=[organisation.pk]),
        object_type="organisation",
        object_id=f"{organisation.pk}:{organisation.rejected_at.isoformat() if organisation.rejected_at else ''}",
    )


@receiver(signals.join_requested)
def tell_admins_of_join_request(sender: Any, join_request: Any, **kwargs: Any) -> None:
    organisation = join_request.organisation
    person = join_request.user
    admins = [m.user for m in organisation.memberships.filter(is_admin=True).select_related("user")]
    notify(
        event="join_request.created",
        group="account",
        recipients=admins,
        title=lambda: (
            _("%(person)s asks to join %(organisation)s")
            % {"person": person.name or person.email, "organisation": organisation.name}
        ),
        body=lambda: (
            _(
                "%(person)s (%(email)s) asks to join %(organisation)s. Approve or refuse on the organisation page."
            )
            % {
                "person": person.name or person.email,
                "email": person.email,
                "organisation": organisation.name,
            }
        ),
        link=reverse("accounts:organisation_detail", args=[organisation.pk]),
        object_type="join_request",
        object_id=str(join_request.pk),
    )


@receiver(signals.join_request_decided)
def tell_join_request_answer(sender: Any, join_request: Any, by: Any, **kwargs: Any) -> None:
    organisation = join_request.organisation
    approved = join_request.status == "approved"
    notify(
        event=f"join_request.{join_request.status}",
        group="account",
        recipients=[join_request.user],
        title=lambda: (
            (
                _("You joined %(organisation)s")
                if approved
                else _("Your request to join %(organisation)s was refused")
            )
            % {"organisation": organisation.name}
        ),
        body=lambda: (
            (
                _("An admin of %(organisation)s approved your request.")
                if approved
                else _("An admin of %(organisation)s refused your request.")
            )
            % {"organisation": organisation.name}
        ),
        link=reverse("accounts:dashboard"),
        object_type="join_request",
        object_id=str(join_request.pk),
    )
