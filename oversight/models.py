"""What only coordinators keep: coverage targets per province and conduct reports.

Everything else the oversight pages show is computed from accounts and matching rows; the audit
log lives in accounts (AuditEntry) because security events of every app are written to it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taxonomy.regions import Province


class CoverageTarget(models.Model):
    """The share of a province's schools the coordinators aim to reach this school year."""

    province = models.CharField(_("province"), max_length=20, choices=Province, unique=True)
    percent = models.PositiveSmallIntegerField(
        _("target (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("coverage target")
        verbose_name_plural = _("coverage targets")

    def __str__(self) -> str:
        return f"{self.get_province_display()}: {self.percent}%"


class ConductReport(models.Model):
    """A school's private report of improper conduct by a company (e.g. internship
    discrimination), seen only by the reporting school's people and the coordinators of the
    school's province — never by the company. Handling steps are written to the audit log."""

    class Category(models.TextChoices):
        DISCRIMINATION = "discrimination", _("Discrimination")
        SAFETY = "safety", _("Safety")
        INTIMIDATION = "intimidation", _("Intimidation or harassment")
        NO_SHOW = "no_show", _("Did not show up or keep agreements")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("Being handled")
        CLOSED = "closed", _("Closed")

    school = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="conduct_reports_made"
    )
    company = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="conduct_reports_received"
    )
    match = models.ForeignKey(
        "matching.Match", null=True, blank=True, on_delete=models.SET_NULL, related_name="conduct_reports"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The school's province at the time: it decides which coordinators handle it.
    province = models.CharField(_("province"), max_length=20, choices=Province)
    category = models.CharField(_("category"), max_length=20, choices=Category)
    description = models.TextField(_("what happened"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.OPEN)
    outcome = models.TextField(_("outcome"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["province", "status"], name="conduct_province_status")]
        verbose_name = _("conduct report")
        verbose_name_plural = _("conduct reports")

    def __str__(self) -> str:
        return f"{self.school} → {self.company} ({self.get_category_display()})"


class PlacementRecord(models.Model):
    """How many girls, boys and others (or unknown) fill the places of one internship match: the
    only figure about pupils the platform keeps (DESIGN §1), for the goal-9 monitor. Counts only,
    never names; the monitor suppresses small cells because a count on a one-place internship
    identifies a minor."""

    match = models.OneToOneField(
        "matching.Match", on_delete=models.CASCADE, related_name="placement_record", verbose_name=_("match")
    )
    girls = models.PositiveSmallIntegerField(_("girls"), default=0)
    boys = models.PositiveSmallIntegerField(_("boys"), default=0)
    other_or_unknown = models.PositiveSmallIntegerField(_("other or unknown"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("placement record")
        verbose_name_plural = _("placement records")

    def __str__(self) -> str:
        return f"match {self.match_id}: {self.girls}/{self.boys}/{self.other_or_unknown}"

    @property
    def total(self) -> int:
        return self.girls + self.boys + self.other_or_unknown
