"""Step 8 item 6: the policy page warns ministry officials when a parameter's value in force runs out within 60 days
with no period after it (common.policy.periods_ending_soon); other roles do not see the warning. A period the demo
added (common.demo.seed_demo_policy) is badged "illustrative (demo)" on the pages.

The selector takes the day as a parameter; the page uses today in Asia/Almaty, so its periods are built from
`timezone.localdate()` and the tests pass on any date."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from common.demo import ILLUSTRATIVE_POLICY_SOURCE
from common.models import PolicyPeriod
from common.policy import ENDING_SOON_DAYS, P, periods_ending_soon
from tests.common.reference_factories import make_policy_parameter

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 2)


def days(n: int) -> date:
    return ON + timedelta(days=n)


def ending(on=ON, **kwargs):
    return [(item.name, item.key, item.valid_to, item.days_left) for item in periods_ending_soon(on=on, **kwargs)]


def test_a_value_ending_within_60_days_with_nothing_after_it_is_listed_soonest_first():
    make_policy_parameter(P.MCI_KZT, (date(2026, 1, 1), days(59), 4325), value_type="money")
    make_policy_parameter(P.VACANCY_TEST_DAYS, (date(2014, 1, 1), days(0), 15), value_type="days")
    make_policy_parameter(
        P.PERMIT_FEE_RATE_MCI, (date(2017, 1, 1), days(ENDING_SOON_DAYS), 137), key="A:1", value_type="integer"
    )
    assert ending() == [
        (P.VACANCY_TEST_DAYS, None, ON, 0),
        (P.MCI_KZT, None, days(59), 59),
        (P.PERMIT_FEE_RATE_MCI, "A:1", days(60), 60),
    ]
    assert [item.label for item in periods_ending_soon(on=ON)][-1] == "permit_fee_rate_mci [A:1]"
    assert ending(within_days=30) == [(P.VACANCY_TEST_DAYS, None, ON, 0)]


def test_values_with_a_successor_open_or_ending_later_are_not_listed():
    # Followed the next day: nothing runs out.
    make_policy_parameter(P.MCI_KZT, (date(2026, 1, 1), days(10), 4325), (days(11), None, 4500), value_type="money")
    # Open-ended, or ending in 61 days.
    make_policy_parameter(P.VACANCY_TEST_DAYS, (date(2014, 1, 1), None, 15), value_type="days")
    make_policy_parameter(P.MONTHLY_REPORT_DUE_DAY, (date(2014, 1, 1), days(61), 30))
    # Not in force on the day (ended yesterday): the page's "not defined today" badge says it, not this warning.
    make_policy_parameter(P.ICT_CAP_PERCENT, (date(2014, 1, 1), days(-1), "50.000"), value_type="percent")
    assert ending() == []


def test_a_later_period_after_a_gap_is_no_successor():
    make_policy_parameter(P.MCI_KZT, (date(2026, 1, 1), days(10), 4325), (days(20), None, 4500), value_type="money")
    assert ending() == [(P.MCI_KZT, None, days(10), 10)]


def test_the_shipped_mci_is_listed_in_its_last_two_months(policy_parameters):
    assert (P.MCI_KZT, None, date(2026, 12, 31), 59) in ending(on=date(2026, 11, 2))
    assert P.MCI_KZT not in {name for name, *_rest in ending(on=date(2026, 10, 31))}


@pytest.fixture
def ending_today_plus_20(db):
    today = timezone.localdate()
    end = today + timedelta(days=20)
    make_policy_parameter(P.MCI_KZT, (today - timedelta(days=300), end, 4325), value_type="money")
    return end


def test_the_policy_page_warns_a_ministry_official_naming_the_parameter_and_the_end(
    client, ministry_user, ending_today_plus_20
):
    client.force_login(ministry_user)
    content = client.get("/policy/").content.decode()
    assert 'data-testid="policy-ending-soon"' in content
    end = ending_today_plus_20.isoformat()
    assert f"The value of mci_kzt in force today ends on {end} (20 days left) and no period follows it" in content


def test_other_roles_see_no_warning(client, auditor_user, official_1, ending_today_plus_20):
    for user in (auditor_user, official_1):
        client.force_login(user)
        response = client.get("/policy/")
        assert response.status_code == 200 and 'data-testid="policy-ending-soon"' not in response.content.decode()


def test_no_warning_once_the_next_period_exists(client, ministry_user):
    today = timezone.localdate()
    end = today + timedelta(days=20)
    make_policy_parameter(
        P.MCI_KZT, (today - timedelta(days=300), end, 4325), (end + timedelta(days=1), None, 4500), value_type="money"
    )
    client.force_login(ministry_user)
    assert 'data-testid="policy-ending-soon"' not in client.get("/policy/").content.decode()


def test_a_period_added_by_the_demo_is_badged_illustrative(client, auditor_user):
    today = timezone.localdate()
    parameter = make_policy_parameter(P.MCI_KZT, (today - timedelta(days=300), today - timedelta(days=1), 4325))
    source = f"{ILLUSTRATIVE_POLICY_SOURCE}: the value of 2026-01-01 carried forward"
    PolicyPeriod.objects.create(parameter=parameter, valid_from=today, value=4325, to_be_confirmed=True, source=source)
    client.force_login(auditor_user)
    for url in ("/policy/", f"/policy/{parameter.pk}/"):
        content = client.get(url).content.decode()
        assert 'data-testid="illustrative-demo">illustrative (demo)<' in content
        assert 'data-testid="to-be-confirmed"' not in content
