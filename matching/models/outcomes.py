"""What is recorded after a match's activity: feedback, internship placements, teacher reflections."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .matches import Match


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
