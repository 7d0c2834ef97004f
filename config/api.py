"""API-wide error handling: every error is JSON with field messages, never an HTML page."""

from __future__ import annotations

from typing import Any

import structlog
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = structlog.get_logger(__name__)


def _django_validation_detail(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                str(m) for e in errors for m in e.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus service-level validation errors (400) and database trouble (409/503)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_detail(exc))
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
