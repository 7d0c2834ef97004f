"""Alerts of saved searches: new listings checked against every saved search at once.

`alerts_check` takes a batch of listing ids and finds every (saved search, listing) pair that
matches in ONE query — kind, level and subject bits, province, the circle (haversine in SQL) and,
on PostgreSQL, the words (the search's stored prefix tsquery against the listing's
`search_vector`) — excluding pairs already reported (`SavedSearchHit`). New pairs are recorded
(unique per pair, so a listing is never reported twice to the same search) and each person is
told once per listing, in the "alerts" notification group: immediately or in the daily digest,
as their preferences say.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import partial

from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from catalogue.models import SavedSearch, SavedSearchHit
from matching.models import Offer, Request
from matching.selectors import offers_public

BATCH = 500

# The saved searches and the batch's listings are read once each (CTEs); the pairs are then a
# join of the two with cheap conditions first. On PostgreSQL each search's words are cast to a
# tsquery once per search, not once per pair.
_PAIRS_SQL = """
WITH s AS MATERIALIZED (
    SELECT id, user_id, text, kind, level_bit, subject_bit, province, latitude, longitude, within_km,
           created_at, {tsquery} AS tq
    FROM catalogue_savedsearch WHERE side = %s AND alerts
), l AS MATERIALIZED (
    SELECT l.id, l.kind, l.levels_mask, l.subjects_mask, l.published_at, {vector} AS vector,
           o.province, o.latitude, o.longitude
    FROM {table} l JOIN accounts_organisation o ON o.id = l.organisation_id
    WHERE l.id IN ({ids}) AND l.status = 'open' AND o.verified_at IS NOT NULL
)
SELECT s.id, s.user_id, s.text, l.id
FROM s JOIN l ON (s.kind = '' OR s.kind = l.kind)
WHERE l.published_at >= s.created_at
  AND (s.level_bit = 0 OR (l.levels_mask & s.level_bit) <> 0)
  AND (s.subject_bit = 0 OR (l.subjects_mask & s.subject_bit) <> 0 OR l.subjects_mask = 0)
  AND (s.province = '' OR s.province = l.province)
  AND (s.within_km IS NULL OR (
        l.latitude BETWEEN s.latitude - s.within_km / 111.0 - 0.01 AND s.latitude + s.within_km / 111.0 + 0.01
    AND 12742.0 * asin(sqrt(
          power(sin(radians(l.latitude - s.latitude) / 2), 2)
        + cos(radians(s.latitude)) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - s.longitude) / 2), 2)
        )) <= s.within_km))
  {text_condition}
  AND NOT EXISTS (SELECT 1 FROM catalogue_savedsearchhit h WHERE h.saved_search_id = s.id AND h.listing_id = l.id)
"""
_PG_TEXT = "AND (s.text = '' OR (s.tq IS NOT NULL AND l.vector @@ s.tq))"


def _words_match(text: str, listing: Offer | Request) -> bool:
    """The SQLite fallback of the words test: every word in title, description, name or place."""
    haystack = " ".join(
        (listing.title, listing.description, listing.organisation.name, listing.organisation.place)
    ).casefold()
    return all(word.casefold() in haystack for word in re.split(r"[\s\"'()&|!:*<>-]+", text) if word)


def _pairs(side: str, listing_ids: list[int]) -> list[tuple[int, int, str, int]]:
    model = Offer if side == SavedSearch.Side.OFFER else Request
    postgres = connection.vendor == "postgresql"
    sql = _PAIRS_SQL.format(
        table=model._meta.db_table,
        ids=", ".join(["%s"] * len(listing_ids)),
        tsquery="NULLIF(text_query, '')::tsquery" if postgres else "NULL",
        vector="l.search_vector" if postgres else "NULL",
        text_condition=_PG_TEXT if postgres else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [side, *listing_ids])
        return list(cursor.fetchall())


def alerts_check(*, side: str, listing_ids: Iterable[int]) -> int:
    """Report new listings to the saved searches they match; returns the pairs reported."""
    from notifications.services import notify

    ids = sorted({int(i) for i in listing_ids})
    reported = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        pairs = _pairs(side, batch)
        if not pairs:
            continue
        model = Offer if side == SavedSearch.Side.OFFER else Request
        rows = offers_public() if model is Offer else Request.objects.select_related("organisation")
        listings = rows.in_bulk([p[3] for p in pairs])
        if connection.vendor != "postgresql":
            pairs = [p for p in pairs if p[3] in listings and _words_match(p[2], listings[p[3]])]
        with transaction.atomic():
            created = SavedSearchHit.objects.bulk_create(
                [SavedSearchHit(saved_search_id=s_id, listing_id=l_id) for s_id, _u, _t, l_id in pairs],
                ignore_conflicts=True,
            )
            people: dict[int, set[int]] = defaultdict(set)
            for _s, user_id, _t, listing_id in pairs:
                people[listing_id].add(user_id)
            from accounts.models import User

            users = User.objects.in_bulk({u for group in people.values() for u in group})
            for listing_id, user_ids in people.items():
                listing = listings.get(listing_id)
                if listing is None:
                    continue
                link = (
                    reverse("catalogue:offer_detail", args=[listing.pk])
                    if model is Offer
                    else reverse("matching:request_detail", args=[listing.pk])
                )
                notify(
                    event="search.alert",
                    group="alerts",
                    recipients=[users[u] for u in user_ids if u in users],
                    title=partial(_alert_title, listing.title),
                    body=partial(_alert_body, listing.organisation.name, listing.organisation.place),
                    link=link,
                    object_type=side,
                    object_id=str(listing.pk),
                )
        reported += len(created)
    return reported


def _alert_title(title: str) -> str:
    return _("New for your saved search: %(title)s") % {"title": title}


def _alert_body(name: str, place: str) -> str:
    return _("%(organisation)s in %(place)s published something that matches your saved search.") % {
        "organisation": name,
        "place": place,
    }
