"""A match: one offer's slots proposed for one request, its lifecycle, agreed dates and outcome."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taxonomy.kinds import Kind

from .listings import Offer, Request


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
            # The expiry sweep, and the "awaiting an answer" tabs, which page through a status in
            # order of expiry (the id breaks ties, so the walk needs no sort).
            models.Index(fields=["status", "expires_at", "id"], name="match_status_expires_id"),
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
