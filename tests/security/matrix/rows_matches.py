"""Matches: the match page and its answers, dates, thread, documents, placements, reflection,
self-service asks and proposals (web and API)."""

from __future__ import annotations

from matching.models import Attachment, Match, Placement, TeacherReflection
from tests.matching.helpers import LATER
from tests.security.matrix.dsl import (
    API_SIDES_ONLY,
    GET,
    MATCH,
    MIDDLE,
    OOST_READERS,
    POST,
    ROLES,
    SCHOOL,
    SIDES_ONLY,
    THREAD,
    Ref,
    access,
    api,
    messages_of,
    row_of,
    web,
)

ROWS = {
    "matches:list": [
        GET("matches:list", web(200), shows={"teacher": ("Demcon",), "hr": ("Thomas a Kempis",)}),
        GET("matches:list", web(200), query="tab=waiting"),
        GET("matches:list", web(200), query="tab=confirmed"),
        GET("matches:list", web(200), query="tab=past"),
    ],
    "matches:detail": [
        GET("matches:detail", access(web, 200, write=MATCH["write"] + MATCH["read"]), pk=Ref("proposed")),
        GET(
            "matches:detail",
            access(web, 200, write=("coordinator_elsewhere", "platform_admin")),
            pk=Ref("far_match"),
        ),
    ],
    "matches:accept": [
        POST("matches:accept", SIDES_ONLY, keeps=row_of(Match, "proposed"), pk=Ref("proposed"))
    ],
    "matches:decline": [
        POST(
            "matches:decline",
            SIDES_ONLY,
            {"reason": "Past niet"},
            keeps=row_of(Match, "proposed"),
            pk=Ref("proposed"),
        )
    ],
    "matches:cancel": [
        POST(
            "matches:cancel",
            SIDES_ONLY,
            {"reason": "Ziek"},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    # The activity lies ahead: a side is told it is too early (a message and a redirect).
    "matches:outcome": [
        POST(
            "matches:outcome",
            SIDES_ONLY,
            {"held": "yes"},
            keeps=row_of(Match, "confirmed"),
            keeps_for=ROLES,
            pk=Ref("confirmed"),
        )
    ],
    # The signed one-click answer needs no login; a forged link records nothing, for anyone.
    "matches:outcome_link": [
        GET("matches:outcome_link", web(400, anonymous=400), token="forged-token"),
        POST(
            "matches:outcome_link",
            web(400, anonymous=400),
            {"reason": "Niet gekomen"},
            keeps=row_of(Match, "confirmed"),
            keeps_for=ROLES,
            token="forged-token",
        ),
    ],
    "matches:feedback": [
        POST(
            "matches:feedback",
            SIDES_ONLY,
            {"rating": "4"},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    "matches:calendar": [
        GET("matches:calendar", access(web, 200, write=MATCH["write"] + MATCH["read"]), pk=Ref("confirmed"))
    ],
    "matches:set_date": [
        POST(
            "matches:set_date",
            SIDES_ONLY,
            lambda s: {"activity_date": MIDDLE.isoformat()},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    "matches:message_post": [
        POST(
            "matches:message_post",
            THREAD,
            {"body": "Ingebroken Bericht"},
            keeps=messages_of("proposed"),
            pk=Ref("proposed"),
        ),
        POST(
            "matches:message_post",
            access(web, 302, write=("coordinator_elsewhere", "platform_admin")),
            {"body": "Ingebroken Bericht"},
            keeps=messages_of("far_match"),
            pk=Ref("far_match"),
        ),
    ],
    # Self-service: a school asks an open offer for one of its own requests.
    "matches:ask": [
        POST(
            "matches:ask",
            access(
                web, 302, write=SCHOOL, read=("hr", "coordinator", "coordinator_elsewhere", "platform_admin")
            ),
            lambda s: {"counterpart": s.request2.pk},
            keeps=lambda s: list(Match.objects.values_list("pk")),
            pk=Ref("offer"),
        ),
        # Someone else's request as the counterpart: never theirs to ask with.
        POST(
            "matches:ask",
            web(403, teacher=404, school_admin=404, other_member=302),
            lambda s: {"counterpart": s.other_request.pk},
            keeps=lambda s: list(Match.objects.values_list("pk")),
            keeps_for=("teacher", "school_admin"),
            pk=Ref("offer"),
        ),
    ],
    "matches:propose": [
        POST(
            "matches:propose",
            access(
                web,
                302,
                write=("hr",),
                read=(*SCHOOL, "coordinator", "coordinator_elsewhere", "platform_admin"),
            ),
            lambda s: {"counterpart": s.offer.pk},
            keeps=lambda s: list(Match.objects.values_list("pk")),
            pk=Ref("request2"),
        ),
        # Another company's open offer as the counterpart: refused.
        POST(
            "matches:propose",
            web(403, other_member=404),
            lambda s: {"counterpart": s.far_offer.pk},
            keeps=lambda s: list(Match.objects.values_list("pk")),
            keeps_for=ROLES,
            pk=Ref("request2"),
        ),
    ],
    "matches:attachment": [
        GET(
            "matches:attachment",
            access(web, 200, write=MATCH["write"] + MATCH["read"]),
            pk=Ref("confirmed"),
            attachment_id=Ref("attachment"),
        )
    ],
    "matches:attachment_upload": [
        POST(
            "matches:attachment_upload",
            SIDES_ONLY,
            keeps=lambda s: list(Attachment.objects.values_list("pk", "name")),
            pk=Ref("confirmed"),
        )
    ],
    "matches:placement_add": [
        POST(
            "matches:placement_add",
            access(web, 302, write=SCHOOL, read=("hr", *OOST_READERS)),
            lambda s: {
                "label": "Leerling A",
                "starts_on": MIDDLE.isoformat(),
                "ends_on": LATER.isoformat(),
                "hours_per_week": "32",
            },
            keeps=lambda s: list(Placement.objects.values_list("pk")),
            keeps_for=("hr", *OOST_READERS, "other_member", "coordinator_elsewhere", "anonymous"),
            pk=Ref("confirmed"),
        )
    ],
    # An internship has no reflection: refused for everyone who may see the match.
    "matches:reflection": [
        POST(
            "matches:reflection",
            access(web, 403, write=(), read=(*MATCH["write"], *MATCH["read"])),
            {"text": "Ingebroken Reflectie"},
            keeps=lambda s: list(TeacherReflection.objects.values_list("pk")),
            pk=Ref("confirmed"),
        )
    ],
    "api:match-list": [
        GET(
            "api:match-list",
            api(200),
            shows={"teacher": ("Demcon",), "coordinator_elsewhere": ("Haagse Hoogbouw",)},
        ),
        GET("api:match-list", api(200), query="status=proposed"),
    ],
    "api:match-detail": [
        GET("api:match-detail", access(api, 200, write=MATCH["write"] + MATCH["read"]), pk=Ref("proposed")),
        GET(
            "api:match-detail",
            access(api, 200, write=("coordinator_elsewhere", "platform_admin")),
            pk=Ref("far_match"),
        ),
    ],
    "api:match-accept": [
        POST("api:match-accept", API_SIDES_ONLY, keeps=row_of(Match, "proposed"), pk=Ref("proposed"))
    ],
    "api:match-decline": [
        POST(
            "api:match-decline",
            API_SIDES_ONLY,
            {"reason": "Nee"},
            keeps=row_of(Match, "proposed"),
            pk=Ref("proposed"),
        )
    ],
    "api:match-cancel": [
        POST(
            "api:match-cancel",
            API_SIDES_ONLY,
            {"reason": "Ziek"},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    # The activity lies ahead: a side gets 400 (too_early), the others never get that far.
    "api:match-outcome": [
        POST(
            "api:match-outcome",
            access(api, 400, **MATCH),
            {"held": True},
            keeps=row_of(Match, "confirmed"),
            keeps_for=ROLES,
            pk=Ref("confirmed"),
        )
    ],
    "api:match-feedback": [
        POST(
            "api:match-feedback",
            access(api, 409, **MATCH),
            {"rating": 4},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    "api:match-schedule": [
        POST(
            "api:match-schedule",
            API_SIDES_ONLY,
            lambda s: {"activity_date": MIDDLE.isoformat()},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    "api:match-messages": [
        GET("api:match-messages", access(api, 200, write=MATCH["write"] + MATCH["read"]), pk=Ref("proposed")),
        POST(
            "api:match-messages",
            access(api, 201, write=(*SCHOOL, "hr", *OOST_READERS)),
            {"body": "Ingebroken Bericht"},
            keeps=messages_of("proposed"),
            pk=Ref("proposed"),
        ),
    ],
    "api:match-attachments": [
        GET(
            "api:match-attachments",
            access(api, 200, write=MATCH["write"] + MATCH["read"]),
            pk=Ref("confirmed"),
            shows={"hr": ("POK Demcon.pdf",)},
        ),
        # JSON instead of multipart: the sides are told so (415); the rest never get that far.
        POST(
            "api:match-attachments",
            access(api, 415, **MATCH),
            keeps=lambda s: list(Attachment.objects.values_list("pk")),
            pk=Ref("confirmed"),
        ),
    ],
    "api:match-placements": [
        GET(
            "api:match-placements",
            access(api, 200, write=MATCH["write"] + MATCH["read"]),
            pk=Ref("confirmed"),
        ),
        POST(
            "api:match-placements",
            access(api, 201, write=SCHOOL, read=("hr", *OOST_READERS)),
            lambda s: {
                "label": "Leerling B",
                "starts_on": MIDDLE.isoformat(),
                "ends_on": LATER.isoformat(),
                "hours_per_week": 32,
            },
            keeps=lambda s: list(Placement.objects.values_list("pk")),
            keeps_for=("hr", *OOST_READERS, "other_member", "coordinator_elsewhere", "anonymous"),
            pk=Ref("confirmed"),
        ),
    ],
}
