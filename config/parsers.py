"""The API's request parsers: bounded bodies, so hostile input gets a JSON 400/413 through the
one error handler (config/api.py) instead of a 500 or an HTML page. Kept apart from config/api.py
because DRF imports the parsers while `rest_framework.views` is still loading."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Whether parsed JSON nests deeper than ``limit`` (iteratively: no recursion to exhaust)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in node)
    return False


class BoundedJSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size limit (413, `API_MAX_BODY_BYTES`) and a nesting limit
    (400, `API_MAX_JSON_DEPTH`), so hostile bodies get a JSON answer instead of a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.API_MAX_BODY_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge(
                _("The request body is too large (at most %(kb)s kB).") % {"kb": limit // 1024}
            )
        too_deep = exceptions.ParseError(_("The JSON is nested too deeply."))
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if _depth_exceeds(data, settings.API_MAX_JSON_DEPTH):
            raise too_deep
        return data
