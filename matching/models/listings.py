"""Offers and requests: what a company has and what a school asks for, and their choices."""

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


class LessonFormat(models.TextChoices):
    ON_SITE = "on_site", _("at the school")
    ONLINE = "online", _("online")
    AT_COMPANY = "at_company", _("at the company")


class Repeat(models.TextChoices):
    """How an offer repeats; its capacity then counts per occurrence (DESIGN §3)."""

    WEEKLY = "weekly", _("every week")
    MONTHLY = "monthly", _("every month")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = 5, _("last")


# Group sizes, in pupils and in groups (DESIGN §3): a class is never 0 and never a whole stadium.
GROUP_SIZE_MAX = 500


class ListingLanguage(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")


class Listing(models.Model):
    """What offers and requests share. Levels and subjects are stored as code lists (the truth)
    plus bit masks of the known codes, so list filters run in SQL on every database."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    # The school location or company site it is for; matched from its coordinates when set.
    location = models.ForeignKey(
        "accounts.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("location"),
    )
    # Posted by a coordinator on the organisation's behalf, until one of its admins takes it over.
    posted_by_coordinator = models.BooleanField(_("posted by a coordinator"), default=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    levels = models.JSONField(_("levels"), default=list)
    levels_mask = models.BigIntegerField(default=0, editable=False)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    subjects_mask = models.BigIntegerField(default=0, editable=False)
    max_travel_km = models.FloatField(_("maximum travel distance (km)"), null=True, blank=True)
    crebo = models.JSONField(_("crebo qualification codes"), default=list, blank=True)
    # Who the other side talks to; internships say BOL or BBL.
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact person"),
    )
    contract_type = models.CharField(_("BOL/BBL"), max_length=4, choices=ContractType, blank=True)
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
    sbb_recognised = models.BooleanField(_("SBB-recognised training company"), default=False)
    vog_date = models.DateField(
        _("VOG date"),
        null=True,
        blank=True,
        help_text=_(
            "Date of the Certificate of Conduct (VOG) of the people involved; valid for three years."
        ),
    )
    # Guest lessons and company visits.
    max_group_size = models.PositiveSmallIntegerField(_("largest group (pupils)"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    lesson_format = models.CharField(_("format"), max_length=12, choices=LessonFormat, blank=True)
    guest_brings = models.TextField(_("what the guest brings"), blank=True)
    public_transport = models.BooleanField(_("reachable by public transport"), default=False)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    # Internships.
    duration_weeks = models.PositiveSmallIntegerField(_("duration (weeks)"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), null=True, blank=True)
    allowance_per_month = models.DecimalField(
        _("internship allowance per month (EUR)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    bbl_wage_basis = models.CharField(_("BBL wage basis"), max_length=200, blank=True)
    supervisor_name = models.CharField(
        _("workplace supervisor (praktijkopleider)"), max_length=200, blank=True
    )
    supervisor_email = models.EmailField(_("workplace supervisor's e-mail"), blank=True)
    supervisor_phone = models.CharField(_("workplace supervisor's phone"), max_length=30, blank=True)
    sbb_number = models.CharField(_("SBB leerbedrijf number"), max_length=9, blank=True)
    sbb_crebo = models.JSONField(_("crebo codes recognised by SBB"), default=list, blank=True)
    sbb_checked_at = models.DateField(_("SBB recognition checked on"), null=True, blank=True)
    sbb_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Teacher internships.
    learning_goals = models.TextField(_("learning goals"), blank=True)
    days = models.PositiveSmallIntegerField(_("number of days"), null=True, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    # Recurring offers: `capacity` is then the total, `capacity_per_occurrence` × occurrences.
    repeat = models.CharField(_("repeats"), max_length=8, choices=Repeat, blank=True)
    repeat_weekday = models.PositiveSmallIntegerField(_("repeats on"), choices=Weekday, null=True, blank=True)
    repeat_week = models.PositiveSmallIntegerField(
        _("week of the month"), choices=WeekOfMonth, null=True, blank=True
    )
    capacity_per_occurrence = models.PositiveIntegerField(_("capacity per occurrence"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "kind", "available_until"], name="offer_status_kind_until"),
            models.Index(fields=["organisation", "status"], name="offer_org_status"),
            models.Index(fields=["-created_at"], name="offer_created"),
            # Browse pages list the newest published first: an index scan instead of sorting 250k rows.
            models.Index(fields=["-published_at", "-id"], name="offer_published"),
            # The offers API filtered by subject and province (issue 22): the page walks offers by date
            # and stops at 25 hits instead of sorting every match; the count reads the organisation's
            # offers from the index alone (status, subjects and date included, no heap visit once vacuumed).
            models.Index(fields=["-available_from", "-id"], name="offer_available_from"),
            models.Index(
                fields=["organisation"],
                include=["status", "subjects_mask", "available_from"],
                name="offer_org_browse",
            ),
            # The coordinators' figures per company (active companies, internship places offered)
            # read a company's offers from the index alone instead of every offer of the country.
            models.Index(
                fields=["organisation", "kind"],
                include=[
                    "status",
                    "published_at",
                    "available_from",
                    "available_until",
                    "closed_at",
                    "capacity",
                ],
                name="offer_org_figures",
            ),
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
    # Guest lessons and company visits.
    group_size = models.PositiveSmallIntegerField(_("group size (pupils)"), null=True, blank=True)
    group_count = models.PositiveSmallIntegerField(_("number of groups"), null=True, blank=True)
    school_provides = models.TextField(_("what the school provides"), blank=True)
    # Internships.
    sbb_required = models.BooleanField(_("SBB recognition required"), default=False)
    # Teacher internships.
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("participating teacher"),
    )
    teacher_subject = models.CharField(_("the teacher's subject"), max_length=40, blank=True)
    bring_back = models.TextField(_("what the teacher wants to bring back to class"), blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "kind", "wanted_until"], name="request_status_kind_until"),
            models.Index(fields=["organisation", "status"], name="request_org_status"),
            models.Index(fields=["-created_at"], name="request_created"),
            models.Index(fields=["-published_at", "-id"], name="request_published"),
            # PostgreSQL also has request_open_queue, a partial index on open requests in the
            # unmatched queue's order (migration 0013; SQLite cannot index NULLS FIRST).
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
