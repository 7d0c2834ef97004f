from __future__ import annotations

from django.urls import path

from matching import document_views
from matching import match_views as views

app_name = "matches"

urlpatterns = [
    path("matches/", views.match_list, name="list"),
    path("matches/<int:pk>/", views.match_detail, name="detail"),
    path("matches/<int:pk>/accept/", views.match_accept, name="accept"),
    path("matches/<int:pk>/decline/", views.match_decline, name="decline"),
    path("matches/<int:pk>/cancel/", views.match_cancel, name="cancel"),
    path("matches/<int:pk>/outcome/", views.match_outcome, name="outcome"),
    path("matches/took-place/<str:token>/", views.match_outcome_link, name="outcome_link"),
    path("matches/<int:pk>/feedback/", views.match_feedback, name="feedback"),
    path("matches/<int:pk>/calendar.ics", views.match_calendar, name="calendar"),
    path("matches/<int:pk>/date/", views.match_set_date, name="set_date"),
    path("matches/<int:pk>/messages/", views.match_message_post, name="message_post"),
    path("matches/<int:pk>/attachments/", document_views.attachment_upload, name="attachment_upload"),
    path(
        "matches/<int:pk>/attachments/<int:attachment_id>/",
        document_views.attachment_download,
        name="attachment",
    ),
    path("matches/<int:pk>/placements/", document_views.placement_add, name="placement_add"),
    path("matches/<int:pk>/reflection/", document_views.reflection_post, name="reflection"),
    path("offers/<int:pk>/ask/", views.offer_ask, name="ask"),
    path("requests/<int:pk>/propose/", views.request_propose, name="propose"),
]
