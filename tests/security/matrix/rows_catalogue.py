"""The public catalogue, maps, saved searches and the calendar feed."""

from __future__ import annotations

from tests.security.matrix.dsl import GET, POST, Ref, coordinator_page, web

ROWS = {
    "catalogue:catalogue": [
        GET(
            "catalogue:catalogue", web(200, anonymous=200), shows={"anonymous": ("Gastles Robotica Demcon",)}
        ),
        GET("catalogue:catalogue", web(200, anonymous=200), query="q=robotica&near=Zwolle&within_km=50"),
        GET("catalogue:catalogue", web(400, anonymous=400), query="near=Atlantis"),
    ],
    "catalogue:map_data": [
        GET("catalogue:map_data", web(200, anonymous=200), shows={"anonymous": ("Gastles Robotica Demcon",)}),
    ],
    "catalogue:place_suggestions": [
        GET("catalogue:place_suggestions", web(200, anonymous=200), query="q=zwol")
    ],
    "catalogue:offer_detail": [
        GET("catalogue:offer_detail", web(200, anonymous=200), pk=Ref("offer")),
        GET("catalogue:offer_detail", web(404, anonymous=404), pk=Ref("draft_offer")),
        GET("catalogue:offer_detail", web(404, anonymous=404), pk=Ref("closed_offer")),
    ],
    "catalogue:organisation_detail": [
        GET("catalogue:organisation_detail", web(200, anonymous=200), pk=Ref("cast.company")),
        GET("catalogue:organisation_detail", web(200, anonymous=200), pk=Ref("cast.school")),
        GET("catalogue:organisation_detail", web(404, anonymous=404), pk=Ref("pending")),
    ],
    "catalogue:coverage_map": [GET("catalogue:coverage_map", coordinator_page(), scoped=True)],
    "catalogue:coverage_map_data": [
        GET(
            "catalogue:coverage_map_data",
            coordinator_page(),
            scoped=True,
            shows={"coordinator": ("Thomas a Kempis",), "coordinator_elsewhere": ("Rotterdamsch Gymnasium",)},
        )
    ],
    "catalogue:sitemap": [GET("catalogue:sitemap", web(200, anonymous=200))],
    "catalogue:robots": [GET("catalogue:robots", web(200, anonymous=200))],
    "catalogue:saved_search_list": [GET("catalogue:saved_search_list", web(200))],
    # Without criteria the search is refused (a message, back to the catalogue).
    "catalogue:saved_search_create": [
        POST("catalogue:saved_search_create", web(302), {"email_mode": "daily"})
    ],
    "catalogue:saved_search_delete": [POST("catalogue:saved_search_delete", web(404), pk=999999)],
    "catalogue:calendar_feed_create": [POST("catalogue:calendar_feed_create", web(302))],
    "catalogue:calendar_feed_revoke": [POST("catalogue:calendar_feed_revoke", web(302))],
    "catalogue:calendar_feed": [GET("catalogue:calendar_feed", web(404, anonymous=404), token="1-forged")],
}
