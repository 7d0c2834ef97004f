"""Beat entries of the notifications app, to be merged into CELERY_BEAT_SCHEDULE in settings.

CELERY_TIMEZONE is Europe/Amsterdam, so the crontab hour is Amsterdam time.
"""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    "notifications-sweep-every-minute": {
        "task": "notifications.tasks.sweep_task",
        "schedule": 60.0,
    },
    "notifications-daily-digest-at-0700": {
        "task": "notifications.tasks.daily_digest_task",
        "schedule": crontab(hour=7, minute=0),
    },
}
