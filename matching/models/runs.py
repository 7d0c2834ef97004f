"""What the matcher works from: the durable queue of runs and the pairs a coordinator blocked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .listings import Offer, Request


class BlockedPair(models.Model):
    """A coordinator's decision that an offer and a request must never be matched."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="+")
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("blocked pair")
        verbose_name_plural = _("blocked pairs")
        constraints = [models.UniqueConstraint(fields=["offer", "request"], name="blocked_pair_unique")]

    def __str__(self) -> str:
        return f"{self.offer_id} ✕ {self.request_id}"


class MatchingRun(models.Model):
    """One matcher run for a landsdeel (or the whole country). The row is the durable queue entry:
    Redis may lose the task, the sweep re-enqueues pending rows (RELIABILITY §0.4)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Trigger(models.TextChoices):
        CHANGE = "change", _("offer or request changed")
        NIGHTLY = "nightly", _("nightly full run")
        MANUAL = "manual", _("run now")
        COMMAND = "command", _("management command")

    scope = models.CharField(_("landsdeel"), max_length=12, help_text=_("A landsdeel slug, or 'national'."))
    trigger = models.CharField(max_length=10, choices=Trigger, default=Trigger.CHANGE)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    not_before = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # {"offers": [ids], "requests": [ids]} for an incremental run about what changed; empty for a
    # run of the whole scope (nightly, manual, or when one was asked for while this was pending).
    targets = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "not_before"], name="run_status_not_before")]
        constraints = [
            # Debounce at the database: at most one pending run per scope.
            models.UniqueConstraint(
                fields=["scope"], condition=Q(status="pending"), name="run_one_pending_per_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.trigger} {self.status}"
