"""Documents attached to a match, stored under random names behind a permission-checked view."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .matches import Match


def _attachment_name(instance: Attachment, filename: str) -> str:
    # A random name: the uploader's file name never reaches the file system (DESIGN §3).
    return f"attachments/{uuid.uuid4().hex}"


class _AttachmentStorage(Storage):
    """STORAGES["attachments"], looked up at each use rather than when the models load: the
    storages are built from settings once, on first access, and model loading comes before a
    test or a probe can adjust STORAGES."""

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("__"):
            return object.__getattribute__(self, name)
        return getattr(storages["attachments"], name)


def attachment_storage() -> Storage:
    return _AttachmentStorage()


class Attachment(models.Model):
    """A document of an internship or teacher-internship match (the praktijkovereenkomst, …).
    Stored under a random name outside the static files, served by a permission-checked view."""

    class Type(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        ODT = "odt", "ODT"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=attachment_storage, upload_to=_attachment_name, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    type = models.CharField(_("type"), max_length=4, choices=Type)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
