from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MaxLengthValidator
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
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact person"),
    )
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


class Match(models.Model):
    """A proposal of `slots` slots of one offer for one request, and what became of it (DESIGN §3)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")
        CANCELLED = "cancelled", _("cancelled")
        COMPLETED = "completed", _("completed")
        EVALUATED = "evaluated", _("evaluated")
        NOT_HELD = "not_held", _("did not take place")
        DISPUTED = "disputed", _("disputed")

    class Source(models.TextChoices):
        MATCHER = "matcher", _("matcher")
        COORDINATOR = "coordinator", _("coordinator")
        SCHOOL = "school", _("school asked")
        COMPANY = "company", _("company offered")

    LIVE = (Status.PROPOSED, Status.CONFIRMED)
    # Statuses whose slots count against capacity.
    COMMITTING = (Status.PROPOSED, Status.CONFIRMED, Status.COMPLETED, Status.EVALUATED)
    # The ONE definition of "the activity took place" for every figure (KPIs, coverage, monitor,
    # impact, exports): a side confirmed it (DESIGN §3). Confirmed-but-unanswered is not held.
    HELD_STATUSES = (Status.COMPLETED, Status.EVALUATED)
    # Matches that may still get a "did it take place?" answer.
    ANSWERABLE = (Status.CONFIRMED, Status.COMPLETED, Status.EVALUATED, Status.NOT_HELD)
    UNCONFIRMED_AFTER_DAYS = 14

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="matches", verbose_name=_("offer")
    )
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="matches", verbose_name=_("request")
    )
    # The request's and the offer's organisation, copied when the match is made (they never
    # change): "matches of my organisation" is then an OR of two index scans instead of a join
    # of every match with its offer and request (1.4 s → milliseconds on national data).
    school = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.CASCADE, related_name="+", editable=False
    )
    company = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.CASCADE, related_name="+", editable=False
    )
    slots = models.PositiveIntegerField(_("slots"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PROPOSED)
    source = models.CharField(_("source"), max_length=12, choices=Source, default=Source.MATCHER)
    score = models.FloatField(_("score"), default=0.0)
    explanation = models.JSONField(_("why this match"), default=dict, blank=True)
    run = models.ForeignKey(
        "MatchingRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="matches"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_accepted_at = models.DateTimeField(null=True, blank=True)
    school_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    company_accepted_at = models.DateTimeField(null=True, blank=True)
    company_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.TextField(_("reason"), blank=True)
    activity_date = models.DateField(_("activity date"), null=True, blank=True)
    # Internships and teacher internships: the last day of the period that starts on activity_date.
    activity_until = models.DateField(_("until"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), null=True, blank=True)
    activity_start = models.TimeField(_("starts at"), null=True, blank=True)
    activity_end = models.TimeField(_("ends at"), null=True, blank=True)
    # A change of a confirmed date proposed by one side, pending until the other side accepts it
    # (the confirmed date stays valid meanwhile). pending_side is the side that proposed it.
    pending_side = models.CharField(max_length=10, blank=True)
    pending_date = models.DateField(null=True, blank=True)
    pending_until = models.DateField(null=True, blank=True)
    pending_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    pending_start = models.TimeField(null=True, blank=True)
    pending_end = models.TimeField(null=True, blank=True)
    # "Did it take place?" (DESIGN §3): each side's answer, asked after the (end) date.
    outcome_asked_at = models.DateTimeField(null=True, blank=True)
    school_held = models.BooleanField(null=True, blank=True)
    school_held_reason = models.TextField(blank=True)
    school_held_at = models.DateTimeField(null=True, blank=True)
    school_held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    company_held = models.BooleanField(null=True, blank=True)
    company_held_reason = models.TextField(blank=True)
    company_held_at = models.DateTimeField(null=True, blank=True)
    company_held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # Completed by the old beat task (before outcomes were asked): history, told apart in figures.
    completed_automatically = models.BooleanField(default=False)
    # Raised on every change of a confirmed activity's time, so calendars replace the old event.
    calendar_sequence = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(_("answer before"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="match_status_expires"),
            models.Index(fields=["status", "activity_date"], name="match_status_date"),
            models.Index(fields=["request", "status"], name="match_request_status"),
            models.Index(fields=["offer", "status"], name="match_offer_status"),
        ]
        constraints = [
            # One live proposal per pair: a retried or duplicated run can never create a second one.
            models.UniqueConstraint(
                fields=["offer", "request"],
                condition=Q(status__in=["proposed", "confirmed"]),
                name="match_one_live_per_pair",
            ),
            models.CheckConstraint(condition=Q(slots__gte=1), name="match_slots_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} ↔ {self.request}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The services set them; this keeps any other ORM save (admin, tests, shell) consistent.
        if self.school_id is None and self.request_id is not None:
            self.school_id = self.request.organisation_id
        if self.company_id is None and self.offer_id is not None:
            self.company_id = self.offer.organisation_id
        super().save(*args, **kwargs)

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def is_period(self) -> bool:
        return self.offer.kind in (Kind.INTERNSHIP, Kind.TEACHER_INTERNSHIP)

    @property
    def last_day(self):  # noqa: ANN201 (a date or None)
        """The day after which the sides are asked whether it took place (the end of a period)."""
        return self.activity_until or self.activity_date


class Feedback(models.Model):
    """A side's rating (1–5) and comment after the activity."""

    class Side(models.TextChoices):
        SCHOOL = "school", _("school")
        COMPANY = "company", _("company")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="feedback")
    side = models.CharField(max_length=10, choices=Side)
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["match", "side"], name="feedback_once_per_side"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.side}: {self.rating}/5"


class BlockedPair(models.Model):
    """A coordinator's decision that an offer and a request must never be matched."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="+")
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("blocked pair")
        verbose_name_plural = _("blocked pairs")
        constraints = [models.UniqueConstraint(fields=["offer", "request"], name="blocked_pair_unique")]

    def __str__(self) -> str:
        return f"{self.offer_id} ✕ {self.request_id}"


class MatchingRun(models.Model):
    """One matcher run for a landsdeel (or the whole country). The row is the durable queue entry:
    Redis may lose the task, the sweep re-enqueues pending rows (RELIABILITY §0.4)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Trigger(models.TextChoices):
        CHANGE = "change", _("offer or request changed")
        NIGHTLY = "nightly", _("nightly full run")
        MANUAL = "manual", _("run now")
        COMMAND = "command", _("management command")

    scope = models.CharField(_("landsdeel"), max_length=12, help_text=_("A landsdeel slug, or 'national'."))
    trigger = models.CharField(max_length=10, choices=Trigger, default=Trigger.CHANGE)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    not_before = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # {"offers": [ids], "requests": [ids]} for an incremental run about what changed; empty for a
    # run of the whole scope (nightly, manual, or when one was asked for while this was pending).
    targets = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "not_before"], name="run_status_not_before")]
        constraints = [
            # Debounce at the database: at most one pending run per scope.
            models.UniqueConstraint(
                fields=["scope"], condition=Q(status="pending"), name="run_one_pending_per_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.trigger} {self.status}"


class MatchMessage(models.Model):
    """One message in a match's conversation thread (DESIGN §5): the school's and the company's
    people talk about the practical details; the coordinators of the two provinces read and write.

    `side` is the role the author wrote in, stored at posting time, so the thread keeps saying
    "school" even after the author leaves that organisation or their account is deleted.
    """

    MAX_LENGTH = 5000

    class Side(models.TextChoices):
        SCHOOL = "school", _("school")
        COMPANY = "company", _("company")
        COORDINATOR = "coordinator", _("coordinator")

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="messages", verbose_name=_("match")
    )
    # SET_NULL: deleting a person keeps the conversation readable for the others.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    side = models.CharField(_("written as"), max_length=12, choices=Side)
    body = models.TextField(_("message"), validators=[MaxLengthValidator(MAX_LENGTH)])
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("match message")
        verbose_name_plural = _("match messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["match", "created_at"], name="match_message_match_created")]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.side} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def author_name(self) -> str:
        """The author's name, never their e-mail address: contact details stay hidden until the
        match is confirmed (DESIGN §5). Call it inside the reader's language."""
        if self.author is not None and self.author.name:
            return self.author.name
        return str(
            {
                self.Side.SCHOOL: _("Someone from the school"),
                self.Side.COMPANY: _("Someone from the company"),
                self.Side.COORDINATOR: _("A coordinator"),
            }.get(self.side, _("Someone"))
        )


def _attachment_name(instance: Attachment, filename: str) -> str:
    # A random name: the uploader's file name never reaches the file system (DESIGN §3).
    return f"attachments/{uuid.uuid4().hex}"


class _AttachmentStorage(Storage):
    """STORAGES["attachments"], looked up at each use rather than when the models load: the
    storages are built from settings once, on first access, and model loading comes before a
    test or a probe can adjust STORAGES."""

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("__"):
            return object.__getattribute__(self, name)
        return getattr(storages["attachments"], name)


def attachment_storage() -> Storage:
    return _AttachmentStorage()


class Attachment(models.Model):
    """A document of an internship or teacher-internship match (the praktijkovereenkomst, …).
    Stored under a random name outside the static files, served by a permission-checked view."""

    class Type(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        ODT = "odt", "ODT"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=attachment_storage, upload_to=_attachment_name, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    type = models.CharField(_("type"), max_length=4, choices=Type)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Placement(models.Model):
    """One student's place on a confirmed internship match: a pseudonymous label chosen by the
    school (never a pupil's name), the period and the hours per week (DESIGN §3)."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="placements")
    label = models.CharField(_("label"), max_length=40)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["match", "label"], name="placement_label_unique"),
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="placement_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.starts_on}–{self.ends_on})"


class TeacherReflection(models.Model):
    """After a teacher internship, what the teacher will use in class; the monitor counts them."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="reflection")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("reflection"), validators=[MaxLengthValidator(4000)])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("teacher reflection")
        verbose_name_plural = _("teacher reflections")

    def __str__(self) -> str:
        return f"reflection on match {self.match_id}"
