"""Signals other apps may listen to; matching never imports them (dependencies point one way)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after commit when an open offer or request appeared or changed: `sender` is the model
# (Offer or Request), `listing_id` its primary key. The catalogue checks it against saved searches.
listing_opened = Signal()
