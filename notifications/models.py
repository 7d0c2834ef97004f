"""The notification outbox: what someone was told (Notification), how it leaves (Delivery), and how
they want to hear about each group of events (Preference). Logic lives in services.py (who is
told what), delivery.py (sending) and inbox.py (marking read, preferences)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Group(models.TextChoices):
    PROPOSALS = "proposals", _("Proposals")
    MATCHES = "matches", _("Matches")
    REMINDERS = "reminders", _("Reminders")
    MESSAGES = "messages", _("Messages")
    DIGESTS = "digests", _("Digests")
    ALERTS = "alerts", _("Saved search alerts")
    ACCOUNT = "account", _("Account")


class Notification(models.Model):
    """One event told to one person, already rendered in their language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.SlugField(_("event"), max_length=64)
    group = models.CharField(_("group"), max_length=20, choices=Group)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # (event, object, recipient): the same event about the same object reaches a person once.
    dedupe_key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_recipient_unread"
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def calendar_match_id(self) -> str | None:
        """The match whose calendar invitation came with this notification (confirmed or moved;
        a moved date's object_id is "<match>:<n>"), for the inbox's .ics download."""
        if self.object_type == "match" and self.event in ("match.confirmed", "match.rescheduled"):
            return self.object_id.split(":")[0]
        return None


class Delivery(models.Model):
    """One outgoing message for a notification (the outbox row a task and the sweep act on)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    # Empty for a mail to an address without an account (an invitation): then to_email, subject
    # and language say where and how it goes.
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    to_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8, blank=True)
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.EMAIL)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    # Unique per (event, object, recipient, channel): also the source of the Message-ID.
    key = models.CharField(max_length=255, unique=True)
    digest = models.BooleanField(default=False, help_text=_("Sent in the daily digest, not on its own."))
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # What the e-mail needs beyond the notification, kept until it is sent.
    email_template = models.CharField(max_length=200, blank=True)
    context = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True, help_text="[{name, mimetype, content (base64)}]")

    class Meta:
        indexes = [models.Index(fields=["status", "retry_after"], name="delivery_status_retry")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class Preference(models.Model):
    """How a person wants e-mail for one group of events. No row means immediately."""

    class EmailMode(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately")
        DAILY = "daily", _("Daily digest")
        OFF = "off", _("Off")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    group = models.CharField(max_length=20, choices=Group)
    email_mode = models.CharField(max_length=12, choices=EmailMode, default=EmailMode.IMMEDIATELY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="preference_unique_user_group")]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.group}: {self.email_mode}"
