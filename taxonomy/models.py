from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from taxonomy.holiday_names import HOLIDAY_NAMES


class SchoolHoliday(models.Model):
    """An admin's addition or correction to the committed holiday table (taxonomy/data/school_holidays.csv).

    A row with the same school year, holiday and region as a CSV row replaces it.
    """

    class Region(models.TextChoices):
        NOORD = "noord", _("North")
        MIDDEN = "midden", _("Middle")
        ZUID = "zuid", _("South")

    school_year = models.CharField(_("school year"), max_length=9, help_text=_("For example 2028-2029."))
    name = models.CharField(_("holiday"), max_length=30, choices=list(HOLIDAY_NAMES.items()))
    region = models.CharField(_("region"), max_length=6, choices=Region)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("school holiday")
        verbose_name_plural = _("school holidays")
        ordering = ["start", "region"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "name", "region"], name="school_holiday_unique"),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="school_holiday_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.school_year} ({self.region})"
