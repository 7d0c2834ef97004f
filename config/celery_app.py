"""The Celery application. Settings live in config/settings.py under the CELERY_ namespace."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("techniekpact_match")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
