"""API-wide error handling: every error is JSON with field messages, never an HTML page.

The one place where exceptions become API answers (`REST_FRAMEWORK["EXCEPTION_HANDLER"]`):
services raise Django's `ValidationError` (with a code), `PermissionDenied` or
`ObjectDoesNotExist`; views and viewsets do not catch them. Apps never import this module.
"""

from __future__ import annotations

from typing import Any

import structlog
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.parsers import RequestTooLarge

log = structlog.get_logger(__name__)

# Service error codes that mean "conflicts with the current state" (409) rather than bad input.
CONFLICT_CODES = frozenset({"state", "capacity", "duplicate", "expired"})


def _django_validation_detail(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                str(m) for e in errors for m in e.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _validation_response(exc: DjangoValidationError) -> Response:
    """400 with field messages; a refused pair lists its broken rules; state conflicts are 409.
    A single error with a code also names it (`"code": "expired"`), so clients can branch."""
    from matching.rules import RulesBroken  # config may import apps; lazily, as apps load late

    if isinstance(exc, RulesBroken):
        return Response({"rules": [rule.as_dict() for rule in exc.rules]}, status=status.HTTP_400_BAD_REQUEST)
    data = _django_validation_detail(exc)
    code = getattr(exc, "code", None)
    if code:
        data["code"] = code
    conflict = code in CONFLICT_CODES
    return Response(data, status=status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the services' errors (400/403/404/409), oversized bodies (413) and
    database trouble (409/503)."""
    if isinstance(exc, DjangoValidationError):
        return _validation_response(exc)
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, ObjectDoesNotExist) and not isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        # The service's reason ("You do not coordinate this province.") tells the caller what to do.
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, IntegrityError):
        log.warning("api.integrity_error", error=str(exc))
        return Response(
            {"detail": _("This change conflicts with another one. Reload and try again.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DatabaseError):
        log.error("api.database_error", error=str(exc))
        return Response(
            {"detail": _("The service is temporarily unavailable. Please try again shortly.")},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    return None


# --- OpenAPI: the error answers every operation can give --------------------------------------

_DETAIL = {"$ref": "#/components/schemas/ErrorDetail"}
_ERROR_COMPONENTS = {
    "ErrorDetail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrors": {
        "description": (
            'Messages per field ({"title": ["..."]}, list items by index), "non_field_errors" for '
            'rules that span fields, or "detail" for a body that is not JSON.'
        ),
        "oneOf": [
            {"type": "object", "additionalProperties": {}},
            {"type": "array", "items": {"type": "string"}},
        ],
    },
}


def _error(description: str, schema: dict[str, Any] = _DETAIL) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook: add the 4xx answers that the framework gives to every
    operation (authentication, permission, not found, validation, conflicts, throttling), so
    clients and contract tests (tests/security/test_api_fuzz.py) know them. Explicit
    `extend_schema(responses=…)` entries win."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(_ERROR_COMPONENTS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            parameters = {p.get("in") for p in operation.get("parameters", [])}
            names = {p.get("name") for p in operation.get("parameters", [])}
            extra = {
                "401": _error("Not signed in: send a valid token."),
                "403": _error("Signed in, but not allowed (coordinators also need two-factor)."),
                "429": _error("Too many requests; try again later."),
            }
            # Actions without a body validate too (publishing checks the whole item).
            if method != "get" or "query" in parameters:
                extra["400"] = _error(
                    "The input is not valid.", {"$ref": "#/components/schemas/ValidationErrors"}
                )
            if "path" in parameters or "page" in names:
                extra["404"] = _error("No such object, not yours to see, or no such page.")
            if method != "get":
                extra["413"] = _error("The request body is too large (JSON: at most 1 MB).")
                extra["409"] = _error(
                    "Conflicts with the current state, e.g. no free places left.",
                    {"$ref": "#/components/schemas/ValidationErrors"},
                )
            responses = operation.setdefault("responses", {})
            for code, response in extra.items():
                responses.setdefault(code, response)
    return result
