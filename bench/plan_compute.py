"""Time to compute a 20-region quota plan (DOMAIN §3), with full demand and with the fallback.

    .venv/bin/python -m bench.plan_compute [--repeat 200] [--service-repeat 30]

Prints the machine, then the median and 95th percentile per plan for each case: the pure maths
(quota.calculation.compute_plan) with full demand and with the labour-force fallback, then the whole
service (quota.services.quota_plan_compute) on a plan stored in the database — read the policy in force
on 1 January, the labour force, the demand and the regions, compute, replace the stored cells, write the
snapshot and the audit event, in one transaction.

The service case sets Django up with the test settings (config.settings_test: the database from
DATABASE_URL, SQLite by default), creates a throwaway test database (under var/, removed at the end), loads
the shipped regions and policy (the 20 regions in force on 2026-01-01, the 0.250 % rate) and stores a 2026
plan with demand in every cell before timing.
"""

import argparse
import os
import random
import statistics
import time
from decimal import Decimal

from bench._machine import machine_line
from quota.calculation import CATEGORIES, compute_plan

REGIONS = [f"KZ-{code}" for code in (10, 11, 15, 19, 23, 27, 31, 33, 35, 39, 43, 47, 55, 59, 61, 62, 63, 71, 75, 79)]
# The 2024 official split, the seeded default category shares (DOMAIN §3 step 3).
DEFAULT_SHARES = {"1": 906, "2": 5054, "3": 10786, "4": 2888, "S": 2366}


def full_demand(rng: random.Random) -> dict:
    return {(region, category): rng.randint(0, 4000) for region in REGIONS for category in CATEGORIES}


def report(label: str, timings: list[float], *, cells: int, ceiling: int, headroom: int) -> None:
    timings = sorted(timings)
    p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
    print(
        f"{label:<34} median {statistics.median(timings) * 1000:7.3f} ms   p95 {p95 * 1000:7.3f} ms   "
        f"cells {cells:3d}   ceiling {ceiling:,}   headroom {headroom:,}"
    )


def time_case(label: str, repeat: int, **inputs) -> None:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = compute_plan(**inputs)
        timings.append(time.perf_counter() - started)
    report(label, timings, cells=len(result.cells), ceiling=result.ceiling, headroom=result.national_headroom)


def time_service(repeat: int, rng: random.Random) -> None:
    """quota_plan_compute on a stored 2026 plan with demand in all 20 regions, in a throwaway test database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    (settings.BASE_DIR / "var").mkdir(exist_ok=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from common.services import reference_data_load
        from quota.models import PlanCell
        from quota.services import quota_plan_compute, quota_plan_create, quota_plan_demand_replace

        reference_data_load()  # regions and policy, as `make setup` loads them
        plan = quota_plan_create(
            year=2026, entered_labour_force=9_200_000, entered_labour_force_source="benchmark", actor=None
        )
        rows = [
            {"region": region, "category": category, "places": places}
            for (region, category), places in full_demand(rng).items()
        ]
        quota_plan_demand_replace(plan=plan, rows=rows, actor=None)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            plan = quota_plan_compute(plan=plan, actor=None)
            timings.append(time.perf_counter() - started)
        cells = PlanCell.objects.filter(plan=plan).count()
        label = f"service, stored plan ({connection.vendor})"
        report(label, timings, cells=cells, ceiling=plan.ceiling, headroom=plan.national_headroom)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--service-repeat", type=int, default=30, help="Computations of the stored plan.")
    args = parser.parse_args()
    rng = random.Random(2026)
    common = {
        "rate_percent": Decimal("0.250"),
        "labour_force": 9_200_000,
        "reserves": [("KZ-23", "3", 600), ("KZ-47", "2", 150)],
        "threshold_percent": Decimal("70"),
        "country_caps": [("CN", 5000)],
    }
    print(machine_line())
    time_case("20 regions, full demand (T > pool)", args.repeat, demand=full_demand(rng), **common)
    time_case(
        "20 regions, no demand (fallback)",
        args.repeat,
        demand={},
        regional_labour_force={region: rng.randint(300_000, 1_100_000) for region in REGIONS},
        default_category_shares=DEFAULT_SHARES,
        **common,
    )
    time_service(args.service_repeat, rng)


if __name__ == "__main__":
    main()
