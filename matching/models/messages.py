"""A match's conversation thread."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .matches import Match


class MatchMessage(models.Model):
    """One message in a match's conversation thread (DESIGN §5): the school's and the company's
    people talk about the practical details; the coordinators of the two provinces read and write.

    `side` is the role the author wrote in, stored at posting time, so the thread keeps saying
    "school" even after the author leaves that organisation or their account is deleted.
    """

    MAX_LENGTH = 5000

    class Side(models.TextChoices):
        SCHOOL = "school", _("school")
        COMPANY = "company", _("company")
        COORDINATOR = "coordinator", _("coordinator")

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="messages", verbose_name=_("match")
    )
    # SET_NULL: deleting a person keeps the conversation readable for the others.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    side = models.CharField(_("written as"), max_length=12, choices=Side)
    body = models.TextField(_("message"), validators=[MaxLengthValidator(MAX_LENGTH)])
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("match message")
        verbose_name_plural = _("match messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["match", "created_at"], name="match_message_match_created")]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.side} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def author_name(self) -> str:
        """The author's name, never their e-mail address: contact details stay hidden until the
        match is confirmed (DESIGN §5). Call it inside the reader's language."""
        if self.author is not None and self.author.name:
            return self.author.name
        return str(
            {
                self.Side.SCHOOL: _("Someone from the school"),
                self.Side.COMPANY: _("Someone from the company"),
                self.Side.COORDINATOR: _("A coordinator"),
            }.get(self.side, _("Someone"))
        )
