"""Impact pages of schools and companies under /impact/ (namespace "impact")."""

from __future__ import annotations

from django.urls import path

from oversight.views import impact as impact_views

app_name = "impact"

urlpatterns = [
    path("", impact_views.impact_mine, name="mine"),
    path("<int:pk>/", impact_views.impact_page, name="page"),
    path("<int:pk>/certificate/", impact_views.impact_certificate, name="certificate"),
]
