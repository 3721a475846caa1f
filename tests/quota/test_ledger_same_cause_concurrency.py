"""One cause's places move once, whatever the concurrency (DOMAIN §5 "Integrity") — on real PostgreSQL.

Two (or more) operations on the SAME cause at once: a release, commit or give back of one worker's places, or a
second reservation for a worker who already holds some. With a cell of 10 where cause A holds 1 place and cause B
holds 5, the old ledger read what A held before locking, so two releases of A both succeeded: A ended at −1 and B's
commit of 5 was later refused. Each race stands beside a strict-xfail naive twin — the old read-before-lock code —
proving the test can fail.
"""

import threading
import time
import uuid

import pytest
from django.db import connections, transaction
from django.db.models import F, Q, Sum

from quota import ledger
from quota.ledger import (
    CODE_NOTHING_HELD,
    Placement,
    QuotaConflict,
    quota_commit,
    quota_give_back,
    quota_release,
    quota_reserve,
)
from quota.models import LedgerMovement, MovementKind, QuotaCell
from quota.reconciliation import quota_ledger_verify
from tests.quota.ledger_fixtures import open_ledger
from tests.quota.test_ledger_concurrency import ON, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
CAUSE_A, CAUSE_B = ("permits.applicationworker", "A"), ("permits.applicationworker", "B")

#: operation name → (the service, what the cause must hold before it: "reserved" or "used")
OPERATIONS = {
    "release": (quota_release, "reserved"),
    "commit": (quota_commit, "reserved"),
    "give_back": (quota_give_back, "used"),
}


def prepare(astana, held: str) -> int:
    """A cell of 10; cause A holds 1 place and cause B 5, reserved or (committed) used. Returns the cell id."""
    open_ledger(regional=[(astana, "3", 10)])
    for cause, places in ((CAUSE_A, 1), (CAUSE_B, 5)):
        quota_reserve(placements=[Placement(astana.pk, "3", places=places)], cause=cause, actor=None, on=ON)
        if held == "used":
            quota_commit(cause=cause, actor=None)
    return QuotaCell.objects.get(region=astana, category="3").pk


def holds(cause) -> dict[str, int]:
    """What a cause holds in the ledger, from its movements."""
    totals = (
        LedgerMovement.objects.for_cause(*cause)
        .exclude(kind__in=[MovementKind.OPEN, MovementKind.AMEND])
        .aggregate(reserved=Sum("reserved_delta", default=0), used=Sum("used_delta", default=0))
    )
    return totals


def assert_moved_once(name, held):
    """A's one place moved exactly once; B's five are intact and B's own operation still succeeds."""
    assert holds(CAUSE_A)[held] == 0
    assert holds(CAUSE_B)[held] == 5
    service, _ = OPERATIONS[name]
    service(cause=CAUSE_B, actor=None)
    assert holds(CAUSE_B)[held] == 0
    assert quota_ledger_verify(year=2026) == []


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_concurrent_operations_on_one_cause_move_its_places_once(astana, name):
    service, held = OPERATIONS[name]
    prepare(astana, held)

    ok, refused, errors = run_together(THREADS, 1, lambda thread, i: service(cause=CAUSE_A, actor=None))
    assert errors == []
    assert (ok, refused) == (1, THREADS - 1)
    assert_moved_once(name, held)


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_an_operation_waiting_for_another_on_the_same_cause_reads_what_is_left(astana, name):
    """Deterministic: the first operation holds its locks, uncommitted, while the second starts; the second must
    wait and then find nothing left, not move the same place again."""
    service, held = OPERATIONS[name]
    prepare(astana, held)
    first_done, let_first_commit = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                service(cause=CAUSE_A, actor=None)
                first_done.set()
                let_first_commit.wait(timeout=30)
            outcome["first"] = "ok"
        except Exception as error:  # noqa: BLE001 - asserted below
            outcome["first"] = error
        finally:
            first_done.set()
            connections.close_all()

    def second():
        try:
            service(cause=CAUSE_A, actor=None)
            outcome["second"] = "ok"
        except QuotaConflict as refusal:
            outcome["second"] = refusal.code
        except Exception as error:  # noqa: BLE001 - asserted below
            outcome["second"] = error
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    assert first_done.wait(timeout=30)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.5)  # the second is now waiting for the first's locks (it has no answer yet)
    assert "second" not in outcome
    let_first_commit.set()
    one.join(timeout=30)
    two.join(timeout=30)
    assert outcome == {"first": "ok", "second": CODE_NOTHING_HELD}
    assert_moved_once(name, held)


def naive_move(name: str, barrier: threading.Barrier) -> None:
    """The old ledger: read what the cause holds, THEN lock its cells and move. Never do this."""
    _, held_kind = OPERATIONS[name]
    with transaction.atomic():
        held = ledger._held(CAUSE_A, held_kind)  # read before any lock
        if not held:
            raise QuotaConflict("nothing held", code=CODE_NOTHING_HELD)
        barrier.wait()
        ledger._lock(held)
        for cell_id, n in held.items():
            if name == "release":
                update, guard = {"reserved": F("reserved") - n}, Q(reserved__gte=n)
            elif name == "commit":
                update, guard = {"reserved": F("reserved") - n, "used": F("used") + n}, Q(reserved__gte=n)
            else:
                update, guard = {"used": F("used") - n}, Q(used__gte=n)
            if not QuotaCell.objects.filter(guard, pk=cell_id).update(**update):
                raise QuotaConflict("nothing held", code=CODE_NOTHING_HELD)
        movement = {"release": MovementKind.RELEASE, "commit": MovementKind.COMMIT, "give_back": MovementKind.GIVE_BACK}
        ledger._write_movements(movement[name], held, operation=uuid.uuid4(), cause=CAUSE_A, actor=None, reason="")


@pytest.mark.xfail(strict=True, reason="the naive twin moves one cause's places twice: proof the race test can fail")
@pytest.mark.parametrize("name", list(OPERATIONS))
def test_the_naive_twin_moves_a_cause_twice(astana, name):
    _, held = OPERATIONS[name]
    prepare(astana, held)
    barrier = threading.Barrier(2, timeout=30)

    ok, refused, errors = run_together(2, 1, lambda thread, i: naive_move(name, barrier))
    assert errors == []
    assert (ok, refused) == (1, 1)  # fails: both moved A's one place
    assert holds(CAUSE_A)[held] == 0


def test_concurrent_reservations_for_one_cause_take_places_once(astana, almaty):
    """Two reservations for one worker at once, even in different cells: one succeeds, the others are refused."""
    open_ledger(regional=[(astana, "3", 10), (almaty, "3", 10)])

    def attempt(thread, i):
        region = astana if thread % 2 else almaty
        quota_reserve(placements=[Placement(region.pk, "3")], cause=CAUSE_A, actor=None, on=ON)

    ok, refused, errors = run_together(THREADS, 1, attempt)
    assert errors == []
    assert (ok, refused) == (1, THREADS - 1)
    assert holds(CAUSE_A)["reserved"] == 1
    assert sum(QuotaCell.objects.filter(year=2026).values_list("reserved", flat=True)) == 1
    assert quota_ledger_verify(year=2026) == []
