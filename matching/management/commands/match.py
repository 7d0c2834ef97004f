"""manage.py match [--province P | --landsdeel L] [--export OUT.jsonl] — a synchronous run (DESIGN §8)."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching import engine, matcher
from matching.models import Match, Offer, Request
from taxonomy.regions import LANDSDEEL_OF_PROVINCE, Landsdeel


class Command(BaseCommand):
    help = "Run the matcher now and print a summary; --export writes one JSON line per new proposal."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--province", choices=sorted(LANDSDEEL_OF_PROVINCE))
        group.add_argument("--landsdeel", choices=Landsdeel.values)
        parser.add_argument("--export", type=Path, help="Write the proposals of this run as JSON Lines.")
        parser.add_argument(
            "--k", type=int, default=None, help="Candidates kept per request (engine default)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Solve and report, but write no proposals."
        )

    def handle(
        self,
        *args: Any,
        province: str | None,
        landsdeel: str | None,
        export: Path | None,
        k: int | None,
        dry_run: bool,
        **options: Any,
    ) -> None:
        scope = landsdeel or (LANDSDEEL_OF_PROVINCE[province] if province else matcher.NATIONAL)
        t0 = time.perf_counter()
        loaded = matcher.load_problem(landsdeel=scope, province=province)
        t1 = time.perf_counter()
        result = engine.match(loaded.problem, **({"k": k} if k else {}))
        t2 = time.perf_counter()
        created = [] if dry_run else matcher.persist(loaded=loaded, result=result, scope=scope)
        t3 = time.perf_counter()
        stats = result.stats
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        w = self.stdout.write
        w(
            f"Scope: {province or scope}; {loaded.problem.n_offers} open offers, {loaded.problem.n_requests} open requests"
        )
        w(
            f"Candidate pairs: {stats.get('candidate_pairs')} (feasible before pruning: {stats.get('feasible_pairs')})"
        )
        w(f"Slots filled: {stats.get('slots_filled')} for {stats.get('requests_served')} requests")
        w(
            f"Schools reached: {stats.get('schools_served')} ({stats.get('schools_newly_reached')} for the first time "
            "this school year)"
        )
        w(f"Proposals written: {len(created)}" + (" (dry run)" if dry_run else ""))
        phases = ", ".join(f"{name} {seconds:.2f}" for name, seconds in stats.get("seconds", {}).items())
        w(
            f"Seconds: load {t1 - t0:.2f}, engine {t2 - t1:.2f} ({phases}), persist {t3 - t2:.2f}, "
            f"total {t3 - t0:.2f}; peak memory {peak_mb:.0f} MB"
        )
        if export:
            self._export(export, created if not dry_run else None, result, loaded)
            w(f"Exported to {export}")

    def _export(
        self, path: Path, created: list[Match] | None, result: engine.MatchResult, loaded: matcher.Loaded
    ) -> None:
        if created is None:  # dry run: export what the engine chose
            rows = [
                (loaded.offer_ids[a.offer_id], loaded.request_ids[a.request_id], a.slots, a.score)
                for a in result.assignments
            ]
        else:
            rows = [(m.offer_id, m.request_id, m.slots, m.score) for m in created]
        offer_ext = dict(Offer.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "external_id"))
        request_ext = dict(
            Request.objects.filter(pk__in={r[1] for r in rows}).values_list("pk", "external_id")
        )
        try:
            with path.open("w", encoding="utf-8") as out:
                for offer_pk, request_pk, slots, score in rows:
                    out.write(
                        json.dumps(
                            {
                                "request": request_ext.get(request_pk) or str(request_pk),
                                "offer": offer_ext.get(offer_pk) or str(offer_pk),
                                "slots": slots,
                                "score": round(score, 4),
                            }
                        )
                        + "\n"
                    )
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc}") from exc
