from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taxonomy.regions import Landsdeel, Province


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: school staff, company staff, coordinator or operator. E-mail is the login."""

    class Language(models.TextChoices):
        NL = "nl", "Nederlands"
        EN = "en", "English"

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("preferred language"), max_length=2, choices=Language, default=Language.NL)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name or self.email).split(" ")[0]

    @property
    def is_coordinator(self) -> bool:
        cached = getattr(self, "_coordinator_provinces", None)
        if cached is not None:
            return bool(cached)
        return self.coordinator_regions.exists()

    @property
    def coordinator_provinces(self) -> list[str]:
        if getattr(self, "_coordinator_provinces", None) is None:
            self._coordinator_provinces = list(self.coordinator_regions.values_list("province", flat=True))
        return self._coordinator_provinces


class Board(models.Model):
    """A school board (bestuur) or a concern: groups organisations for figures only; it gives
    nobody access to anything."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A school or a company. Its province and landsdeel follow from its place."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        COMPANY = "company", _("Company")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    name = models.CharField(_("name"), max_length=200)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Id in a bulk data set."),
    )
    brin = models.CharField(_("BRIN code"), max_length=4, null=True, blank=True, unique=True)
    kvk = models.CharField(_("KvK number"), max_length=8, null=True, blank=True, unique=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("general e-mail"), blank=True)
    phone = models.CharField(_("general phone"), max_length=30, blank=True)
    place = models.CharField(_("place"), max_length=100)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    province = models.CharField(_("province"), max_length=20, choices=Province)
    landsdeel = models.CharField(_("landsdeel"), max_length=12, choices=Landsdeel)
    levels = models.JSONField(_("levels offered"), default=list, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    board = models.ForeignKey(
        Board,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        verbose_name=_("board"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    # How a coordinator reaches a school or company without (active) members (coverage view).
    last_contacted_on = models.DateField(_("last contacted on"), null=True, blank=True)
    contact_note = models.TextField(_("contact note"), blank=True)
    # An identity change (name, place/province, BRIN/KvK) of a verified organisation waits here
    # for a coordinator of the old or the new province; the old values stay in force meanwhile.
    pending_identity = models.JSONField(_("identity change awaiting approval"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["province", "kind"]),
            models.Index(fields=["landsdeel", "kind"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=50.0, latitude__lte=54.0, longitude__gte=3.0, longitude__lte=7.5),
                name="organisation_in_netherlands",
            ),
            models.CheckConstraint(
                condition=Q(kind="school", kvk__isnull=True) | Q(kind="company", brin__isnull=True),
                name="organisation_registry_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_school(self) -> bool:
        return self.kind == self.Kind.SCHOOL

    @property
    def is_company(self) -> bool:
        return self.kind == self.Kind.COMPANY

    @property
    def registry_number(self) -> str:
        return (self.brin if self.is_school else self.kvk) or ""


class Location(models.Model):
    """A school location (BRIN + two-digit vestigingsnummer) or a company site (KvK + 12-digit
    vestigingsnummer) with its own place, coordinates and (schools) levels. Listings made for a
    location are matched from its coordinates and holiday region."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("vestigingsnummer"), max_length=12)
    place = models.CharField(_("place"), max_length=100)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=20, choices=Province)
    landsdeel = models.CharField(_("landsdeel"), max_length=12, choices=Landsdeel)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    levels = models.JSONField(_("levels offered"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="location_number_unique"),
            models.CheckConstraint(
                condition=Q(latitude__gte=50.0, latitude__lte=54.0, longitude__gte=3.0, longitude__lte=7.5),
                name="location_in_netherlands",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.name}"

    @property
    def code(self) -> str:
        """BRIN + vestigingsnummer for a school location (e.g. 12AB01); the 12-digit number for a site."""
        return f"{self.organisation.brin or ''}{self.number}" if self.organisation.is_school else self.number


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    is_admin = models.BooleanField(_("organisation admin"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation; the token expires."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    is_admin = models.BooleanField(_("as organisation admin"), default=False)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class CoordinatorRegion(models.Model):
    """A coordinator's scope: one row per province they oversee."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_regions"
    )
    province = models.CharField(_("province"), max_length=20, choices=Province)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("coordinator region")
        verbose_name_plural = _("coordinator regions")
        constraints = [models.UniqueConstraint(fields=["user", "province"], name="coordinator_region_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_province_display()}"


class AuditEntry(models.Model):
    """Who did what, when and why: coordinator actions and security-relevant events.

    Append-only (written by accounts.services.audit.audit_record, never edited). `organisation` and
    `province` scope an entry so it can be listed per organisation and shown only to the
    coordinators of that province; `object_type`/`object_id` point at what it is about
    (e.g. "match", 17) so it can be listed per match.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the actor's account is deleted or anonymised later.
    actor_label = models.CharField(_("by"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=32, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    province = models.CharField(_("province"), max_length=20, choices=Province, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["organisation", "-created_at"], name="audit_organisation"),
            models.Index(fields=["province", "-created_at"], name="audit_province"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 of the secret is stored; the secret is shown once.

    `organisation` is the organisation it acts for by default (the active one when it was made;
    X-Organisation may name another of its owner's organisations). It is revoked when its owner
    leaves or is removed from that organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(_("read-only"), default=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class JoinRequest(models.Model):
    """A person asks to join an existing (verified) organisation; one of its admins decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status="pending"),
                name="join_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.status})"
