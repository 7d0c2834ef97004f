"""Structured logging: structlog for the application's bound loggers, and stdlib logging (Django,
Celery, libraries) rendered by the same processors, as JSON in production or plain console lines.

The one place that configures logging; every other module only asks for
`structlog.get_logger(__name__)`.
"""

from __future__ import annotations

from typing import Any

import structlog


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


def logging_config(*, level: str, json: bool) -> dict[str, Any]:
    """The LOGGING setting: one console handler whose formatter runs structlog's renderer."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processor": (
                    structlog.processors.JSONRenderer()
                    if json
                    # Plain tracebacks: rich's (with locals) took ~7 s per logged exception, which
                    # turned a Redis outage into 10 s requests in development and tests.
                    else structlog.dev.ConsoleRenderer(
                        colors=False, exception_formatter=structlog.dev.plain_traceback
                    )
                ),
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django_structlog": {"level": "WARNING"},
        },
    }
