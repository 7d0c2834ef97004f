"""The platform's own routes: health check, the Django admin's gate, the API's root and schema."""

from __future__ import annotations

from tests.security.matrix.dsl import GET, api, web

ROWS = {
    "healthz": [GET("healthz", web(200, anonymous=200))],
    "admin:index": [GET("admin:index", web(302, platform_admin=200, anonymous=302))],
    "api:api-root": [GET("api:api-root", api(200))],
    # The schema and its viewers are public: they describe the API, not its data.
    "api:schema": [GET("api:schema", api(200, anonymous=200))],
    "api:docs": [GET("api:docs", api(200, anonymous=200))],
    "api:redoc": [GET("api:redoc", api(200, anonymous=200))],
}
