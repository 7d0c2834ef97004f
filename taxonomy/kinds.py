"""The four kinds of activity (DESIGN §3). An offer matches only a request of the same kind."""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Kind(TextChoices):
    GUEST_LESSON = "guest_lesson", _("Guest lesson")
    COMPANY_VISIT = "company_visit", _("Company visit")
    INTERNSHIP = "internship", _("Internship place")
    TEACHER_INTERNSHIP = "teacher_internship", _("Teacher internship")


KIND_DESCRIPTIONS = {
    Kind.GUEST_LESSON: _("Someone from the company teaches a lesson at the school, or online."),
    Kind.COMPANY_VISIT: _("A class visits the company."),
    Kind.INTERNSHIP: _("An internship place (BOL or BBL) for vmbo, mbo or hbo students."),
    Kind.TEACHER_INTERNSHIP: _("A teacher spends days in the company (docentstage)."),
}
