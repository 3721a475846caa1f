"""Reservations racing an amendment cut never leave a cell below its reserved + used places (DOMAIN §5) — on real
PostgreSQL, where row locks are real (SQLite serialises writers and cannot tell right from wrong, STACK.md).

The amendment's check runs in the same locked transaction as the reservations: cells locked in id order, then the
check, then a conditional update, with the database CHECK constraint as the last line."""

import random
import threading
import time
from datetime import date

import pytest
from django.db import connections, transaction

from common.errors import DomainError
from quota.amendments import amendment_approve, amendment_create, amendment_propose
from quota.ledger import CODE_BELOW_HELD, Placement, QuotaConflict, quota_reserve
from quota.models import LedgerMovement, QuotaCell
from quota.reconciliation import quota_ledger_verify
from tests.quota.amendment_fixtures import approved_plan
from tests.quota.factories import quota_policy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12
ATTEMPTS = 8  # 96 reservations of one place against a cell of 100 that a cut takes to 60


@pytest.fixture
def policy(db):
    quota_policy()


def proposed_cut(year, region, proposer, approver):
    """An approved plan for `year` whose region-A cat-3 cell has 100 places, and a proposed cut of it to 60."""
    plan = approved_plan(
        year=year, demand={region.code: (0, 0, 100, 0, 0)}, labour_force=1_000_000, proposer=proposer, approver=approver
    )
    amendment = amendment_create(
        plan=plan,
        effective_date=date(year, 6, 1),
        reason="cut",
        changes=[{"kind": "scale", "category": "3", "target": 60}],
        actor=proposer,
    )
    return amendment_propose(amendment=amendment, actor=proposer)


def the_cell(year, region):
    return QuotaCell.objects.get(year=year, kind="regional", region=region, category="3")


@pytest.mark.parametrize("delay", [0.0, 0.005, 0.02, 0.06])
def test_reservations_racing_an_amendment_cut_never_leave_a_cell_below_reserved_and_used(
    delay, policy, golden_regions, ministry_user, ministry_2
):
    region = golden_regions["KZ-A"]
    year = 2016
    amendment = proposed_cut(year, region, ministry_user, ministry_2)
    barrier = threading.Barrier(THREADS + 1, timeout=30)
    lock = threading.Lock()
    outcome = {"reserved": 0, "refused": 0, "amendment": None, "errors": []}

    def reserve(number):
        try:
            barrier.wait()
            for i in range(ATTEMPTS):
                try:
                    quota_reserve(
                        placements=[Placement(region.pk, "3")],
                        cause=("race", f"{number}-{i}"),
                        actor=None,
                        on=date(year, 7, 1),
                    )
                    result = "reserved"
                except QuotaConflict:
                    result = "refused"
                with lock:
                    outcome[result] += 1
        except Exception as exc:  # noqa: BLE001 - collected and asserted
            with lock:
                outcome["errors"].append(exc)
        finally:
            connections.close_all()

    def approve():
        try:
            barrier.wait()
            time.sleep(delay * random.random())
            try:
                amendment_approve(amendment=amendment, actor=ministry_2)
                outcome["amendment"] = "approved"
            except DomainError as refused:
                outcome["amendment"] = refused.code
        except Exception as exc:  # noqa: BLE001
            with lock:
                outcome["errors"].append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reserve, args=(n,)) for n in range(THREADS)]
    threads.append(threading.Thread(target=approve))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert outcome["errors"] == []
    cell = the_cell(year, region)
    assert cell.reserved + cell.used <= cell.allocated
    assert cell.reserved == outcome["reserved"]
    assert outcome["amendment"] in ("approved", CODE_BELOW_HELD)
    if outcome["amendment"] == "approved":
        assert cell.allocated == 60 and cell.reserved <= 60
        assert LedgerMovement.objects.filter(cell=cell, kind="amend").get().allocated_delta == -40
    else:
        assert cell.allocated == 100 and cell.reserved > 60
        assert not LedgerMovement.objects.filter(kind="amend").exists()
    assert quota_ledger_verify(year=year) == []


def test_an_approval_waits_for_a_reservation_holding_the_cell_and_then_sees_it(
    policy, golden_regions, ministry_user, ministry_2
):
    """A reservation of 70 places holds the cell's lock; the cut to 60 waits for it, then refuses — never a check
    made on numbers a concurrent transaction is about to change."""
    region = golden_regions["KZ-A"]
    amendment = proposed_cut(2016, region, ministry_user, ministry_2)
    reserved, release = threading.Event(), threading.Event()
    finished = {}

    def hold_a_reservation():
        try:
            with transaction.atomic():
                quota_reserve(
                    placements=[Placement(region.pk, "3", places=70)],
                    cause=("hold", "1"),
                    actor=None,
                    on=date(2016, 7, 1),
                )
                reserved.set()
                release.wait(timeout=30)
            finished["reservation"] = time.monotonic()
        finally:
            connections.close_all()

    def approve():
        try:
            reserved.wait(timeout=30)
            try:
                amendment_approve(amendment=amendment, actor=ministry_2)
                finished["amendment"] = "approved"
            except DomainError as refused:
                finished["amendment"] = refused.code
            finished["approval"] = time.monotonic()
        finally:
            connections.close_all()

    holder, approver = threading.Thread(target=hold_a_reservation), threading.Thread(target=approve)
    holder.start()
    approver.start()
    reserved.wait(timeout=30)
    time.sleep(0.3)
    assert "approval" not in finished  # blocked on the cell's row lock
    release.set()
    holder.join(timeout=30)
    approver.join(timeout=30)
    assert finished["amendment"] == CODE_BELOW_HELD
    assert finished["approval"] >= finished["reservation"]
    cell = the_cell(2016, region)
    assert (cell.allocated, cell.reserved) == (100, 70)
