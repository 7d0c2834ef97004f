"""Notifications: the inbox, marking read, preferences (web and API)."""

from __future__ import annotations

from notifications.models import Notification
from tests.security.matrix.dsl import GET, NOTE, POST, ROLES, Ref, access, api, row_of, web

ROWS = {
    "notifications:inbox": [
        GET("notifications:inbox", web(200), shows={"teacher": ("Notitie Voor Docent",)})
    ],
    "notifications:mark_all_read": [
        POST(
            "notifications:mark_all_read",
            web(302),
            keeps=row_of(Notification, "teacher_note"),
            keeps_for=tuple(r for r in ROLES if r != "teacher"),
        )
    ],
    "notifications:preferences": [GET("notifications:preferences", web(200))],
    "notifications:mark_read": [
        POST(
            "notifications:mark_read",
            access(web, 302, **NOTE),
            keeps=row_of(Notification, "teacher_note"),
            pk=Ref("teacher_note"),
        )
    ],
    "api:notification-list": [
        GET("api:notification-list", api(200), shows={"teacher": ("Notitie Voor Docent",)})
    ],
    "api:notification-detail": [
        GET("api:notification-detail", access(api, 200, **NOTE), pk=Ref("teacher_note")),
    ],
    "api:notification-read": [
        POST(
            "api:notification-read",
            access(api, 200, **NOTE),
            keeps=row_of(Notification, "teacher_note"),
            pk=Ref("teacher_note"),
        )
    ],
    "api:notification-read-all": [
        POST(
            "api:notification-read-all",
            api(200),
            keeps=row_of(Notification, "teacher_note"),
            keeps_for=tuple(r for r in ROLES if r != "teacher"),
        )
    ],
}
