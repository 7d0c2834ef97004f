from __future__ import annotations

from django.urls import path

from accounts import privacy_views, team_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("profile/privacy/", privacy_views.privacy, name="privacy"),
    path("profile/privacy/export/", privacy_views.privacy_export, name="privacy_export"),
    path("profile/delete/", privacy_views.account_delete, name="account_delete"),
    path("language/", views.set_language, name="set_language"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/invitations/", views.invitation_create, name="invitation_create"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_id>/admin/",
        team_views.member_set_admin,
        name="member_set_admin",
    ),
    path("organisations/<int:pk>/leave/", team_views.organisation_leave, name="organisation_leave"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_id>/resend/",
        team_views.invitation_resend,
        name="invitation_resend",
    ),
    path("organisations/find/", team_views.organisation_search, name="organisation_search"),
    path("organisations/<int:pk>/join/", team_views.join_request_create, name="join_request_create"),
    path(
        "organisations/<int:pk>/join-requests/<int:join_request_id>/",
        team_views.join_request_decide,
        name="join_request_decide",
    ),
    path("organisations/switch/", team_views.organisation_switch, name="organisation_switch"),
    path("profile/tokens/", team_views.token_list, name="tokens"),
    path("profile/tokens/<int:token_id>/revoke/", team_views.token_revoke, name="token_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("coordinator/verification/", views.verification_queue, name="verification_queue"),
    path("coordinator/verification/<int:pk>/verify/", views.organisation_verify, name="organisation_verify"),
    path("coordinator/verification/<int:pk>/reject/", views.organisation_reject, name="organisation_reject"),
    path(
        "coordinator/verification/<int:pk>/identity/",
        views.organisation_identity_decide,
        name="organisation_identity_decide",
    ),
]
