"""The plan workflow through its services (Step 5; DOMAIN §3 steps 4 and 6): the managers/specialists fix on golden
example 1, overrides confirmed by another official, propose, approve by another official (the ledger opens), return
with a reason, an approved plan that never changes, and the audit trail of every step."""

from datetime import date

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from common.errors import DomainError
from common.models import AuditEvent
from quota import calculation, workflow
from quota.ledger import ledger_open
from quota.models import CellKind, LedgerMovement, PlanCell, QuotaCell, QuotaPlan, QuotaYear
from quota.selectors import plan_result_table
from quota.services import (
    CODE_INVALID_TRANSITION,
    CODE_NO_FIX_EXISTS,
    CODE_NO_OVERRIDE,
    CODE_NOT_FLAGGED,
    CODE_OVERRIDE_CONFIRMED,
    CODE_OVERRIDE_EXISTS,
    CODE_PLAN_APPROVED,
    CODE_PLAN_NOT_EDITABLE,
    CODE_QUOTA_YEAR_EXISTS,
    CODE_RULES_NOT_MET,
    CODE_SAME_OFFICIAL,
    MESSAGE_OVERRIDE_NOT_CONFIRMED,
    MESSAGE_REASON_REQUIRED_FOR,
    MESSAGE_SAME_OFFICIAL_APPROVE,
    MESSAGE_SAME_OFFICIAL_OVERRIDE,
    country_cap_add,
    country_cap_change,
    country_cap_remove,
    project_reserve_add,
    project_reserve_change,
    project_reserve_remove,
    quota_plan_apply_fix,
    quota_plan_approve,
    quota_plan_compute,
    quota_plan_confirm_override,
    quota_plan_create,
    quota_plan_demand_replace,
    quota_plan_override,
    quota_plan_propose,
    quota_plan_return,
    quota_plan_update,
)
from tests.quota.conftest import GOLDEN_1_CELLS, GOLDEN_1_FIXED
from tests.quota.factories import china, demand_rows, quota_policy

pytestmark = pytest.mark.django_db


def table_of(plan) -> dict[str, list[int]]:
    return {region.code: cells for region, cells, _total in plan_result_table(plan).rows}


def refused(code, call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert (caught.value.code, caught.value.status_code) == (code, 409), caught.value.message
    return caught.value


@pytest.fixture
def flagged_plan(golden_plan, ministry_user):
    """Golden example 1 with seasonal workers counted: 4,627 ÷ 7,000 = 66.1 % < 70 % — flagged, a fix exists."""
    quota_policy(rate="0.700", seasonal_included=True)
    return quota_plan_compute(plan=golden_plan, actor=ministry_user)


@pytest.fixture
def proposed_plan(golden_plan, ministry_user):
    """Golden example 1 with S excluded (it passes), computed and proposed by `ministry`."""
    quota_policy(rate="0.700")
    plan = quota_plan_compute(plan=golden_plan, actor=ministry_user)
    return quota_plan_propose(plan=plan, actor=ministry_user)


# ---------------------------------------------------------------------------------------------------------------------
# The transition table (pure data)
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("step", "status", "role", "actor", "earlier", "expected"),
    [
        ("propose", "computed", "ministry_official", 1, None, None),
        ("propose", "draft", "ministry_official", 1, None, workflow.REFUSED_STATUS),
        ("propose", "computed", "regional_official", 1, None, workflow.REFUSED_ROLE),
        ("approve", "proposed", "ministry_official", 2, 1, None),
        ("approve", "proposed", "ministry_official", 1, 1, workflow.REFUSED_SAME_OFFICIAL),
        ("approve", "proposed", "auditor", 2, 1, workflow.REFUSED_ROLE),
        ("approve", "computed", "ministry_official", 2, 1, workflow.REFUSED_STATUS),
        ("approve", "approved", "ministry_official", 2, 1, workflow.REFUSED_APPROVED),
        ("approve", "proposed", None, None, 1, workflow.REFUSED_ROLE),  # no system approval
        ("confirm_override", "computed", "ministry_official", 1, 1, workflow.REFUSED_SAME_OFFICIAL),
        ("confirm_override", "computed", "ministry_official", 2, 1, None),
        ("return", "proposed", "ministry_official", 1, None, None),  # the proposer may withdraw it
        ("return", "computed", "ministry_official", 1, None, workflow.REFUSED_STATUS),
        ("change_inputs", "approved", "ministry_official", 1, None, workflow.REFUSED_APPROVED),
        ("change_inputs", "proposed", "ministry_official", 1, None, workflow.REFUSED_STATUS),
        ("compute", "draft", None, None, None, None),  # loaders and seeders compute as the system
        ("apply_fix", "approved", "employer", 1, None, workflow.REFUSED_ROLE),
    ],
)
def test_the_transition_table(step, status, role, actor, earlier, expected):
    assert workflow.refusal(step, status=status, role=role, actor_id=actor, earlier_actor_id=earlier) == expected


def test_the_table_knows_every_status_and_names_the_four_eyes_steps():
    assert {t.target for t in workflow.TRANSITIONS.values()} - {None} <= set(QuotaPlan.Status.values)
    assert {name for name, t in workflow.TRANSITIONS.items() if t.other_than} == {"approve", "confirm_override"}
    assert workflow.available(status="proposed", role="ministry_official") == ["approve", "return"]
    assert workflow.available(status="approved", role="ministry_official") == []
    assert workflow.available(status="computed", role="auditor") == []


# ---------------------------------------------------------------------------------------------------------------------
# Golden example 1 with its real reserve; the managers/specialists fix
# ---------------------------------------------------------------------------------------------------------------------
def test_golden_example_1_with_its_reserve_passes_with_seasonal_excluded(golden_plan, ministry_user):
    quota_policy(rate="0.700")
    plan = quota_plan_compute(plan=golden_plan, actor=ministry_user)
    assert (plan.ceiling, plan.pool, plan.national_headroom) == (7_000, 6_500, 0)
    assert table_of(plan) == GOLDEN_1_CELLS
    assert plan_result_table(plan).category_totals == [144, 678, 3_305, 1_356, 1_017]
    # National: 144, 678, 3,305 (+500 reserve), 1,356, 1,017; share 4,627 ÷ 5,983 = 77.3 %.
    assert (plan.share_numerator, plan.share_denominator, plan.is_flagged) == (4_627, 5_983, False)
    assert plan.managers_specialists["share_percent_display"] == "77.3"
    assert plan.rule_results["reserves_within_ceiling"] == {"passes": True, "reserved": 500, "ceiling": 7_000}
    reserve = plan.computation_snapshot["inputs"]["reserves"][0]
    assert (reserve["project"], reserve["region"], reserve["category"], reserve["places"]) == (
        "atyrau-refinery",
        "KZ-A",
        "3",
        500,
    )
    assert plan.computation_snapshot["result"]["national_totals"] == {
        "1": 144,
        "2": 678,
        "3": 3_805,
        "4": 1_356,
        "S": 1_017,
    }


def test_golden_example_1_fix_keeps_1983_places_in_cats_4_and_s(flagged_plan, ministry_user):
    plan = flagged_plan
    rule = plan.managers_specialists
    assert (plan.is_flagged, rule["share"], rule["share_percent_display"]) == (
        True,
        "661/1000",
        "66.1",
    )  # 4,627 ÷ 7,000, reduced
    assert (rule["fix"]["kept_total"], rule["fix"]["moved_to_headroom"]) == (1_983, 390)
    assert table_of(plan) == GOLDEN_1_CELLS  # offered, not applied

    plan = quota_plan_apply_fix(plan=plan, actor=ministry_user)
    assert table_of(plan) == GOLDEN_1_FIXED  # A4 425, AS 212, B4 496, BS 0, C4 212, CS 638
    assert plan.national_headroom == 390 and plan_result_table(plan).total + 390 == plan.pool == 6_500
    # Re-checked: 4,627 ÷ (4,627 + 1,983) = 70.0 % exactly — passes.
    assert (plan.share_numerator, plan.share_denominator, plan.is_flagged) == (4_627, 6_610, False)
    rule = plan.managers_specialists
    assert (rule["passes"], rule["fix_applied"]["moved_to_headroom"], rule["fix_applied"]["share_before"]) == (
        True,
        390,
        "661/1000",
    )
    assert plan.rule_results["cells_sum_to_pool"] == {
        "passes": True,
        "cells": 6_110,
        "national_headroom": 390,
        "pool": 6_500,
    }
    assert plan.computation_snapshot["fix_applied"]["cells"]["KZ-C"]["S"] == 638
    assert plan.computation_snapshot["result"]["cells"]["KZ-C"]["S"] == 763  # the computation itself is kept
    assert (plan.status, plan.fix_applied_by) == ("computed", ministry_user)
    event = AuditEvent.objects.for_object(plan).get(action="quota_plan.fix_applied")
    assert event.before["cells"]["KZ-A/4"] == 509 and event.after["cells"]["KZ-A/4"] == 425
    assert event.after["moved_to_headroom"] == 390 and event.after["inputs"]["reserves"][0]["places"] == 500
    assert set(event.after["policy_periods"]) == {
        "quota_rate_percent",
        "managers_specialists_threshold_percent",
        "managers_specialists_includes_seasonal",
    }
    refused(CODE_NOT_FLAGGED, quota_plan_apply_fix, plan=plan, actor=ministry_user)  # once is enough
    assert quota_plan_propose(plan=plan, actor=ministry_user).status == "proposed"


def test_no_fix_exists_when_the_reserves_alone_exceed_the_kept_total(
    ministry_user, ministry_2, golden_regions, refinery
):
    quota_policy(rate="0.700")
    plan = quota_plan_create(
        year=2016, entered_labour_force=1_000_000, entered_labour_force_source="x", actor=ministry_user
    )
    # m = 100 managers and specialists may keep floor(100 × 0.3 / 0.7) = 42 places in cat 4; 500 are reserved there.
    project_reserve_add(
        plan=plan, project=refinery, region=golden_regions["KZ-B"], category="4", places=500, actor=ministry_user
    )
    quota_plan_demand_replace(plan=plan, rows=demand_rows({"KZ-A": (0, 0, 100, 1000, 0)}), actor=ministry_user)
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    rule = plan.managers_specialists
    assert (plan.is_flagged, rule["fix"], rule["fix_error_code"]) == (True, None, calculation.NO_FIX_EXISTS)
    error = refused(CODE_NO_FIX_EXISTS, quota_plan_apply_fix, plan=plan, actor=ministry_user)
    assert "No fix exists" in error.message
    # The only way forward is an override confirmed by another official.
    quota_plan_override(plan=plan, reason="Refinery construction peak", actor=ministry_user)
    quota_plan_confirm_override(plan=plan, actor=ministry_2)
    assert quota_plan_propose(plan=plan, actor=ministry_user).status == "proposed"


# ---------------------------------------------------------------------------------------------------------------------
# Overrides: recorded by one ministry official, confirmed by another
# ---------------------------------------------------------------------------------------------------------------------
def test_an_override_is_confirmed_by_another_ministry_official_only(
    flagged_plan, ministry_user, ministry_2, official_1, auditor_user
):
    plan = flagged_plan
    with pytest.raises(ValidationError) as caught:
        quota_plan_override(plan=plan, reason="  ", actor=ministry_user)
    assert caught.value.message_dict == {"reason": [str(MESSAGE_REASON_REQUIRED_FOR)]}
    refused(CODE_NO_OVERRIDE, quota_plan_confirm_override, plan=plan, actor=ministry_2)
    for outsider in (official_1, auditor_user):
        with pytest.raises(PermissionDenied):
            quota_plan_override(plan=plan, reason="x", actor=outsider)

    plan = quota_plan_override(plan=plan, reason="Harvest season, bilateral agreement", actor=ministry_user)
    assert (plan.override_pending, plan.overridden_by) == (True, ministry_user)
    refused(CODE_OVERRIDE_EXISTS, quota_plan_override, plan=plan, reason="again", actor=ministry_2)
    error = refused(CODE_RULES_NOT_MET, quota_plan_propose, plan=plan, actor=ministry_user)
    assert error.message == MESSAGE_OVERRIDE_NOT_CONFIRMED
    error = refused(CODE_SAME_OFFICIAL, quota_plan_confirm_override, plan=plan, actor=ministry_user)
    assert error.message == MESSAGE_SAME_OFFICIAL_OVERRIDE
    for outsider in (official_1, auditor_user):
        with pytest.raises(PermissionDenied):
            quota_plan_confirm_override(plan=plan, actor=outsider)

    plan = quota_plan_confirm_override(plan=plan, actor=ministry_2)
    assert (plan.override_confirmed, plan.override_confirmed_by, plan.is_flagged) == (True, ministry_2, True)
    refused(CODE_OVERRIDE_CONFIRMED, quota_plan_confirm_override, plan=plan, actor=ministry_2)
    events = AuditEvent.objects.for_object(plan)
    recorded = events.get(action="quota_plan.override_recorded")
    assert (recorded.actor, recorded.reason) == (ministry_user, "Harvest season, bilateral agreement")
    confirmed = events.get(action="quota_plan.override_confirmed")
    assert (confirmed.actor, confirmed.after["overridden_by"]) == (ministry_2, ministry_user.pk)
    assert quota_plan_propose(plan=plan, actor=ministry_user).status == "proposed"


def test_override_or_fix_is_refused_when_the_plan_meets_the_rule(proposed_plan, ministry_user, golden_regions):
    plan = quota_plan_return(plan=proposed_plan, reason="recompute", actor=ministry_user)
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    refused(CODE_NOT_FLAGGED, quota_plan_override, plan=plan, reason="x", actor=ministry_user)
    refused(CODE_NOT_FLAGGED, quota_plan_apply_fix, plan=plan, actor=ministry_user)


def test_recomputing_or_changing_an_input_clears_the_fix_and_the_override(flagged_plan, ministry_user, ministry_2):
    plan = quota_plan_override(plan=flagged_plan, reason="agreement", actor=ministry_user)
    plan = quota_plan_confirm_override(plan=plan, actor=ministry_2)
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    assert (plan.overridden_at, plan.override_confirmed_at, plan.override_reason) == (None, None, "")
    plan = quota_plan_apply_fix(plan=plan, actor=ministry_user)
    plan = quota_plan_update(plan=plan, entered_labour_force=1_000_001, actor=ministry_user)
    plan.refresh_from_db()
    assert (plan.status, plan.fix_applied_at, plan.national_headroom) == ("draft", None, None)
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    assert plan.is_flagged and plan.computation_snapshot["fix_applied"] is None


def test_propose_is_refused_while_the_rule_is_broken(flagged_plan, ministry_user):
    error = refused(CODE_RULES_NOT_MET, quota_plan_propose, plan=flagged_plan, actor=ministry_user)
    assert "managers_specialists" in error.message
    flagged_plan.refresh_from_db()
    assert flagged_plan.status == "computed"


def test_propose_needs_a_computed_plan(golden_plan, ministry_user):
    refused(CODE_INVALID_TRANSITION, quota_plan_propose, plan=golden_plan, actor=ministry_user)


# ---------------------------------------------------------------------------------------------------------------------
# Approval: by another ministry official; the ledger opens in the same transaction
# ---------------------------------------------------------------------------------------------------------------------
def test_the_proposer_cannot_approve_and_other_roles_cannot_either(
    proposed_plan, ministry_user, official_1, auditor_user, employer_a_user
):
    error = refused(CODE_SAME_OFFICIAL, quota_plan_approve, plan=proposed_plan, actor=ministry_user)
    assert error.message == MESSAGE_SAME_OFFICIAL_APPROVE
    for outsider in (official_1, auditor_user, employer_a_user, None):
        with pytest.raises(PermissionDenied):
            quota_plan_approve(plan=proposed_plan, actor=outsider)
    proposed_plan.refresh_from_db()
    assert proposed_plan.status == "proposed" and not QuotaYear.objects.filter(year=2016).exists()


def test_approval_by_another_official_opens_the_ledger_with_every_cell(
    golden_plan, ministry_user, ministry_2, golden_regions
):
    quota_policy(rate="0.700", seasonal_included=True)
    country_cap_add(plan=golden_plan, country=china(), places=1_200, actor=ministry_user)
    plan = quota_plan_compute(plan=golden_plan, actor=ministry_user)
    plan = quota_plan_apply_fix(plan=plan, actor=ministry_user)
    plan = quota_plan_propose(plan=plan, actor=ministry_user)
    plan = quota_plan_approve(plan=plan, actor=ministry_2)
    assert (plan.status, plan.approved_by, plan.proposed_by) == ("approved", ministry_2, ministry_user)

    quota_year = QuotaYear.objects.get(year=2016)
    assert quota_year.plan == plan and quota_year.is_open
    cells = QuotaCell.objects.filter(year=2016)
    regional = {(c.region.code, c.category): c.allocated for c in cells.filter(kind=CellKind.REGIONAL)}
    assert len(regional) == 4 * 5  # every region × category of the plan, zero cells too
    assert regional[("KZ-C", "S")] == 638 and regional[("KZ-D", "1")] == 0
    project = cells.get(kind=CellKind.PROJECT)
    assert (project.project_key, project.region.code, project.category, project.allocated) == (
        "atyrau-refinery",
        "KZ-A",
        "3",
        500,
    )
    assert cells.get(kind=CellKind.COUNTRY).country == "CN" and cells.get(kind=CellKind.COUNTRY).allocated == 1_200
    assert cells.get(kind=CellKind.HEADROOM).allocated == 390
    # Regional cells, the reserve and the headroom add up to the ceiling; the country cap lies inside it.
    assert sum(c.allocated for c in cells.exclude(kind=CellKind.COUNTRY)) == plan.ceiling == 7_000
    assert LedgerMovement.objects.filter(cell__year=2016, kind="open").count() == cells.count() == 23

    approved = AuditEvent.objects.for_object(plan).get(action="quota_plan.approved")
    assert approved.actor == ministry_2 and approved.before == {"status": "proposed", "proposed_by": ministry_user.pk}
    assert approved.after["inputs"]["country_caps"] == {"CN": 1_200}
    assert approved.after["inputs"]["reserves"][0]["project"] == "atyrau-refinery"
    assert approved.after["policy_periods"]["managers_specialists_includes_seasonal"]
    assert approved.after["ledger"] == {"cells": 23, "allocated_within_ceiling": 7_000}
    assert AuditEvent.objects.filter(action="quota_year.opened", object_id=str(quota_year.pk)).exists()


def test_a_year_has_one_approved_plan(proposed_plan, ministry_2):
    other = QuotaPlan.objects.create(year=2099, statistics_year=2098)
    ledger_open(year=2016, plan=other, openings=[], actor=None)  # e.g. a year opened by another plan
    refused(CODE_QUOTA_YEAR_EXISTS, quota_plan_approve, plan=proposed_plan, actor=ministry_2)
    proposed_plan.refresh_from_db()
    assert proposed_plan.status == "proposed" and proposed_plan.approved_by is None


def test_approval_needs_a_proposed_plan(flagged_plan, ministry_2):
    refused(CODE_INVALID_TRANSITION, quota_plan_approve, plan=flagged_plan, actor=ministry_2)


# ---------------------------------------------------------------------------------------------------------------------
# Return to draft with a reason
# ---------------------------------------------------------------------------------------------------------------------
def test_a_proposed_plan_is_returned_to_draft_with_a_reason(proposed_plan, ministry_user, ministry_2):
    with pytest.raises(ValidationError):
        quota_plan_return(plan=proposed_plan, reason="", actor=ministry_2)
    plan = quota_plan_return(plan=proposed_plan, reason="Demand of region C is not final", actor=ministry_2)
    assert (plan.status, plan.ceiling, plan.proposed_by, plan.return_reason, plan.returned_by) == (
        "draft",
        None,
        None,
        "Demand of region C is not final",
        ministry_2,
    )
    assert not PlanCell.objects.filter(plan=plan).exists()
    event = AuditEvent.objects.for_object(plan).get(action="quota_plan.returned")
    assert (event.reason, event.before["status"], event.before["result"]["ceiling"]) == (
        "Demand of region C is not final",
        "proposed",
        7_000,
    )
    # Editable again; proposing again clears the last return.
    quota_plan_demand_replace(plan=plan, rows=demand_rows({"KZ-C": (20, 100, 400, 300, 0)}), actor=ministry_user)
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    plan = quota_plan_propose(plan=plan, actor=ministry_user)
    assert (plan.return_reason, plan.returned_at) == ("", None)
    plan = quota_plan_approve(plan=plan, actor=ministry_2)
    refused(CODE_PLAN_APPROVED, quota_plan_return, plan=plan, reason="too late", actor=ministry_2)


def test_the_proposer_may_withdraw_the_plan(proposed_plan, ministry_user):
    assert quota_plan_return(plan=proposed_plan, reason="typo", actor=ministry_user).status == "draft"


# ---------------------------------------------------------------------------------------------------------------------
# Frozen and immutable plans
# ---------------------------------------------------------------------------------------------------------------------
def writes(plan, actor, refinery, region):
    """Every service that writes a plan or its inputs, bound to `plan`."""
    reserve = plan.project_reserves.first()
    cap = plan.country_caps.first()
    return {
        "update": lambda: quota_plan_update(plan=plan, entered_labour_force=2, actor=actor),
        "demand": lambda: quota_plan_demand_replace(plan=plan, rows=[], actor=actor),
        "compute": lambda: quota_plan_compute(plan=plan, actor=actor),
        "reserve_add": lambda: project_reserve_add(
            plan=plan, project=refinery, region=region, category="1", places=1, actor=actor
        ),
        "reserve_change": lambda: project_reserve_change(reserve=reserve, places=7, actor=actor),
        "reserve_remove": lambda: project_reserve_remove(reserve=reserve, actor=actor),
        "cap_add": lambda: country_cap_add(plan=plan, country=china(), places=1, actor=actor),
        "cap_change": lambda: country_cap_change(cap=cap, places=7, actor=actor),
        "cap_remove": lambda: country_cap_remove(cap=cap, actor=actor),
        "apply_fix": lambda: quota_plan_apply_fix(plan=plan, actor=actor),
        "override": lambda: quota_plan_override(plan=plan, reason="x", actor=actor),
        "confirm_override": lambda: quota_plan_confirm_override(plan=plan, actor=actor),
        "propose": lambda: quota_plan_propose(plan=plan, actor=actor),
        "approve": lambda: quota_plan_approve(plan=plan, actor=actor),
        "return": lambda: quota_plan_return(plan=plan, reason="x", actor=actor),
    }


def test_an_approved_plan_refuses_every_write(golden_plan, ministry_user, ministry_2, refinery, golden_regions):
    quota_policy(rate="0.700")
    country_cap_add(plan=golden_plan, country=china(), places=100, actor=ministry_user)
    plan = quota_plan_compute(plan=golden_plan, actor=ministry_user)
    plan = quota_plan_approve(plan=quota_plan_propose(plan=plan, actor=ministry_user), actor=ministry_2)
    events = AuditEvent.objects.count()
    for actor in (ministry_user, ministry_2):
        for name, write in writes(plan, actor, refinery, golden_regions["KZ-D"]).items():
            with pytest.raises(DomainError) as caught:
                write()
            assert (caught.value.code, caught.value.status_code) == (CODE_PLAN_APPROVED, 409), name
    plan.refresh_from_db()
    assert (plan.status, plan.ceiling, AuditEvent.objects.count()) == ("approved", 7_000, events)
    assert table_of(plan) == GOLDEN_1_CELLS and plan.project_reserves.get().places == 500


def test_a_proposed_plan_has_frozen_inputs(proposed_plan, ministry_user, refinery, golden_regions):
    country_cap = proposed_plan.country_caps.first()
    assert country_cap is None
    for name in ("update", "demand", "compute", "reserve_add", "reserve_change", "reserve_remove", "cap_add"):
        write = writes(proposed_plan, ministry_user, refinery, golden_regions["KZ-D"])[name]
        with pytest.raises(DomainError) as caught:
            write()
        assert caught.value.code == CODE_PLAN_NOT_EDITABLE, name
    for name in ("apply_fix", "override", "confirm_override", "propose"):
        write = writes(proposed_plan, ministry_user, refinery, golden_regions["KZ-D"])[name]
        with pytest.raises(DomainError) as caught:
            write()
        assert caught.value.code == CODE_INVALID_TRANSITION, name


def test_the_database_holds_four_eyes(proposed_plan, ministry_user, ministry_2):
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaPlan.objects.filter(pk=proposed_plan.pk).update(
            status="approved", approved_by=ministry_user, approved_at=proposed_plan.proposed_at
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaPlan.objects.filter(pk=proposed_plan.pk).update(overridden_by=ministry_2, override_confirmed_by=ministry_2)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaPlan.objects.filter(pk=proposed_plan.pk).update(proposed_by=None)


def test_the_admin_cannot_change_quota_plans_or_their_inputs(rf, administrator_user):
    """Quota plans are not in the Django admin; if one is ever registered, it must be read-only."""
    request = rf.get("/")
    request.user = administrator_user
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "quota":
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model
            assert not model_admin.has_delete_permission(request), model


def test_every_step_is_in_the_plans_history_in_order(flagged_plan, ministry_user, ministry_2):
    plan = quota_plan_apply_fix(plan=flagged_plan, actor=ministry_user)
    plan = quota_plan_propose(plan=plan, actor=ministry_user)
    plan = quota_plan_return(plan=plan, reason="again", actor=ministry_2)
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    plan = quota_plan_apply_fix(plan=plan, actor=ministry_user)
    plan = quota_plan_approve(plan=quota_plan_propose(plan=plan, actor=ministry_2), actor=ministry_user)
    actions = list(AuditEvent.objects.for_object(plan).order_by("sequence").values_list("action", flat=True))
    assert actions == [
        "quota_plan.created",
        "quota_plan.project_reserve_added",
        "quota_plan.demand_replaced",
        "quota_plan.computed",
        "quota_plan.fix_applied",
        "quota_plan.proposed",
        "quota_plan.returned",
        "quota_plan.computed",
        "quota_plan.fix_applied",
        "quota_plan.proposed",
        "quota_plan.approved",
    ]
    proposed = AuditEvent.objects.for_object(plan).filter(action="quota_plan.proposed").latest("sequence")
    assert proposed.after["inputs"]["entered_labour_force"] == 1_000_000
    assert proposed.after["inputs"]["national_labour_force"]["origin"] == "entered"
    assert proposed.after["result"] == {
        "ceiling": 7_000,
        "pool": 6_500,
        "national_headroom": 390,
        "share": "4627/6610",
        "flagged": False,
        "fix_applied": True,
        "override_confirmed": False,
    }
    assert plan.relevant_date == date(2016, 1, 1)
