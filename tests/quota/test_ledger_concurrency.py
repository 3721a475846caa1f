"""The quota is never oversubscribed, whatever the concurrency (DOMAIN §5) — on real PostgreSQL.

SQLite serialises writers and ignores row locks, so it cannot tell right code from wrong (STACK.md):
these tests carry the `postgres` marker. Threads start together at a barrier; each closes its
connection. A deliberately naive twin of the reserve service proves the tests can fail.
"""

import threading
from datetime import date

import pytest
from django.db import connections, transaction
from django.db.models import F

from quota.ledger import Placement, QuotaConflict, quota_reserve
from quota.models import CellKind, QuotaCell
from quota.reconciliation import quota_ledger_verify
from tests.common.factories import RegionFactory
from tests.quota.ledger_fixtures import open_ledger

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ON = date(2026, 5, 20)
THREADS = 16


def run_together(threads: int, attempts_per_thread: int, attempt) -> tuple[int, int, list[Exception]]:
    """Start `threads` threads at once; each calls attempt(thread, i) `attempts_per_thread` times.
    Returns (successes, refusals, unexpected errors)."""
    barrier = threading.Barrier(threads, timeout=30)
    lock = threading.Lock()
    outcome = {"ok": 0, "refused": 0, "errors": []}

    def worker(number):
        try:
            barrier.wait()
            for i in range(attempts_per_thread):
                try:
                    attempt(number, i)
                    result = "ok"
                except QuotaConflict:
                    result = "refused"
                with lock:
                    outcome[result] += 1
        except Exception as exc:  # noqa: BLE001 - collected and asserted
            with lock:
                outcome["errors"].append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return outcome["ok"], outcome["refused"], outcome["errors"]


@pytest.fixture
def regions():
    return RegionFactory(code="KZ-71"), RegionFactory(code="KZ-75")


def reserved(**filters) -> int:
    return QuotaCell.objects.get(year=2026, **filters).reserved


def test_200_reservations_against_100_places_take_exactly_100(regions):
    astana, _ = regions
    open_ledger(regional=[(astana, "3", 100)])

    def attempt(thread, i):
        quota_reserve(placements=[Placement(astana.pk, "3")], cause=("race", f"{thread}-{i}"), actor=None, on=ON)

    ok, refused, errors = run_together(THREADS, 200 // THREADS + 1, attempt)
    assert errors == []
    assert ok == 100 and refused == THREADS * (200 // THREADS + 1) - 100
    assert reserved(kind=CellKind.REGIONAL, region=astana, category="3") == 100
    assert quota_ledger_verify(year=2026) == []


def test_a_country_cap_shared_by_two_regions_is_never_exceeded(regions):
    astana, almaty = regions
    open_ledger(regional=[(astana, "3", 100), (almaty, "3", 100)], countries=[("CN", 50)])

    def attempt(thread, i):
        region = astana if thread % 2 else almaty
        placement = Placement(region.pk, "3", country="CN")
        quota_reserve(placements=[placement], cause=("race", f"{thread}-{i}"), actor=None, on=ON)

    ok, _, errors = run_together(THREADS, 8, attempt)
    assert errors == []
    assert ok == 50
    assert reserved(kind=CellKind.COUNTRY, country="CN") == 50
    regional = reserved(kind=CellKind.REGIONAL, region=astana, category="3")
    assert regional + reserved(kind=CellKind.REGIONAL, region=almaty, category="3") == 50
    assert quota_ledger_verify(year=2026) == []


def test_multi_cell_reservations_in_opposite_orders_do_not_deadlock(regions):
    astana, almaty = regions
    open_ledger(regional=[(astana, "3", 60), (almaty, "3", 60)])

    def attempt(thread, i):
        order = [Placement(astana.pk, "3"), Placement(almaty.pk, "3")]
        if thread % 2:
            order.reverse()
        quota_reserve(placements=order, cause=("race", f"{thread}-{i}"), actor=None, on=ON)

    ok, _, errors = run_together(THREADS, 5, attempt)
    assert errors == []  # no deadlock error reached a caller
    assert ok == 60
    assert reserved(kind=CellKind.REGIONAL, region=astana, category="3") == 60
    assert reserved(kind=CellKind.REGIONAL, region=almaty, category="3") == 60


def naive_reserve(cell_id: int, barrier: threading.Barrier) -> None:
    """Read, wait for the others, write: the classic lost update. Never do this."""
    with transaction.atomic():
        cell = QuotaCell.objects.get(pk=cell_id)
        if cell.available < 1:
            raise QuotaConflict("exhausted", code="quota_exhausted")
        barrier.wait()
        QuotaCell.objects.filter(pk=cell_id).update(reserved=cell.reserved + 1)


@pytest.mark.xfail(strict=True, reason="the naive twin loses updates: proof that the race tests can fail")
def test_the_naive_twin_is_caught(regions):
    astana, _ = regions
    open_ledger(regional=[(astana, "3", 100)])
    cell_id = QuotaCell.objects.get(year=2026, kind=CellKind.REGIONAL).pk
    barrier = threading.Barrier(THREADS, timeout=30)

    ok, _, errors = run_together(THREADS, 1, lambda thread, i: naive_reserve(cell_id, barrier))
    assert errors == []
    assert reserved(kind=CellKind.REGIONAL, region=astana, category="3") == ok  # fails: updates were lost


def test_conditional_update_alone_holds_without_the_lock(regions):
    """Even the last line of defence (the conditional UPDATE) holds by itself: F-expressions, no read."""
    astana, _ = regions
    open_ledger(regional=[(astana, "3", 100)])
    cell_id = QuotaCell.objects.get(year=2026, kind=CellKind.REGIONAL).pk

    def attempt(thread, i):
        changed = QuotaCell.objects.filter(pk=cell_id, allocated__gte=F("reserved") + F("used") + 1).update(
            reserved=F("reserved") + 1
        )
        if not changed:
            raise QuotaConflict("exhausted", code="quota_exhausted")

    ok, _, errors = run_together(THREADS, 13, attempt)
    assert errors == [] and ok == 100
    assert reserved(kind=CellKind.REGIONAL, region=astana, category="3") == 100
