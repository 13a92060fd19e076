"""12 counties × 3 inspectors push at the same time (issue 13, "Concurrency").

All edits are applied, and conflicts appear exactly where the test built them (one outfall
per county).  The issue's 500 edits per inspector run in ``bench/bench_sync.py
--concurrency``; here ``ECOZONE_SYNC_EDITS`` (default 40, 1440 edits in all) keeps the test
under a minute on the 2-core machine.
"""

from __future__ import annotations

import os

from tests.sync.concurrency import check, prepare, push_all_at_once

EDITS = int(os.environ.get("ECOZONE_SYNC_EDITS", "40"))


def test_36_inspectors_push_at_once(city_db, tmp_path):
    prepared = prepare(city_db, tmp_path, EDITS)
    reports, seconds = push_all_at_once(prepared["laptops"])
    figures = check(city_db, prepared, reports)
    print(f"concurrency: {figures} in {seconds:.1f} s")
