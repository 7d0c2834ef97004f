"""How the benchmarks print their figures: one median, one p95, one Markdown table.

Every bench script prints its results as Markdown table rows (lines starting with `|`), which
`run_all.py` collects into `bench/RESULTS.md` with :func:`table_lines`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def p95(values: Iterable[float]) -> float:
    """The nearest-rank 95th percentile: with fewer than 20 values, the largest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def spread(values: Sequence[float], unit: str = "s", digits: int = 2) -> str:
    """'median 2.21 s, p95 2.48 s, min 1.90 s (6 runs)'."""
    return (
        f"median {median(values):.{digits}f} {unit}, p95 {p95(values):.{digits}f} {unit}, "
        f"min {min(values):.{digits}f} {unit} ({len(values)} runs)"
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()) -> str:
    """A Markdown table; columns whose index is in `right` are right-aligned (numbers)."""
    rule = "|".join("---:" if i in right else "---" for i in range(len(headers)))
    lines = ["| " + " | ".join(headers) + " |", f"|{rule}|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def figure(label: str, value: str) -> str:
    """One row of a two-column `| path | figure |` table."""
    return f"| {label} | {value} |"


def table_lines(output: str) -> str:
    """The table rows a bench script printed, without its progress lines."""
    return "\n".join(line for line in output.splitlines() if line.startswith("|"))
