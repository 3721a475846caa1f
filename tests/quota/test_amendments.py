"""Amendments of an approved plan through their services (Step 7; DOMAIN §5): targets and factors spread in
proportion to the current cells, exact moves, the 2022 cut, refusals below reserved + used, the ceiling and its new
rate period, the managers/specialists rule with its override, four eyes, and the ledger movements they leave."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from common.models import AuditEvent
from common.policy import P
from quota import calculation
from quota.amendments import (
    CHECK_ABOVE_HELD,
    CHECK_CAPS_WITHIN_TOTAL,
    CHECK_CEILING,
    CHECK_CHANGES_APPLY,
    CHECK_EFFECTIVE_DATE,
    CHECK_MANAGERS_SPECIALISTS,
    CODE_AMENDMENT_APPROVED,
    CODE_CHECKS_FAILED,
    CODE_NOT_YET_EFFECTIVE,
    CODE_PLAN_NOT_APPROVED,
    CODE_SAME_OFFICIAL,
    CODE_STALE,
    CODE_YEAR_CLOSED,
    MESSAGE_TARGET_BELOW_RESERVES,
    amendment_approve,
    amendment_confirm_override,
    amendment_create,
    amendment_outcome,
    amendment_override,
    amendment_propose,
    amendment_return,
    amendment_update,
    plan_ceiling,
    plan_version,
)
from quota.calculation import CalculationError, MoveChange, ScaleChange, amend_cells
from quota.ledger import CODE_BELOW_HELD, Placement, quota_reserve, quota_year_close
from quota.models import LedgerMovement, QuotaAmendment, QuotaCell
from quota.reconciliation import quota_ledger_verify
from quota.services import quota_plan_create
from tests.common.reference_factories import make_policy_parameter
from tests.quota.amendment_fixtures import DEMAND_2022, LABOUR_FORCE_2022, approved_plan
from tests.quota.factories import quota_policy


# ---------------------------------------------------------------------------------------------------------------------
# The maths (quota.calculation.amend_cells)
# ---------------------------------------------------------------------------------------------------------------------
def test_the_per_cell_golden_spreads_a_target_in_proportion_to_current_values():
    result = amend_cells(
        cells={("KZ-A", "3"): 2_414, ("KZ-B", "3"): 248, ("KZ-A", "4"): 100},
        national_headroom=7,
        changes=[ScaleChange(category="3", target=2_131)],
    )
    assert result.cells == {("KZ-A", "3"): 1_932, ("KZ-A", "4"): 100, ("KZ-B", "3"): 199}
    assert result.national_headroom == 7  # places cut leave the plan
    assert result.targets == (
        {"category": "3", "region": None, "current": 2_662, "target": 2_131, "reserved": 0, "factor": None},
    )


def test_a_factor_floors_the_exact_product_of_the_regional_cells_and_reserves_keep_their_places():
    # DOMAIN §5 "Amendment details": the factor applies to the regional cells only. Regional cat 3 = 2,414 + 248 =
    # 2,662; floor(2,662 × 0.8) = 2,129 (2,129.6) spread 1,931 / 198; the recorded target adds the 300 reserved.
    # (Until Step 8 the factor was applied to the total including the reserves: 2,369 − 300 = 2,069 in the cells.)
    result = amend_cells(
        cells={("KZ-A", "3"): 2_414, ("KZ-B", "3"): 248},
        reserves=[("KZ-A", "3", 300)],
        national_headroom=0,
        changes=[ScaleChange(category="3", factor=Decimal("0.8"))],
    )
    assert result.cells == {("KZ-A", "3"): 1_931, ("KZ-B", "3"): 198}
    assert result.targets == (
        {"category": "3", "region": None, "current": 2_962, "target": 2_429, "reserved": 300, "factor": "0.8"},
    )
    assert calculation.amendment_target(current=10, factor=Decimal("0.33")) == 3
    assert calculation.amendment_target(current=3, factor=Decimal("0.3333")) == 0


def test_cat_3_times_one_half_halves_the_regional_cells_and_leaves_the_reserve():
    # DOMAIN §5 "Amendment details": "cat 3 × 0.5" with regional cells 300 and 200 and a reserve of 500 gives
    # 150 / 100 / 500, never 0 / 0 / 500.
    result = amend_cells(
        cells={("KZ-A", "3"): 300, ("KZ-B", "3"): 200, ("KZ-A", "4"): 40},
        project_cells={("atyrau-refinery", "KZ-A", "3"): 500},
        national_headroom=9,
        changes=[ScaleChange(category="3", factor=Decimal("0.5"))],
    )
    assert result.cells == {("KZ-A", "3"): 150, ("KZ-A", "4"): 40, ("KZ-B", "3"): 100}
    assert result.project_cells == {("atyrau-refinery", "KZ-A", "3"): 500}
    assert result.national_headroom == 9
    assert result.targets[0] == {
        "category": "3",
        "region": None,
        "current": 1_000,
        "target": 750,
        "reserved": 500,
        "factor": "0.5",
    }


def test_a_regional_factor_touches_only_that_regions_cells_and_keeps_its_reserve():
    result = amend_cells(
        cells={("KZ-A", "3"): 300, ("KZ-B", "3"): 200},
        project_cells={("atyrau-refinery", "KZ-A", "3"): 500, ("tengiz", "KZ-B", "3"): 70},
        national_headroom=0,
        changes=[ScaleChange(category="3", region="KZ-B", factor=Decimal("0.25"))],
    )
    assert result.cells == {("KZ-A", "3"): 300, ("KZ-B", "3"): 50}
    assert result.project_cells == {("atyrau-refinery", "KZ-A", "3"): 500, ("tengiz", "KZ-B", "3"): 70}
    assert (result.targets[0]["current"], result.targets[0]["target"]) == (270, 120)


def test_a_target_is_the_total_including_the_reserves():
    result = amend_cells(
        cells={("KZ-A", "3"): 300, ("KZ-B", "3"): 200},
        project_cells={("atyrau-refinery", "KZ-A", "3"): 500},
        national_headroom=0,
        changes=[ScaleChange(category="3", target=750)],
    )
    assert result.cells == {("KZ-A", "3"): 150, ("KZ-B", "3"): 100}
    assert result.project_cells == {("atyrau-refinery", "KZ-A", "3"): 500}
    # Exactly the reserves: every regional cell goes to zero, the reserves stay.
    result = amend_cells(
        cells={("KZ-A", "3"): 300, ("KZ-B", "3"): 200},
        project_cells={("atyrau-refinery", "KZ-A", "3"): 500},
        national_headroom=0,
        changes=[ScaleChange(category="3", target=500)],
    )
    assert result.cells == {("KZ-A", "3"): 0, ("KZ-B", "3"): 0}


def test_a_target_below_the_reserves_is_refused_naming_each_reserve():
    with pytest.raises(CalculationError) as refused:
        amend_cells(
            cells={("KZ-23", "3"): 300, ("KZ-19", "3"): 200, ("KZ-19", "4"): 10},
            project_cells={
                ("atyrau-refinery", "KZ-23", "3"): 400,
                ("tengiz", "KZ-19", "3"): 150,
                ("tengiz", "KZ-19", "4"): 99,  # another category: not in the scope
            },
            national_headroom=0,
            changes=[ScaleChange(category="3", target=549)],
        )
    error = refused.value
    assert error.code == calculation.TARGET_BELOW_RESERVES
    assert (
        error.details.items()
        >= {
            "target": 549,
            "category": "3",
            "reserved": 550,
            "reserves": "atyrau-refinery KZ-23/3 (400), tengiz KZ-19/3 (150)",
            "change": 0,
        }.items()
    )
    assert error.details["reserve_cells"] == ["atyrau-refinery KZ-23/3 (400)", "tengiz KZ-19/3 (150)"]
    assert error.message == (
        "The target 549 for category 3 is below the 550 places its project reserves hold: "
        "atyrau-refinery KZ-23/3 (400), tengiz KZ-19/3 (150)."
    )


def test_a_region_target_moves_only_that_regions_cell():
    result = amend_cells(
        cells={("KZ-A", "3"): 2_414, ("KZ-B", "3"): 248},
        national_headroom=0,
        changes=[ScaleChange(category="3", region="KZ-B", target=300)],
    )
    assert result.cells == {("KZ-A", "3"): 2_414, ("KZ-B", "3"): 300}


def test_moves_name_exact_places_between_cells_and_the_headroom_in_order():
    result = amend_cells(
        cells={("KZ-A", "3"): 10, ("KZ-B", "3"): 5},
        national_headroom=4,
        changes=[
            MoveChange(places=4, source=None, destination=("KZ-B", "3")),
            MoveChange(places=9, source=("KZ-B", "3"), destination=("KZ-A", "3")),
            MoveChange(places=2, source=("KZ-A", "3"), destination=None),
        ],
    )
    assert result.cells == {("KZ-A", "3"): 17, ("KZ-B", "3"): 0}
    assert result.national_headroom == 2


@pytest.mark.parametrize(
    ("change", "code", "details"),
    [
        (MoveChange(places=11, source=("KZ-A", "3"), destination=None), calculation.MOVE_EXCEEDS_PLACES, {}),
        (MoveChange(places=1, source=None, destination=None), calculation.INVALID_MOVE, {}),
        (MoveChange(places=1, source=("KZ-Z", "3"), destination=None), calculation.UNKNOWN_CELL, {}),
        (ScaleChange(category="3", target=5, factor=Decimal(1)), calculation.INVALID_TARGET, {}),
        (ScaleChange(category="3", factor=Decimal("11")), calculation.INVALID_FACTOR, {}),
        (ScaleChange(category="4", target=5), calculation.NOTHING_TO_SCALE, {"places": 5}),
        (
            ScaleChange(category="3", target=2),
            calculation.TARGET_BELOW_RESERVES,
            {"reserved": 3, "reserves": "KZ-A/3 (3)"},
        ),
    ],
)
def test_changes_that_cannot_apply_are_refused_naming_the_change(change, code, details):
    with pytest.raises(CalculationError) as refused:
        amend_cells(
            cells={("KZ-A", "3"): 10, ("KZ-A", "4"): 0},
            reserves=[("KZ-A", "3", 3)],
            national_headroom=0,
            changes=[ScaleChange(category="1", target=0), change],
        )
    assert refused.value.code == code
    assert refused.value.details["change"] == 1
    assert details.items() <= refused.value.details.items()


# ---------------------------------------------------------------------------------------------------------------------
# Through the services, on a plan approved by two officials
# ---------------------------------------------------------------------------------------------------------------------
@pytest.fixture
def regions(golden_regions):
    return golden_regions


@pytest.fixture
def plan_2016(ministry_user, ministry_2, regions):
    """2016, rate 0.7 %, labour force 1,000,000 → ceiling 7,000; cat-3 cells 2,414 (A) and 248 (B), a few more; the
    rest (4,138 places) is national headroom."""
    quota_policy()
    return approved_plan(
        year=2016,
        demand={"KZ-A": (10, 20, 2_414, 100, 0), "KZ-B": (0, 0, 248, 70, 0)},
        labour_force=1_000_000,
        proposer=ministry_user,
        approver=ministry_2,
    )


def cell(year, region, category):
    return QuotaCell.objects.get(year=year, kind="regional", region__code=region, category=category)


def scale(category, *, target=None, factor=None, region=None):
    return {"kind": "scale", "category": category, "target": target, "factor": factor, "region": region}


def move(places, source=None, destination=None):
    change = {"kind": "move", "places": places}
    if source:
        change.update(from_region=source[0], from_category=source[1])
    if destination:
        change.update(to_region=destination[0], to_category=destination[1])
    return change


def amend(plan, changes, *, proposer, approver, effective_date=None):
    amendment = amendment_create(
        plan=plan,
        effective_date=effective_date or date(plan.year, 6, 1),
        reason="Order of the Minister (test)",
        changes=changes,
        actor=proposer,
    )
    amendment_propose(amendment=amendment, actor=proposer)
    return amendment_approve(amendment=amendment, actor=approver)


def test_the_per_cell_golden_through_the_ledger(plan_2016, ministry_user, ministry_2):
    amendment = amend(plan_2016, [scale("3", target=2_131)], proposer=ministry_user, approver=ministry_2)
    assert (cell(2016, "KZ-A", "3").allocated, cell(2016, "KZ-B", "3").allocated) == (1_932, 199)
    assert amendment.status == "approved" and amendment.version == 2 == plan_version(plan_2016)
    assert amendment.total_before == 7_000 and amendment.total_after == 7_000 - 531
    history = {
        (row.cell.region.code, row.cell.category): (row.allocated_before, row.allocated_after)
        for row in amendment.cells.select_related("cell__region")
    }
    assert history == {("KZ-A", "3"): (2_414, 1_932), ("KZ-B", "3"): (248, 199)}
    movements = LedgerMovement.objects.filter(kind="amend", operation=amendment.operation)
    assert sorted(m.allocated_delta for m in movements) == [-482, -49]
    assert {(m.cause_type, m.cause_id) for m in movements} == {("quota.quotaamendment", str(amendment.pk))}
    assert quota_ledger_verify(year=2016) == []
    assert plan_2016.cells.get(region__code="KZ-A", category="3").places == 2_414  # version 1 stays as approved


def test_the_2022_cut_is_reproduced(ministry_user, ministry_2, regions, db):
    quota_policy(rate="0.310")
    plan = approved_plan(
        year=2022, demand=DEMAND_2022, labour_force=LABOUR_FORCE_2022, proposer=ministry_user, approver=ministry_2
    )
    totals = {c: sum(cell(2022, r, c).allocated for r in DEMAND_2022) for c in "1234S"}
    assert totals == {"1": 1_243, "2": 6_499, "3": 13_887, "4": 3_421, "S": 3_302}
    assert plan.ceiling == 28_352 and plan.national_headroom == 0

    amendment = amend(
        plan,
        [scale("3", target=11_110), scale("4", target=2_396), scale("S", target=2_312)],
        proposer=ministry_user,
        approver=ministry_2,
        effective_date=date(2022, 2, 4),
    )
    totals = {c: sum(cell(2022, r, c).allocated for r in DEMAND_2022) for c in "1234S"}
    assert totals == {"1": 1_243, "2": 6_499, "3": 11_110, "4": 2_396, "S": 2_312}
    assert (amendment.total_before, amendment.total_after) == (28_352, 23_560)
    # In proportion to the current cells: cat 3 of 8,000 / 4,000 / 1,887 → ×11,110/13,887.
    assert [cell(2022, r, "3").allocated for r in DEMAND_2022] == [6_400, 3_200, 1_510]
    assert amendment.ceiling_after == 28_352  # a cut needs no ceiling check
    assert QuotaCell.objects.get(year=2022, kind="headroom").allocated == 0  # places cut leave the plan
    assert quota_ledger_verify(year=2022) == []


def test_a_cut_below_reserved_and_used_is_refused_naming_the_cells(plan_2016, ministry_user, ministry_2, regions):
    quota_reserve(
        placements=[Placement(region_id=regions["KZ-B"].pk, category="3", places=220)],
        cause=("test", "1"),
        actor=ministry_user,
        on=date(2016, 3, 1),
    )
    amendment = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="cut",
        changes=[scale("3", target=2_131)],
        actor=ministry_user,
    )
    outcome = amendment_outcome(amendment)
    assert [p["check"] for p in outcome.problems] == [CHECK_ABOVE_HELD]
    assert "KZ-B/3 (199 < 220 reserved + used)" in outcome.problems[0]["message"]
    with pytest.raises(DomainError) as refused:
        amendment_propose(amendment=amendment, actor=ministry_user)
    assert refused.value.code == CODE_CHECKS_FAILED and "KZ-B/3" in str(refused.value.message)
    assert cell(2016, "KZ-B", "3").allocated == 248  # never clamped


def test_a_reservation_after_the_proposal_makes_approval_refuse_and_change_nothing(
    plan_2016, ministry_user, ministry_2, regions
):
    amendment = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="cut",
        changes=[scale("3", target=2_131)],
        actor=ministry_user,
    )
    amendment_propose(amendment=amendment, actor=ministry_user)
    quota_reserve(
        placements=[Placement(region_id=regions["KZ-A"].pk, category="3", places=2_000)],
        cause=("test", "2"),
        actor=ministry_user,
        on=date(2016, 3, 1),
    )
    with pytest.raises(DomainError) as refused:
        amendment_approve(amendment=amendment, actor=ministry_2)
    assert refused.value.code == CODE_BELOW_HELD
    assert "KZ-A/3 (1932 < 2000 reserved + used)" in str(refused.value.message)
    assert cell(2016, "KZ-A", "3").allocated == 2_414
    amendment.refresh_from_db()
    assert amendment.status == "proposed"
    assert not LedgerMovement.objects.filter(kind="amend").exists()


def test_four_eyes_and_the_lifecycle(plan_2016, ministry_user, ministry_2, official_1, auditor_user):
    amendment = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="move",
        changes=[move(5, None, ("KZ-B", "4"))],
        actor=ministry_user,
    )
    assert amendment.number == 1 and amendment.status == "draft"
    for user in (official_1, auditor_user):
        with pytest.raises(PermissionDenied):
            amendment_propose(amendment=amendment, actor=user)
    amendment_propose(amendment=amendment, actor=ministry_user)
    with pytest.raises(DomainError) as refused:
        amendment_approve(amendment=amendment, actor=ministry_user)
    assert refused.value.code == CODE_SAME_OFFICIAL
    with pytest.raises(ValidationError):
        amendment_return(amendment=amendment, reason="  ", actor=ministry_2)
    amendment_return(amendment=amendment, reason="Cite the order number", actor=ministry_2)
    amendment.refresh_from_db()
    assert amendment.status == "draft" and amendment.return_reason == "Cite the order number"
    assert not amendment.cells.exists()
    amendment_update(amendment=amendment, reason="Order No. 12", actor=ministry_user)
    amendment_propose(amendment=amendment, actor=ministry_2)
    amendment_approve(amendment=amendment, actor=ministry_user)  # the other official proposed it this time
    assert cell(2016, "KZ-B", "4").allocated == 75
    assert QuotaCell.objects.get(year=2016, kind="headroom").allocated == 4_138 - 5
    with pytest.raises(DomainError) as refused:
        amendment_update(amendment=amendment, reason="again", actor=ministry_user)
    assert refused.value.code == CODE_AMENDMENT_APPROVED
    actions = list(
        AuditEvent.objects.filter(object_type="quota.quotaamendment", object_id=str(amendment.pk))
        .values_list("action", flat=True)
        .order_by("id")
    )
    assert actions == [
        "quota_amendment.created",
        "quota_amendment.proposed",
        "quota_amendment.returned",
        "quota_amendment.changed",
        "quota_amendment.proposed",
        "quota_amendment.approved",
    ]


def test_an_amendment_proposed_on_an_older_version_is_refused(plan_2016, ministry_user, ministry_2):
    first = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="a",
        changes=[move(5, None, ("KZ-B", "4"))],
        actor=ministry_user,
    )
    second = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="b",
        changes=[move(5, None, ("KZ-A", "4"))],
        actor=ministry_user,
    )
    amendment_propose(amendment=first, actor=ministry_user)
    amendment_propose(amendment=second, actor=ministry_user)
    amendment_approve(amendment=first, actor=ministry_2)
    with pytest.raises(DomainError) as refused:
        amendment_approve(amendment=second, actor=ministry_2)
    assert refused.value.code == CODE_STALE
    amendment_return(amendment=second, reason="rebase", actor=ministry_2)
    amendment_propose(amendment=second, actor=ministry_user)
    assert amendment_approve(amendment=second, actor=ministry_2).version == 3


def rate_policy(*periods):
    """The quota rate in periods (valid_from, valid_to, "0.700"), with the managers/specialists policy from 2000."""
    make_policy_parameter(P.QUOTA_RATE_PERCENT, *periods, value_type="percent")
    make_policy_parameter(
        P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT, (date(2000, 1, 1), None, "70.000"), value_type="percent"
    )
    make_policy_parameter(
        P.MANAGERS_SPECIALISTS_INCLUDES_SEASONAL, (date(2000, 1, 1), None, False), value_type="switch"
    )


def checks(amendment):
    return [p["check"] for p in amendment_outcome(amendment).problems]


def test_raising_above_the_plans_ceiling_needs_a_rate_period_starting_in_the_plan_year(
    ministry_user, ministry_2, regions, db
):
    # Step 8 (DOMAIN §5): the ceiling in force on the effective date comes from the rate period in force that day
    # when it starts inside the plan year — not only a period starting exactly on the effective date (Step 7's rule).
    rate_policy((date(2000, 1, 1), date(2016, 7, 31), "0.700"), (date(2016, 8, 1), None, "0.750"))
    plan = approved_plan(
        year=2016,
        demand={"KZ-A": (0, 0, 7_000, 0, 0)},
        labour_force=1_000_000,
        proposer=ministry_user,
        approver=ministry_2,
    )
    assert plan.ceiling == 7_000 and plan.national_headroom == 0

    within = amendment_create(
        plan=plan,
        effective_date=date(2016, 6, 1),
        reason="raise",
        changes=[scale("3", target=7_400)],
        actor=ministry_user,
    )
    outcome = amendment_outcome(within)
    assert [p["check"] for p in outcome.problems] == [CHECK_CEILING]
    assert outcome.problems[0]["message"] == (
        "The total 7400 would exceed the plan's ceiling 7000, in force on 2016-06-01: the quota rate of 0.700% in "
        "force that day applies from 2000-01-01, before the plan year; a higher ceiling needs a quota-rate period "
        "starting in 2016."
    )

    within = amendment_update(amendment=within, effective_date=date(2016, 8, 1), actor=ministry_user)
    outcome = amendment_outcome(within)
    assert outcome.problems == [] and outcome.ceiling_after == 7_500
    amendment_propose(amendment=within, actor=ministry_user)
    amendment_approve(amendment=within, actor=ministry_2)
    assert plan_ceiling(plan) == 7_500 == plan_ceiling(plan, on=date(2016, 8, 1))
    assert plan_ceiling(plan, on=date(2016, 7, 31)) == 7_000
    assert cell(2016, "KZ-A", "3").allocated == 7_400

    beyond = amendment_create(
        plan=plan,
        effective_date=date(2016, 9, 1),
        reason="raise",
        changes=[scale("3", target=7_600)],
        actor=ministry_user,
    )
    problems = amendment_outcome(beyond).problems
    assert [p["check"] for p in problems] == [CHECK_CEILING]
    assert problems[0]["message"] == (
        "The total 7600 would exceed the ceiling 7500 in force on 2016-09-01: the quota rate of 0.750% in force from "
        "2016-08-01 × the plan's labour force of 1000000."
    )
    beyond = amendment_update(amendment=beyond, effective_date=date(2016, 7, 1), actor=ministry_user)
    assert checks(beyond) == [CHECK_EFFECTIVE_DATE, CHECK_CEILING]


def test_a_raise_after_a_rate_period_from_august_is_accepted_up_to_its_ceiling(ministry_user, ministry_2, regions, db):
    # As in 2025: 0.20 % from 1 January, 0.25 % from 1 August. Labour force 1,000,000 → 2,000, then 2,500.
    rate_policy((date(2000, 1, 1), date(2016, 7, 31), "0.200"), (date(2016, 8, 1), None, "0.250"))
    plan = approved_plan(
        year=2016,
        demand={"KZ-A": (0, 0, 1_500, 0, 0), "KZ-B": (0, 0, 500, 0, 0)},
        labour_force=1_000_000,
        proposer=ministry_user,
        approver=ministry_2,
    )
    assert (plan.ceiling, plan.national_headroom) == (2_000, 0)
    amendment = amendment_create(
        plan=plan,
        effective_date=date(2016, 10, 15),
        reason="raise",
        changes=[scale("3", target=2_501)],
        actor=ministry_user,
    )
    problems = amendment_outcome(amendment).problems
    assert [p["check"] for p in problems] == [CHECK_CEILING]
    assert "total 2501 would exceed the ceiling 2500 in force on 2016-10-15" in problems[0]["message"]
    assert "0.250% in force from 2016-08-01" in problems[0]["message"]
    with pytest.raises(DomainError) as refused:
        amendment_propose(amendment=amendment, actor=ministry_user)
    assert refused.value.code == CODE_CHECKS_FAILED

    # Before the new period starts, the same raise is checked against the plan's ceiling.
    amendment = amendment_update(
        amendment=amendment, effective_date=date(2016, 7, 31), changes=[scale("3", target=2_001)], actor=ministry_user
    )
    problems = amendment_outcome(amendment).problems
    assert [p["check"] for p in problems] == [CHECK_CEILING]
    assert "the plan's ceiling 2000, in force on 2016-07-31" in problems[0]["message"]

    amendment = amendment_update(
        amendment=amendment, effective_date=date(2016, 10, 15), changes=[scale("3", target=2_500)], actor=ministry_user
    )
    outcome = amendment_outcome(amendment)
    assert outcome.problems == []
    assert outcome.rate_period["valid_from"] == "2016-08-01" and outcome.rate_period["ceiling"] == 2_500
    amendment_propose(amendment=amendment, actor=ministry_user)
    amendment = amendment_approve(amendment=amendment, actor=ministry_2)
    assert (amendment.total_before, amendment.total_after) == (2_000, 2_500)
    assert (amendment.ceiling_before, amendment.ceiling_after) == (2_000, 2_500)
    assert (cell(2016, "KZ-A", "3").allocated, cell(2016, "KZ-B", "3").allocated) == (1_875, 625)
    assert quota_ledger_verify(year=2016) == []


def test_a_lowered_rate_refuses_a_later_raise_the_plans_ceiling_would_allow(ministry_user, ministry_2, regions, db):
    # 0.7 % → ceiling 7,000; lowered to 0.6 % from 1 October → 6,000 from that day on (DOMAIN §5: "a lowered rate
    # lowers it from its start, so later amendments may not raise the total above it").
    rate_policy((date(2000, 1, 1), date(2016, 9, 30), "0.700"), (date(2016, 10, 1), None, "0.600"))
    plan = approved_plan(
        year=2016,
        demand={"KZ-A": (0, 0, 5_000, 0, 0)},
        labour_force=1_000_000,
        proposer=ministry_user,
        approver=ministry_2,
    )
    assert (plan.ceiling, plan.national_headroom) == (7_000, 2_000)
    assert plan_ceiling(plan, on=date(2016, 9, 30)) == 7_000
    assert plan_ceiling(plan, on=date(2016, 10, 1)) == 6_000 == plan_ceiling(plan)  # a past year: its 31 December
    cut = amend(
        plan, [scale("3", target=4_000)], proposer=ministry_user, approver=ministry_2, effective_date=date(2016, 6, 1)
    )
    assert (cut.total_after, cut.ceiling_after) == (6_000, 7_000)

    raise_ = amendment_create(
        plan=plan,
        effective_date=date(2016, 10, 15),
        reason="raise",
        changes=[scale("3", target=4_500)],
        actor=ministry_user,
    )
    problems = amendment_outcome(raise_).problems
    assert [p["check"] for p in problems] == [CHECK_CEILING]
    assert problems[0]["message"] == (
        "The total 6500 would exceed the ceiling 6000 in force on 2016-10-15: the quota rate of 0.600% in force from "
        "2016-10-01 × the plan's labour force of 1000000."
    )
    # Before the lowered period starts the raise is checked against the old ceiling, and passes.
    raise_ = amendment_update(amendment=raise_, effective_date=date(2016, 9, 30), actor=ministry_user)
    outcome = amendment_outcome(raise_)
    assert outcome.problems == [] and outcome.ceiling_after == 7_000
    amendment_propose(amendment=raise_, actor=ministry_user)
    raise_ = amendment_approve(amendment=raise_, actor=ministry_2)
    assert raise_.total_after == 6_500

    # From 1 October the total (6,500) is above the lowered ceiling: a cut needs no check, any raise is refused.
    later_cut = amendment_create(
        plan=plan,
        effective_date=date(2016, 10, 15),
        reason="cut",
        changes=[scale("3", target=4_400)],
        actor=ministry_user,
    )
    outcome = amendment_outcome(later_cut)
    assert outcome.problems == [] and (outcome.total_after, outcome.ceiling_after) == (6_400, 6_000)
    later_raise = amendment_create(
        plan=plan,
        effective_date=date(2016, 10, 15),
        reason="raise",
        changes=[scale("3", target=4_501)],
        actor=ministry_user,
    )
    assert checks(later_raise) == [CHECK_CEILING]
    # Moves between the headroom and the cells keep the total: no ceiling check.
    later_move = amendment_create(
        plan=plan,
        effective_date=date(2016, 10, 15),
        reason="move",
        changes=[move(100, None, ("KZ-A", "3"))],
        actor=ministry_user,
    )
    assert checks(later_move) == []


def test_a_breaking_amendment_needs_an_override_confirmed_by_another_official(plan_2016, ministry_user, ministry_2):
    # Moving 4,000 headroom places into cat 4 takes managers/specialists (2,692) below 70 % of cats 1-4.
    amendment = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="seasonal works",
        changes=[move(4_000, None, ("KZ-A", "4"))],
        actor=ministry_user,
    )
    outcome = amendment_outcome(amendment)
    assert [p["check"] for p in outcome.problems] == [CHECK_MANAGERS_SPECIALISTS]
    with pytest.raises(DomainError):
        amendment_propose(amendment=amendment, actor=ministry_user)
    amendment_override(amendment=amendment, reason="Harvest emergency", actor=ministry_user)
    with pytest.raises(DomainError) as refused:
        amendment_confirm_override(amendment=amendment, actor=ministry_user)
    assert refused.value.code == CODE_SAME_OFFICIAL
    amendment_confirm_override(amendment=amendment, actor=ministry_2)
    amendment_propose(amendment=amendment, actor=ministry_user)
    amendment_approve(amendment=amendment, actor=ministry_2)
    assert cell(2016, "KZ-A", "4").allocated == 4_100


def test_bad_changes_get_field_level_errors_and_nothing_is_saved(plan_2016, ministry_user, regions):
    with pytest.raises(ValidationError) as refused:
        amendment_create(
            plan=plan_2016,
            effective_date=date(2016, 6, 1),
            reason="x",
            changes=[
                scale("9", target=1),
                scale("3", target=1, factor="0.5"),
                move(0, ("KZ-A", "3"), ("KZ-A", "3")),
                {"kind": "swap"},
                move(1, (regions["KZ-A"], ""), None),
            ],
            actor=ministry_user,
        )
    assert set(refused.value.message_dict) == {
        "changes.0.category",
        "changes.1.target",
        "changes.2.places",
        "changes.2.to_region",
        "changes.3.kind",
        "changes.4.from_region",
    }
    assert not QuotaAmendment.objects.exists()
    with pytest.raises(ValidationError) as refused:
        amendment_create(plan=plan_2016, effective_date=None, reason="", changes=[], actor=ministry_user)
    amendment = amendment_create(
        plan=plan_2016,
        effective_date=date(2017, 1, 1),
        reason="x",
        changes=[move(99_999, ("KZ-A", "1"))],
        actor=ministry_user,
    )
    problems = {p["check"]: p for p in amendment_outcome(amendment).problems}
    assert problems[CHECK_CHANGES_APPLY]["field"] == "changes.0"


def test_only_an_approved_plan_of_an_open_year_is_amended(plan_2016, ministry_user, ministry_2, regions):
    draft = quota_plan_create(
        year=2017, entered_labour_force=1_000_000, entered_labour_force_source="t", actor=ministry_user
    )
    with pytest.raises(DomainError) as refused:
        amendment_create(
            plan=draft, effective_date=date(2017, 6, 1), reason="x", changes=[scale("3", target=1)], actor=ministry_user
        )
    assert refused.value.code == CODE_PLAN_NOT_APPROVED
    proposed = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="x",
        changes=[move(5, None, ("KZ-B", "4"))],
        actor=ministry_user,
    )
    amendment_propose(amendment=proposed, actor=ministry_user)
    quota_year_close(year=2016, actor=ministry_user)
    with pytest.raises(DomainError) as refused:
        amendment_approve(amendment=proposed, actor=ministry_2)
    assert refused.value.code == CODE_YEAR_CLOSED
    with pytest.raises(DomainError) as refused:
        amendment_create(
            plan=plan_2016,
            effective_date=date(2016, 6, 1),
            reason="x",
            changes=[scale("3", target=1)],
            actor=ministry_user,
        )
    assert refused.value.code == CODE_YEAR_CLOSED


def test_the_published_quota_shows_the_plan_as_amended(plan_2016, ministry_user, ministry_2, employer_a_user, client):
    amend(
        plan_2016,
        [scale("3", target=2_131), move(38, None, ("KZ-B", "4"))],
        proposer=ministry_user,
        approver=ministry_2,
    )
    client.force_login(employer_a_user)
    page = client.get("/quota/published/?year=2016").content.decode()
    assert "Version 2: the plan as amended, last by amendment 1 in force from 2016-06-01." in page
    assert '<td class="num">1,932</td>' in page  # KZ-A, category 3
    assert 'data-testid="headroom">4,100<' in page  # 4,138 − 38 moved to KZ-B/4


def test_an_amendment_is_approved_and_applied_from_its_effective_date(plan_2016, ministry_user, ministry_2):
    amendment = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 9, 1),
        reason="from September",
        changes=[move(5, None, ("KZ-B", "4"))],
        actor=ministry_user,
    )
    amendment_propose(amendment=amendment, actor=ministry_user)  # proposing ahead is fine
    with pytest.raises(DomainError) as refused:
        amendment_approve(amendment=amendment, actor=ministry_2, on=date(2016, 8, 31))
    assert refused.value.code == CODE_NOT_YET_EFFECTIVE
    assert cell(2016, "KZ-B", "4").allocated == 70
    amendment_approve(amendment=amendment, actor=ministry_2, on=date(2016, 9, 1))
    assert cell(2016, "KZ-B", "4").allocated == 75


def test_the_version_is_the_plans_count_of_approved_amendments_whatever_their_numbers(
    plan_2016, ministry_user, ministry_2
):
    abandoned = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="a",
        changes=[move(1, None, ("KZ-A", "4"))],
        actor=ministry_user,
    )
    second = amend(plan_2016, [move(5, None, ("KZ-B", "4"))], proposer=ministry_user, approver=ministry_2)
    assert (abandoned.number, second.number, second.version, plan_version(plan_2016)) == (1, 2, 2, 2)
    assert amendment_update(amendment=abandoned, actor=ministry_user).reason == "a"  # an empty change changes nothing
    assert not AuditEvent.objects.filter(action="quota_amendment.changed").exists()


def test_a_missing_policy_on_the_effective_date_is_a_problem_not_an_error(plan_2016, ministry_user):
    from common.models import PolicyParameter, PolicyPeriod

    threshold = PolicyParameter.objects.get(name=P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT)
    PolicyPeriod.objects.close_open_period(parameter=threshold, valid_to=date(2016, 3, 1))
    amendment = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="a",
        changes=[move(1, None, ("KZ-A", "4"))],
        actor=ministry_user,
    )
    problems = amendment_outcome(amendment).problems
    assert [(p["check"], p["field"]) for p in problems] == [(CHECK_MANAGERS_SPECIALISTS, "effective_date")]


# ---------------------------------------------------------------------------------------------------------------------
# Project reserves and country caps are plan numbers too
# ---------------------------------------------------------------------------------------------------------------------
@pytest.fixture
def plan_with_reserve_and_cap(ministry_user, ministry_2, regions, refinery):
    """2016 as plan_2016, plus a 500-place reserve of the refinery (A, cat 3) and a 300-place cap on CN."""
    from tests.quota.factories import china

    quota_policy()
    return approved_plan(
        year=2016,
        demand={"KZ-A": (10, 20, 2_414, 100, 0), "KZ-B": (0, 0, 248, 70, 0)},
        labour_force=1_000_000,
        proposer=ministry_user,
        approver=ministry_2,
        reserves=[(refinery, regions["KZ-A"], "3", 500)],
        caps=[(china(), 300)],
    )


def reserve(project, region, category, places):
    return {"kind": "reserve", "project": project, "region": region, "category": category, "target": places}


def cap(country, places):
    return {"kind": "cap", "country": country, "target": places}


def test_a_reserve_and_a_cap_are_set_to_exact_numbers(plan_with_reserve_and_cap, ministry_user, ministry_2):
    plan = plan_with_reserve_and_cap
    amendment = amend(
        plan,
        [reserve("atyrau-refinery", "KZ-A", "3", 400), cap("CN", 250), scale("3", target=2_400)],
        proposer=ministry_user,
        approver=ministry_2,
    )
    project = QuotaCell.objects.get(year=2016, kind="project", project_key="atyrau-refinery")
    assert project.allocated == 400
    assert QuotaCell.objects.get(year=2016, kind="country", country="CN").allocated == 250
    # The scale that follows counts the reserve as it now is: 2,400 − 400 = 2,000 spread over 2,414 and 248.
    assert (cell(2016, "KZ-A", "3").allocated, cell(2016, "KZ-B", "3").allocated) == (1_814, 186)
    assert amendment.total_after == amendment.total_before - 100 - (2_662 - 2_000)  # a cap adds no place
    history = {
        row.cell.kind: (row.allocated_before, row.allocated_after) for row in amendment.cells.select_related("cell")
    }
    assert history["project"] == (500, 400) and history["country"] == (300, 250)
    assert quota_ledger_verify(year=2016) == []


def test_a_cap_below_its_reservations_or_above_the_total_is_refused(plan_with_reserve_and_cap, ministry_user, regions):
    plan = plan_with_reserve_and_cap
    quota_reserve(
        placements=[Placement(region_id=regions["KZ-B"].pk, category="3", places=10, country="CN")],
        cause=("test", "cn"),
        actor=ministry_user,
        on=date(2016, 3, 1),
    )
    amendment = amendment_create(
        plan=plan, effective_date=date(2016, 6, 1), reason="cap", changes=[cap("CN", 9)], actor=ministry_user
    )
    problems = amendment_outcome(amendment).problems
    assert [p["check"] for p in problems] == [CHECK_ABOVE_HELD]
    assert "2016 country CN (9 < 10 reserved + used)" in problems[0]["message"]
    amendment = amendment_update(amendment=amendment, changes=[cap("CN", 7_001)], actor=ministry_user)
    assert [p["check"] for p in amendment_outcome(amendment).problems] == [CHECK_CAPS_WITHIN_TOTAL]


def test_reserve_and_cap_rows_name_what_the_year_has(plan_with_reserve_and_cap, ministry_user):
    with pytest.raises(ValidationError) as refused:
        amendment_create(
            plan=plan_with_reserve_and_cap,
            effective_date=date(2016, 6, 1),
            reason="x",
            changes=[
                reserve("atyrau-refinery", "KZ-B", "3", 10),  # no reserve there
                reserve("atyrau-refinery", "KZ-A", "9", 10),
                cap("KG", 5),  # no cap on it
                cap("CN", -1),
            ],
            actor=ministry_user,
        )
    assert set(refused.value.message_dict) == {
        "changes.0.project",
        "changes.1.category",
        "changes.2.country",
        "changes.3.target",
    }


def test_cat_3_times_one_half_through_the_services_keeps_the_reserve(ministry_user, ministry_2, regions, refinery):
    # DOMAIN §5 "Amendment details": regional cells 300 and 200, a reserve of 500 → 150 / 100 / 500.
    quota_policy()
    plan = approved_plan(
        year=2016,
        demand={"KZ-A": (0, 0, 300, 0, 0), "KZ-B": (0, 0, 200, 0, 0)},
        labour_force=1_000_000,
        proposer=ministry_user,
        approver=ministry_2,
        reserves=[(refinery, regions["KZ-A"], "3", 500)],
    )
    amendment = amend(plan, [scale("3", factor="0.5")], proposer=ministry_user, approver=ministry_2)
    project = QuotaCell.objects.get(year=2016, kind="project", project_key="atyrau-refinery")
    assert (cell(2016, "KZ-A", "3").allocated, cell(2016, "KZ-B", "3").allocated, project.allocated) == (150, 100, 500)
    assert (amendment.total_before, amendment.total_after) == (7_000, 6_750)
    assert amendment.rule_results["targets"] == [
        {"category": "3", "region": None, "current": 1_000, "target": 750, "reserved": 500, "factor": "0.5000"}
    ]
    assert amendment.rule_results["totals_after"]["3"] == 750
    assert quota_ledger_verify(year=2016) == []


def test_a_target_below_the_reserves_is_refused_through_the_services_naming_them(
    plan_with_reserve_and_cap, ministry_user
):
    amendment = amendment_create(
        plan=plan_with_reserve_and_cap,
        effective_date=date(2016, 6, 1),
        reason="cut",
        changes=[scale("4", target=100), scale("3", target=499)],
        actor=ministry_user,
    )
    problems = amendment_outcome(amendment).problems
    assert [(p["check"], p["field"]) for p in problems] == [(CHECK_CHANGES_APPLY, "changes.1")]
    assert problems[0]["message"] == str(
        MESSAGE_TARGET_BELOW_RESERVES
        % {"target": 499, "category": "3", "reserved": 500, "reserves": "atyrau-refinery KZ-A/3 (500)"}
    )
    assert "atyrau-refinery KZ-A/3 (500)" in problems[0]["message"]
    with pytest.raises(DomainError) as refused:
        amendment_propose(amendment=amendment, actor=ministry_user)
    assert "atyrau-refinery KZ-A/3 (500)" in str(refused.value.message)
    # The reserve itself is enough: a target of exactly 500 empties the regional cells and keeps the reserve.
    amendment = amendment_update(amendment=amendment, changes=[scale("3", target=500)], actor=ministry_user)
    outcome = amendment_outcome(amendment)
    assert {(c.cell.region.code, c.cell.kind): c.after for c in outcome.cells} == {
        ("KZ-A", "regional"): 0,
        ("KZ-B", "regional"): 0,
    }
