"""Oversight: the coordinators' pages, conduct reports, exports, the queue, audit, coverage,
impact pages and reports (web and API)."""

from __future__ import annotations

from accounts.models import Organisation
from matching.models import Match
from oversight.models import ConductReport, PlacementRecord
from tests.security.matrix.dsl import (
    GET,
    MATCH,
    POST,
    Ref,
    access,
    api,
    coordinator_object,
    coordinator_page,
    row_of,
    web,
)

ROWS = {
    "impact:mine": [GET("impact:mine", web(404, teacher=302, school_admin=302, hr=302, other_member=302))],
    "impact:page": [
        GET(
            "impact:page",
            web(403, teacher=200, school_admin=200, coordinator=200, platform_admin=200),
            pk=Ref("cast.school"),
        )
    ],
    "impact:certificate": [
        GET(
            "impact:certificate",
            web(403, hr=200, coordinator=200, platform_admin=200),
            pk=Ref("cast.company"),
        )
    ],
    "oversight:dashboard": [
        GET("oversight:dashboard", coordinator_page(), scoped=True),
        GET("oversight:dashboard", web(403, platform_admin=200), query="scope=zuidwest"),
    ],
    "oversight:monitor": [GET("oversight:monitor", coordinator_page(), scoped=True)],
    # Not coordinator-only: the people of the match record their students' gender.
    "oversight:placement_record": [
        GET(
            "oversight:placement_record",
            access(web, 200, write=MATCH["write"] + MATCH["read"]),
            match_pk=Ref("confirmed"),
        ),
        POST(
            "oversight:placement_record",
            access(web, 302, write=MATCH["write"] + MATCH["read"]),
            {"girls": "0", "boys": "1", "other_or_unknown": "0"},
            keeps=lambda s: list(PlacementRecord.objects.filter(match=s.confirmed).values()),
            match_pk=Ref("confirmed"),
        ),
        GET(
            "oversight:placement_record",
            access(web, 404, write=()),  # not an internship: 404 for everyone
            match_pk=Ref("proposed"),
        ),
    ],
    "oversight:conduct_list": [
        GET(
            "oversight:conduct_list",
            coordinator_page(),
            scoped=True,
            shows={"coordinator": ("Demcon",), "coordinator_elsewhere": ("Haagse Hoogbouw",)},
        )
    ],
    # The reporting pages are for school members; 404 for people without a school.
    "oversight:conduct_new": [
        GET("oversight:conduct_new", web(404, teacher=200, school_admin=200, other_member=200)),
        # Choosing a school one does not belong to: 404.
        GET(
            "oversight:conduct_new",
            web(404, teacher=200, school_admin=200),
            query=lambda s: f"school={s.cast.school.pk}",
        ),
        POST(
            "oversight:conduct_new",
            web(404, teacher=302, school_admin=302, other_member=302),
            lambda s: {
                "company": s.cast.company.pk,
                "category": "discrimination",
                "description": "Nieuwe Melding",
            },
        ),
        # Another school's match as the related match: the form refuses it (200 with errors).
        POST(
            "oversight:conduct_new",
            web(404, teacher=302, school_admin=302, other_member=200),
            lambda s: {
                "company": s.cast.company.pk,
                "match": s.confirmed.pk,
                "category": "discrimination",
                "description": "Nieuwe Melding",
            },
            keeps=lambda s: ConductReport.objects.count(),
            keeps_for=("other_member",),
        ),
    ],
    "oversight:conduct_mine": [
        GET(
            "oversight:conduct_mine",
            web(404, teacher=200, school_admin=200, other_member=200),
            shows={"teacher": ("Demcon",)},
        )
    ],
    "oversight:conduct_detail": [
        GET("oversight:conduct_detail", coordinator_object(), pk=Ref("report")),
        POST(
            "oversight:conduct_detail",
            coordinator_object(302),
            {"status": "in_progress", "outcome": ""},
            keeps=row_of(ConductReport, "report"),
            pk=Ref("report"),
        ),
    ],
    "oversight:feedback": [GET("oversight:feedback", coordinator_page(), scoped=True)],
    "oversight:exports": [
        GET("oversight:exports", coordinator_page(), scoped=True),
        # A province outside one's scope is not a valid filter.
        GET("oversight:exports", coordinator_page(), query="province=zuid-holland", scoped=True),
    ],
    "oversight:export_download": [
        GET(
            "oversight:export_download",
            coordinator_page(),
            dataset="requests",
            scoped=True,
            shows={
                "coordinator": ("Robotica Havo Vier",),
                "coordinator_elsewhere": ("Rotterdamse Aanvraag",),
            },
        ),
        GET(
            "oversight:export_download",
            coordinator_page(),
            dataset="offers",
            scoped=True,
            shows={
                "coordinator": ("Conceptaanbod Demcon",),
                "coordinator_elsewhere": ("Haags Geheim Aanbod",),
            },
        ),
        GET(
            "oversight:export_download",
            coordinator_page(),
            dataset="matches",
            scoped=True,
            shows={"coordinator": ("Robotica Havo Vier",)},
        ),
        GET(
            "oversight:export_download",
            coordinator_page(ok=200) | {"coordinator": 400},
            query="province=zuid-holland",
            dataset="requests",
            scoped=True,
        ),
        GET("oversight:export_download", coordinator_page(ok=404), dataset="users"),
    ],
    "oversight:import": [GET("oversight:import", coordinator_page())],
    "oversight:queue": [
        GET(
            "oversight:queue",
            coordinator_page(),
            scoped=True,
            shows={"coordinator": ("Tweede Aanvraag Zwolle",)},
        ),
        GET("oversight:queue", coordinator_page(), query="province=zuid-holland", scoped=True),
    ],
    "oversight:run_now": [POST("oversight:run_now", coordinator_page(ok=302))],
    "oversight:pair_pick": [
        GET(
            "oversight:pair_pick",
            coordinator_object(302),
            query=lambda s: f"offer={s.offer.pk}",
            request_pk=Ref("request2"),
        )
    ],
    "oversight:pair": [
        GET("oversight:pair", coordinator_object(), request_pk=Ref("request2"), offer_pk=Ref("offer")),
        # A draft offer of another province is not the coordinator's to see.
        GET(
            "oversight:pair",
            web(403, coordinator=404, coordinator_elsewhere=404, platform_admin=200),
            request_pk=Ref("request2"),
            offer_pk=Ref("far_draft_offer"),
        ),
        POST(
            "oversight:pair",
            coordinator_object(302),
            {"action": "block", "block-reason": "Geen goed idee"},
            keeps=lambda s: list(Match.objects.values_list("pk", "status")),
            request_pk=Ref("request2"),
            offer_pk=Ref("offer"),
        ),
    ],
    "oversight:match": [
        GET("oversight:match", coordinator_object(), pk=Ref("proposed")),
        POST(
            "oversight:match",
            coordinator_object(302),
            {"action": "cancel", "cancel-reason": "Dubbel"},
            keeps=row_of(Match, "proposed"),
            pk=Ref("proposed"),
        ),
    ],
    "oversight:audit": [
        GET(
            "oversight:audit",
            coordinator_page(),
            scoped=True,
            shows={"coordinator": ("Audit Zwolle",), "coordinator_elsewhere": ("Audit Rotterdam",)},
        ),
        GET("oversight:audit", coordinator_page(), query="organisation=Rotterdam", scoped=True),
    ],
    "oversight:organisation_audit": [
        GET("oversight:organisation_audit", coordinator_object(), pk=Ref("cast.school")),
    ],
    "oversight:coverage": [
        GET("oversight:coverage", coordinator_page(), scoped=True),
        GET("oversight:coverage", coordinator_page(), query="format=csv", scoped=True),
    ],
    "oversight:coverage_target": [
        POST(
            "oversight:coverage_target",
            coordinator_page(ok=302) | {"coordinator_elsewhere": 400},
            {"province": "overijssel", "percent": "40"},
        )
    ],
    "api:report_kpis": [
        GET("api:report_kpis", coordinator_page(api), scoped=True),
        # A region one does not cover completely: 403 (Zuidwest is Zuid-Holland and Zeeland).
        GET("api:report_kpis", api(403, platform_admin=200), query="scope=zuidwest"),
    ],
    "api:report_monitor": [GET("api:report_monitor", coordinator_page(api), scoped=True)],
    # Impact and own exports: members, coordinators of the province, platform admins;
    # everyone else 403 (an export by someone outside the organisation or region is refused).
    "api:organisation_impact": [
        GET(
            "api:organisation_impact",
            api(403, teacher=200, school_admin=200, coordinator=200, platform_admin=200),
            pk=Ref("cast.school"),
        ),
        GET(
            "api:organisation_impact",
            api(403, coordinator_elsewhere=200, platform_admin=200),
            pk=Ref("far_school"),
        ),
    ],
    "api:organisation_export": [
        GET(
            "api:organisation_export",
            api(403, teacher=200, school_admin=200, coordinator=200, platform_admin=200),
            query="format=xlsx",
            pk=Ref("cast.school"),
        ),
        GET(
            "api:organisation_export",
            api(403, hr=200, coordinator=200, platform_admin=200),
            query="format=csv",
            pk=Ref("cast.company"),
        ),
    ],
    # Everyone who may see the organisation reads its locations; its admins add them (bad: 400).
    # Coordinators of the organisation's province act for it; platform admins may look (200) but
    # coordinate no province, so their writes are refused (403); other provinces: 404.
    "oversight:act_for": [
        GET("oversight:act_for", coordinator_object(), pk=Ref("cast.school")),
        POST(
            "oversight:act_for",
            web(403, coordinator=302, coordinator_elsewhere=404),
            {"step": "contact", "note": "Gebeld"},
            keeps=row_of(Organisation, "cast.school"),
            pk=Ref("cast.school"),
        ),
    ],
    "oversight:organisation_create_for": [
        GET("oversight:organisation_create_for", coordinator_page()),
        # An incomplete form: back with errors; nothing is created.
        POST(
            "oversight:organisation_create_for",
            coordinator_page(ok=200),
            {"kind": "school", "name": "Nieuwe School"},
            keeps=lambda s: Organisation.objects.count(),
        ),
    ],
}
