"""Issue 22, "Right after a bulk load": a bulk load and a big matcher run refresh the planner's
statistics (ANALYZE) of the tables they filled, so the first search after a load is planned for
the rows that are there, not for an empty table."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import Organisation
from matching.models import Match, Offer, Request
from matching.services.bulk import tables_analyse

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_file(tmp_path):
    """A generated national file of ~1,100 rows: above the ANALYZE threshold, quick to load."""
    path = tmp_path / "small.jsonl"
    subprocess.run(
        [sys.executable, "bench/generate_dataset.py", "--seed", "22"]
        + ["--schools", "30", "--companies", "60", "--requests", "300", "--offers", "700"]
        + ["--out", str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return str(path)


def _estimated_rows(model) -> float:
    """The planner's row estimate; -1 for a table never analysed (PostgreSQL 14+)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_load_dataset_analyses_the_tables_it_filled(small_file):
    call_command("load_dataset", small_file, "--no-progress", stdout=StringIO())

    # ANALYZE reads every row of a table this small, so the estimate is the exact count.
    for model in (Organisation, Offer, Request):
        assert model.objects.exists()
        assert _estimated_rows(model) == model.objects.count(), model._meta.db_table


@pytest.mark.postgres
def test_a_big_matcher_run_analyses_the_proposals_it_wrote(small_file, settings):
    settings.ANALYZE_MIN_ROWS = 10  # the small file yields tens of proposals, not thousands
    call_command("load_dataset", small_file, "--no-progress", stdout=StringIO())
    call_command("match", stdout=StringIO())

    assert Match.objects.count() >= settings.ANALYZE_MIN_ROWS
    assert _estimated_rows(Match) == Match.objects.count()


def test_analyse_is_skipped_below_the_threshold_off_postgres_or_when_switched_off(settings):
    settings.ANALYZE_AFTER_BULK = True
    postgres = connection.vendor == "postgresql"
    assert tables_analyse(written=[Offer], reason="test", rows=settings.ANALYZE_MIN_ROWS) is postgres
    assert tables_analyse(written=[Offer], reason="test", rows=settings.ANALYZE_MIN_ROWS - 1) is False
    settings.ANALYZE_AFTER_BULK = False
    assert tables_analyse(written=[Offer], reason="test", rows=10**6) is False
