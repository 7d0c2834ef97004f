"""manage.py import_organisations PATH --kind school|company [--dry-run] [--coordinator EMAIL]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organisation, User
from oversight.access import scope_provinces
from oversight.services.imports import organisations_import

MAX_REPORTED = 1000


class Command(BaseCommand):
    help = (
        "Import schools or companies from a CSV file (columns name, place, brin or kvk; optional "
        "province, levels, sectors, email). All or nothing; existing organisations are updated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--kind", required=True, choices=Organisation.Kind.values)
        parser.add_argument("--dry-run", action="store_true", help="Check and report; change nothing.")
        parser.add_argument(
            "--coordinator",
            metavar="EMAIL",
            help="Import as this coordinator: only their provinces, verified by them. "
            "Without it the import is an operator's, for every province.",
        )

    def handle(
        self, *args: Any, path: Path, kind: str, dry_run: bool, coordinator: str | None, **options: Any
    ) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        by = None
        if coordinator:
            by = User.objects.filter(email__iexact=coordinator, is_active=True).first()
            if by is None or not scope_provinces(by):
                raise CommandError(f"{coordinator} is not a coordinator.")
        result = organisations_import(
            content=path.read_bytes(), kind=kind, by=by, dry_run=dry_run, source=path.name
        )
        if not result.ok:
            lines = result.error_lines()
            for line in lines[:MAX_REPORTED]:
                self.stderr.write(f"{path}: {line}")
            if len(lines) > MAX_REPORTED:
                self.stderr.write(f"... and {len(lines) - MAX_REPORTED} more")
            raise CommandError(f"{len(lines)} problem(s) in {path}; nothing was imported.")
        counts = result.counts
        summary = (
            f"{counts['rows']} rows: {counts['created']} new, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['invited']} invited"
        )
        if dry_run:
            for row in result.rows:
                if row.status != "unchanged":
                    detail = f" ({', '.join(row.changes)})" if row.changes else ""
                    self.stdout.write(f"line {row.line}: {row.status} {row.registry} {row.name}{detail}")
            self.stdout.write(f"Dry run, nothing changed. {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path}: {summary}."))
