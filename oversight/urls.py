"""Coordinator pages under /coordinator/ (namespace "oversight")."""

from __future__ import annotations

from django.urls import path  # noqa: F401

from oversight.views import acting as acting_views
from oversight.views import audit as audit_views
from oversight.views import conduct as conduct_views
from oversight.views import coverage as coverage_views
from oversight.views import dashboard as dashboard_views
from oversight.views import exports as export_views
from oversight.views import feedback as feedback_views
from oversight.views import imports as import_views
from oversight.views import placements as placement_views
from oversight.views import queue as queue_views

app_name = "oversight"

urlpatterns: list = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("monitor/", dashboard_views.monitor, name="monitor"),
    path("placements/<int:match_pk>/", placement_views.placement_record, name="placement_record"),
    path("conduct/", conduct_views.conduct_list, name="conduct_list"),
    path("conduct/new/", conduct_views.conduct_new, name="conduct_new"),
    path("conduct/mine/", conduct_views.conduct_mine, name="conduct_mine"),
    path("conduct/<int:pk>/", conduct_views.conduct_detail, name="conduct_detail"),
    path("feedback/", feedback_views.feedback, name="feedback"),
    path("exports/", export_views.exports, name="exports"),
    path("exports/<slug:dataset>.csv", export_views.export_download, name="export_download"),
    path("import/", import_views.import_organisations, name="import"),
    path("queue/", queue_views.queue, name="queue"),
    path("queue/run-now/", queue_views.run_now, name="run_now"),
    path("queue/<int:request_pk>/pick/", queue_views.pair_pick, name="pair_pick"),
    path("queue/<int:request_pk>/offers/<int:offer_pk>/", queue_views.pair, name="pair"),
    path("matches/<int:pk>/", queue_views.match_detail, name="match"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("organisations/<int:pk>/audit/", audit_views.organisation_audit, name="organisation_audit"),
    path("coverage/", coverage_views.coverage, name="coverage"),
    path("coverage/target/", coverage_views.coverage_target, name="coverage_target"),
    path("organisations/<int:pk>/act/", acting_views.act_for, name="act_for"),
    path("organisations/new/", acting_views.organisation_create_for, name="organisation_create_for"),
]
