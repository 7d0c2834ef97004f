"""manage.py load_dataset PATH — the JSON Lines format of DESIGN §8."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from matching.dataset import parse_lines
from matching.services.bulk import dataset_load, known_organisation_kinds

MAX_REPORTED = 1000


class Command(BaseCommand):
    help = "Validate a JSON Lines data set (DESIGN §8) and load it in bulk, idempotently by id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, path: Path, no_progress: bool, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        started = time.monotonic()
        with path.open(encoding="utf-8") as handle:
            lines = tqdm(handle, desc="validate", unit=" lines", disable=no_progress, mininterval=1)
            parsed = parse_lines(lines, known_organisations=known_organisation_kinds)
        if parsed.errors:
            for number, reason in parsed.errors[:MAX_REPORTED]:
                self.stderr.write(f"{path}:{number}: {reason}")
            if len(parsed.errors) > MAX_REPORTED:
                self.stderr.write(f"... and {len(parsed.errors) - MAX_REPORTED} more")
            raise CommandError(f"{len(parsed.errors)} bad line(s) in {path}; nothing was loaded.")
        if parsed.unknown_subjects:
            self.stderr.write(
                "Note: subjects outside the standard list, kept as tags: "
                + ", ".join(sorted(parsed.unknown_subjects))
            )
        validated = time.monotonic()
        total = len(parsed.organisations) + len(parsed.offers) + len(parsed.requests)
        with tqdm(total=total, desc="load", unit=" rows", disable=no_progress, mininterval=1) as bar:
            counts = dataset_load(parsed, progress=bar.update)
        finished = time.monotonic()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['organisations']} organisations, {counts['offers']} offers and "
                f"{counts['requests']} requests from {path} "
                f"(validated in {validated - started:.1f} s, written in {finished - validated:.1f} s)."
            )
        )
