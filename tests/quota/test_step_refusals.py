"""Pages and the API ask; services decide (STYLE.md, issue 14 item 1): `plan_step_refusals` and
`amendment_step_refusals` answer every step for a user, each service raises exactly that refusal, and a page offers
only the steps with none — an amendment not yet in force or proposed on an older version shows no Approve, a plan
whose rule fails without a confirmed override shows no Propose, each with the refusal's message."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from common.errors import DomainError
from quota import amendments as amendment_services
from quota import services as plan_services
from quota.amendments import (
    CODE_NOT_YET_EFFECTIVE,
    CODE_STALE,
    MESSAGE_NOT_YET_EFFECTIVE,
    amendment_approve,
    amendment_create,
    amendment_propose,
    amendment_step_refusals,
)
from quota.services import (
    CODE_RULES_NOT_MET,
    MESSAGE_OVERRIDE_NOT_CONFIRMED,
    plan_step_refusals,
    quota_plan_compute,
    quota_plan_override,
)
from tests.quota.amendment_fixtures import approved_plan
from tests.quota.factories import quota_policy

pytestmark = pytest.mark.django_db

PLAN_BUTTONS = {
    "apply_fix": "apply-fix",
    "override": "override",
    "confirm_override": "confirm-override",
    "propose": "propose",
    "approve": "approve",
    "return": "return",
}
AMENDMENT_BUTTONS = {**PLAN_BUTTONS, "change": "edit"}
del AMENDMENT_BUTTONS["apply_fix"]


class _Rollback(Exception):
    pass


def service_answer(call) -> str | None:
    """What the service answers, its changes rolled back: None when it acts, else its refusal code."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return None
    except PermissionDenied:
        return "permission_denied"
    except DomainError as error:
        return error.code


PLAN_STEPS = {
    "apply_fix": lambda plan, user: plan_services.quota_plan_apply_fix(plan=plan, actor=user),
    "override": lambda plan, user: plan_services.quota_plan_override(plan=plan, reason="Harvest", actor=user),
    "confirm_override": lambda plan, user: plan_services.quota_plan_confirm_override(plan=plan, actor=user),
    "propose": lambda plan, user: plan_services.quota_plan_propose(plan=plan, actor=user),
    "approve": lambda plan, user: plan_services.quota_plan_approve(plan=plan, actor=user),
    "return": lambda plan, user: plan_services.quota_plan_return(plan=plan, reason="Redo", actor=user),
}
AMENDMENT_STEPS = {
    "change": lambda a, user: amendment_services.amendment_update(amendment=a, reason="Changed", actor=user),
    "override": lambda a, user: amendment_services.amendment_override(amendment=a, reason="Harvest", actor=user),
    "confirm_override": lambda a, user: amendment_services.amendment_confirm_override(amendment=a, actor=user),
    "propose": lambda a, user: amendment_services.amendment_propose(amendment=a, actor=user),
    "approve": lambda a, user: amendment_services.amendment_approve(amendment=a, actor=user),
    "return": lambda a, user: amendment_services.amendment_return(amendment=a, reason="Redo", actor=user),
}


def assert_pages_and_services_agree(client, obj, user, refusals, steps, buttons, url):
    """Every step: the service answers what the refusal says; the page offers the button iff there is none."""
    client.force_login(user)
    content = client.get(url).content.decode()
    for step, call in steps.items():
        refusal = refusals[step]
        assert service_answer(lambda call=call: call(obj, user)) == (refusal and refusal.code), (user, step)
        assert (f'data-testid="{buttons[step]}"' in content) == (refusal is None), (user, step)


def test_a_plan_whose_rule_fails_without_a_confirmed_override_offers_no_propose(client, world, ministry_2, golden_plan):
    quota_policy(rate="0.700", seasonal_included=True)  # the managers/specialists rule fails (test_plan_pages)
    ministry, auditor = world.users["ministry"], world.users["auditor"]
    plan = quota_plan_compute(plan=golden_plan, actor=ministry)
    url = f"/quota/plans/{plan.pk}/"
    refusals = plan_step_refusals(plan, ministry)
    assert refusals["propose"].code == CODE_RULES_NOT_MET and refusals["override"] is None
    client.force_login(ministry)
    content = client.get(url).content.decode()
    assert 'data-testid="propose"' not in content
    assert f'data-testid="step-refusal" data-code="{CODE_RULES_NOT_MET}"' in content
    assert str(refusals["propose"].message) in content
    assert client.post(f"{url}propose/").status_code == 409

    plan = quota_plan_override(plan=plan, reason="Harvest agreement", actor=ministry)
    for user in (ministry, ministry_2, auditor):
        refusals = plan_step_refusals(plan, user)
        assert_pages_and_services_agree(client, plan, user, refusals, PLAN_STEPS, PLAN_BUTTONS, url)
    refusals = plan_step_refusals(plan, ministry_2)
    assert refusals["propose"].message == MESSAGE_OVERRIDE_NOT_CONFIRMED and refusals["confirm_override"] is None
    client.force_login(ministry_2)
    content = client.get(url).content.decode()
    assert 'data-testid="confirm-override"' in content and 'data-testid="propose"' not in content
    assert str(MESSAGE_OVERRIDE_NOT_CONFIRMED) in content


@pytest.fixture
def plan_2016(world, ministry_2, golden_regions):
    quota_policy()
    return approved_plan(
        year=2016,
        demand={"KZ-A": (10, 20, 2_414, 100, 0), "KZ-B": (0, 0, 248, 70, 0)},
        labour_force=1_000_000,
        proposer=world.users["ministry"],
        approver=ministry_2,
    )


def proposed(plan, places, actor, *, effective_date=date(2016, 6, 1)):
    amendment = amendment_create(
        plan=plan,
        effective_date=effective_date,
        reason="Order No. 7",
        changes=[{"kind": "move", "places": places, "to_region": "KZ-B", "to_category": "4"}],
        actor=actor,
    )
    return amendment_propose(amendment=amendment, actor=actor)


def test_an_amendment_not_yet_in_force_offers_no_approve(client, world, ministry_2, plan_2016, monkeypatch):
    ministry = world.users["ministry"]
    amendment = proposed(plan_2016, 5, ministry)
    url = f"/quota/amendments/{amendment.pk}/"
    monkeypatch.setattr(amendment_services, "quota_today", lambda: date(2016, 5, 31))

    refusals = amendment_step_refusals(amendment, ministry_2)
    assert refusals["approve"].code == CODE_NOT_YET_EFFECTIVE and refusals["return"] is None
    client.force_login(ministry_2)
    content = client.get(url).content.decode()
    assert 'data-testid="approve"' not in content and 'data-testid="return"' in content
    message = MESSAGE_NOT_YET_EFFECTIVE % {"number": amendment.number, "date": "2016-06-01"}
    assert f'data-code="{CODE_NOT_YET_EFFECTIVE}"' in content and str(message) in content
    response = client.post(f"{url}approve/")
    assert response.status_code == 409 and f'data-code="{CODE_NOT_YET_EFFECTIVE}"' in response.content.decode()
    for user in (ministry, ministry_2, world.users["auditor"]):
        assert_pages_and_services_agree(
            client, amendment, user, amendment_step_refusals(amendment, user), AMENDMENT_STEPS, AMENDMENT_BUTTONS, url
        )

    monkeypatch.setattr(amendment_services, "quota_today", lambda: date(2016, 6, 1))  # in force
    client.force_login(ministry_2)
    content = client.get(url).content.decode()
    assert 'data-testid="approve"' in content and 'data-testid="step-refusal"' not in content


def test_an_amendment_proposed_on_an_older_version_offers_no_approve(client, world, ministry_2, plan_2016):
    ministry = world.users["ministry"]
    older = proposed(plan_2016, 5, ministry)
    amendment_approve(amendment=proposed(plan_2016, 3, ministry), actor=ministry_2)  # the plan is at version 2
    refusals = amendment_step_refusals(older, ministry_2)
    assert refusals["approve"].code == CODE_STALE
    url = f"/quota/amendments/{older.pk}/"
    client.force_login(ministry_2)
    content = client.get(url).content.decode()
    assert 'data-testid="approve"' not in content and 'data-testid="stale"' in content
    assert 'data-testid="return"' in content
    assert_pages_and_services_agree(client, older, ministry_2, refusals, AMENDMENT_STEPS, AMENDMENT_BUTTONS, url)


def test_a_draft_amendment_agrees_for_every_role(client, world, ministry_2, plan_2016):
    ministry = world.users["ministry"]
    amendment = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="Order No. 8",
        changes=[{"kind": "move", "places": 5, "to_region": "KZ-B", "to_category": "4"}],
        actor=ministry,
    )
    url = f"/quota/amendments/{amendment.pk}/"
    for role in ("ministry", "auditor", "official_1"):
        user = world.users[role]
        refusals = amendment_step_refusals(amendment, user)
        assert_pages_and_services_agree(client, amendment, user, refusals, AMENDMENT_STEPS, AMENDMENT_BUTTONS, url)
    assert amendment_step_refusals(amendment, ministry)["propose"] is None
