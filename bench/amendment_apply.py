"""Time to amend a 20-region quota plan (DOMAIN §5): the maths, and the whole four-eyes path on a stored plan.

    .venv/bin/python -m bench.amendment_apply [--repeat 500] [--service-repeat 20]

Prints the machine, then the median and 95th percentile of:
- the pure maths (quota.calculation.amend_cells): the 2022-style cut of categories 3, 4 and S over 20 regions;
- on a plan stored and approved in a throwaway test database (config.settings_test: DATABASE_URL, SQLite by
  default; shipped regions and policy loaded): the live outcome of a draft (quota.amendments.amendment_outcome:
  read the ledger, apply the changes, check reserved + used, ceiling and the managers/specialists rule), and
  propose + approve (store the outcome; lock plan, amendment and cells; check; conditional updates; amend
  movements; audit events). Each round cuts categories 3 and 4 by 1 %.
"""

import argparse
import os
import random
import secrets
import statistics
import time
from datetime import date
from decimal import Decimal

from bench._machine import machine_line
from bench.plan_compute import REGIONS, full_demand
from quota.calculation import ScaleChange, amend_cells


def report(label: str, timings: list[float], extra: str = "") -> None:
    timings = sorted(timings)
    p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
    print(f"{label:<44} median {statistics.median(timings) * 1000:8.3f} ms   p95 {p95 * 1000:8.3f} ms   {extra}")


def time_maths(repeat: int, rng: random.Random) -> None:
    cells = full_demand(rng)
    totals = {c: sum(v for (_r, cat), v in cells.items() if cat == c) for c in ("3", "4", "S")}
    changes = [ScaleChange(category=c, target=total * 4 // 5) for c, total in totals.items()]
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        amend_cells(cells=cells, national_headroom=0, changes=changes)
        timings.append(time.perf_counter() - started)
    report("maths: cut cats 3, 4, S over 20 regions", timings, f"cells {len(cells)}")


def time_service(repeat: int, rng: random.Random) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    (settings.BASE_DIR / "var").mkdir(exist_ok=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from common.roles import MINISTRY_OFFICIAL
        from common.services import reference_data_load, user_create
        from quota.amendments import amendment_approve, amendment_create, amendment_outcome, amendment_propose
        from quota.services import (
            quota_plan_approve,
            quota_plan_compute,
            quota_plan_create,
            quota_plan_demand_replace,
            quota_plan_propose,
        )

        reference_data_load()  # regions and policy, as `make setup` loads them
        ministry, ministry2 = (
            user_create(username=name, password=secrets.token_urlsafe(16), role=MINISTRY_OFFICIAL, actor=None)
            for name in ("bench-ministry", "bench-ministry2")
        )
        plan = quota_plan_create(
            year=2026, entered_labour_force=9_200_000, entered_labour_force_source="bench", actor=ministry
        )
        rows = [{"region": r, "category": c, "places": p} for (r, c), p in full_demand(rng).items()]
        quota_plan_demand_replace(plan=plan, rows=rows, actor=ministry)
        plan = quota_plan_compute(plan=plan, actor=ministry)
        quota_plan_propose(plan=plan, actor=ministry)
        plan = quota_plan_approve(plan=plan, actor=ministry2)

        outcome_timings, approve_timings = [], []
        for round_ in range(repeat):
            amendment = amendment_create(
                plan=plan,
                effective_date=date(2026, 2, 1),
                reason=f"bench round {round_}",
                changes=[
                    {"kind": "scale", "category": "3", "factor": Decimal("0.99")},
                    {"kind": "scale", "category": "4", "factor": Decimal("0.99")},
                ],
                actor=ministry,
            )
            started = time.perf_counter()
            outcome = amendment_outcome(amendment)
            outcome_timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            amendment_propose(amendment=amendment, actor=ministry)
            amendment_approve(amendment=amendment, actor=ministry2)
            approve_timings.append(time.perf_counter() - started)
        report(
            f"service: live outcome of a draft ({connection.vendor})",
            outcome_timings,
            f"cells changed {len(outcome.cells)}",
        )
        report(f"service: propose + approve ({connection.vendor})", approve_timings, f"amendments {repeat}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=500)
    parser.add_argument("--service-repeat", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(2026)
    print(machine_line())
    print(f"{len(REGIONS)} regions")
    time_maths(args.repeat, rng)
    time_service(args.service_repeat, rng)


if __name__ == "__main__":
    main()
