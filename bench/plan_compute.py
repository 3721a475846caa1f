"""Time to compute a 20-region quota plan (DOMAIN §3), with full demand and with the fallback.

    .venv/bin/python -m bench.plan_compute [--repeat 200]

Prints the machine, then the median and 95th percentile per plan for each case.
"""

import argparse
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


def time_case(label: str, repeat: int, **inputs) -> None:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = compute_plan(**inputs)
        timings.append(time.perf_counter() - started)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{label:<34} median {statistics.median(timings) * 1000:7.3f} ms   p95 {p95 * 1000:7.3f} ms   "
        f"cells {len(result.cells):3d}   ceiling {result.ceiling:,}   headroom {result.national_headroom:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
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


if __name__ == "__main__":
    main()
