"""Feedback in oversight: ratings and comments per company and school, low ratings and missing
feedback, each with a link to the match."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.access import coordinator_required, scope_provinces
from oversight.selectors import feedback as selectors


@coordinator_required
def feedback(request: HttpRequest) -> HttpResponse:
    provinces = scope_provinces(request.user)
    context = {
        "companies": selectors.feedback_per_organisation(provinces, about="company"),
        "schools": selectors.feedback_per_organisation(provinces, about="school"),
        "low": selectors.low_ratings(provinces),
        "missing": selectors.feedback_missing(provinces),
        "comments": selectors.recent_comments(provinces),
        "low_rating": selectors.LOW_RATING,
        "repeated_low": selectors.REPEATED_LOW,
    }
    return render(request, "oversight/feedback.html", context)
