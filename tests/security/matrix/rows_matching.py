"""Offers and requests: browse, own lists, create, edit, publish, close, reopen, duplicate,
roll-over, take-over and SBB checks (web and API)."""

from __future__ import annotations

from matching.models import Match, Offer, Request
from tests.security.matrix.dsl import (
    COORDS,
    DELETE,
    GET,
    OOST_READERS,
    OPEN_OFFER,
    OPEN_REQUEST,
    PATCH,
    POST,
    PRIVATE_OFFER,
    PRIVATE_REQUEST,
    ROLES,
    SCHOOL,
    Ref,
    access,
    api,
    coordinator_object,
    coordinator_page,
    offer_body,
    request_body,
    row_of,
    web,
)

ROWS = {
    "matching:offer_browse": [
        GET("matching:offer_browse", web(200), shows={"teacher": ("Gastles Robotica Demcon",)}),
        GET("matching:offer_browse", web(200), query="q=Concept&kind=company_visit"),
    ],
    # People without a company are sent where they can act (their requests, or the dashboard).
    "matching:offer_mine": [
        GET("matching:offer_mine", web(302, hr=200), shows={"hr": ("Conceptaanbod Demcon",)}),
        GET("matching:offer_mine", web(302, hr=200), query="status=draft"),
    ],
    "matching:offer_create": [GET("matching:offer_create", web(302, hr=200))],
    "matching:offer_detail": [
        GET("matching:offer_detail", web(200), pk=Ref("offer")),
        GET(
            "matching:offer_detail",
            access(web, 200, write=PRIVATE_OFFER["read"] + ("hr",)),
            pk=Ref("draft_offer"),
        ),
        GET(
            "matching:offer_detail",
            access(web, 200, write=("coordinator_elsewhere", "platform_admin")),
            pk=Ref("far_draft_offer"),
        ),
    ],
    "matching:offer_edit": [
        GET("matching:offer_edit", access(web, 200, **PRIVATE_OFFER), pk=Ref("draft_offer")),
        GET("matching:offer_edit", access(web, 200, **OPEN_OFFER), pk=Ref("offer")),
        POST(
            "matching:offer_edit",
            access(web, 200, **OPEN_OFFER),
            {"title": "Gekaapt Aanbod"},
            keeps=row_of(Offer, "offer"),
            pk=Ref("offer"),
        ),
    ],
    "matching:offer_publish": [
        POST(
            "matching:offer_publish",
            access(web, 302, **PRIVATE_OFFER),
            keeps=row_of(Offer, "draft_offer"),
            pk=Ref("draft_offer"),
        )
    ],
    "matching:offer_close": [
        POST(
            "matching:offer_close",
            access(web, 302, **OPEN_OFFER),
            keeps=row_of(Offer, "offer"),
            pk=Ref("offer"),
        )
    ],
    "matching:offer_reopen": [
        POST(
            "matching:offer_reopen",
            access(web, 302, **PRIVATE_OFFER),
            keeps=row_of(Offer, "closed_offer"),
            pk=Ref("closed_offer"),
        )
    ],
    # Schools see each other's requests only through a coordinator.
    "matching:request_browse": [
        GET(
            "matching:request_browse",
            web(403, hr=200, **dict.fromkeys(COORDS, 200)),
            shows={"hr": ("Robotica Havo Vier",)},
        ),
        GET(
            "matching:request_browse", web(403, hr=200, **dict.fromkeys(COORDS, 200)), query="landsdeel=west"
        ),
    ],
    "matching:request_mine": [
        GET(
            "matching:request_mine",
            web(302, teacher=200, school_admin=200, other_member=200),
            shows={"teacher": ("Conceptaanvraag Zwolle",), "other_member": ("Lyceum Geheime Aanvraag",)},
        )
    ],
    "matching:request_create": [
        GET("matching:request_create", web(302, teacher=200, school_admin=200, other_member=200))
    ],
    "matching:request_detail": [
        GET(
            "matching:request_detail",
            access(web, 200, write=OPEN_REQUEST["read"] + SCHOOL),
            pk=Ref("request"),
        ),
        GET(
            "matching:request_detail",
            access(web, 200, write=PRIVATE_REQUEST["read"] + SCHOOL),
            pk=Ref("draft_request"),
        ),
        GET(
            "matching:request_detail",
            access(web, 200, write=("other_member", *OOST_READERS)),
            pk=Ref("other_draft_request"),
        ),
    ],
    "matching:request_edit": [
        GET("matching:request_edit", access(web, 200, **PRIVATE_REQUEST), pk=Ref("draft_request")),
        POST(
            "matching:request_edit",
            access(web, 200, **OPEN_REQUEST),
            {"title": "Gekaapte Aanvraag"},
            keeps=row_of(Request, "request"),
            pk=Ref("request"),
        ),
    ],
    "matching:request_publish": [
        POST(
            "matching:request_publish",
            access(web, 302, **PRIVATE_REQUEST),
            keeps=row_of(Request, "draft_request"),
            pk=Ref("draft_request"),
        )
    ],
    "matching:request_close": [
        POST(
            "matching:request_close",
            access(web, 302, **OPEN_REQUEST),
            keeps=row_of(Request, "request2"),
            pk=Ref("request2"),
        )
    ],
    "matching:request_reopen": [
        POST(
            "matching:request_reopen",
            access(web, 302, **PRIVATE_REQUEST),
            keeps=row_of(Request, "closed_request"),
            pk=Ref("closed_request"),
        )
    ],
    "matching:offer_duplicate": [
        POST(
            "matching:offer_duplicate",
            access(web, 302, **OPEN_OFFER),
            keeps=lambda s: Offer.objects.count(),
            pk=Ref("offer"),
        )
    ],
    "matching:request_duplicate": [
        POST(
            "matching:request_duplicate",
            access(web, 302, **OPEN_REQUEST),
            keeps=lambda s: Request.objects.count(),
            pk=Ref("request"),
        )
    ],
    "matching:rollover": [
        GET("matching:rollover", web(403, teacher=200, school_admin=200, hr=200, other_member=200))
    ],
    "matching:sbb_unchecked": [
        GET("matching:sbb_unchecked", coordinator_page(), shows={"coordinator": ("100200300",)})
    ],
    "matching:sbb_check": [
        POST(
            "matching:sbb_check",
            coordinator_object(302),
            keeps=row_of(Offer, "intern_offer"),
            pk=Ref("intern_offer"),
        )
    ],
    # Only the organisation's admins take over what a coordinator posted; the scenario's
    # listings were posted by their own people (a message, nothing changes).
    "matching:offer_take_over": [
        POST(
            "matching:offer_take_over",
            access(web, 302, **OPEN_OFFER),
            keeps=row_of(Offer, "offer"),
            keeps_for=ROLES,
            pk=Ref("offer"),
        )
    ],
    # A plain member (the teacher) may edit the request but not take it over: admins only.
    "matching:request_take_over": [
        POST(
            "matching:request_take_over",
            access(web, 302, write=("school_admin",), read=("teacher", *OPEN_REQUEST["read"])),
            keeps=row_of(Request, "request"),
            keeps_for=ROLES,
            pk=Ref("request"),
        )
    ],
    # Anonymous readers get the public catalogue's offers: open, verified, public fields.
    "api:offer-list": [
        GET(
            "api:offer-list",
            api(200, anonymous=200),
            shows={
                "hr": ("Conceptaanbod Demcon",),
                "teacher": ("Gastles Robotica Demcon",),
                "anonymous": ("Gastles Robotica Demcon",),
            },
        ),
        GET("api:offer-list", api(200, anonymous=200), query="status=draft"),
        GET("api:offer-list", api(200, anonymous=200), query=lambda s: f"organisation={s.far_company.pk}"),
        GET("api:offer-list", api(200, anonymous=200), query="q=robotica&near=Zwolle&ordering=distance"),
        GET("api:offer-list", api(400, anonymous=400), query="near=Atlantis"),
        # Creating for one's own organisation; schools cannot make offers; no organisation: 403.
        POST(
            "api:offer-list",
            api(400, hr=201, coordinator=403, coordinator_elsewhere=403, platform_admin=403),
            offer_body,
            keeps=lambda s: Offer.objects.count(),
        ),
    ],
    "api:offer-detail": [
        GET("api:offer-detail", api(200, anonymous=200), pk=Ref("offer")),
        GET(
            "api:offer-detail",
            access(api, 200, write=PRIVATE_OFFER["read"] + ("hr",)) | {"anonymous": 404},
            pk=Ref("draft_offer"),
        ),
        PATCH(
            "api:offer-detail",
            access(api, 200, **PRIVATE_OFFER),
            {"title": "Gekaapt Aanbod"},
            keeps=row_of(Offer, "draft_offer"),
            pk=Ref("draft_offer"),
        ),
        DELETE("api:offer-detail", api(405), keeps=row_of(Offer, "offer"), keeps_for=ROLES, pk=Ref("offer")),
    ],
    "api:offer-ask": [
        POST(
            "api:offer-ask",
            access(
                api, 201, write=SCHOOL, read=("hr", "coordinator", "coordinator_elsewhere", "platform_admin")
            ),
            lambda s: {"request": s.request2.pk},
            keeps=lambda s: Match.objects.count(),
            pk=Ref("offer"),
        ),
        POST(
            "api:offer-ask",
            api(403, teacher=404, school_admin=404, other_member=201),
            lambda s: {"request": s.other_request.pk},
            keeps=lambda s: Match.objects.count(),
            keeps_for=("teacher", "school_admin"),
            pk=Ref("offer"),
        ),
    ],
    "api:offer-close": [
        POST("api:offer-close", access(api, 200, **OPEN_OFFER), keeps=row_of(Offer, "offer"), pk=Ref("offer"))
    ],
    "api:offer-publish": [
        POST(
            "api:offer-publish",
            access(api, 200, **PRIVATE_OFFER),
            keeps=row_of(Offer, "draft_offer"),
            pk=Ref("draft_offer"),
        )
    ],
    "api:offer-reopen": [
        POST(
            "api:offer-reopen",
            access(api, 200, **PRIVATE_OFFER),
            keeps=row_of(Offer, "closed_offer"),
            pk=Ref("closed_offer"),
        )
    ],
    "api:request-list": [
        GET(
            "api:request-list",
            api(200),
            shows={"teacher": ("Conceptaanvraag Zwolle",), "hr": ("Robotica Havo Vier",)},
        ),
        GET("api:request-list", api(200), query="status=draft"),
        GET("api:request-list", api(200), query=lambda s: f"organisation={s.cast.other_school.pk}"),
        POST(
            "api:request-list",
            api(201, hr=400, coordinator=403, coordinator_elsewhere=403, platform_admin=403),
            request_body,
            keeps=lambda s: Request.objects.count(),
        ),
    ],
    "api:request-detail": [
        GET("api:request-detail", access(api, 200, write=OPEN_REQUEST["read"] + SCHOOL), pk=Ref("request")),
        GET(
            "api:request-detail",
            access(api, 200, write=PRIVATE_REQUEST["read"] + SCHOOL),
            pk=Ref("draft_request"),
        ),
        GET(
            "api:request-detail",
            access(api, 200, write=("other_member", "hr", *COORDS)),
            pk=Ref("other_request"),
        ),
        PATCH(
            "api:request-detail",
            access(api, 200, **PRIVATE_REQUEST),
            {"title": "Gekaapte Aanvraag"},
            keeps=row_of(Request, "draft_request"),
            pk=Ref("draft_request"),
        ),
    ],
    "api:request-close": [
        POST(
            "api:request-close",
            access(api, 200, **OPEN_REQUEST),
            keeps=row_of(Request, "request2"),
            pk=Ref("request2"),
        )
    ],
    "api:request-publish": [
        POST(
            "api:request-publish",
            access(api, 200, **PRIVATE_REQUEST),
            keeps=row_of(Request, "draft_request"),
            pk=Ref("draft_request"),
        )
    ],
    "api:request-reopen": [
        POST(
            "api:request-reopen",
            access(api, 200, **PRIVATE_REQUEST),
            keeps=row_of(Request, "closed_request"),
            pk=Ref("closed_request"),
        )
    ],
    "api:request-propose": [
        POST(
            "api:request-propose",
            access(
                api,
                201,
                write=("hr",),
                read=(*SCHOOL, "coordinator", "coordinator_elsewhere", "platform_admin"),
            ),
            lambda s: {"offer": s.offer.pk},
            keeps=lambda s: Match.objects.count(),
            pk=Ref("request2"),
        ),
        POST(
            "api:request-propose",
            api(403, other_member=404),
            lambda s: {"offer": s.far_offer.pk},
            keeps=lambda s: Match.objects.count(),
            keeps_for=ROLES,
            pk=Ref("request2"),
        ),
    ],
}
