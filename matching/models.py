from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taxonomy.kinds import Kind


class ContractType(models.TextChoices):
    BOL = "bol", _("BOL (school-based)")
    BBL = "bbl", _("BBL (work-based)")
    BOTH = "both", _("BOL or BBL")


class ListingLanguage(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")


class Listing(models.Model):
    """What offers and requests share. Levels and subjects are stored as code lists (the truth)
    plus bit masks of the known codes, so list filters run in SQL on every database."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    levels = models.JSONField(_("levels"), default=list)
    levels_mask = models.BigIntegerField(default=0, editable=False)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    subjects_mask = models.BigIntegerField(default=0, editable=False)
    max_travel_km = models.FloatField(_("maximum travel distance (km)"), null=True, blank=True)
    crebo = models.JSONField(_("crebo qualification codes"), default=list, blank=True)
    committed = models.PositiveIntegerField(
        _("slots committed"),
        default=0,
        editable=False,
        help_text=_("Slots in proposed and confirmed matches."),
    )
    external_id = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class Offer(Listing):
    """What a company offers: a number of lessons, visits or places in a date window."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="offers", verbose_name=_("company")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    capacity = models.PositiveIntegerField(
        _("capacity"), default=1, help_text=_("Lessons, visits or places.")
    )
    online = models.BooleanField(_("online possible"), default=False)
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"))
    language = models.CharField(
        _("language"), max_length=2, choices=ListingLanguage, default=ListingLanguage.NL
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact person"),
    )
    contract_type = models.CharField(_("BOL/BBL"), max_length=4, choices=ContractType, blank=True)
    sbb_recognised = models.BooleanField(_("SBB-recognised training company"), default=False)
    vog_date = models.DateField(
        _("VOG date"),
        null=True,
        blank=True,
        help_text=_(
            "Date of the Certificate of Conduct (VOG) of the people involved; valid for three years."
        ),
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "kind", "available_until"], name="offer_status_kind_until"),
            models.Index(fields=["organisation", "status"], name="offer_org_status"),
            models.Index(fields=["-created_at"], name="offer_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offer_capacity_positive"),
            models.CheckConstraint(condition=Q(committed__lte=F("capacity")), name="offer_not_overcommitted"),
            models.CheckConstraint(
                condition=Q(available_from__lte=F("available_until")), name="offer_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(levels_mask__gt=0), name="offer_has_levels"),
            models.CheckConstraint(
                condition=Q(max_travel_km__isnull=True) | Q(max_travel_km__gt=0), name="offer_travel_positive"
            ),
        ]

    @property
    def free(self) -> int:
        return self.capacity - self.committed

    @property
    def date_from(self):  # noqa: ANN201 (shared name for offers and requests)
        return self.available_from

    @property
    def date_until(self):  # noqa: ANN201
        return self.available_until


class Request(Listing):
    """What a school asks for: a number of lessons, visits or places in a date window."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        FULFILLED = "fulfilled", _("fulfilled")
        CLOSED = "closed", _("closed")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="requests", verbose_name=_("school")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    slots = models.PositiveIntegerField(_("slots wanted"), default=1)
    online_ok = models.BooleanField(_("online is fine"), default=False)
    wanted_from = models.DateField(_("wanted from"))
    wanted_until = models.DateField(_("wanted until"))
    preferred_dates = models.TextField(_("preferred dates and notes"), blank=True)
    vog_required = models.BooleanField(_("VOG required"), default=False)
    contract_type = models.CharField(_("BOL/BBL"), max_length=4, choices=ContractType, blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "kind", "wanted_until"], name="request_status_kind_until"),
            models.Index(fields=["organisation", "status"], name="request_org_status"),
            models.Index(fields=["-created_at"], name="request_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(slots__gte=1), name="request_slots_positive"),
            models.CheckConstraint(condition=Q(committed__lte=F("slots")), name="request_not_overcommitted"),
            models.CheckConstraint(
                condition=Q(wanted_from__lte=F("wanted_until")), name="request_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(levels_mask__gt=0), name="request_has_levels"),
            models.CheckConstraint(
                condition=Q(max_travel_km__isnull=True) | Q(max_travel_km__gt=0),
                name="request_travel_positive",
            ),
        ]

    @property
    def free(self) -> int:
        return self.slots - self.committed

    @property
    def date_from(self):  # noqa: ANN201
        return self.wanted_from

    @property
    def date_until(self):  # noqa: ANN201
        return self.wanted_until
