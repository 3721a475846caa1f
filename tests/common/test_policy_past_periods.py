"""Policy periods starting in the past (issue 13, item 4; DOMAIN §9): a stated reason is required and audited, the
policy page shows what was already decided under the old value, and nothing decided changes. A quota rate or a
managers/specialists threshold of 0 is refused when entered."""

import copy
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.errors import DomainError
from common.models import AuditEvent, PolicyParameter, PolicyPeriod
from common.policy import MESSAGE_NOT_A_PERCENT, MESSAGE_PERCENT_ZERO, P, clean_policy_value
from common.registry import policy_decisions
from common.services import (
    AUDIT_POLICY_PERIOD_ADDED,
    CODE_POLICY_PERIOD_REASON_REQUIRED,
    MESSAGE_POLICY_PERIOD_REASON_REQUIRED,
    policy_period_add,
)
from quota.models import QuotaAmendment, QuotaPlan
from tests.common.factories import UserFactory
from tests.quota.factories import QuotaPlanFactory

pytestmark = pytest.mark.django_db


def rate_parameter():
    return PolicyParameter.objects.get(name=P.QUOTA_RATE_PERCENT, key="")


def past_start():
    # After the seeded rate's latest start (2025-08-01), before today in Almaty at any hour the suite runs.
    return max(date(2025, 8, 2), timezone.localdate() - timedelta(days=60))


def approved_plan(year, *, proposer, approver, rate="0.250"):
    now = timezone.now()
    snapshot = {"policy": {P.QUOTA_RATE_PERCENT: {"name": P.QUOTA_RATE_PERCENT, "key": None, "value": rate}}}
    return QuotaPlanFactory(
        year=year,
        entered_labour_force=9_000_000,
        status=QuotaPlan.Status.APPROVED,
        ceiling=22_500,
        pool=22_500,
        national_headroom=0,
        computed_at=now,
        proposed_at=now,
        proposed_by=proposer,
        approved_at=now,
        approved_by=approver,
        computation_snapshot=snapshot,
    )


@pytest.fixture
def plans(policy_parameters, ministry_user):
    """One approved plan selected before the past start (untouched by it) and one selected after it."""
    second = UserFactory(username="ministry-2")
    start = past_start()
    before = None
    if start > date(start.year, 1, 1):
        before = approved_plan(start.year, proposer=second, approver=ministry_user)
    after = approved_plan(start.year + 1, proposer=second, approver=ministry_user)
    return before, after


# ---------------------------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------------------------
def test_a_period_starting_in_the_past_needs_a_reason(policy_parameters, ministry_user):
    count, events = PolicyPeriod.objects.count(), AuditEvent.objects.count()
    for reason in ("", "   "):
        with pytest.raises(DomainError) as caught:
            policy_period_add(
                parameter=rate_parameter(),
                valid_from=past_start(),
                value="0.3",
                source="x",
                reason=reason,
                actor=ministry_user,
            )
        assert (caught.value.code, caught.value.field, caught.value.status_code) == (
            CODE_POLICY_PERIOD_REASON_REQUIRED,
            "reason",
            400,
        )
        assert str(caught.value) == MESSAGE_POLICY_PERIOD_REASON_REQUIRED % {"today": timezone.localdate().isoformat()}
    assert (PolicyPeriod.objects.count(), AuditEvent.objects.count()) == (count, events)


def test_a_period_from_today_or_later_needs_no_reason(policy_parameters, ministry_user):
    period = policy_period_add(
        parameter=rate_parameter(), valid_from=timezone.localdate(), value="0.3", source="x", actor=ministry_user
    )
    assert period.valid_from == timezone.localdate()
    event = AuditEvent.objects.filter(action=AUDIT_POLICY_PERIOD_ADDED).latest("pk")
    assert "decisions_kept" not in event.after


def test_a_past_period_is_audited_with_its_reason_and_what_it_leaves_decided(plans, ministry_user):
    after = plans[1]
    snapshots = {plan.pk: copy.deepcopy(plan.computation_snapshot) for plan in filter(None, plans)}
    start = past_start()
    policy_period_add(
        parameter=rate_parameter(),
        valid_from=start,
        value="0.3",
        source="Order 7",
        reason="  Order found late ",
        actor=ministry_user,
    )
    event = AuditEvent.objects.filter(action=AUDIT_POLICY_PERIOD_ADDED).latest("pk")
    assert event.reason == "Order found late"
    assert event.after["decisions_kept"] == [
        {
            "label": str(after),
            "on": date(start.year + 1, 1, 1).isoformat(),
            "value": "0.250",
            "url": f"/quota/plans/{after.pk}/",
        }
    ]
    # Nothing decided changes: the plans keep their status, their snapshot and the value they used.
    for plan in filter(None, plans):
        plan.refresh_from_db()
        assert plan.status == QuotaPlan.Status.APPROVED
        assert plan.computation_snapshot == snapshots[plan.pk]


def test_the_registry_asks_the_quota_app_for_decisions_in_the_dates(plans):
    after = plans[1]
    start = past_start()
    found = policy_decisions(name=P.QUOTA_RATE_PERCENT, key=None, date_from=start)
    assert [(d.label, d.on, d.value) for d in found] == [(str(after), date(start.year + 1, 1, 1), "0.250")]
    everything = policy_decisions(name=P.QUOTA_RATE_PERCENT, key=None, date_from=date.min)
    assert [d.label for d in everything] == [str(plan) for plan in filter(None, plans)]
    assert policy_decisions(name=P.QUOTA_RATE_PERCENT, key=None, date_from=date.min, date_to=start) == everything[:-1]
    assert policy_decisions(name=P.MCI_KZT, key=None, date_from=date.min) == []  # plans do not read fees


def test_approved_amendments_count_by_their_effective_date_and_recorded_values(plans, ministry_user):
    after = plans[1]
    now = timezone.now()
    rule_results = {
        "ceiling": {"rate_period": {"name": P.QUOTA_RATE_PERCENT, "value": "0.250"}},
        "managers_specialists": {"threshold_percent": "70.000", "seasonal_included": False},
    }
    common = {"plan": after, "reason": "x", "total_after": 1, "proposed_at": now, "proposed_by": after.proposed_by}
    amendment = QuotaAmendment.objects.create(
        **common,
        number=1,
        effective_date=date(after.year, 3, 1),
        status=QuotaAmendment.Status.APPROVED,
        rule_results=rule_results,
        approved_at=now,
        approved_by=ministry_user,
        operation=uuid.uuid4(),
        version=2,
    )
    QuotaAmendment.objects.create(**common, number=2, effective_date=date(after.year, 4, 1), status="proposed")
    start = date(after.year, 2, 1)
    rate = policy_decisions(name=P.QUOTA_RATE_PERCENT, key=None, date_from=start)
    assert [(d.label, d.on, d.value) for d in rate] == [(str(amendment), date(after.year, 3, 1), "0.250")]
    threshold = policy_decisions(name=P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT, key=None, date_from=start)
    assert [(d.label, d.value) for d in threshold] == [(str(amendment), "70.000")]
    assert policy_decisions(name=P.QUOTA_RATE_PERCENT, key=None, date_from=date(after.year, 3, 2)) == []


# ---------------------------------------------------------------------------------------------
# The API and the page
# ---------------------------------------------------------------------------------------------
def test_the_api_refuses_a_past_period_without_a_reason_on_the_field(as_user, ministry_user, policy_parameters):
    client = as_user(ministry_user)
    url = f"/api/v1/policy-parameters/{rate_parameter().pk}/periods/"
    body = {"valid_from": past_start().isoformat(), "value": "0.3", "source": "https://adilet.zan.kz/"}
    response = client.post(url, body, format="json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("reason", CODE_POLICY_PERIOD_REASON_REQUIRED)
    ]
    response = client.post(url, {**body, "reason": "Order published late"}, format="json")
    assert response.status_code == 201
    assert AuditEvent.objects.filter(action=AUDIT_POLICY_PERIOD_ADDED).latest("pk").reason == "Order published late"


def test_the_page_shows_what_was_decided_and_asks_for_the_reason(client, ministry_user, plans):
    after = plans[1]
    client.force_login(ministry_user)
    url = f"/policy/{rate_parameter().pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="policy-decisions"' in page and str(after) in page and "0.250 %" in page
    assert 'data-testid="past-period-notice"' not in page
    response = client.post(url, {"valid_from": past_start().isoformat(), "value": "0.3", "source": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    form = response.context["form"]
    assert form.errors["reason"] == [str(MESSAGE_POLICY_PERIOD_REASON_REQUIRED % {"today": timezone.localdate()})]
    assert 'data-testid="past-period-notice"' in page
    assert [d.label for d in response.context["decided_since"]] == [str(after)]
    assert f'href="/quota/plans/{after.pk}/"' in page
    count = PolicyPeriod.objects.count()
    response = client.post(
        url, {"valid_from": past_start().isoformat(), "value": "0.3", "source": "x", "reason": "Order found late"}
    )
    assert response.status_code == 302 and PolicyPeriod.objects.count() == count + 1


# ---------------------------------------------------------------------------------------------
# A rate or threshold of 0 is refused when entered
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [P.QUOTA_RATE_PERCENT, P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT])
@pytest.mark.parametrize("value", [0, "0", "0.000", "-0", 0.0])
def test_a_zero_rate_or_threshold_is_refused(name, value):
    with pytest.raises(ValidationError) as caught:
        clean_policy_value(name=name, value_type="percent", value=value)
    assert caught.value.message_dict == {"value": [str(MESSAGE_PERCENT_ZERO)]}


def test_other_percentages_may_still_be_zero_and_the_smallest_rate_is_accepted():
    assert clean_policy_value(name=P.ICT_CAP_PERCENT, value_type="percent", value="0") == "0.000"
    assert clean_policy_value(name=P.QUOTA_RATE_PERCENT, value_type="percent", value="0.001") == "0.001"
    with pytest.raises(ValidationError) as caught:
        clean_policy_value(name=P.QUOTA_RATE_PERCENT, value_type="percent", value="-0.1")
    assert caught.value.message_dict == {"value": [str(MESSAGE_NOT_A_PERCENT)]}


def test_a_zero_rate_is_refused_by_the_api_and_the_page(as_user, client, ministry_user, policy_parameters):
    count = PolicyPeriod.objects.count()
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    threshold = PolicyParameter.objects.get(name=P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT, key="")
    response = as_user(ministry_user).post(
        f"/api/v1/policy-parameters/{threshold.pk}/periods/", {"valid_from": day, "value": 0, "source": "x"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "value", "code": "invalid", "message": str(MESSAGE_PERCENT_ZERO)}]
    client.force_login(ministry_user)
    response = client.post(f"/policy/{rate_parameter().pk}/", {"valid_from": day, "value": "0", "source": "x"})
    assert response.status_code == 200 and str(MESSAGE_PERCENT_ZERO) in response.context["form"].errors["value"]
    assert PolicyPeriod.objects.count() == count
