"""Quota plans through their services (Step 4, item 3): create, inputs, demand, compute — golden examples, known
answers, the fallback, and the return to draft when an input changes."""

import random
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from common.models import AuditEvent
from quota import calculation, imports
from quota.imports import FileRejected
from quota.models import PlanCell, PlanDemand, QuotaPlan
from quota.selectors import plan_result_table
from quota.services import (
    CODE_NATIONAL_LABOUR_FORCE_MISSING,
    CODE_PLAN_EXISTS,
    MESSAGE_ENTERED_SOURCE_REQUIRED,
    quota_plan_compute,
    quota_plan_create,
    quota_plan_demand_replace,
    quota_plan_update,
)
from tests.common.factories import RegionFactory
from tests.quota.factories import LabourForceFigureFactory, QuotaPlanFactory, demand_rows, quota_policy

pytestmark = pytest.mark.django_db

# Golden example 1 (DOMAIN §3): demand in categories 1, 2, 3, 4, S; D has none.
GOLDEN_1_DEMAND = {
    "KZ-A": (100, 400, 2000, 600, 300),
    "KZ-B": (50, 300, 1500, 700, 0),
    "KZ-C": (20, 100, 400, 300, 900),
}
GOLDEN_1_CELLS = {
    "KZ-A": [85, 339, 1695, 509, 254],
    "KZ-B": [42, 254, 1271, 593, 0],
    "KZ-C": [17, 85, 339, 254, 763],
    "KZ-D": [0, 0, 0, 0, 0],
}
# floor(0.700 % × 928,572) = 6,500: golden example 1's pool, here without the 500-place reserve (Step 5 adds it).
LABOUR_FORCE_FOR_6500 = 928_572


@pytest.fixture
def golden_regions(db):
    return {code: RegionFactory(code=code) for code in ("KZ-A", "KZ-B", "KZ-C", "KZ-D")}


def table_of(plan) -> dict[str, list[int]]:
    return {region.code: cells for region, cells, _total in plan_result_table(plan).rows}


def golden_plan(ministry_user, *, labour_force=LABOUR_FORCE_FOR_6500, year=2016) -> QuotaPlan:
    plan = quota_plan_create(
        year=year, entered_labour_force=labour_force, entered_labour_force_source="golden example", actor=ministry_user
    )
    return quota_plan_demand_replace(plan=plan, rows=demand_rows(GOLDEN_1_DEMAND), actor=ministry_user)


# ---------------------------------------------------------------------------------------------------------------------
# Create and inputs
# ---------------------------------------------------------------------------------------------------------------------
def test_a_plan_is_created_as_a_draft_with_the_year_before_as_statistics_year(ministry_user):
    plan = quota_plan_create(year=2027, actor=ministry_user)
    assert (plan.status, plan.statistics_year, plan.created_by) == ("draft", 2026, ministry_user)
    assert AuditEvent.objects.for_object(plan).get().action == "quota_plan.created"
    with pytest.raises(DomainError) as caught:
        quota_plan_create(year=2027, actor=ministry_user)
    assert (caught.value.code, caught.value.status_code) == (CODE_PLAN_EXISTS, 409)


def test_inputs_are_checked_together(ministry_user):
    with pytest.raises(ValidationError) as caught:
        quota_plan_create(year=2027, statistics_year=2028, actor=ministry_user)
    assert set(caught.value.message_dict) == {"statistics_year"}
    with pytest.raises(ValidationError) as caught:
        quota_plan_create(year=2027, entered_labour_force=9_000_000, actor=ministry_user)
    assert caught.value.message_dict == {"entered_labour_force_source": [str(MESSAGE_ENTERED_SOURCE_REQUIRED)]}
    LabourForceFigureFactory(region=None, year=2026, persons=9_300_000)
    with pytest.raises(ValidationError) as caught:
        quota_plan_create(
            year=2027, entered_labour_force=9_000_000, entered_labour_force_source="x", actor=ministry_user
        )
    assert (
        "has an official national labour force (9300000 persons" in caught.value.message_dict["entered_labour_force"][0]
    )
    assert not QuotaPlan.objects.exists()


def test_only_ministry_officials_write_plans(official_1, auditor_user, ministry_user):
    for actor in (official_1, auditor_user):
        with pytest.raises(PermissionDenied):
            quota_plan_create(year=2027, actor=actor)
    plan = QuotaPlanFactory(year=2027)
    with pytest.raises(PermissionDenied):
        quota_plan_compute(plan=plan, actor=official_1)


# ---------------------------------------------------------------------------------------------------------------------
# Compute: golden example 1, known answers
# ---------------------------------------------------------------------------------------------------------------------
def test_golden_example_1_distribution_through_a_stored_plan(ministry_user, golden_regions):
    quota_policy(rate="0.700")
    plan = quota_plan_compute(plan=golden_plan(ministry_user), actor=ministry_user)
    assert (plan.status, plan.ceiling, plan.pool, plan.national_headroom, plan.method) == (
        "computed",
        6_500,
        6_500,
        0,
        "demand",
    )
    assert table_of(plan) == GOLDEN_1_CELLS
    totals = plan_result_table(plan)
    assert totals.category_totals == [144, 678, 3_305, 1_356, 1_017] and totals.total == 6_500
    # Managers/specialists with S excluded: 4,127 ÷ 5,483 = 75.3 % ≥ 70 % (no 500 reserve here: Step 5).
    assert (plan.share_numerator, plan.share_denominator) == (4_127, 5_483)
    rule = plan.rule_results["managers_specialists"]
    assert (rule["passes"], rule["flagged"], rule["share"], rule["share_percent_display"]) == (
        True,
        False,
        "4127/5483",
        "75.3",
    )
    assert plan.rule_results["cells_sum_to_pool"]["passes"] is True
    assert PlanCell.objects.filter(plan=plan).count() == 4 * 5


@pytest.mark.parametrize(
    ("labour_force", "demand", "cells"),
    [
        # Golden example 2 (tie-breaks): pool 5 = floor(0.700 % × 715).
        (715, {"KZ-A": (1, 2, 1, 0, 0), "KZ-B": (2, 1, 3, 0, 0)}, {"KZ-A": [1, 1, 0, 0, 0], "KZ-B": [1, 0, 2, 0, 0]}),
        # Golden example 3 (region before category): pool 4 = floor(0.700 % × 572).
        (572, {"KZ-A": (0, 1, 1, 0, 0), "KZ-B": (1, 2, 3, 0, 0)}, {"KZ-A": [0, 1, 0, 0, 0], "KZ-B": [0, 1, 2, 0, 0]}),
    ],
)
def test_golden_tie_breaks_through_a_stored_plan(ministry_user, golden_regions, labour_force, demand, cells):
    quota_policy(rate="0.700")
    plan = quota_plan_create(
        year=2016, entered_labour_force=labour_force, entered_labour_force_source="golden", actor=ministry_user
    )
    quota_plan_demand_replace(plan=plan, rows=demand_rows(demand), actor=ministry_user)
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    assert plan.pool == sum(sum(row) for row in cells.values())
    assert {code: row for code, row in table_of(plan).items() if code in cells} == cells


def test_golden_example_1_ceiling_of_7000_is_spread_exactly(ministry_user, golden_regions):
    quota_policy(rate="0.700")
    plan = quota_plan_compute(plan=golden_plan(ministry_user, labour_force=1_000_000), actor=ministry_user)
    assert (plan.ceiling, plan.pool, plan.national_headroom) == (7_000, 7_000, 0)
    assert plan_result_table(plan).total == 7_000  # T = 7,670 > 7,000: cells sum exactly to the pool
    assert all(
        cell <= demand
        for code, cells in table_of(plan).items()
        for cell, demand in zip(cells, GOLDEN_1_DEMAND.get(code, (0,) * 5), strict=True)
    )


def test_with_seasonal_included_the_plan_is_flagged_and_the_fix_is_offered(ministry_user, golden_regions):
    quota_policy(rate="0.700", seasonal_included=True)
    plan = quota_plan_compute(plan=golden_plan(ministry_user), actor=ministry_user)
    rule = plan.rule_results["managers_specialists"]
    assert (rule["flagged"], rule["share"], rule["seasonal_included"]) == (True, "4127/6500", True)
    # Keep floor(4,127 × 0.3 / 0.7) = 1,768 places in cats 4 + S (2,373 now): 605 go to headroom.
    assert (rule["fix"]["kept_total"], rule["fix"]["moved_to_headroom"]) == (1_768, 605)
    assert plan.status == "computed" and plan.national_headroom == 0  # the fix is offered, not applied


def test_demand_below_the_pool_leaves_national_headroom(ministry_user, golden_regions):
    quota_policy(rate="0.700")
    plan = quota_plan_create(
        year=2016, entered_labour_force=1_000_000, entered_labour_force_source="x", actor=ministry_user
    )
    quota_plan_demand_replace(plan=plan, rows=demand_rows({"KZ-A": (10, 20, 30, 40, 50)}), actor=ministry_user)
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    assert (plan.pool, plan.national_headroom, plan_result_table(plan).total) == (7_000, 6_850, 150)
    assert table_of(plan)["KZ-A"] == [10, 20, 30, 40, 50]


def test_the_snapshot_records_inputs_policy_versions_and_the_result(ministry_user, golden_regions):
    quota_policy(rate="0.700")
    plan = quota_plan_compute(plan=golden_plan(ministry_user), actor=ministry_user)
    snapshot = plan.computation_snapshot
    assert snapshot["relevant_date"] == "2016-01-01"
    assert snapshot["inputs"]["national_labour_force"] == {
        "origin": "entered",
        "persons": LABOUR_FORCE_FOR_6500,
        "year": 2015,
        "period": None,
        "figure_id": None,
        "source": "golden example",
    }
    assert snapshot["inputs"]["demand"]["KZ-A"] == {"1": 100, "2": 400, "3": 2000, "4": 600, "S": 300}
    assert snapshot["inputs"]["demand_total"] == 7_670
    rate = snapshot["policy"]["quota_rate_percent"]
    assert (rate["value"], rate["valid_from"]) == ("0.700", "2000-01-01") and rate["period_id"]
    assert set(snapshot["policy"]) == {
        "quota_rate_percent",
        "managers_specialists_threshold_percent",
        "managers_specialists_includes_seasonal",
    }
    assert snapshot["result"]["cells"]["KZ-B"] == {"1": 42, "2": 254, "3": 1271, "4": 593, "S": 0}
    event = AuditEvent.objects.for_object(plan).filter(action="quota_plan.computed").get()
    assert event.after["ceiling"] == 6_500 and event.after["policy_periods"]["quota_rate_percent"] == rate["period_id"]


def test_the_result_does_not_depend_on_the_order_of_the_demand_rows(ministry_user, golden_regions):
    quota_policy(rate="0.700")
    first = quota_plan_compute(plan=golden_plan(ministry_user), actor=ministry_user)
    rows = demand_rows(GOLDEN_1_DEMAND)
    random.Random(4).shuffle(rows)
    second = quota_plan_create(
        year=2017, entered_labour_force=LABOUR_FORCE_FOR_6500, entered_labour_force_source="x", actor=ministry_user
    )
    quota_plan_demand_replace(plan=second, rows=rows, actor=ministry_user)
    second = quota_plan_compute(plan=second, actor=ministry_user)
    assert table_of(second) == table_of(first) == GOLDEN_1_CELLS


@pytest.mark.parametrize(
    ("year", "statistics_year", "official", "entered", "ceiling"),
    [
        (2016, 2014, None, 9_000_000, 63_000),  # 0.7 % × 9.0 M: the published 2015 and 2016 quota
        (2016, 2015, 9_100_000, None, 63_700),  # the 2015 official figure of 9.1 M would give 63,700
        (2023, 2022, None, 9_000_000, 21_600),  # 0.24 % × 9.0 M (float arithmetic gives 21,599)
    ],
)
def test_known_answers_with_the_shipped_policy(
    ministry_user, policy_parameters, year, statistics_year, official, entered, ceiling
):
    RegionFactory(code="KZ-71")
    if official:
        LabourForceFigureFactory(region=None, year=statistics_year, persons=official)
    plan = quota_plan_create(
        year=year,
        statistics_year=statistics_year,
        entered_labour_force=entered,
        entered_labour_force_source="press release" if entered else "",
        actor=ministry_user,
    )
    quota_plan_demand_replace(
        plan=plan, rows=[{"region": "KZ-71", "category": "3", "places": 100}], actor=ministry_user
    )
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    assert plan.ceiling == ceiling
    assert plan.computation_snapshot["inputs"]["national_labour_force"]["origin"] == (
        "official" if official else "entered"
    )


def test_no_rate_in_force_on_1_january_refuses_the_computation(ministry_user, policy_parameters):
    plan = QuotaPlanFactory(year=2019, entered_labour_force=9_200_000)  # no rate for 2018–2019 (per sector then)
    with pytest.raises(DomainError) as caught:
        quota_plan_compute(plan=plan, actor=ministry_user)
    assert (caught.value.code, caught.value.status_code) == ("policy_not_defined", 409)
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_compute_is_refused_without_a_national_figure(ministry_user, golden_regions):
    quota_policy()
    plan = QuotaPlanFactory(year=2016)
    with pytest.raises(DomainError) as caught:
        quota_plan_compute(plan=plan, actor=ministry_user)
    assert (caught.value.code, caught.value.status_code) == (CODE_NATIONAL_LABOUR_FORCE_MISSING, 409)
    assert "2015 has no official national labour force" in caught.value.message
    LabourForceFigureFactory(region=None, year=2015, period="Q2", persons=1_000_000)  # only the official one counts
    LabourForceFigureFactory(region=None, year=2015, period="Q3", persons=2_000_000, status="illustrative")
    quota_plan_demand_replace(plan=plan, rows=demand_rows(GOLDEN_1_DEMAND), actor=ministry_user)
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    assert plan.ceiling == 7_000


# ---------------------------------------------------------------------------------------------------------------------
# The no-demand fallback (golden example 4)
# ---------------------------------------------------------------------------------------------------------------------
@pytest.fixture
def fallback_regions(db):
    return {code: RegionFactory(code=code) for code in ("KZ-19", "KZ-61", "KZ-75")}


def test_golden_example_4_fallback_by_regional_labour_force(ministry_user, fallback_regions):
    quota_policy(rate="0.700")
    for code, persons in {"KZ-19": 1_043_000, "KZ-61": 819_000, "KZ-75": 985_000}.items():
        LabourForceFigureFactory(region=fallback_regions[code], year=2015, persons=persons)
    plan = QuotaPlanFactory(year=2016, entered_labour_force=LABOUR_FORCE_FOR_6500)
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    assert (plan.method, plan.pool, plan.uses_illustrative_figures) == ("labour_force", 6_500, False)
    assert table_of(plan) == {
        "KZ-19": [98, 547, 1167, 313, 256],
        "KZ-61": [77, 430, 917, 245, 201],
        "KZ-75": [92, 517, 1103, 295, 242],
    }
    snapshot = plan.computation_snapshot
    assert snapshot["inputs"]["regional_labour_force"]["KZ-61"]["persons"] == 819_000
    assert snapshot["policy"]["default_category_shares"]["value"] == {
        "1": 906,
        "2": 5054,
        "3": 10786,
        "4": 2888,
        "S": 2366,
    }


def test_the_fallback_flags_illustrative_figures_and_prefers_annual_then_the_latest_quarter(
    ministry_user, fallback_regions
):
    quota_policy(rate="0.700")
    LabourForceFigureFactory(region=fallback_regions["KZ-19"], year=2015, persons=1_043_000)
    LabourForceFigureFactory(region=fallback_regions["KZ-61"], year=2015, period="Q1", persons=1)
    LabourForceFigureFactory(region=fallback_regions["KZ-61"], year=2015, period="Q3", persons=819_000)
    LabourForceFigureFactory(region=fallback_regions["KZ-75"], year=2015, persons=985_000, status="illustrative")
    plan = quota_plan_compute(
        plan=QuotaPlanFactory(year=2016, entered_labour_force=LABOUR_FORCE_FOR_6500), actor=ministry_user
    )
    assert table_of(plan)["KZ-61"] == [77, 430, 917, 245, 201]
    assert plan.uses_illustrative_figures
    assert plan.computation_snapshot["illustrative_figures"] == ["KZ-75/2015/annual"]


def test_the_fallback_is_refused_naming_the_regions_without_a_figure(ministry_user, fallback_regions):
    quota_policy(rate="0.700")
    LabourForceFigureFactory(region=fallback_regions["KZ-19"], year=2015)
    LabourForceFigureFactory(region=fallback_regions["KZ-61"], year=2014)  # another year does not count
    plan = QuotaPlanFactory(year=2016, entered_labour_force=1_000_000)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        quota_plan_compute(plan=plan, actor=ministry_user)
    assert (caught.value.code, caught.value.status_code) == (calculation.LABOUR_FORCE_MISSING, 409)
    assert "statistics year 2015 has no labour-force figure for KZ-61, KZ-75" in caught.value.message
    plan.refresh_from_db()
    assert (plan.status, plan.cells.count(), AuditEvent.objects.count()) == ("draft", 0, events)


# ---------------------------------------------------------------------------------------------------------------------
# Inputs change after a computation: back to draft
# ---------------------------------------------------------------------------------------------------------------------
def test_editing_demand_after_compute_returns_the_plan_to_draft(ministry_user, golden_regions):
    quota_policy(rate="0.700")
    plan = quota_plan_compute(plan=golden_plan(ministry_user), actor=ministry_user)
    rows = demand_rows({**GOLDEN_1_DEMAND, "KZ-D": (0, 0, 5, 0, 0)})
    plan = quota_plan_demand_replace(plan=plan, rows=rows, actor=ministry_user)
    plan.refresh_from_db()
    assert (plan.status, plan.ceiling, plan.computation_snapshot, plan.rule_results) == ("draft", None, None, {})
    assert not PlanCell.objects.filter(plan=plan).exists()
    event = AuditEvent.objects.for_object(plan).filter(action="quota_plan.demand_replaced").latest("sequence")
    assert event.after["returned_to_draft"] is True and event.after["demand"]["KZ-D"] == {"3": 5}
    assert event.before["total"] == 7_670 and event.after["total"] == 7_675


def test_editing_inputs_after_compute_returns_the_plan_to_draft_and_unchanged_inputs_do_not(
    ministry_user, golden_regions
):
    quota_policy(rate="0.700")
    plan = quota_plan_compute(plan=golden_plan(ministry_user), actor=ministry_user)
    events = AuditEvent.objects.count()
    quota_plan_update(plan=plan, entered_labour_force=LABOUR_FORCE_FOR_6500, actor=ministry_user)
    quota_plan_demand_replace(plan=plan, rows=list(reversed(demand_rows(GOLDEN_1_DEMAND))), actor=ministry_user)
    plan.refresh_from_db()
    assert plan.status == "computed" and AuditEvent.objects.count() == events  # nothing changed
    plan = quota_plan_update(plan=plan, entered_labour_force=1_000_000, actor=ministry_user)
    assert (plan.status, plan.ceiling) == ("draft", None)
    assert AuditEvent.objects.for_object(plan).latest("sequence").before["status"] == "computed"
    assert quota_plan_compute(plan=plan, actor=ministry_user).ceiling == 7_000


# ---------------------------------------------------------------------------------------------------------------------
# Demand import
# ---------------------------------------------------------------------------------------------------------------------
def test_demand_imports_from_long_and_wide_csv(ministry_user, golden_regions):
    plan = QuotaPlanFactory(year=2016)
    long = "region_code,category,places\nKZ-A,1,100\nkz-a,s,300\nKZ-B,3,0\n"
    quota_plan_demand_replace(plan=plan, file=long.encode(), actor=ministry_user)
    assert sorted(PlanDemand.objects.values_list("region__code", "category", "places")) == [
        ("KZ-A", "1", 100),
        ("KZ-A", "S", 300),
    ]
    wide = "region_code,1,2,3,4,S\nKZ-A,100,400,2000,600,300\nKZ-B,50,300,1500,700,\nKZ-C,20,100,400,300,900\n"
    quota_plan_demand_replace(plan=plan, file=wide.encode(), actor=ministry_user)
    assert PlanDemand.objects.filter(plan=plan).count() == 14
    assert sum(PlanDemand.objects.values_list("places", flat=True)) == 7_670


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        ("region_code,category,places\nKZ-A,1,100\nKZ-Q,1,5\n", [(3, "region_code", imports.UNKNOWN_REGION)]),
        ("region_code,category,places\nKZ-A,5,100\n", [(2, "category", imports.UNKNOWN_CATEGORY)]),
        (
            "region_code,category,places\nKZ-A,1,-1\nKZ-A,2,1.5\n",
            [(2, "places", imports.NEGATIVE), (3, "places", imports.NOT_WHOLE_NUMBER)],
        ),
        ("region_code,category,places\nKZ-A,1,1\nKZ-A,1,2\n", [(3, None, imports.DUPLICATE_ROW)]),
        ("region_code,1,2,3,4,S\nKZ-A,1,2,3,4,5\nKZ-A,,,,,1\n", [(3, c, imports.DUPLICATE_ROW) for c in "1234S"]),
        (
            "region,category,places\nKZ-A,1,1\n",
            [(None, "columns", imports.MISSING_COLUMNS), (None, "columns", imports.UNKNOWN_COLUMNS)],
        ),
        ("region_code,seasonal\nKZ-A,1\n", [(None, "columns", imports.MISSING_COLUMNS)]),
        ("region_code,category,places\nKZ-OLD,1,1\n", [(2, "region_code", imports.REGION_NOT_IN_FORCE)]),
    ],
)
def test_a_bad_demand_file_changes_nothing(ministry_user, golden_regions, content, problems):
    RegionFactory(code="KZ-OLD", valid_to=date(2015, 12, 31))
    plan = QuotaPlanFactory(year=2016)
    quota_plan_demand_replace(plan=plan, rows=[{"region": "KZ-C", "category": "4", "places": 7}], actor=ministry_user)
    before = (list(PlanDemand.objects.values_list("region__code", "category", "places")), AuditEvent.objects.count())
    with pytest.raises(FileRejected) as caught:
        quota_plan_demand_replace(plan=plan, file=content.encode(), actor=ministry_user)
    assert [(e.row, e.field, e.code) for e in caught.value.errors] == problems
    assert (
        list(PlanDemand.objects.values_list("region__code", "category", "places")),
        AuditEvent.objects.count(),
    ) == before
