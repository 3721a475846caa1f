"""Reservations per second on the quota ledger with 16 threads (DOMAIN §5), and proof the quota held.

    DATABASE_URL=postgres://kvota:kvota@127.0.0.1:5432/kvota .venv/bin/python -m bench.ledger_reserve \
        [--threads 16] [--reservations 4000] [--cells 20]

Sets Django up with the test settings (the database from DATABASE_URL; meant for PostgreSQL — SQLite
serialises writers), creates a throwaway test database, opens a 2026 ledger with `--cells` regional cells
whose places add up to 90% of the reservations asked for, then starts the threads together at a barrier.
Each reservation picks a random cell: the real service (`quota.ledger.quota_reserve`, row locks in id
order, conditional update, movement rows, audit event). Prints the machine, the database, reservations
per second (successes and refusals), latency percentiles, whether no cell went below zero, and the
full reconciliation (quota.reconciliation: counters, plan, amendments, causes) with its duration.
"""

import argparse
import os
import random
import statistics
import threading
import time
from datetime import date

from bench._machine import machine_line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--reservations", type=int, default=4000)
    parser.add_argument("--cells", type=int, default=20)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections

    (settings.BASE_DIR / "var").mkdir(exist_ok=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from common.models import Region
        from quota.ledger import Placement, QuotaConflict, quota_reserve
        from quota.models import QuotaCell
        from quota.reconciliation import quota_ledger_verify
        from tests.quota.ledger_fixtures import open_ledger

        regions = [
            Region.objects.create(code=f"KZ-B{n:02d}", kind="region", name_en=f"R{n}", name_kk=f"R{n}", name_ru=f"R{n}")
            for n in range(args.cells)
        ]
        capacity = int(args.reservations * 0.9) // args.cells
        # An approved plan with exactly these cells, so reconciliation checks the ledger against it too.
        open_ledger(regional=[(region, "3", capacity) for region in regions])
        connections.close_all()

        per_thread = args.reservations // args.threads
        barrier = threading.Barrier(args.threads)
        lock = threading.Lock()
        latencies, outcome = [], {"ok": 0, "refused": 0, "errors": 0}

        def worker(number: int) -> None:
            rng = random.Random(number)
            barrier.wait()
            for i in range(per_thread):
                region = rng.choice(regions)
                started = time.perf_counter()
                try:
                    quota_reserve(
                        placements=[Placement(region.pk, "3")],
                        cause=("bench", f"{number}-{i}"),
                        actor=None,
                        on=date(2026, 6, 1),
                    )
                    result = "ok"
                except QuotaConflict:
                    result = "refused"
                except Exception:  # noqa: BLE001 - counted; a benchmark reports, it does not stop
                    result = "errors"
                elapsed = time.perf_counter() - started
                with lock:
                    outcome[result] += 1
                    latencies.append(elapsed)
            connections.close_all()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started

        latencies.sort()
        total = sum(outcome.values())
        oversubscribed = QuotaCell.objects.filter(reserved__gt=capacity).count()
        print(machine_line())
        print(f"database: {connection.vendor} · threads {args.threads} · cells {args.cells} × {capacity} places")
        print(
            f"reservations: {total} in {wall:.2f} s = {total / wall:,.0f}/s "
            f"(taken {outcome['ok']}, refused {outcome['refused']}, errors {outcome['errors']})"
        )
        print(
            f"latency: median {statistics.median(latencies) * 1000:.1f} ms, "
            f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
        )
        started = time.perf_counter()
        consistent = quota_ledger_verify(year=2026) == []
        reconciled = time.perf_counter() - started
        print(
            f"quota held: {outcome['ok'] <= capacity * args.cells and oversubscribed == 0} · "
            f"ledger consistent: {consistent} (full reconciliation of {total} operations in {reconciled * 1000:.0f} ms)"
        )
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
