"""The matching pages: offers and requests under the `matching` namespace, matches under
`matches` (both included at the site root by config/urls.py)."""

from __future__ import annotations

from django.urls import include, path

from matching.views import (
    copies,
    documents,
    listing_edit,
    listings,
    match_actions,
    matches,
    sbb,
    self_service,
)

listing_patterns = [
    path("offers/", listings.offer_browse, name="offer_browse"),
    path("offers/mine/", listings.offer_mine, name="offer_mine"),
    path("offers/new/", listing_edit.offer_create, name="offer_create"),
    path("offers/<int:pk>/", listings.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/edit/", listing_edit.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/publish/", listing_edit.offer_publish, name="offer_publish"),
    path("offers/<int:pk>/close/", listing_edit.offer_close, name="offer_close"),
    path("offers/<int:pk>/reopen/", listing_edit.offer_reopen, name="offer_reopen"),
    path("offers/<int:pk>/duplicate/", copies.offer_duplicate, name="offer_duplicate"),
    path("offers/sbb/", sbb.sbb_unchecked, name="sbb_unchecked"),
    path("offers/<int:pk>/sbb-checked/", sbb.sbb_check, name="sbb_check"),
    path("rollover/", copies.rollover, name="rollover"),
    path("offers/<int:pk>/take-over/", listing_edit.offer_take_over, name="offer_take_over"),
    path("requests/", listings.request_browse, name="request_browse"),
    path("requests/mine/", listings.request_mine, name="request_mine"),
    path("requests/new/", listing_edit.request_create, name="request_create"),
    path("requests/<int:pk>/", listings.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", listing_edit.request_edit, name="request_edit"),
    path("requests/<int:pk>/publish/", listing_edit.request_publish, name="request_publish"),
    path("requests/<int:pk>/close/", listing_edit.request_close, name="request_close"),
    path("requests/<int:pk>/reopen/", listing_edit.request_reopen, name="request_reopen"),
    path("requests/<int:pk>/duplicate/", copies.request_duplicate, name="request_duplicate"),
    path("requests/<int:pk>/take-over/", listing_edit.request_take_over, name="request_take_over"),
]

match_patterns = [
    path("matches/", matches.match_list, name="list"),
    path("matches/<int:pk>/", matches.match_detail, name="detail"),
    path("matches/<int:pk>/accept/", match_actions.match_accept, name="accept"),
    path("matches/<int:pk>/decline/", match_actions.match_decline, name="decline"),
    path("matches/<int:pk>/cancel/", match_actions.match_cancel, name="cancel"),
    path("matches/<int:pk>/outcome/", match_actions.match_outcome, name="outcome"),
    path("matches/took-place/<str:token>/", match_actions.match_outcome_link, name="outcome_link"),
    path("matches/<int:pk>/feedback/", match_actions.match_feedback, name="feedback"),
    path("matches/<int:pk>/calendar.ics", matches.match_calendar, name="calendar"),
    path("matches/<int:pk>/date/", match_actions.match_set_date, name="set_date"),
    path("matches/<int:pk>/messages/", matches.match_message_post, name="message_post"),
    path("matches/<int:pk>/attachments/", documents.attachment_upload, name="attachment_upload"),
    path(
        "matches/<int:pk>/attachments/<int:attachment_id>/",
        documents.attachment_download,
        name="attachment",
    ),
    path("matches/<int:pk>/placements/", documents.placement_add, name="placement_add"),
    path("matches/<int:pk>/reflection/", documents.reflection_post, name="reflection"),
    path("offers/<int:pk>/ask/", self_service.offer_ask, name="ask"),
    path("requests/<int:pk>/propose/", self_service.request_propose, name="propose"),
]

urlpatterns = [
    path("", include((match_patterns, "matches"))),
    path("", include((listing_patterns, "matching"))),
]
