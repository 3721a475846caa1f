"""The API displays what the services decide (STYLE.md "Pages and the API ask; services decide"): a plan's and an
amendment's detail carry `allowed_steps` and `refused_steps` for the requesting user, and each step's action answers
exactly as they say."""

from datetime import date

import pytest

from quota import amendments as amendment_services
from quota.amendments import CODE_NOT_YET_EFFECTIVE
from quota.services import CODE_RULES_NOT_MET, quota_plan_compute
from tests.quota.factories import quota_policy
from tests.quota.test_step_refusals import plan_2016, proposed  # noqa: F401 - fixtures shared with the page tests

pytestmark = pytest.mark.django_db


def refused(body) -> dict[str, str]:
    return {row["step"]: row["code"] for row in body["refused_steps"]}


def test_an_amendment_not_yet_in_force_lists_approve_as_refused_and_the_action_agrees(
    as_user, world, ministry_2, plan_2016, monkeypatch  # noqa: F811
):
    amendment = proposed(plan_2016, 5, world.users["ministry"])
    monkeypatch.setattr(amendment_services, "quota_today", lambda: date(2016, 5, 31))
    client = as_user(ministry_2)
    body = client.get(f"/api/v1/quota-amendments/{amendment.pk}/").json()
    assert body["allowed_steps"] == ["return"]
    assert refused(body)["approve"] == CODE_NOT_YET_EFFECTIVE
    message = next(row["message"] for row in body["refused_steps"] if row["step"] == "approve")
    response = client.post(f"/api/v1/quota-amendments/{amendment.pk}/approve/")
    assert response.status_code == 409
    assert response.json()["errors"][0] == {"field": None, "code": CODE_NOT_YET_EFFECTIVE, "message": message}

    monkeypatch.setattr(amendment_services, "quota_today", lambda: date(2016, 6, 1))
    body = client.get(f"/api/v1/quota-amendments/{amendment.pk}/").json()
    assert body["allowed_steps"] == ["approve", "return"]
    assert client.post(f"/api/v1/quota-amendments/{amendment.pk}/approve/").status_code == 200


def test_the_proposer_may_not_approve_and_an_auditor_may_do_nothing(as_user, world, plan_2016):  # noqa: F811
    amendment = proposed(plan_2016, 5, world.users["ministry"], effective_date=date(2016, 1, 1))
    body = as_user(world.users["ministry"]).get(f"/api/v1/quota-amendments/{amendment.pk}/").json()
    assert refused(body)["approve"] == "same_official" and "return" in body["allowed_steps"]
    body = as_user(world.users["auditor"]).get(f"/api/v1/quota-amendments/{amendment.pk}/").json()
    assert body["allowed_steps"] == [] and set(refused(body).values()) == {"permission_denied"}


def test_a_plan_whose_rule_fails_lists_propose_as_refused(as_user, world, golden_plan):
    quota_policy(rate="0.700", seasonal_included=True)  # the managers/specialists rule fails (test_plan_pages)
    plan = quota_plan_compute(plan=golden_plan, actor=world.users["ministry"])
    assert plan.is_flagged
    client = as_user(world.users["ministry"])
    body = client.get(f"/api/v1/quota-plans/{plan.pk}/").json()
    assert refused(body)["propose"] == CODE_RULES_NOT_MET
    assert "override" in body["allowed_steps"] and "propose" not in body["allowed_steps"]
    response = client.post(f"/api/v1/quota-plans/{plan.pk}/propose/")
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == CODE_RULES_NOT_MET
