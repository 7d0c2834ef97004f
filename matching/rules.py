"""The rule book, Django side: the messages of the engine's rule table and the per-pair check
for rows (DESIGN §4).

The rules themselves — codes, whether a coordinator may override them, the per-pair and the
vectorised forms — are one table in ``matching/engine/rules.py`` (no Django there). This module
adds what needs Django: a translatable message per code (:data:`MESSAGES`), the facts of a pair
of rows (pair history: declined, blocked, live), and the checks that self-service, coordinator
matches, the queue's "why not" and the explanation use. Nothing else decides feasibility.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from matching import engine
from matching.matcher.load import pair_items, reached_schools
from matching.models import BlockedPair, Match, Offer, Request

MESSAGES: dict[str, Promise] = {
    "kind": _("The offer is of another kind than the request."),
    "levels": _("The education levels do not overlap."),
    "subjects": _("The subjects do not overlap."),
    "distance": _("The company is farther away than the travel distance allowed."),
    "dates": _("The two periods share no weekday from tomorrow on."),
    "status": _("The offer and the request must both be open."),
    "verified": _("Both organisations must be verified."),
    "declined": _("This pair was declined before."),
    "blocked": _("A coordinator has blocked this pair."),
    "live": _("This pair already has a live match."),
    "crebo": _("The crebo qualifications do not overlap."),
    "vog": _("The request requires a VOG, and the offer has none valid on the first wanted day."),
    "contract_type": _("The internship is BOL and the request BBL, or the other way round."),
    "group_size": _("The group is larger than the largest group the offer takes."),
    "sbb": _(
        "The request requires SBB recognition, and the company is not recognised as a leerbedrijf "
        "for any of the requested crebo qualifications."
    ),
    "capacity": _("The offer or the request has not that many free places left."),
}
DATES_IN_THE_PAST = _("The dates lie in the past: that cannot be overridden.")


@dataclass(frozen=True)
class Broken:
    """One broken rule: its code and its message (in the active language when read)."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class RulesBroken(ValidationError):
    """A pair breaks rules; ``rules`` lists every one of them (the API answers 400 with them)."""

    def __init__(self, rules: list[Broken]) -> None:
        self.rules = rules
        super().__init__([rule.message for rule in rules], code="rules")


def pair_history(offer: Offer, request: Request) -> set[str]:
    """The pair-history rule codes that hold against this pair: declined, blocked, live."""
    found = set()
    if BlockedPair.objects.filter(offer=offer, request=request).exists():
        found.add("blocked")
    statuses = set(Match.objects.filter(offer=offer, request=request).values_list("status", flat=True))
    if Match.Status.DECLINED in statuses:
        found.add("declined")
    if statuses & set(Match.LIVE):
        found.add("live")
    return found


def pair_check(*, offer: Offer, request: Request, slots: int = 1, today: date | None = None) -> list[Broken]:
    """Every rule the pair of rows breaks now, in table order (empty list = feasible)."""
    today = today or timezone.localdate()
    e_offer, e_request = pair_items(offer, request)
    history = pair_history(offer, request)
    codes = engine.broken_rules(
        e_offer, e_request, today=today, excluded={(e_offer.id, e_request.id): history}, slots=slots
    )
    broken = [Broken(code, str(MESSAGES[code])) for code in codes]
    if "dates" in codes and not engine.dates_override_allowed(e_offer, e_request, today):
        broken = [Broken("dates", str(DATES_IN_THE_PAST)) if b.code == "dates" else b for b in broken]
    return broken


def overridable(broken: Broken, *, offer: Offer, request: Request, today: date | None = None) -> bool:
    """A coordinator may override this broken rule (with a reason): subjects, distance, and the
    date windows — never a pair whose dates lie in the past."""
    if broken.code not in engine.OVERRIDABLE:
        return False
    if broken.code == "dates":
        e_offer, e_request = pair_items(offer, request)
        return engine.dates_override_allowed(e_offer, e_request, today or timezone.localdate())
    return True


def pair_require(
    *, offer: Offer, request: Request, slots: int, overrides: frozenset[str] = frozenset()
) -> list[str]:
    """Refuse the pair (:class:`RulesBroken`, listing every broken rule) unless each broken rule is
    among ``overrides`` and may be overridden. Returns the codes overridden."""
    broken = pair_check(offer=offer, request=request, slots=slots)
    refused = [
        b for b in broken if b.code not in overrides or not overridable(b, offer=offer, request=request)
    ]
    if refused:
        raise RulesBroken(broken)
    return [b.code for b in broken]


def pair_explanation(
    *, offer: Offer, request: Request, overridden: Sequence[str] = (), today: date | None = None
) -> tuple[float, dict[str, Any]]:
    """Score and "why this match" for one pair, from the same facts the rules read; a proposal
    made despite rules a coordinator overrode names them (``rules_overridden``)."""
    today = today or timezone.localdate()
    e_offer, e_request = pair_items(offer, request)
    reached = str(request.organisation_id) in reached_schools({request.organisation_id}, today)
    explanation = engine.explain(e_offer, e_request, today=today, school_reached=reached)
    if overridden:
        explanation["rules_overridden"] = list(overridden)
    return explanation["score"], explanation


def rule_table() -> list[dict[str, Any]]:
    """The table as data (code, message, overridable), for documentation and tests."""
    return [
        {"code": rule.code, "message": str(MESSAGES[rule.code]), "overridable": rule.overridable}
        for rule in engine.RULES
    ]
