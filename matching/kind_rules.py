"""The two matching rules issue 18 adds (DESIGN §4), as plain predicates for the one rule table.

Pure Python, no Django: the rule table (and its vectorised form in the engine) can import them.
Fields that are absent impose nothing (DESIGN §4, last paragraph).

- `group_size`: when both are set, the request's group size (pupils) is at most the offer's
  largest group.  Offer field `max_group_size`, request field `group_size` (both int or None).
- `sbb`: when the request requires SBB recognition (`sbb_required`), the offer's company is
  recognised — it states an SBB leerbedrijf number (`sbb_number`, 9 digits) — for at least one
  of the request's crebo codes (`crebo`), i.e. they overlap the offer's recognised codes
  (`sbb_crebo`); when the request lists no crebo code, any recognition (a number) will do.
  The self-declared boolean `sbb_recognised` no longer counts.
"""

from __future__ import annotations

from collections.abc import Iterable


def group_size_fits(*, max_group_size: int | None, group_size: int | None) -> bool:
    return max_group_size is None or group_size is None or group_size <= max_group_size


def sbb_recognised_for(
    *, sbb_required: bool, request_crebo: Iterable[str], sbb_number: str | None, sbb_crebo: Iterable[str]
) -> bool:
    if not sbb_required:
        return True
    if not sbb_number:
        return False
    wanted = set(request_crebo or ())
    return not wanted or bool(wanted & set(sbb_crebo or ()))
