from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taxonomy.kinds import Kind


class SavedSearch(models.Model):
    """A person's search (words, distance, filters) over offers or requests, with alerts of new
    listings that match it. The filters are stored as columns (bits for level and subject, the
    circle's centre and radius) so that new listings are checked against all saved searches in
    one set-based query (`catalogue.alerts`)."""

    class Side(models.TextChoices):
        OFFER = "offer", _("Offers")
        REQUEST = "request", _("Requests")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    side = models.CharField(_("what"), max_length=10, choices=Side, default=Side.OFFER)
    name = models.CharField(_("name"), max_length=200)
    text = models.CharField(_("words"), max_length=200, blank=True)
    # The words as a prefix tsquery (PostgreSQL only), computed once when saved.
    text_query = models.TextField(blank=True, editable=False)
    near = models.CharField(_("near"), max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    within_km = models.FloatField(_("within (km)"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, blank=True)
    level = models.CharField(_("level"), max_length=20, blank=True)
    level_bit = models.BigIntegerField(default=0, editable=False)
    subject = models.CharField(_("subject"), max_length=40, blank=True)
    subject_bit = models.BigIntegerField(default=0, editable=False)
    province = models.CharField(_("province"), max_length=20, blank=True)
    alerts = models.BooleanField(_("tell me about new matches"), default=True)
    query_string = models.CharField(max_length=1000, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["side", "alerts"], name="savedsearch_side_alerts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(within_km__isnull=True) | Q(within_km__gt=0, within_km__lte=300),
                name="savedsearch_within_km_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SavedSearchHit(models.Model):
    """A listing already reported to a saved search: never the same one twice."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    listing_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "listing_id"], name="savedsearchhit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id} → {self.listing_id}"


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret iCalendar feed link; revoking deletes the row, re-creating makes a new one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"

    @property
    def token(self) -> str:
        return f"{self.pk}-{self.secret}"
