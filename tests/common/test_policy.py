"""Policy parameters (Step 3, item 2): policy_value on boundary dates, adding periods, immutability, audit,
the API and the pages. The seeded values are the product's own files (common/data), loaded by the
`policy_parameters` fixture exactly as `load_reference_data` loads them."""

import json
import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from common.errors import DomainError
from common.models import AuditEvent, PolicyParameter, PolicyPeriod, PolicyPeriodImmutable
from common.policy import (
    ALL_NAMES,
    CODE_POLICY_NOT_DEFINED,
    CODE_POLICY_PERIOD_NOT_AFTER_LATEST,
    CODE_POLICY_PERIOD_OVERLAP,
    MESSAGE_NOT_A_PERCENT,
    MESSAGE_NOT_A_SWITCH,
    MESSAGE_NOT_AN_INTEGER,
    MESSAGE_STRUCTURE_KEYS,
    P,
    PolicyName,
    PolicyNotDefined,
    clean_policy_value,
    policy_period,
    policy_reference,
    policy_value,
)
from common.policy_views import MESSAGE_PERIOD_ADDED
from common.services import (
    AUDIT_POLICY_PARAMETER_CHANGED,
    AUDIT_POLICY_PERIOD_ADDED,
    MESSAGE_ACTOR_NOT_MINISTRY,
    MESSAGE_SOURCE_REQUIRED,
    policy_parameter_update,
    policy_period_add,
)
from tests.common.reference_factories import make_policy_parameter

pytestmark = pytest.mark.django_db


def parameter(name, key=""):
    return PolicyParameter.objects.get(name=name, key=key)


def add(name, valid_from, value, *, key="", actor, source="https://adilet.zan.kz/", **kwargs):
    return policy_period_add(
        parameter=parameter(name, key), valid_from=valid_from, value=value, source=source, actor=actor, **kwargs
    )


# ---------------------------------------------------------------------------------------------
# policy_value on boundary dates (Done: MCI 2020-03-31 vs 2020-04-01; branch office 30 → 10 on 2023-07-01;
# seasonal bands from 2021-01-01; quota rate 0.20 → 0.25 on 2025-08-01; no rate in 2018)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "key", "day", "expected"),
    [
        (P.MCI_KZT, None, date(2020, 3, 31), 2651),
        (P.MCI_KZT, None, date(2020, 4, 1), 2778),
        (P.MCI_KZT, None, date(2022, 6, 1), 3063),  # fees use 3,063 all year (the benefits-only value is not loaded)
        (P.BRANCH_OFFICE_MAX_STAFF, None, date(2023, 6, 30), 30),
        (P.BRANCH_OFFICE_MAX_STAFF, None, date(2023, 7, 1), 10),
        (P.SMALL_BUSINESS_MAX_STAFF, None, date(2025, 8, 31), 100),
        (P.SMALL_BUSINESS_MAX_STAFF, None, date(2025, 9, 1), 20),
        (P.SEASONAL_FEE_BANDS_MCI, None, date(2020, 12, 31), {"365": 24}),
        (P.SEASONAL_FEE_BANDS_MCI, None, date(2021, 1, 1), {"90": 12, "180": 24, "270": 36, "365": 48}),
        (P.QUOTA_RATE_PERCENT, None, date(2016, 12, 31), Decimal("0.700")),
        (P.QUOTA_RATE_PERCENT, None, date(2017, 1, 1), Decimal("0.600")),
        (P.QUOTA_RATE_PERCENT, None, date(2022, 12, 31), Decimal("0.310")),
        (P.QUOTA_RATE_PERCENT, None, date(2024, 1, 1), Decimal("0.230")),
        (P.QUOTA_RATE_PERCENT, None, date(2025, 7, 31), Decimal("0.200")),
        (P.QUOTA_RATE_PERCENT, None, date(2025, 8, 1), Decimal("0.250")),
        (P.QUOTA_RATE_PERCENT, None, date(2026, 1, 1), Decimal("0.250")),
        (P.PERMIT_FEE_RATE_MCI, "A:1", date(2026, 3, 1), 137),
        (P.PERMIT_FEE_RATE_MCI, "B:4", date(2017, 1, 1), 225),
        (P.PERMIT_FEE_RATE_MCI, "C:4", date(2026, 3, 1), 250),
        (P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT, None, date(2026, 1, 1), Decimal("70")),
        (P.MANAGERS_SPECIALISTS_INCLUDES_SEASONAL, None, date(2026, 1, 1), False),
        (P.DEFAULT_CATEGORY_SHARES, None, date(2026, 1, 1), {"1": 906, "2": 5054, "3": 10786, "4": 2888, "S": 2366}),
        (P.LOCAL_CONTENT_MIN_CITIZENS_PERCENT, "1-2", date(2026, 3, 1), Decimal("70")),
        (P.LOCAL_CONTENT_MIN_CITIZENS_PERCENT, "3-4", date(2026, 3, 1), Decimal("90")),
        (P.QUALIFICATION_MINIMUM, "1", date(2026, 3, 1), {"isced": 6, "years": 5}),
        (P.QUALIFICATION_MINIMUM, "S", date(2026, 3, 1), {"isced": 0, "years": 0}),
        (P.VACANCY_TEST_DAYS, None, date(2026, 3, 1), 15),
        (P.DEMAND_DEADLINE, None, date(2026, 3, 1), {"month": 10, "day": 1}),
        (P.EXTENSION_WINDOW_DAYS, None, date(2026, 3, 1), {"from": 60, "to": 30}),
        (P.DECISION_DEADLINE_WORKING_DAYS, None, date(2026, 3, 1), 7),
        (P.EXTENSION_DECISION_WORKING_DAYS, None, date(2026, 3, 1), 3),
        (P.PAYMENT_DEADLINE_WORKING_DAYS, None, date(2026, 3, 1), 10),
        (P.MONTHLY_REPORT_DUE_DAY, None, date(2026, 3, 1), 30),
        (P.LATE_REPORT_FINE_MCI, None, date(2026, 3, 1), 10),
        (P.VIOLATION_BLOCK_MONTHS, None, date(2026, 3, 1), 12),
        (P.VIOLATION_LOOKBACK_MONTHS, None, date(2026, 3, 1), 12),
        (P.DECLARATION_FRESHNESS_MONTHS, None, date(2026, 3, 1), 3),
        (P.ICT_CAP_PERCENT, None, date(2026, 3, 1), Decimal("50")),
        (P.KANDAS_EXEMPT, None, date(2026, 3, 1), True),
        (
            P.TERM_LIMITS,
            "1",
            date(2026, 3, 1),
            {
                "terms_months": [12, 24, 36],
                "up_to": False,
                "max_extensions": None,
                "extension_months": None,
                "max_total_months": None,
            },
        ),
        (
            P.TERM_LIMITS,
            "3",
            date(2026, 3, 1),
            {"terms_months": [12], "up_to": False, "max_extensions": 3, "extension_months": 12, "max_total_months": 48},
        ),
        (
            P.TERM_LIMITS,
            "4",
            date(2026, 3, 1),
            {
                "terms_months": [12],
                "up_to": False,
                "max_extensions": 0,
                "extension_months": None,
                "max_total_months": 12,
            },
        ),
    ],
)
def test_policy_value_picks_the_period_in_force(policy_parameters, name, key, day, expected):
    value = policy_value(name, key, on=day)
    assert value == expected
    assert type(value) is type(expected)


def test_percentages_are_decimals_with_three_decimals(policy_parameters):
    rate = policy_value(P.QUOTA_RATE_PERCENT, on=date(2026, 1, 1))
    assert str(rate) == "0.250"
    # DOMAIN §0: floor(0.24 % × 9,000,000) is 21,600 exactly with Decimals (float gives 21,599).
    assert int(policy_value(P.QUOTA_RATE_PERCENT, on=date(2023, 1, 1)) / 100 * 9_000_000) == 21_600


def test_a_returned_structure_is_a_copy(policy_parameters):
    shares = policy_value(P.DEFAULT_CATEGORY_SHARES, on=date(2026, 1, 1))
    shares["1"] = 0
    assert policy_value(P.DEFAULT_CATEGORY_SHARES, on=date(2026, 1, 1))["1"] == 906


@pytest.mark.parametrize(
    ("name", "key", "day", "label"),
    [
        (P.QUOTA_RATE_PERCENT, None, date(2018, 6, 1), "quota_rate_percent"),  # a gap: set by economic activity
        (P.QUOTA_RATE_PERCENT, None, date(2013, 12, 31), "quota_rate_percent"),
        (P.MCI_KZT, None, date(2016, 5, 1), "mci_kzt"),  # MCI 2016 was not found
        (P.MCI_KZT, None, date(2027, 1, 1), "mci_kzt"),
        (P.PERMIT_FEE_RATE_MCI, "A:1", date(2016, 12, 31), "permit_fee_rate_mci [A:1]"),
        (P.PERMIT_FEE_RATE_MCI, "D:1", date(2026, 1, 1), "permit_fee_rate_mci [D:1]"),
        ("no_such_parameter", None, date(2026, 1, 1), "no_such_parameter"),
    ],
)
def test_no_period_on_the_date_raises_policy_not_defined(policy_parameters, name, key, day, label):
    with pytest.raises(PolicyNotDefined) as caught:
        policy_value(name, key, on=day)
    error = caught.value
    assert isinstance(error, DomainError)
    assert (error.code, error.status_code) == (CODE_POLICY_NOT_DEFINED, 409) == ("policy_not_defined", 409)
    assert str(error) == f"No value of the policy parameter {label} is in force on {day.isoformat()}."
    assert (error.name, error.key, error.on) == (name, key, day)


def test_a_timestamp_is_not_a_date(policy_parameters):
    with pytest.raises(TypeError):
        policy_value(P.MCI_KZT, on=datetime(2026, 1, 1, 12))


def test_policy_reference_is_a_json_friendly_snapshot(policy_parameters):
    reference = policy_reference(P.QUOTA_RATE_PERCENT, on=date(2025, 7, 31))
    period = policy_period(P.QUOTA_RATE_PERCENT, on=date(2025, 7, 31))
    assert reference == {
        "name": "quota_rate_percent",
        "key": None,
        "value": "0.200",
        "period_id": period.pk,
        "valid_from": "2025-01-01",
        "valid_to": "2025-07-31",
        "to_be_confirmed": False,
    }
    assert json.loads(json.dumps(reference)) == reference
    mci_2026 = policy_reference(P.MCI_KZT, on=date(2026, 3, 1))
    assert (mci_2026["value"], mci_2026["to_be_confirmed"]) == (4325, True)  # from the draft budget law
    fee = policy_reference(P.PERMIT_FEE_RATE_MCI, "A:2", on=date(2026, 3, 1))
    assert (fee["key"], fee["value"], fee["valid_to"], fee["to_be_confirmed"]) == ("A:2", 158, None, True)


def test_every_named_parameter_is_seeded_with_a_source_and_a_rule_reference(policy_parameters):
    assert PolicyName is P
    seeded = set(PolicyParameter.objects.values_list("name", flat=True))
    assert seeded == ALL_NAMES
    for item in PolicyParameter.objects.prefetch_related("periods"):
        assert item.rule_reference and item.description, item
        assert item.periods.exists(), item
        assert all(p.source for p in item.periods.all()), item
    assert set(PolicyParameter.objects.filter(name=P.PERMIT_FEE_RATE_MCI).values_list("key", flat=True)) == {
        f"{group}:{category}" for group in "ABC" for category in "1234"
    }
    assert set(PolicyParameter.objects.filter(name=P.TERM_LIMITS).values_list("key", flat=True)) == {
        "1",
        "2",
        "3",
        "4",
        "S",
        "ICT",
    }


@pytest.mark.parametrize(
    ("name", "key", "day", "to_be_confirmed"),
    [
        (P.SMALL_BUSINESS_MAX_STAFF, None, date(2025, 8, 31), True),  # before 2025-09-01: per policy data
        (P.SMALL_BUSINESS_MAX_STAFF, None, date(2025, 9, 1), False),
        (P.QUALIFICATION_MINIMUM, "2", date(2026, 1, 1), True),
        (P.KANDAS_EXEMPT, None, date(2026, 1, 1), True),
        (P.PERMIT_FEE_RATE_MCI, "B:1", date(2026, 1, 1), True),  # 2017 rates, derived from tenge amounts
        (P.SEASONAL_FEE_BANDS_MCI, None, date(2020, 1, 1), True),
        (P.SEASONAL_FEE_BANDS_MCI, None, date(2021, 1, 1), False),
        (P.MCI_KZT, None, date(2025, 1, 1), False),
        (P.MCI_KZT, None, date(2026, 1, 1), True),
        (P.QUOTA_RATE_PERCENT, None, date(2026, 1, 1), False),
    ],
)
def test_values_not_confirmed_by_a_primary_text_are_marked(policy_parameters, name, key, day, to_be_confirmed):
    assert policy_period(name, key, on=day).to_be_confirmed is to_be_confirmed


# ---------------------------------------------------------------------------------------------
# Adding a period
# ---------------------------------------------------------------------------------------------
def test_a_new_period_closes_the_open_one_the_day_before(policy_parameters, ministry_user):
    open_period = policy_period(P.QUOTA_RATE_PERCENT, on=date(2026, 1, 1))
    new = add(P.QUOTA_RATE_PERCENT, date(2027, 1, 1), "0.3", actor=ministry_user, reason="Order of 2026-12-20")
    open_period.refresh_from_db()
    assert open_period.valid_to == date(2026, 12, 31)
    assert (new.valid_from, new.valid_to, new.value, new.created_by) == (date(2027, 1, 1), None, "0.300", ministry_user)
    assert policy_value(P.QUOTA_RATE_PERCENT, on=date(2026, 12, 31)) == Decimal("0.250")
    assert policy_value(P.QUOTA_RATE_PERCENT, on=date(2027, 1, 1)) == Decimal("0.300")
    assert policy_value(P.QUOTA_RATE_PERCENT, on=date(2025, 7, 31)) == Decimal("0.200")  # history untouched


def test_a_period_after_a_fixed_end_leaves_the_earlier_periods_alone(policy_parameters, ministry_user):
    before = list(PolicyPeriod.objects.filter(parameter__name=P.MCI_KZT).values_list("valid_from", "valid_to", "value"))
    add(P.MCI_KZT, date(2027, 1, 1), 4700, actor=ministry_user, to_be_confirmed=True)
    after = list(PolicyPeriod.objects.filter(parameter__name=P.MCI_KZT).values_list("valid_from", "valid_to", "value"))
    assert after == [*before, (date(2027, 1, 1), None, 4700)]
    assert policy_value(P.MCI_KZT, on=date(2027, 6, 1)) == 4700


def test_an_overlapping_period_is_refused_and_changes_nothing(policy_parameters, ministry_user):
    # MCI 2026 runs to 2026-12-31: a period from 2026-07-01 would overlap it.
    count, events = PolicyPeriod.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        add(P.MCI_KZT, date(2026, 7, 1), 4400, actor=ministry_user)
    assert (caught.value.code, caught.value.status_code, caught.value.field) == (
        CODE_POLICY_PERIOD_OVERLAP,
        409,
        "valid_from",
    )
    assert "runs until 2026-12-31" in str(caught.value)
    with pytest.raises(DomainError) as caught:
        add(P.MCI_KZT, date(2026, 12, 31), 4400, actor=ministry_user)  # the last day still overlaps
    assert caught.value.code == CODE_POLICY_PERIOD_OVERLAP
    assert (PolicyPeriod.objects.count(), AuditEvent.objects.count()) == (count, events)
    assert policy_value(P.MCI_KZT, on=date(2026, 7, 1)) == 4325


@pytest.mark.parametrize("start", [date(2025, 8, 1), date(2025, 1, 1), date(2018, 6, 1), date(2010, 1, 1)])
def test_a_period_must_start_after_the_latest_start(policy_parameters, ministry_user, start):
    # Even in the 2018–2019 gap: past periods (and the history around them) are never changed.
    count = PolicyPeriod.objects.count()
    with pytest.raises(DomainError) as caught:
        add(P.QUOTA_RATE_PERCENT, start, "0.4", actor=ministry_user)
    assert (caught.value.code, caught.value.status_code) == (CODE_POLICY_PERIOD_NOT_AFTER_LATEST, 409)
    assert PolicyPeriod.objects.count() == count
    assert policy_period(P.QUOTA_RATE_PERCENT, on=date(2026, 1, 1)).valid_to is None


def test_the_first_period_of_a_new_parameter(ministry_user):
    empty = PolicyParameter.objects.create(name="new_switch", value_type="switch")
    add("new_switch", date(2026, 1, 1), True, actor=ministry_user, reason="a past start needs a reason")
    assert policy_value("new_switch", on=date(2026, 1, 1)) is True
    assert empty.periods.count() == 1


def test_only_ministry_officials_add_periods(policy_parameters, official_1, auditor_user, employer_a_user):
    for actor in (official_1, auditor_user, employer_a_user):
        with pytest.raises(PermissionDenied, match=str(MESSAGE_ACTOR_NOT_MINISTRY)):
            add(P.VACANCY_TEST_DAYS, date(2027, 1, 1), 20, actor=actor)
    assert policy_value(P.VACANCY_TEST_DAYS, on=date(2027, 1, 1)) == 15


def test_adding_a_period_is_audited_with_the_periods_touched(policy_parameters, ministry_user):
    closed = policy_period(P.VACANCY_TEST_DAYS, on=date(2026, 1, 1))
    new = add(P.VACANCY_TEST_DAYS, date(2027, 1, 1), 20, actor=ministry_user, reason="Order 93")
    event = AuditEvent.objects.get(action=AUDIT_POLICY_PERIOD_ADDED)
    assert (event.actor, event.object_type, event.object_id, event.reason) == (
        ministry_user,
        "common.policyparameter",
        str(closed.parameter_id),
        "Order 93",
    )
    assert event.before == {
        "parameter": "vacancy_test_days",
        "periods": [
            {
                "id": closed.pk,
                "valid_from": "2014-01-01",
                "valid_to": None,
                "value": 15,
                "to_be_confirmed": False,
                "source": "DOMAIN.md",
            }
        ],
    }
    assert event.after["periods"] == [
        {
            "id": closed.pk,
            "valid_from": "2014-01-01",
            "valid_to": "2026-12-31",
            "value": 15,
            "to_be_confirmed": False,
            "source": "DOMAIN.md",
        },
        {
            "id": new.pk,
            "valid_from": "2027-01-01",
            "valid_to": None,
            "value": 20,
            "to_be_confirmed": False,
            "source": "https://adilet.zan.kz/",
        },
    ]


@pytest.mark.parametrize(
    ("name", "key", "value", "message"),
    [
        (P.QUOTA_RATE_PERCENT, "", "101", MESSAGE_NOT_A_PERCENT),
        (P.QUOTA_RATE_PERCENT, "", "-0.1", MESSAGE_NOT_A_PERCENT),
        (P.QUOTA_RATE_PERCENT, "", "0.2501", MESSAGE_NOT_A_PERCENT),
        (P.QUOTA_RATE_PERCENT, "", "NaN", MESSAGE_NOT_A_PERCENT),
        (P.QUOTA_RATE_PERCENT, "", "a quarter", MESSAGE_NOT_A_PERCENT),
        (P.QUOTA_RATE_PERCENT, "", True, MESSAGE_NOT_A_PERCENT),
        (P.MCI_KZT, "", 4400.5, MESSAGE_NOT_AN_INTEGER),
        (P.MCI_KZT, "", -1, MESSAGE_NOT_AN_INTEGER),
        (P.MCI_KZT, "", "4400", MESSAGE_NOT_AN_INTEGER),
        (P.VACANCY_TEST_DAYS, "", True, MESSAGE_NOT_AN_INTEGER),
        (P.KANDAS_EXEMPT, "", "yes", MESSAGE_NOT_A_SWITCH),
        (P.KANDAS_EXEMPT, "", 1, MESSAGE_NOT_A_SWITCH),
        (
            P.DEFAULT_CATEGORY_SHARES,
            "",
            {"1": 1, "2": 2, "3": 3, "4": 4},
            MESSAGE_STRUCTURE_KEYS % {"keys": "1, 2, 3, 4, S"},
        ),
        (P.DEFAULT_CATEGORY_SHARES, "", {"1": 1, "2": 2, "3": 3, "4": 4, "S": -5}, "The value of “S” is not valid"),
        (P.QUALIFICATION_MINIMUM, "1", {"isced": 9, "years": 5}, "The value of “isced” is not valid"),
        (P.DEMAND_DEADLINE, "", {"month": 2, "day": 30}, "no such day in that month"),
        (P.EXTENSION_WINDOW_DAYS, "", {"from": 30, "to": 60}, "must be at least `to`"),
        (
            P.TERM_LIMITS,
            "2",
            {
                "terms_months": [24, 12],
                "up_to": False,
                "max_extensions": 3,
                "extension_months": 12,
                "max_total_months": 48,
            },
            "The value of “terms_months” is not valid",
        ),
        (P.SEASONAL_FEE_BANDS_MCI, "", {"ninety": 12}, "The value of “ninety” is not valid"),
        (P.SEASONAL_FEE_BANDS_MCI, "", [12, 24], "Enter a JSON object."),
    ],
)
def test_a_value_that_does_not_fit_the_type_is_refused(policy_parameters, ministry_user, name, key, value, message):
    count = PolicyPeriod.objects.count()
    with pytest.raises(ValidationError) as caught:
        add(name, date(2030, 1, 1), value, key=key, actor=ministry_user)
    assert any(str(message) in text for text in caught.value.message_dict["value"]), caught.value.message_dict
    assert PolicyPeriod.objects.count() == count


@pytest.mark.parametrize(
    ("value_type", "value", "stored"),
    [
        ("percent", "0.25", "0.250"),
        ("percent", 0.25, "0.250"),
        ("percent", Decimal("0.2500"), "0.250"),
        ("percent", 70, "70.000"),
        ("percent", "-0", "0.000"),
        ("money", 4325, 4325),
        ("switch", False, False),
    ],
)
def test_accepted_values_are_stored_in_one_form(value_type, value, stored):
    assert clean_policy_value(name="x", value_type=value_type, value=value) == stored


def test_a_structure_without_a_known_shape_keeps_the_keys_of_the_latest_period():
    previous = {"a": 1, "b": 2}
    assert clean_policy_value(name="x", value_type="structure", value={"a": 3, "b": 4}, previous=previous) == {
        "a": 3,
        "b": 4,
    }
    with pytest.raises(ValidationError):
        clean_policy_value(name="x", value_type="structure", value={"a": 3}, previous=previous)


def test_a_source_is_required(policy_parameters, ministry_user):
    with pytest.raises(ValidationError) as caught:
        add(P.MCI_KZT, date(2027, 1, 1), 4700, source="  ", actor=ministry_user)
    assert caught.value.message_dict == {"source": [str(MESSAGE_SOURCE_REQUIRED)]}


# ---------------------------------------------------------------------------------------------
# Past periods are never edited or deleted
# ---------------------------------------------------------------------------------------------
def test_periods_cannot_be_edited_or_deleted(policy_parameters):
    period = policy_period(P.MCI_KZT, on=date(2020, 4, 1))
    period.value = 9999
    with pytest.raises(PolicyPeriodImmutable):
        period.save()
    with pytest.raises(PolicyPeriodImmutable):
        period.delete()
    with pytest.raises(PolicyPeriodImmutable):
        PolicyPeriod.objects.filter(pk=period.pk).update(value=9999)
    with pytest.raises(PolicyPeriodImmutable):
        PolicyPeriod.objects.filter(pk=period.pk).delete()
    assert policy_value(P.MCI_KZT, on=date(2020, 4, 1)) == 2778


def test_the_database_refuses_inverted_periods_and_two_open_periods():
    item = make_policy_parameter("x", (date(2026, 1, 1), None, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyPeriod.objects.create(parameter=item, valid_from=date(2027, 2, 1), valid_to=date(2027, 1, 1), value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyPeriod.objects.create(parameter=item, valid_from=date(2028, 1, 1), value=2)  # a second open period
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyPeriod.objects.create(parameter=item, valid_from=date(2026, 1, 1), valid_to=date(2026, 2, 1), value=2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_adding_a_period_at_once_only_one_succeeds(ministry_user):
    """The parameter row is locked: the second add waits, then sees the first's period and is refused."""
    from tests.common.factories import UserFactory

    second_official = UserFactory(username="ministry.2", role="ministry_official")
    item = make_policy_parameter(P.VACANCY_TEST_DAYS, (date(2014, 1, 1), None, 15), value_type="days")
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(actor, value):
        try:
            barrier.wait(timeout=10)
            policy_period_add(parameter=item, valid_from=date(2027, 1, 1), value=value, source="order", actor=actor)
            outcomes.append("added")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=args) for args in ((ministry_user, 20), (second_official, 21))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["added", CODE_POLICY_PERIOD_NOT_AFTER_LATEST]
    periods = list(item.periods.order_by("valid_from").values_list("valid_from", "valid_to"))
    assert periods == [(date(2014, 1, 1), date(2026, 12, 31)), (date(2027, 1, 1), None)]
    assert AuditEvent.objects.filter(action=AUDIT_POLICY_PERIOD_ADDED).count() == 1


# ---------------------------------------------------------------------------------------------
# Description and rule reference
# ---------------------------------------------------------------------------------------------
def test_an_official_corrects_the_rule_reference_audited(policy_parameters, ministry_user, official_1):
    item = parameter(P.VACANCY_TEST_DAYS)
    policy_parameter_update(parameter=item, rule_reference="Order 279 — vacancy register", actor=ministry_user)
    item.refresh_from_db()
    assert item.rule_reference == "Order 279 — vacancy register"
    event = AuditEvent.objects.get(action=AUDIT_POLICY_PARAMETER_CHANGED)
    assert event.before == {"rule_reference": "Order 279 — labour-market test"}
    assert event.after == {"rule_reference": "Order 279 — vacancy register"}
    with pytest.raises(PermissionDenied):
        policy_parameter_update(parameter=item, rule_reference="x", actor=official_1)


# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------
def test_api_lists_parameters_with_their_current_value_and_periods(
    policy_parameters, as_user, official_1, django_assert_max_num_queries
):
    client = as_user(official_1)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/policy-parameters/", {"page_size": 500}).json()
    assert body["count"] == PolicyParameter.objects.count()
    rate = next(row for row in body["results"] if row["name"] == "quota_rate_percent")
    assert [p["value"] for p in rate["periods"]] == [
        "0.700",
        "0.600",
        "0.320",
        "0.310",
        "0.240",
        "0.230",
        "0.200",
        "0.250",
    ]
    assert rate["current"]["value"] == "0.250" and rate["current"]["valid_to"] is None
    assert rate["rule_reference"] == "Decree 802 — quota as a share of the labour force"
    fees = client.get("/api/v1/policy-parameters/", {"name": "permit_fee_rate_mci"}).json()
    assert fees["count"] == 12
    one = client.get("/api/v1/policy-parameters/", {"name": "permit_fee_rate_mci", "key": "A:1"}).json()["results"]
    assert [(row["key"], row["current"]["value"], row["current"]["to_be_confirmed"]) for row in one] == [
        ("A:1", 137, True)
    ]


def test_api_adds_a_period(policy_parameters, as_user, ministry_user):
    item = parameter(P.QUOTA_RATE_PERCENT)
    response = as_user(ministry_user).post(
        f"/api/v1/policy-parameters/{item.pk}/periods/",
        {"valid_from": "2027-01-01", "value": "0.3", "source": "https://adilet.zan.kz/", "reason": "new order"},
    )
    assert response.status_code == 201, response.content
    periods = response.json()["periods"]
    assert periods[-2]["valid_to"] == "2026-12-31"
    assert (periods[-1]["valid_from"], periods[-1]["value"], periods[-1]["created_by"]) == (
        "2027-01-01",
        "0.300",
        ministry_user.pk,
    )
    assert AuditEvent.objects.filter(action=AUDIT_POLICY_PERIOD_ADDED, actor=ministry_user).count() == 1


@pytest.mark.parametrize(
    ("name", "data", "status", "field", "code"),
    [
        (
            P.MCI_KZT,
            {"valid_from": "2026-07-01", "value": 4400, "source": "x"},
            409,
            "valid_from",
            CODE_POLICY_PERIOD_OVERLAP,
        ),
        (
            P.MCI_KZT,
            {"valid_from": "2020-01-01", "value": 4400, "source": "x"},
            409,
            "valid_from",
            CODE_POLICY_PERIOD_NOT_AFTER_LATEST,
        ),
        (P.MCI_KZT, {"valid_from": "2027-01-01", "value": "many", "source": "x"}, 400, "value", "invalid"),
        (P.MCI_KZT, {"valid_from": "2027-13-01", "value": 4400, "source": "x"}, 400, "valid_from", "invalid"),
        (P.MCI_KZT, {"valid_from": "2027-01-01", "value": 4400}, 400, "source", "required"),
        (P.MCI_KZT, {"valid_from": "2027-01-01", "source": "x"}, 400, "value", "required"),
    ],
)
def test_api_refuses_a_bad_period_in_the_error_format(
    policy_parameters, as_user, ministry_user, name, data, status, field, code
):
    count = PolicyPeriod.objects.count()
    response = as_user(ministry_user).post(f"/api/v1/policy-parameters/{parameter(name).pk}/periods/", data)
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["errors"][0]["code"] == code
    assert PolicyPeriod.objects.count() == count


def test_api_has_no_way_to_edit_or_delete_a_parameter_or_period(policy_parameters, as_user, ministry_user):
    client = as_user(ministry_user)
    item = parameter(P.MCI_KZT)
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(f"/api/v1/policy-parameters/{item.pk}/").status_code == 405
    assert client.post("/api/v1/policy-parameters/", {"name": "x"}).status_code == 405


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------
def test_policy_page_shows_current_values_badges_and_rule_references(policy_parameters, client, auditor_user):
    client.force_login(auditor_user)
    content = client.get("/policy/").content.decode()
    assert "quota_rate_percent" in content and "0.250 %" in content
    assert "Order 279 — local content ratios" in content
    assert 'data-testid="to-be-confirmed"' in content  # e.g. the 2017 fee rates
    assert client.get("/policy/", {"q": "kandas"}).content.decode().count("policy/") >= 1


def test_policy_history_page_and_adding_a_period(policy_parameters, client, ministry_user):
    item = parameter(P.BRANCH_OFFICE_MAX_STAFF)
    client.force_login(ministry_user)
    content = client.get(f"/policy/{item.pk}/").content.decode()
    assert "2023-06-30" in content and "2023-07-01" in content and 'data-testid="add-period"' in content
    shares = client.get(f"/policy/{parameter(P.DEFAULT_CATEGORY_SHARES).pk}/").content.decode()
    url = "https://qazmonitor.com/news/2522/kazakhstan-sets-2024-quotas-for-attracting-foreign-workers"
    assert f'<a href="{url}" rel="noopener noreferrer">{url}</a> (the 2024 official split)' in shares
    response = client.post(
        f"/policy/{item.pk}/",
        {"valid_from": "2027-01-01", "value": "5", "source": "Order 12", "reason": "fewer staff"},
        follow=True,
    )
    assert str(MESSAGE_PERIOD_ADDED % {"parameter": item, "valid_from": "2027-01-01"}) in response.content.decode()
    assert policy_value(P.BRANCH_OFFICE_MAX_STAFF, on=date(2027, 1, 1)) == 5
    assert policy_value(P.BRANCH_OFFICE_MAX_STAFF, on=date(2026, 12, 31)) == 10


def test_policy_page_shows_a_refusal_on_the_form(policy_parameters, client, ministry_user):
    item = parameter(P.MCI_KZT)
    client.force_login(ministry_user)
    response = client.post(f"/policy/{item.pk}/", {"valid_from": "2026-07-01", "value": "4400", "source": "x"})
    assert response.status_code == 200
    assert "runs until 2026-12-31" in response.content.decode()
    structure = parameter(P.DEFAULT_CATEGORY_SHARES)
    response = client.post(f"/policy/{structure.pk}/", {"valid_from": "2030-01-01", "value": '{"1": 5}', "source": "x"})
    assert "The structure must have exactly these keys: 1, 2, 3, 4, S." in response.content.decode()


def test_policy_pages_by_role(policy_parameters, client, official_1, employer_a_user, administrator_user):
    item = parameter(P.MCI_KZT)
    client.force_login(official_1)
    page = client.get(f"/policy/{item.pk}/")
    assert page.status_code == 200 and 'data-testid="add-period"' not in page.content.decode()
    post = client.post(f"/policy/{item.pk}/", {"valid_from": "2027-01-01", "value": "1", "source": "x"})
    assert post.status_code == 403
    assert client.get(f"/policy/{item.pk}/text/").status_code == 403
    for user in (employer_a_user, administrator_user):
        client.force_login(user)
        assert client.get("/policy/").status_code == 403
    client.logout()
    assert client.get("/policy/").status_code == 302
    with pytest.raises(PolicyNotDefined):
        policy_value(P.MCI_KZT, on=date(2027, 1, 1))


@pytest.mark.parametrize(
    ("role", "sees_policy", "sees_reference_lists"),
    [
        ("ministry", True, True),
        ("official_1", True, True),
        ("auditor", True, True),
        ("employer_a", False, True),
        ("administrator", False, False),
    ],
)
def test_navigation_entries_by_role(client, world, role, sees_policy, sees_reference_lists):
    client.force_login(world.users[role])
    content = client.get("/").content.decode()
    assert ('href="/policy/"' in content) is sees_policy
    assert ('href="/reference/countries/"' in content) is sees_reference_lists


def test_rule_reference_page_for_ministry_officials(policy_parameters, client, ministry_user):
    item = parameter(P.ICT_CAP_PERCENT)
    client.force_login(ministry_user)
    response = client.post(
        f"/policy/{item.pk}/text/", {"description": item.description, "rule_reference": "Order 279 — ICT"}, follow=True
    )
    assert 'data-testid="rule-reference">Order 279 — ICT<' in response.content.decode()
    assert AuditEvent.objects.filter(action=AUDIT_POLICY_PARAMETER_CHANGED).count() == 1
