"""Impact pages of schools and companies (namespace "impact"): /impact/ for one's own
organisation, /organisations/<id>/impact/ and its printable certificate."""

from __future__ import annotations

from django.urls import path

from oversight.views import impact as impact_views

app_name = "impact"

urlpatterns = [
    path("impact/", impact_views.impact_mine, name="mine"),
    path("organisations/<int:pk>/impact/", impact_views.impact_page, name="page"),
    path("organisations/<int:pk>/impact/certificate/", impact_views.impact_certificate, name="certificate"),
]
