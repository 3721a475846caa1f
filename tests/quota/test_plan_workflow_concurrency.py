"""Plan approval under concurrency (DOMAIN §3 step 6, §5) — on real PostgreSQL (SQLite ignores row locks).

Several ministry officials approving, or approving and returning, one proposed plan at the same moment: the plan row
lock lets exactly one step through; the others see the new status and are refused (409). The year's ledger opens once.
"""

import threading

import pytest
from django.db import connections

from common.errors import DomainError
from common.models import AuditEvent
from common.roles import MINISTRY_OFFICIAL
from quota.models import QuotaCell, QuotaPlan, QuotaYear
from quota.services import (
    quota_plan_approve,
    quota_plan_compute,
    quota_plan_create,
    quota_plan_demand_replace,
    quota_plan_propose,
    quota_plan_return,
)
from tests.common.factories import RegionFactory, UserFactory
from tests.quota.factories import quota_policy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def run_together(steps) -> tuple[list[str], list[str], list[Exception]]:
    """Run each callable in its own thread, all released at once. Returns (succeeded, refusal codes, errors)."""
    barrier = threading.Barrier(len(steps), timeout=30)
    lock = threading.Lock()
    succeeded, refusals, errors = [], [], []

    def worker(name, step):
        try:
            barrier.wait()
            try:
                step()
                with lock:
                    succeeded.append(name)
            except DomainError as refusal:
                with lock:
                    refusals.append(refusal.code)
        except Exception as exc:  # noqa: BLE001 - collected and asserted
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(name, step)) for name, step in steps]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return succeeded, refusals, errors


@pytest.fixture
def proposed():
    quota_policy(rate="0.700")
    RegionFactory(code="KZ-71")
    proposer = UserFactory(username="proposer", role=MINISTRY_OFFICIAL)
    plan = quota_plan_create(year=2026, entered_labour_force=1_000_000, entered_labour_force_source="x", actor=proposer)
    quota_plan_demand_replace(plan=plan, rows=[{"region": "KZ-71", "category": "3", "places": 900}], actor=proposer)
    plan = quota_plan_compute(plan=plan, actor=proposer)
    return quota_plan_propose(plan=plan, actor=proposer)


def officials(count):
    return [UserFactory(username=f"ministry.{n}", role=MINISTRY_OFFICIAL) for n in range(count)]


def test_officials_approving_at_once_approve_once_and_open_the_ledger_once(proposed):
    steps = [
        (user.username, lambda user=user: quota_plan_approve(plan=proposed, actor=user)) for user in officials(THREADS)
    ]
    succeeded, refusals, errors = run_together(steps)
    assert errors == []
    assert len(succeeded) == 1 and refusals == ["plan_approved"] * (THREADS - 1)
    plan = QuotaPlan.objects.get(pk=proposed.pk)
    assert (plan.status, plan.approved_by.username) == ("approved", succeeded[0])
    assert QuotaYear.objects.filter(year=2026).count() == 1
    assert sum(c.allocated for c in QuotaCell.objects.filter(year=2026)) == 7_000
    assert AuditEvent.objects.filter(action="quota_plan.approved").count() == 1


def test_approving_and_returning_at_once_leave_a_consistent_plan(proposed):
    users = officials(THREADS)
    steps = [
        (
            f"{'approve' if n % 2 else 'return'}:{user.username}",
            (lambda user=user: quota_plan_approve(plan=proposed, actor=user))
            if n % 2
            else (lambda user=user: quota_plan_return(plan=proposed, reason="race", actor=user)),
        )
        for n, user in enumerate(users)
    ]
    succeeded, refusals, errors = run_together(steps)
    assert errors == [] and len(succeeded) == 1 and len(refusals) == THREADS - 1
    plan = QuotaPlan.objects.get(pk=proposed.pk)
    if succeeded[0].startswith("approve"):
        assert plan.status == "approved" and QuotaYear.objects.filter(year=2026).exists()
        assert set(refusals) == {"plan_approved"}
    else:
        assert plan.status == "draft" and not QuotaYear.objects.exists() and plan.ceiling is None
        assert set(refusals) == {"invalid_transition"}
