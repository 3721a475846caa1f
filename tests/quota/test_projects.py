"""Priority projects, project reserves and country caps through their services (Step 5, item 1; DOMAIN §3 steps 2
and 5): persistent projects in reserve or exempt mode, and each plan's reserves and caps as inputs — checked, audited,
a computed plan back to draft on any change, taken into the computation and its snapshot."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from common.models import AuditEvent
from quota import calculation
from quota.models import PriorityProject, ProjectReserve
from quota.services import (
    CODE_COUNTRY_CAP_EXISTS,
    CODE_PROJECT_EXEMPT,
    CODE_PROJECT_EXISTS,
    CODE_PROJECT_HAS_RESERVES,
    CODE_PROJECT_RESERVE_EXISTS,
    MESSAGE_EAEU_COUNTRY,
    MESSAGE_PLACES_RANGE,
    MESSAGE_PROJECT_CODE,
    MESSAGE_PROJECT_EXEMPT_NO_RESERVE,
    MESSAGE_REGION_NOT_IN_PLAN,
    country_cap_add,
    country_cap_change,
    country_cap_remove,
    priority_project_create,
    priority_project_update,
    project_reserve_add,
    project_reserve_change,
    project_reserve_remove,
    quota_plan_approve,
    quota_plan_compute,
    quota_plan_demand_replace,
    quota_plan_propose,
)
from tests.common.factories import RegionFactory
from tests.common.reference_factories import make_country
from tests.quota.factories import PriorityProjectFactory, QuotaPlanFactory, china, quota_policy

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------------------------------
# Priority projects
# ---------------------------------------------------------------------------------------------------------------------
def test_a_priority_project_is_registered_with_a_permanent_code(ministry_user, employer_a, official_1):
    project = priority_project_create(
        code="atyrau-refinery", name=" Atyrau refinery ", operator=employer_a, mode="reserve", actor=ministry_user
    )
    assert (project.code, project.name, project.operator, project.is_exempt) == (
        "atyrau-refinery",
        "Atyrau refinery",
        employer_a,
        False,
    )
    event = AuditEvent.objects.for_object(project).get()
    assert event.action == "priority_project.created" and event.after["code"] == "atyrau-refinery"
    with pytest.raises(DomainError) as caught:
        priority_project_create(code="atyrau-refinery", name="Again", operator=employer_a, mode="exempt", actor=None)
    assert (caught.value.code, caught.value.status_code, caught.value.field) == (CODE_PROJECT_EXISTS, 409, "code")
    with pytest.raises(PermissionDenied):
        priority_project_create(code="x", name="x", operator=employer_a, mode="reserve", actor=official_1)


@pytest.mark.parametrize("code", ["Atyrau", "atyrau refinery", "-refinery", "refinery-", "a--b", "", "x" * 65, "ä"])
def test_a_project_code_is_a_lower_case_slug(ministry_user, employer_a, code):
    with pytest.raises(ValidationError) as caught:
        priority_project_create(code=code, name="P", operator=employer_a, mode="reserve", actor=ministry_user)
    assert caught.value.message_dict["code"] == [str(MESSAGE_PROJECT_CODE % {"limit": 64})]


def test_a_project_changes_name_operator_and_mode_but_never_its_code(ministry_user, employer_a, employer_b):
    project = PriorityProjectFactory(code="caspian-port", operator=employer_a)
    project = priority_project_update(
        project=project, name="Caspian port", operator=employer_b, mode="exempt", actor=ministry_user
    )
    assert (project.name, project.operator, project.mode) == ("Caspian port", employer_b, "exempt")
    event = AuditEvent.objects.for_object(project).get(action="priority_project.updated")
    assert event.before["operator_id"] == employer_a.pk and event.after["mode"] == "exempt"
    with pytest.raises(TypeError):
        priority_project_update(project=project, code="renamed", actor=ministry_user)


def test_a_project_with_reserves_in_an_unapproved_plan_cannot_become_exempt(
    ministry_user, ministry_2, employer_a, region_1
):
    quota_policy(rate="0.700")
    project = PriorityProjectFactory(code="refinery", operator=employer_a)
    plan = QuotaPlanFactory(year=2016, entered_labour_force=1_000_000)
    project_reserve_add(plan=plan, project=project, region=region_1, category="3", places=50, actor=ministry_user)
    quota_plan_demand_replace(plan=plan, rows=[{"region": "KZ-71", "category": "3", "places": 9}], actor=ministry_user)
    with pytest.raises(DomainError) as caught:
        priority_project_update(project=project, mode="exempt", actor=ministry_user)
    assert (caught.value.code, caught.value.field) == (CODE_PROJECT_HAS_RESERVES, "mode")
    assert "2016" in caught.value.message
    plan = quota_plan_propose(plan=quota_plan_compute(plan=plan, actor=ministry_user), actor=ministry_user)
    quota_plan_approve(plan=plan, actor=ministry_2)
    # An approved plan's ledger keeps the project's cell; from now on the project uses no quota.
    assert priority_project_update(project=project, mode="exempt", actor=ministry_user).is_exempt


# ---------------------------------------------------------------------------------------------------------------------
# Project reserves
# ---------------------------------------------------------------------------------------------------------------------
@pytest.fixture
def computed_plan(ministry_user, region_1, region_2):
    """A 2016 plan (0.700 % of 1,000,000 = 7,000 places) with 1,000 places of demand, computed."""
    quota_policy(rate="0.700")
    plan = QuotaPlanFactory(year=2016, entered_labour_force=1_000_000)
    rows = [{"region": "KZ-71", "category": "3", "places": 800}, {"region": "KZ-75", "category": "4", "places": 200}]
    quota_plan_demand_replace(plan=plan, rows=rows, actor=ministry_user)
    return quota_plan_compute(plan=plan, actor=ministry_user)


@pytest.fixture
def refinery(employer_a):
    return PriorityProjectFactory(code="atyrau-refinery", operator=employer_a)


def test_a_reserve_is_an_input_that_returns_a_computed_plan_to_draft(computed_plan, ministry_user, refinery, region_2):
    reserve = project_reserve_add(
        plan=computed_plan, project=refinery, region=region_2, category="3", places=500, actor=ministry_user
    )
    computed_plan.refresh_from_db()
    assert (computed_plan.status, computed_plan.ceiling) == ("draft", None)
    event = AuditEvent.objects.for_object(computed_plan).latest("sequence")
    assert event.action == "quota_plan.project_reserve_added"
    assert event.after == {
        "id": reserve.pk,
        "project": "atyrau-refinery",
        "region": "KZ-75",
        "category": "3",
        "places": 500,
        "returned_to_draft": True,
        "status": "draft",
    }
    plan = quota_plan_compute(plan=computed_plan, actor=ministry_user)
    assert (plan.ceiling, plan.pool, plan.national_headroom) == (7_000, 6_500, 5_500)
    assert plan.rule_results["reserves_within_ceiling"] == {"passes": True, "reserved": 500, "ceiling": 7_000}
    assert plan.computation_snapshot["inputs"]["reserves"] == [
        {
            "id": reserve.pk,
            "project": "atyrau-refinery",
            "region": "KZ-75",
            "category": "3",
            "places": 500,
            "mode": "reserve",
        }
    ]
    # Reserves count in their category: 800 + 500 of 1,500 places are managers and specialists.
    assert (plan.share_numerator, plan.share_denominator) == (1_300, 1_500)

    reserve = project_reserve_change(reserve=reserve, places=600, actor=ministry_user)
    plan.refresh_from_db()
    assert (reserve.places, plan.status) == (600, "draft")
    before = AuditEvent.objects.for_object(plan).latest("sequence")
    assert (before.action, before.before["places"], before.after["places"]) == (
        "quota_plan.project_reserve_changed",
        500,
        600,
    )
    plan = quota_plan_compute(plan=plan, actor=ministry_user)
    project_reserve_remove(reserve=reserve, actor=ministry_user)
    plan.refresh_from_db()
    assert plan.status == "draft" and not ProjectReserve.objects.exists()
    assert AuditEvent.objects.for_object(plan).latest("sequence").before["places"] == 600


def test_a_reserve_is_checked(computed_plan, ministry_user, refinery, region_1, employer_b):
    old = RegionFactory(code="KZ-OLD", valid_to=date(2015, 12, 31))
    exempt = PriorityProjectFactory(code="free-zone", operator=employer_b, mode=PriorityProject.Mode.EXEMPT)
    with pytest.raises(ValidationError) as caught:
        project_reserve_add(plan=computed_plan, project=exempt, region=old, category="7", places=1, actor=ministry_user)
    assert caught.value.message_dict == {
        "project": [str(MESSAGE_PROJECT_EXEMPT_NO_RESERVE % {"project": "free-zone"})],
        "region": [str(MESSAGE_REGION_NOT_IN_PLAN % {"region": "KZ-OLD", "year": 2016})],
        "category": ["Choose a category: 1, 2, 3, 4 or S."],
    }
    for places in (0, -1, 1.5, True, 10_000_001):
        with pytest.raises(ValidationError) as caught:
            project_reserve_add(
                plan=computed_plan, project=refinery, region=region_1, category="3", places=places, actor=ministry_user
            )
        assert caught.value.message_dict == {
            "places": [str(MESSAGE_PLACES_RANGE % {"minimum": 1, "maximum": 10_000_000})]
        }
    project_reserve_add(
        plan=computed_plan, project=refinery, region=region_1, category="3", places=5, actor=ministry_user
    )
    with pytest.raises(DomainError) as caught:
        project_reserve_add(
            plan=computed_plan, project=refinery, region=region_1, category="3", places=9, actor=ministry_user
        )
    assert (caught.value.code, caught.value.status_code) == (CODE_PROJECT_RESERVE_EXISTS, 409)


def test_reserves_above_the_ceiling_are_refused_when_computing(computed_plan, ministry_user, refinery, region_1):
    project_reserve_add(
        plan=computed_plan, project=refinery, region=region_1, category="2", places=7_001, actor=ministry_user
    )
    with pytest.raises(DomainError) as caught:
        quota_plan_compute(plan=computed_plan, actor=ministry_user)
    assert (caught.value.code, caught.value.status_code) == (calculation.RESERVES_EXCEED_CEILING, 409)
    assert caught.value.message == "Project reserves (7001) exceed the ceiling (7000)."


def test_reserves_of_an_exempt_project_are_refused_when_computing(computed_plan, ministry_user, refinery, region_1):
    project_reserve_add(
        plan=computed_plan, project=refinery, region=region_1, category="2", places=5, actor=ministry_user
    )
    PriorityProject.objects.filter(pk=refinery.pk).update(mode="exempt")  # written outside the services
    with pytest.raises(DomainError) as caught:
        quota_plan_compute(plan=computed_plan, actor=ministry_user)
    assert caught.value.code == CODE_PROJECT_EXEMPT and "atyrau-refinery" in caught.value.message


# ---------------------------------------------------------------------------------------------------------------------
# Country caps
# ---------------------------------------------------------------------------------------------------------------------
def test_a_country_cap_is_an_input_inside_the_total(computed_plan, ministry_user):
    cap = country_cap_add(plan=computed_plan, country=china(), places=0, actor=ministry_user)  # zero admits none
    computed_plan.refresh_from_db()
    assert computed_plan.status == "draft"
    cap = country_cap_change(cap=cap, places=2_000, actor=ministry_user)
    plan = quota_plan_compute(plan=computed_plan, actor=ministry_user)
    assert plan.rule_results["country_caps_within_ceiling"] == {"passes": True, "caps": {"CN": 2_000}, "ceiling": 7_000}
    assert plan.computation_snapshot["inputs"]["country_caps"] == {"CN": 2_000}
    assert plan.national_headroom == 6_000  # a cap is not an addition: the distribution is unchanged
    actions = [e.action for e in AuditEvent.objects.for_object(plan).order_by("sequence")]
    assert actions[-3:] == ["quota_plan.country_cap_added", "quota_plan.country_cap_changed", "quota_plan.computed"]
    country_cap_remove(cap=cap, actor=ministry_user)
    plan.refresh_from_db()
    assert plan.status == "draft" and not plan.country_caps.exists()


def test_a_country_cap_is_checked(computed_plan, ministry_user):
    kyrgyzstan = make_country()  # an EAEU member: its citizens need no permit
    with pytest.raises(ValidationError) as caught:
        country_cap_add(plan=computed_plan, country=kyrgyzstan, places=10, actor=ministry_user)
    assert caught.value.message_dict == {"country": [str(MESSAGE_EAEU_COUNTRY % {"country": "KG"})]}
    country_cap_add(plan=computed_plan, country=china(), places=10, actor=ministry_user)
    with pytest.raises(DomainError) as caught:
        country_cap_add(plan=computed_plan, country=china(), places=20, actor=ministry_user)
    assert (caught.value.code, caught.value.status_code) == (CODE_COUNTRY_CAP_EXISTS, 409)
    cap = computed_plan.country_caps.get()
    country_cap_change(cap=cap, places=7_001, actor=ministry_user)
    with pytest.raises(DomainError) as caught:
        quota_plan_compute(plan=computed_plan, actor=ministry_user)
    assert caught.value.code == calculation.CAP_EXCEEDS_TOTAL


def test_only_ministry_officials_change_reserves_and_caps(computed_plan, official_1, auditor_user, refinery, region_1):
    for actor in (official_1, auditor_user):
        with pytest.raises(PermissionDenied):
            project_reserve_add(
                plan=computed_plan, project=refinery, region=region_1, category="3", places=1, actor=actor
            )
        with pytest.raises(PermissionDenied):
            country_cap_add(plan=computed_plan, country=china(), places=1, actor=actor)
