"""A believable demo region (landsdeel Oost): schools, companies, their members and a
coordinator (accounts.demo), then offers, requests and matches (matching.demo). Idempotent:
running it twice changes nothing."""

from __future__ import annotations

import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from accounts.models import Organisation
from matching import demo as matching_demo


class Command(BaseCommand):
    help = "Seed a believable demo region (landsdeel Oost) and print the demo logins. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(2026)  # noqa: S311 (demo data)
        with transaction.atomic():
            admin = accounts_demo.seed(rng)
            matching_demo.seed(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {Organisation.objects.count()} organisations.")
        )
        for line in accounts_demo.logins(admin):
            self.stdout.write(line)
