"""Plain data containers of the matching engine (no Django).

The caller (the Django services, the benchmarks, the tests) describes a run with two lists of
frozen dataclasses, :class:`~matching.engine.items.Offer` and ``Request`` (``items.py``), plus three run-wide facts: the pairs that
must never be proposed (declined, blocked by a coordinator, or already live), the schools that
were already reached this school year, and "today". :func:`build_problem` turns them into a
:class:`Problem`: the same lists plus a column store of numpy arrays (one row per offer or
request) that the vectorised candidate generator and the solver work on.

Column conventions (all arrays have one row per offer / request, in the order of the input lists):

* sets of codes (levels, subjects, crebo) become bit masks over a vocabulary built from the codes
  present in this problem (no hard-coded lists): a 2-D array ``(n, words)``; the dtype is the
  smallest unsigned integer that holds the vocabulary (uint8/16/32), or uint64 words beyond 32
  codes, so any number of distinct codes works;
* dates are proleptic-Gregorian ordinals (``date.toordinal()``) in int32;
* a missing distance limit is ``+inf``;
* kinds are small integer codes (``Problem.kinds`` maps them back).

Capacity semantics: ``Offer.capacity_left`` and ``Request.slots_left`` are what is still free
after proposed and confirmed matches; the engine never touches existing matches (DESIGN §4).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .items import CONTRACT_BITS, CONTRACT_KINDS, CREBO_KINDS, VOG_VALID_YEARS, Offer, Request, add_years


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Codes → bit positions for one kind of code set (levels, subjects or crebo)."""

    codes: tuple[str, ...]
    dtype: np.dtype
    words: int

    @classmethod
    def of(cls, sets: Iterable[frozenset[str]]) -> Vocabulary:
        codes = tuple(sorted(set().union(*sets)))
        n = len(codes)
        if n <= 8:
            return cls(codes, np.dtype(np.uint8), 1)
        if n <= 16:
            return cls(codes, np.dtype(np.uint16), 1)
        if n <= 32:
            return cls(codes, np.dtype(np.uint32), 1)
        return cls(codes, np.dtype(np.uint64), math.ceil(n / 64))

    def masks(self, sets: Sequence[frozenset[str]]) -> np.ndarray:
        """``(len(sets), words)`` array of bit masks; identical sets are encoded once."""
        bit = {code: i for i, code in enumerate(self.codes)}
        cache: dict[frozenset[str], int] = {}
        ints: list[int] = []
        for s in sets:
            m = cache.get(s)
            if m is None:
                m = 0
                for code in s:
                    m |= 1 << bit[code]
                cache[s] = m
            ints.append(m)
        out = np.zeros((len(sets), self.words), dtype=self.dtype)
        full = (1 << 64) - 1
        for w in range(self.words):
            out[:, w] = np.fromiter(((m >> (64 * w)) & full for m in ints), dtype=self.dtype, count=len(ints))
        return out


@dataclass(slots=True)
class Problem:
    """One matching run: the inputs plus their column store (see the module docstring)."""

    offers: list[Offer]
    requests: list[Request]
    today: date
    kinds: tuple[str, ...]
    schools: tuple[str, ...]
    school_reached: np.ndarray  # bool per school
    excluded_keys: np.ndarray  # sorted int64 keys offer_index * n_requests + request_index
    excluded_bits: np.ndarray  # uint8 per key: which of EXCLUSION_BITS (declined, blocked, live)
    level_vocab: Vocabulary
    subject_vocab: Vocabulary
    crebo_vocab: Vocabulary
    # offer columns
    o_kind: np.ndarray
    o_levels: np.ndarray
    o_subjects: np.ndarray
    o_crebo: np.ndarray
    o_capacity: np.ndarray  # int64
    o_limit: np.ndarray  # float64 km, inf = no limit
    o_online: np.ndarray
    o_from: np.ndarray  # int32 ordinals
    o_until: np.ndarray
    o_lat: np.ndarray  # float64 degrees
    o_lon: np.ndarray
    o_vog_from: np.ndarray  # int32 ordinal of the VOG date (max int when none)
    o_vog_until: np.ndarray  # last day the VOG is valid (min int when none)
    o_contract: np.ndarray  # int8 CONTRACT_BITS (0 unless an internship)
    o_first: np.ndarray  # int32 first weekday from tomorrow on inside the window; max int when none
    o_open: np.ndarray  # bool: the offer is open
    o_verified: np.ndarray  # bool: its company is verified
    o_group: np.ndarray  # int64 largest group (max int when not stated)
    o_sbb: np.ndarray  # bool: states an SBB leerbedrijf number
    o_sbb_crebo: np.ndarray  # crebo codes SBB recognises it for (crebo vocabulary)
    # request columns
    r_kind: np.ndarray
    r_levels: np.ndarray
    r_subjects: np.ndarray
    r_crebo: np.ndarray
    r_slots: np.ndarray  # int64
    r_limit: np.ndarray
    r_online_ok: np.ndarray
    r_from: np.ndarray
    r_until: np.ndarray
    r_lat: np.ndarray
    r_lon: np.ndarray
    r_vog_required: np.ndarray
    r_contract: np.ndarray
    r_first: np.ndarray
    r_open: np.ndarray
    r_verified: np.ndarray
    r_group: np.ndarray  # int64 group size (min int when not stated)
    r_sbb_required: np.ndarray  # bool
    r_sbb_crebo: np.ndarray  # crebo codes the recognition must cover (empty unless SBB is required)
    r_school: np.ndarray  # int32 index into ``schools``
    r_rank: np.ndarray  # int32 creation rank: 0 = earliest
    _offer_index: dict[str, int] = field(default_factory=dict)
    _request_index: dict[str, int] = field(default_factory=dict)

    @property
    def n_offers(self) -> int:
        return len(self.offers)

    @property
    def n_requests(self) -> int:
        return len(self.requests)

    def offer_index(self, offer_id: str) -> int:
        if not self._offer_index:
            self._offer_index.update((o.id, i) for i, o in enumerate(self.offers))
        return self._offer_index[offer_id]

    def request_index(self, request_id: str) -> int:
        if not self._request_index:
            self._request_index.update((r.id, i) for i, r in enumerate(self.requests))
        return self._request_index[request_id]

    def is_excluded(self, offer_index: np.ndarray, request_index: np.ndarray) -> np.ndarray:
        """Vectorised lookup: which of these (offer, request) index pairs must never be proposed."""
        return self.exclusion_bits(offer_index, request_index) != 0

    def exclusion_bits(self, offer_index: np.ndarray, request_index: np.ndarray) -> np.ndarray:
        """Vectorised lookup of the EXCLUSION_BITS of these (offer, request) index pairs (0 = none)."""
        offer_index, request_index = np.broadcast_arrays(offer_index, request_index)
        if self.excluded_keys.size == 0:
            return np.zeros(np.shape(offer_index), dtype=np.uint8)
        keys = offer_index.astype(np.int64) * self.n_requests + request_index
        pos = np.searchsorted(self.excluded_keys, keys)
        pos[pos == self.excluded_keys.size] = 0
        return np.where(self.excluded_keys[pos] == keys, self.excluded_bits[pos], 0).astype(np.uint8)


_INT32_MAX = np.iinfo(np.int32).max
_INT32_MIN = np.iinfo(np.int32).min
_INT64_MAX = int(np.iinfo(np.int64).max)
_INT64_MIN = int(np.iinfo(np.int64).min)

# Why a pair must never be proposed (the rule codes of the pair-history rules). A matcher run
# also passes pairs that had a match before (expired, cancelled, completed) as "never again":
# that is the matcher's own policy, not a rule, so those pairs carry the REPEAT bit only.
EXCLUSION_BITS: dict[str, int] = {"declined": 1, "blocked": 2, "live": 4, "repeat": 8}


def first_weekday(ordinals: np.ndarray) -> np.ndarray:
    """The first Monday–Friday on or after each date ordinal (ordinal 1 is a Monday)."""
    weekday = (ordinals - 1) % 7
    return ordinals + np.where(weekday >= 5, 7 - weekday, 0).astype(ordinals.dtype)


def exclusion_codes(excluded: object) -> dict[tuple[str, str], frozenset[str]]:
    """``excluded`` as {pair: codes}: a mapping is taken as it is; plain pairs are "repeat"."""
    if isinstance(excluded, Mapping):
        return {
            pair: frozenset((codes,) if isinstance(codes, str) else codes) for pair, codes in excluded.items()
        }
    return {pair: frozenset({"blocked"}) for pair in excluded}  # type: ignore[attr-defined]


def build_problem(
    offers: Sequence[Offer],
    requests: Sequence[Request],
    *,
    today: date,
    excluded: Iterable[tuple[str, str]] | Mapping[tuple[str, str], Iterable[str]] = (),
    reached_schools: Iterable[str] = (),
) -> Problem:
    """Build a :class:`Problem` from lists; linear time, ~1 s for the national scale.

    ``excluded`` holds (offer_id, request_id) pairs never to propose: a mapping to the rule codes
    that exclude them (``declined``, ``blocked``, ``live``, or ``repeat``: had a match before,
    which only the matcher avoids), or plain pairs (read as ``blocked``); pairs naming an offer
    or request not in the lists are ignored. ``reached_schools`` are school
    org_ids with a proposed, confirmed or completed activity this school year: they earn no
    reach bonus (DESIGN §4 (a)).

    Callers pass remaining capacities. ``today`` decides the ``dates`` rule: only weekdays from
    tomorrow on count.
    Requests' ``created`` values must be mutually comparable (all ints, or all datetimes).
    """
    offers = list(offers)
    requests = list(requests)
    kinds = tuple(sorted({o.kind for o in offers} | {r.kind for r in requests}))
    kind_code = {k: i for i, k in enumerate(kinds)}
    level_vocab = Vocabulary.of([o.levels for o in offers] + [r.levels for r in requests])
    subject_vocab = Vocabulary.of([o.subjects for o in offers] + [r.subjects for r in requests])
    # Crebo codes and BOL/BBL matter for internships only: other kinds carry none into the columns.
    o_crebo = [o.crebo if o.kind in CREBO_KINDS else frozenset() for o in offers]
    r_crebo = [r.crebo if r.kind in CREBO_KINDS else frozenset() for r in requests]
    # The sbb rule reads the request's crebo codes (when it requires recognition) against the
    # offer's recognised codes: one vocabulary for all crebo sets, so the overlap is a mask AND.
    o_sbb_crebo = [o.sbb_crebo for o in offers]
    r_sbb_crebo = [r.crebo if r.sbb_required else frozenset() for r in requests]
    crebo_vocab = Vocabulary.of(o_crebo + r_crebo + o_sbb_crebo + r_sbb_crebo)

    school_ids: dict[str, int] = {}
    for r in requests:
        school_ids.setdefault(r.org_id, len(school_ids))
    reached = set(reached_schools)
    schools = tuple(school_ids)

    n_o = len(offers)

    def col(values: Iterable[object], dtype: type | np.dtype, count: int) -> np.ndarray:
        return np.fromiter(values, dtype=dtype, count=count)

    def limit(value: float | None) -> float:
        return math.inf if value is None else float(value)

    o_vog_from = col((o.vog_date.toordinal() if o.vog_date else _INT32_MAX for o in offers), np.int32, n_o)
    o_vog_until = col(
        (add_years(o.vog_date, VOG_VALID_YEARS).toordinal() if o.vog_date else _INT32_MIN for o in offers),
        np.int32,
        n_o,
    )

    n_r = len(requests)
    tomorrow = np.int32(today.toordinal() + 1)
    o_from = col((o.available_from.toordinal() for o in offers), np.int32, n_o)
    o_until = col((o.available_until.toordinal() for o in offers), np.int32, n_o)
    r_from = col((r.wanted_from.toordinal() for r in requests), np.int32, n_r)
    r_until = col((r.wanted_until.toordinal() for r in requests), np.int32, n_r)
    # Creation rank: a stable sort keeps list order for equal (or incomparable-free equal) keys.
    order = sorted(range(n_r), key=lambda i: requests[i].created)  # type: ignore[arg-type, return-value]
    rank = np.empty(n_r, dtype=np.int32)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(n_r, dtype=np.int32)

    problem = Problem(
        offers=offers,
        requests=requests,
        today=today,
        kinds=kinds,
        schools=schools,
        school_reached=np.fromiter((s in reached for s in schools), dtype=bool, count=len(schools)),
        excluded_keys=np.empty(0, dtype=np.int64),
        excluded_bits=np.empty(0, dtype=np.uint8),
        level_vocab=level_vocab,
        subject_vocab=subject_vocab,
        crebo_vocab=crebo_vocab,
        o_kind=col((kind_code[o.kind] for o in offers), np.int8, n_o),
        o_levels=level_vocab.masks([o.levels for o in offers]),
        o_subjects=subject_vocab.masks([o.subjects for o in offers]),
        o_crebo=crebo_vocab.masks(o_crebo),
        o_capacity=col((max(0, o.capacity_left) for o in offers), np.int64, n_o),
        o_limit=col((limit(o.max_travel_km) for o in offers), np.float64, n_o),
        o_online=col((bool(o.online) for o in offers), bool, n_o),
        o_from=o_from,
        o_until=o_until,
        o_lat=col((o.lat for o in offers), np.float64, n_o),
        o_lon=col((o.lon for o in offers), np.float64, n_o),
        o_vog_from=o_vog_from,
        o_vog_until=o_vog_until,
        o_contract=col((_contract(o) for o in offers), np.int8, n_o),
        o_first=_first_day(o_from, o_until, tomorrow),
        o_open=col((bool(o.is_open) for o in offers), bool, n_o),
        o_verified=col((bool(o.verified) for o in offers), bool, n_o),
        o_group=col(
            (_INT64_MAX if o.max_group_size is None else o.max_group_size for o in offers), np.int64, n_o
        ),
        o_sbb=col((bool(o.sbb_number) for o in offers), bool, n_o),
        o_sbb_crebo=crebo_vocab.masks(o_sbb_crebo),
        r_kind=col((kind_code[r.kind] for r in requests), np.int8, n_r),
        r_levels=level_vocab.masks([r.levels for r in requests]),
        r_subjects=subject_vocab.masks([r.subjects for r in requests]),
        r_crebo=crebo_vocab.masks(r_crebo),
        r_slots=col((max(0, r.slots_left) for r in requests), np.int64, n_r),
        r_limit=col((limit(r.max_travel_km) for r in requests), np.float64, n_r),
        r_online_ok=col((bool(r.online_ok) for r in requests), bool, n_r),
        r_from=r_from,
        r_until=r_until,
        r_lat=col((r.lat for r in requests), np.float64, n_r),
        r_lon=col((r.lon for r in requests), np.float64, n_r),
        r_vog_required=col((bool(r.vog_required) for r in requests), bool, n_r),
        r_contract=col((_contract(r) for r in requests), np.int8, n_r),
        r_first=_first_day(r_from, r_until, tomorrow),
        r_open=col((bool(r.is_open) for r in requests), bool, n_r),
        r_verified=col((bool(r.verified) for r in requests), bool, n_r),
        r_group=col((_INT64_MIN if r.group_size is None else r.group_size for r in requests), np.int64, n_r),
        r_sbb_required=col((bool(r.sbb_required) for r in requests), bool, n_r),
        r_sbb_crebo=crebo_vocab.masks(r_sbb_crebo),
        r_school=col((school_ids[r.org_id] for r in requests), np.int32, n_r),
        r_rank=rank,
    )
    bits_of: dict[int, int] = {}
    for (offer_id, request_id), codes in exclusion_codes(excluded).items():
        try:
            key = problem.offer_index(offer_id) * n_r + problem.request_index(request_id)
        except KeyError:
            continue
        for code in codes:
            bits_of[key] = bits_of.get(key, 0) | EXCLUSION_BITS[code]
    keys = np.fromiter(bits_of, dtype=np.int64, count=len(bits_of))
    order = np.argsort(keys)
    problem.excluded_keys = keys[order]
    problem.excluded_bits = np.fromiter(bits_of.values(), dtype=np.uint8, count=len(bits_of))[order]
    return problem


def _first_day(start: np.ndarray, end: np.ndarray, tomorrow: np.int32) -> np.ndarray:
    """First weekday from tomorrow on inside each window; max int32 when the window has none, so
    that a comparison with any other window's end fails (the ``dates`` rule)."""
    first = first_weekday(np.maximum(start, tomorrow))
    return np.where(first <= end, first, _INT32_MAX).astype(np.int32)


def _contract(item: Offer | Request) -> int:
    return CONTRACT_BITS.get(item.contract_type or "", 0) if item.kind in CONTRACT_KINDS else 0
