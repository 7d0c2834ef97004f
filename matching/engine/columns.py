"""Column views of a problem's offers and requests, for the vectorised form of the rule book.

:func:`offer_columns` and :func:`request_columns` give one side's columns for a list of row
indices, named as the rules' ``vector`` forms read them (``rules.py``); aligned pair lists
(:func:`~matching.engine.rules.broken_many`) use them. Code-set masks carry their words first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .problem import Problem


@dataclass(slots=True)
class Columns:
    """A column view of one side of a problem, rows last (masks: words first)."""

    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.arrays[name]
        except KeyError:
            raise AttributeError(name) from None


def masks_of(masks: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """The rows ``idx`` of an ``(n, words)`` mask array, words first."""
    return np.ascontiguousarray(masks[idx].T)


def bit_count(masks: np.ndarray) -> np.ndarray:
    """Set bits per row of a words-first mask array."""
    return np.bitwise_count(masks).sum(axis=0, dtype=np.int32)


def offer_columns(p: Problem, oi: np.ndarray) -> Columns:
    subjects, crebo = masks_of(p.o_subjects, oi), masks_of(p.o_crebo, oi)
    return Columns(
        {
            "idx": oi,
            "kind": p.o_kind[oi],
            "levels": masks_of(p.o_levels, oi),
            "subjects": subjects,
            "n_subjects": bit_count(subjects),
            "crebo": crebo,
            "has_crebo": (crebo != 0).any(axis=0),
            "frm": p.o_from[oi],
            "until": p.o_until[oi],
            "first": p.o_first[oi],
            "limit": p.o_limit[oi],
            "online": p.o_online[oi],
            "lat": p.o_lat[oi],
            "lon": p.o_lon[oi],
            "vog_from": p.o_vog_from[oi],
            "vog_until": p.o_vog_until[oi],
            "contract": p.o_contract[oi],
            "is_open": p.o_open[oi],
            "verified": p.o_verified[oi],
            "capacity": p.o_capacity[oi],
            "group": p.o_group[oi],
            "sbb": p.o_sbb[oi],
            "sbb_crebo": masks_of(p.o_sbb_crebo, oi),
        }
    )


def request_columns(p: Problem, ri: np.ndarray) -> Columns:
    subjects, crebo = masks_of(p.r_subjects, ri), masks_of(p.r_crebo, ri)
    sbb_crebo = masks_of(p.r_sbb_crebo, ri)
    return Columns(
        {
            "idx": ri,
            "kind": p.r_kind[ri],
            "levels": masks_of(p.r_levels, ri),
            "subjects": subjects,
            "n_subjects": bit_count(subjects),
            "crebo": crebo,
            "has_crebo": (crebo != 0).any(axis=0),
            "frm": p.r_from[ri],
            "until": p.r_until[ri],
            "first": p.r_first[ri],
            "limit": p.r_limit[ri],
            "online": p.r_online_ok[ri],
            "lat": p.r_lat[ri],
            "lon": p.r_lon[ri],
            "vog_required": p.r_vog_required[ri],
            "vog_day": p.r_from[ri],
            "contract": p.r_contract[ri],
            "is_open": p.r_open[ri],
            "verified": p.r_verified[ri],
            "capacity": p.r_slots[ri],
            "group": p.r_group[ri],
            "sbb_required": p.r_sbb_required[ri],
            "sbb_crebo": sbb_crebo,
            "has_sbb_crebo": (sbb_crebo != 0).any(axis=0),
        }
    )
