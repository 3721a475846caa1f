"""Reconciliation sees everything (DOMAIN §5 "Integrity"): counters vs movements, allocations vs the approved plan and
its approved amendments, amend movements vs approved amendments, causes below zero, used places vs issued permits.

Tampering is simulated the way it would happen: rows written beside the ledger services (insertions, which the
append-only tables allow; counter updates, which only a CHECK constraint limits)."""

import uuid
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from quota import reconciliation
from quota.ledger import (
    Placement,
    Reallocation,
    quota_amend,
    quota_commit,
    quota_give_back,
    quota_release,
    quota_reserve,
)
from quota.models import (
    AmendmentCell,
    CellKind,
    LedgerMovement,
    MovementKind,
    PlanCell,
    QuotaAmendment,
    QuotaCell,
    QuotaPlan,
)
from quota.reconciliation import (
    ALLOCATION_MISMATCH,
    AMEND_MISMATCH,
    AMEND_WITHOUT_AMENDMENT,
    AMENDMENT_NOT_APPLIED,
    CAUSE_BELOW_ZERO,
    CELL_NOT_IN_PLAN,
    COUNTER_MISMATCH,
    OPENING_MISMATCH,
    PLAN_CELL_MISSING,
    PLAN_NOT_APPROVED,
    USED_MISMATCH,
    quota_ledger_verify,
    register_used_places_source,
    unregister_used_places_source,
)
from tests.common.factories import UserFactory
from tests.quota.ledger_fixtures import open_ledger

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 10)


@pytest.fixture
def ledger(astana, almaty):
    return open_ledger(
        regional=[(astana, "3", 5), (almaty, "3", 5)], countries=[("CN", 3)], projects=[("refinery", astana, "3", 4)]
    )


def cell(kind=CellKind.REGIONAL, **filters) -> QuotaCell:
    return QuotaCell.objects.get(year=2026, kind=kind, **filters)


def codes(found) -> list[str]:
    return [d.code for d in found]


def smuggle(target: QuotaCell, kind: str, *, cause=("tamper", "1"), **deltas) -> None:
    """A movement written beside the ledger services, with its counter moved to match (so counters still agree)."""
    LedgerMovement.objects.create(
        cell=target,
        kind=kind,
        operation=uuid.uuid4(),
        cause_type=cause[0],
        cause_id=cause[1],
        occurred_at=timezone.now(),
        **deltas,
    )
    updates = {name.removesuffix("_delta"): value for name, value in deltas.items()}
    QuotaCell.objects.filter(pk=target.pk).update(
        **{name: getattr(target, name) + value for name, value in updates.items()}
    )


def approved_amendment(plan, *, cells, number=1) -> QuotaAmendment:
    """An approved amendment of `plan` changing `cells` ({cell: after}), applied to the ledger as approval does."""
    proposer, approver = UserFactory(), UserFactory()
    now = timezone.now()
    amendment = QuotaAmendment.objects.create(
        plan=plan,
        number=number,
        effective_date=date(plan.year, 1, 1),
        reason="test",
        status=QuotaAmendment.Status.APPROVED,
        based_on_version=number,
        version=number + 1,
        total_before=0,
        total_after=0,
        proposed_at=now,
        proposed_by=proposer,
        approved_at=now,
        approved_by=approver,
        operation=uuid.uuid4(),
    )
    for target, after in cells.items():
        AmendmentCell.objects.create(
            amendment=amendment, cell=target, allocated_before=target.allocated, allocated_after=after
        )
    quota_amend(
        year=plan.year,
        reallocations=[Reallocation(target.pk, target.allocated, after) for target, after in cells.items()],
        cause=amendment,
        actor=approver,
    )
    return amendment


def test_a_ledger_run_through_every_operation_is_consistent(ledger, astana, almaty):
    quota_reserve(placements=[Placement(astana.pk, "3", country="CN")], cause=("w", "1"), actor=None, on=ON)
    quota_reserve(placements=[Placement(almaty.pk, "3")], cause=("w", "2"), actor=None, on=ON)
    quota_commit(cause=("w", "1"), actor=None)
    quota_give_back(cause=("w", "1"), actor=None)
    approved_amendment(ledger.plan, cells={cell(region=almaty, category="3"): 3, cell(CellKind.HEADROOM): 2})
    assert quota_ledger_verify(year=2026) == []


def test_a_counter_that_disagrees_with_its_movements(ledger, astana):
    target = cell(region=astana, category="3")
    QuotaCell.objects.filter(pk=target.pk).update(used=1)  # a change that bypassed the ledger
    [difference] = quota_ledger_verify(year=2026)
    assert (difference.code, difference.cell_id, difference.details) == (
        COUNTER_MISMATCH,
        target.pk,
        {"counter": "used", "value": "1", "movements": "0"},
    )
    assert difference.message == "2026 KZ-71/3: used is 1, its movements sum to 0."


def test_an_allocation_raised_with_a_matching_movement_still_disagrees_with_the_plan(ledger, astana):
    """Counters and movements agree, but no approved plan or amendment gives the cell these places."""
    target = cell(region=astana, category="3")
    smuggle(target, MovementKind.OPEN, cause=("quota.quotaplan", str(ledger.plan.pk)), allocated_delta=100)
    found = quota_ledger_verify(year=2026)
    assert sorted(codes(found)) == [ALLOCATION_MISMATCH, OPENING_MISMATCH]
    allocation = next(d for d in found if d.code == ALLOCATION_MISMATCH)
    assert allocation.message == (
        "2026 KZ-71/3: 105 places allocated, but the approved plan and its approved amendments give 5."
    )
    opening = next(d for d in found if d.code == OPENING_MISMATCH)
    assert "opened with 105 places" in opening.message and "the approved plan gives 5" in opening.message


def test_an_amend_movement_without_an_approved_amendment(ledger, astana):
    target = cell(region=astana, category="3")
    smuggle(target, MovementKind.AMEND, cause=("quota.quotaamendment", "999"), allocated_delta=7)
    found = quota_ledger_verify(year=2026)
    assert set(codes(found)) == {AMEND_WITHOUT_AMENDMENT, ALLOCATION_MISMATCH}
    message = next(d for d in found if d.code == AMEND_WITHOUT_AMENDMENT).message
    assert message == (
        "2026 KZ-71/3: an amendment movement of +7 places names quota.quotaamendment #999, which is not an "
        "approved amendment of the 2026 plan."
    )


def test_an_approved_amendment_whose_movement_differs_from_it(ledger, almaty):
    target = cell(region=almaty, category="3")
    amendment = approved_amendment(ledger.plan, cells={target: 3})
    target.refresh_from_db()
    smuggle(target, MovementKind.AMEND, cause=("quota.quotaamendment", str(amendment.pk)), allocated_delta=1)
    found = quota_ledger_verify(year=2026)
    assert set(codes(found)) == {AMEND_MISMATCH, ALLOCATION_MISMATCH}
    mismatch = next(d for d in found if d.code == AMEND_MISMATCH)
    assert mismatch.message == "2026 KZ-75/3: amendment 1 moved -1 places, but the amendment changes it by -2."


def test_an_approved_amendment_the_ledger_never_applied(ledger, almaty):
    target = cell(region=almaty, category="3")
    amendment = approved_amendment(ledger.plan, cells={target: 3})
    headroom = cell(CellKind.HEADROOM)
    AmendmentCell.objects.create(amendment=amendment, cell=headroom, allocated_before=0, allocated_after=2)
    found = quota_ledger_verify(year=2026)
    assert set(codes(found)) == {AMENDMENT_NOT_APPLIED, ALLOCATION_MISMATCH}
    assert next(d for d in found if d.code == AMENDMENT_NOT_APPLIED).message == (
        "2026 national headroom: approved amendment 1 changes it by +2 places, but the ledger has no such movement."
    )


def test_a_cause_released_twice_shows_below_zero(ledger, astana):
    """What the old read-before-lock race left behind: one cause released twice, another's places taken."""
    quota_reserve(placements=[Placement(astana.pk, "3")], cause=("w", "A"), actor=None, on=ON)
    quota_reserve(placements=[Placement(astana.pk, "3")], cause=("w", "B"), actor=None, on=ON)
    quota_release(cause=("w", "A"), actor=None)
    smuggle(cell(region=astana, category="3"), MovementKind.RELEASE, cause=("w", "A"), reserved_delta=-1)
    [difference] = quota_ledger_verify(year=2026)
    assert difference.code == CAUSE_BELOW_ZERO
    assert difference.message == "2026 KZ-71/3: w #A holds -1 reserved places (below zero)."


def test_a_cell_the_plan_does_not_have_and_a_plan_cell_the_ledger_lacks(ledger, astana, almaty):
    extra = QuotaCell.objects.create(
        quota_year=ledger, year=2026, kind=CellKind.REGIONAL, region=almaty, category="4", allocated=0
    )
    PlanCell.objects.create(plan=ledger.plan, region=astana, category="1", places=0)
    found = quota_ledger_verify(year=2026)
    assert {(d.code, d.cell) for d in found} >= {
        (CELL_NOT_IN_PLAN, str(extra)),
        (PLAN_CELL_MISSING, "2026 KZ-71/1"),
    }


def test_a_ledger_opened_from_a_plan_that_is_not_approved(astana):
    plan = QuotaPlan.objects.create(year=2026, statistics_year=2025)
    open_ledger(regional=[(astana, "3", 5)], plan=plan)
    [difference] = quota_ledger_verify(year=2026)
    assert difference.code == PLAN_NOT_APPROVED
    assert difference.message == "Quota year 2026: its ledger was opened from a plan that is Draft, not approved."


@pytest.fixture
def issued_permits():
    """A fake issuing app: the used-places hook the issuance step fills, with permits {cause id: placements}."""
    issued: dict[str, list[Placement]] = {}
    register_used_places_source("test.permit", lambda year: issued if year == 2026 else {}, label="issued permits")
    yield issued
    unregister_used_places_source("test.permit")


def test_used_places_agree_with_the_issued_permits(ledger, astana, issued_permits):
    placement = Placement(astana.pk, "3", country="CN")
    quota_reserve(placements=[placement], cause=("test.permit", "1"), actor=None, on=ON)
    quota_commit(cause=("test.permit", "1"), actor=None)
    issued_permits["1"] = [placement]
    assert quota_ledger_verify(year=2026) == []


def test_used_places_without_an_issued_permit_and_an_issued_permit_without_places(ledger, astana, issued_permits):
    placement = Placement(astana.pk, "3")
    quota_reserve(placements=[placement], cause=("test.permit", "1"), actor=None, on=ON)
    quota_commit(cause=("test.permit", "1"), actor=None)  # used, but the permit was never issued
    issued_permits["2"] = [Placement(astana.pk, "3", country="CN")]  # issued, but its places never committed
    found = quota_ledger_verify(year=2026)
    assert codes(found) == [USED_MISMATCH] * 3
    messages = {d.message for d in found}
    assert messages == {
        "2026 KZ-71/3: test.permit #1 uses 1 places in the ledger, but issued permits accounts for 0.",
        "2026 KZ-71/3: test.permit #2 uses 0 places in the ledger, but issued permits accounts for 1.",
        "2026 country CN: test.permit #2 uses 0 places in the ledger, but issued permits accounts for 1.",
    }


def test_causes_of_kinds_nobody_registered_are_not_compared(ledger, astana, issued_permits):
    quota_reserve(placements=[Placement(astana.pk, "3")], cause=("other.cause", "1"), actor=None, on=ON)
    quota_commit(cause=("other.cause", "1"), actor=None)
    assert quota_ledger_verify(year=2026) == []
    assert "test.permit" in reconciliation._used_places_sources


def test_the_page_and_the_command_list_each_difference_in_words(client, ministry_user, ledger, astana, capsys):
    client.force_login(ministry_user)
    page = client.get("/quota/ledger/verify/").content.decode()
    assert "The ledger is consistent: 5 cells checked" in page
    smuggle(
        cell(region=astana, category="3"), MovementKind.AMEND, cause=("quota.quotaamendment", "999"), allocated_delta=7
    )
    QuotaCell.objects.filter(kind=CellKind.HEADROOM).update(allocated=1)
    page = client.get("/quota/ledger/verify/").content.decode()
    assert "4 differences found." in page
    assert "which is not an approved amendment of the 2026 plan." in page
    assert "2026 national headroom: allocated is 1, its movements sum to 0." in page
    with pytest.raises(SystemExit):
        call_command("verify_quota_ledger", year=2026)
    err = capsys.readouterr().err
    assert "[amend_without_amendment] 2026 KZ-71/3: an amendment movement of +7 places" in err
    assert "[counter_mismatch] 2026 national headroom: allocated is 1" in err
    assert "4 difference(s) in 5 cells." in err
