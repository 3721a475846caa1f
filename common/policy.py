"""Policy parameters: the only way rules read a number that policy can change (DOMAIN §0, §9).

    policy_value(P.MCI_KZT, on=approval_date)                 -> 2778
    policy_value(P.PERMIT_FEE_RATE_MCI, "A:1", on=day)         -> 137
    policy_value(P.QUOTA_RATE_PERCENT, on=date(2026, 1, 1))   -> Decimal("0.250")

The caller chooses the relevant date (DOMAIN §9: 1 January of the plan year for the quota rate,
the submission date for local content, the approval date for fees…). No period covering the date
raises `PolicyNotDefined` (409, `policy_not_defined`): a rule never guesses a value.

Values are stored as JSON (`PolicyPeriod.value`): a percentage as a string with three decimals
("0.250" = 0.25 %), integers as numbers, a switch as a boolean, a structure as an object.
`policy_value` returns them typed: `Decimal`, `int`, `bool`, `dict`. `clean_policy_value` is the one
validator of a value against its parameter's type, used by the loader, the service, the API and pages.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .models import PolicyParameter, PolicyPeriod
from .parsers import load_json
from .validators import (
    CODE_TOO_MANY_DIGITS,
    MAX_WHOLE_NUMBER,
    MAX_WHOLE_NUMBER_DIGITS,
    MESSAGE_TOO_MANY_DIGITS,
    is_bounded_int,
    parse_whole_number,
)

ValueType = PolicyParameter.ValueType


class P:
    """Names of the policy parameters. Keys (when a name has them) are given beside each name."""

    # Quota plan (read on 1 January of the plan year).
    QUOTA_RATE_PERCENT = "quota_rate_percent"
    MANAGERS_SPECIALISTS_THRESHOLD_PERCENT = "managers_specialists_threshold_percent"
    MANAGERS_SPECIALISTS_INCLUDES_SEASONAL = "managers_specialists_includes_seasonal"
    DEFAULT_CATEGORY_SHARES = "default_category_shares"  # {"1": 906, "2": …, "S": …}
    # Fees (read on the approval date).
    MCI_KZT = "mci_kzt"
    PERMIT_FEE_RATE_MCI = "permit_fee_rate_mci"  # key "<fee group>:<category>", e.g. "A:1"
    SEASONAL_FEE_BANDS_MCI = "seasonal_fee_bands_mci"  # {"<max days>": <MCI>}
    # Application checks (read on the submission date).
    LOCAL_CONTENT_MIN_CITIZENS_PERCENT = "local_content_min_citizens_percent"  # key "1-2" or "3-4"
    SMALL_BUSINESS_MAX_STAFF = "small_business_max_staff"
    BRANCH_OFFICE_MAX_STAFF = "branch_office_max_staff"
    QUALIFICATION_MINIMUM = "qualification_minimum"  # key category; {"isced": 6, "years": 5}
    VACANCY_TEST_DAYS = "vacancy_test_days"
    VIOLATION_LOOKBACK_MONTHS = "violation_lookback_months"
    CAT4_REPLACEMENT_LOOKBACK_MONTHS = "cat4_replacement_lookback_months"
    DECLARATION_FRESHNESS_MONTHS = "declaration_freshness_months"
    ICT_CAP_PERCENT = "ict_cap_percent"
    KANDAS_EXEMPT = "kandas_exempt"
    # Deadlines.
    DEMAND_DEADLINE = "demand_deadline"  # {"month": 10, "day": 1} of the year before the quota year
    DECISION_DEADLINE_WORKING_DAYS = "decision_deadline_working_days"
    EXTENSION_DECISION_WORKING_DAYS = "extension_decision_working_days"
    PAYMENT_DEADLINE_WORKING_DAYS = "payment_deadline_working_days"
    # Permits (read on the permit's start / expiry date).
    EXTENSION_WINDOW_DAYS = "extension_window_days"  # {"from": 60, "to": 30} days before expiry
    TERM_LIMITS = "term_limits"  # key category 1, 2, 3, 4, S, ICT
    # Employer duties (read for the report's month).
    MONTHLY_REPORT_DUE_DAY = "monthly_report_due_day"
    LATE_REPORT_FINE_MCI = "late_report_fine_mci"
    LATE_REPORT_REPEAT_WINDOW_MONTHS = "late_report_repeat_window_months"
    VIOLATION_BLOCK_MONTHS = "violation_block_months"


PolicyName = P

ALL_NAMES = frozenset(value for name, value in vars(P).items() if name.isupper())

CODE_POLICY_NOT_DEFINED = "policy_not_defined"
CODE_POLICY_PERIOD_OVERLAP = "policy_period_overlap"
CODE_POLICY_PERIOD_NOT_AFTER_LATEST = "policy_period_not_after_latest"

MESSAGE_POLICY_NOT_DEFINED = _("No value of the policy parameter %(parameter)s is in force on %(date)s.")
MESSAGE_NOT_A_PERCENT = _("Enter a percentage from 0 to 100 with at most three decimals (e.g. 0.250).")
MESSAGE_NOT_AN_INTEGER = _("Enter a whole number of zero or more.")
MESSAGE_NOT_A_SWITCH = _("Enter true or false.")
MESSAGE_NOT_A_STRUCTURE = _("Enter a JSON object.")
MESSAGE_STRUCTURE_KEYS = _("The structure must have exactly these keys: %(keys)s.")
MESSAGE_STRUCTURE_VALUE = _("The value of “%(key)s” is not valid: %(problem)s")
MESSAGE_PERCENT_ZERO = _(
    "A quota rate or managers/specialists threshold of 0 is not allowed: enter a percentage above 0."
)

#: Percentages that must be above 0 (DOMAIN §3: the ceiling is rate × labour force; the managers/specialists
#: threshold is a minimum share). Refused when entered, so a plan never meets them at compute.
POSITIVE_PERCENTS = frozenset({P.QUOTA_RATE_PERCENT, P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT})


def parameter_label(name: str, key: str | None) -> str:
    return f"{name} [{key}]" if key else name


class PolicyNotDefined(DomainError):
    """No period of the parameter covers the date: the rule that needs it cannot be applied."""

    def __init__(self, name: str, key: str | None, on: date):
        self.name, self.key, self.on = name, key or None, on
        message = MESSAGE_POLICY_NOT_DEFINED % {"parameter": parameter_label(name, key), "date": on.isoformat()}
        super().__init__(message, code=CODE_POLICY_NOT_DEFINED)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------
def _check_date(on) -> date:
    # A datetime is a date too: refuse it, so nobody passes a UTC timestamp where a local date is meant.
    if isinstance(on, datetime) or not isinstance(on, date):
        raise TypeError(f"`on` must be a datetime.date, not {type(on).__name__}")
    return on


def policy_period(name: str, key: str | None = None, *, on: date) -> PolicyPeriod:
    """The period of (name, key) in force on `on`; PolicyNotDefined when none covers it."""
    _check_date(on)
    period = (
        PolicyPeriod.objects.in_force_on(on)
        .filter(parameter__name=name, parameter__key=key or "")
        .select_related("parameter")
        .first()
    )
    if period is None:
        raise PolicyNotDefined(name, key, on)
    return period


def typed_value(value_type: str, stored: Any) -> Any:
    """A stored JSON value as the type rules use: Decimal, int, bool or dict."""
    if value_type == ValueType.PERCENT:
        return Decimal(str(stored)).quantize(Decimal("0.001"))
    if value_type in (ValueType.INTEGER, ValueType.DAYS, ValueType.MONEY):
        return int(stored)
    if value_type == ValueType.SWITCH:
        return bool(stored)
    return copy.deepcopy(stored)


def policy_value(name: str, key: str | None = None, *, on: date) -> Any:
    """The typed value of (name, key) in force on `on` (see the module docstring)."""
    period = policy_period(name, key, on=on)
    return typed_value(period.parameter.value_type, period.value)


def period_reference(period: PolicyPeriod) -> dict:
    """What a decision stores about a parameter it used: the value and the period's identity."""
    return {
        "name": period.parameter.name,
        "key": period.parameter.key or None,
        "value": copy.deepcopy(period.value),
        "period_id": period.pk,
        "valid_from": period.valid_from.isoformat(),
        "valid_to": period.valid_to.isoformat() if period.valid_to else None,
        "to_be_confirmed": period.to_be_confirmed,
    }


def policy_reference(name: str, key: str | None = None, *, on: date) -> dict:
    """A JSON-friendly snapshot of the value in force on `on` (a percentage as a string, "0.250")."""
    return period_reference(policy_period(name, key, on=on))


@dataclass(frozen=True)
class EndingPeriod:
    """A parameter whose period in force on a day ends soon with nothing after it (see periods_ending_soon)."""

    parameter: PolicyParameter
    period: PolicyPeriod
    valid_to: date
    days_left: int

    @property
    def name(self) -> str:
        return self.parameter.name

    @property
    def key(self) -> str | None:
        return self.parameter.key or None

    @property
    def label(self) -> str:
        return parameter_label(self.parameter.name, self.parameter.key)


#: How far ahead the policy page warns that a parameter's value runs out (calendar days, both ends inclusive).
ENDING_SOON_DAYS = 60


def periods_ending_soon(*, on: date, within_days: int = ENDING_SOON_DAYS) -> list[EndingPeriod]:
    """Parameters whose period in force on `on` ends within `within_days` days (the end day counted: 0 = it ends
    today) and whose day after that end is covered by no period: from then on every rule that needs the parameter
    is refused (PolicyNotDefined), so a ministry official should add the next period before. Soonest end first.

    Periods of one parameter never overlap, so the day after the end is covered only by a period starting on it."""
    _check_date(on)
    ending = list(
        PolicyPeriod.objects.in_force_on(on)
        .filter(valid_to__isnull=False, valid_to__lte=on + timedelta(days=within_days))
        .select_related("parameter")
    )
    if not ending:
        return []
    followed = set(
        PolicyPeriod.objects.filter(
            parameter__in=[period.parameter_id for period in ending],
            valid_from__in={period.valid_to + timedelta(days=1) for period in ending},
        ).values_list("parameter_id", "valid_from")
    )
    found = [
        EndingPeriod(
            parameter=period.parameter, period=period, valid_to=period.valid_to, days_left=(period.valid_to - on).days
        )
        for period in ending
        if (period.parameter_id, period.valid_to + timedelta(days=1)) not in followed
    ]
    return sorted(found, key=lambda item: (item.valid_to, item.parameter.name, item.parameter.key))


# ---------------------------------------------------------------------------------------------
# Validating a value against its parameter's type (and, for structures, its shape)
# ---------------------------------------------------------------------------------------------
def _is_int(value) -> bool:
    """A whole number of at most 12 digits (common.validators): no value needs more, and longer ones break int()."""
    return is_bounded_int(value)


def _int_in(low: int, high: int = MAX_WHOLE_NUMBER, *, nullable: bool = False):
    def check(value):
        if value is None and nullable:
            return None
        if not _is_int(value) or not low <= value <= high:
            return f"expected a whole number from {low} to {high}" + (" (or null)" if nullable else "")
        return None

    return check


def _months_list(value):
    if (
        not isinstance(value, list)
        or not value
        or not all(_is_int(v) and v > 0 for v in value)
        or value != sorted(set(value))
    ):
        return "expected a list of whole numbers of months in ascending order"
    return None


def _boolean(value):
    return None if isinstance(value, bool) else "expected true or false"


CATEGORY_KEYS = ("1", "2", "3", "4", "S")

# Structure parameters with a fixed shape: key -> check(value) returning a problem or None.
STRUCTURE_SHAPES: dict[str, dict[str, Any]] = {
    P.DEFAULT_CATEGORY_SHARES: dict.fromkeys(CATEGORY_KEYS, _int_in(0)),
    P.QUALIFICATION_MINIMUM: {"isced": _int_in(0, 8), "years": _int_in(0, 60)},
    P.DEMAND_DEADLINE: {"month": _int_in(1, 12), "day": _int_in(1, 31)},
    P.EXTENSION_WINDOW_DAYS: {"from": _int_in(0, 366), "to": _int_in(0, 366)},
    P.TERM_LIMITS: {
        "terms_months": _months_list,
        "up_to": _boolean,
        "max_extensions": _int_in(0, nullable=True),
        "extension_months": _int_in(1, nullable=True),
        "max_total_months": _int_in(1, nullable=True),
    },
}


def _structure_problems(name: str, value: dict, previous: dict | None) -> list[str]:
    """Problems of a structure value; shape from STRUCTURE_SHAPES, else the latest period's keys."""
    if name == P.SEASONAL_FEE_BANDS_MCI:
        # Bands: maximum days of the season -> fee in MCI (2021: 90 -> 12, 180 -> 24, 270 -> 36, 365 -> 48).
        if not value:
            return [str(MESSAGE_NOT_A_STRUCTURE)]
        problems = []
        for band, rate in value.items():
            if not (1 <= _whole_number_or_zero(band, max_digits=3) <= 366) or not (_is_int(rate) and rate > 0):
                problems.append(
                    str(MESSAGE_STRUCTURE_VALUE % {"key": band[:10], "problem": "expected days 1-366 -> MCI above 0"})
                )
        return problems
    shape = STRUCTURE_SHAPES.get(name)
    expected = list(shape) if shape else (list(previous) if previous else None)
    if expected is not None and set(value) != set(expected):
        return [str(MESSAGE_STRUCTURE_KEYS % {"keys": ", ".join(expected)})]
    problems = []
    for key, check in (shape or {}).items():
        problem = check(value[key])
        if problem:
            problems.append(str(MESSAGE_STRUCTURE_VALUE % {"key": key, "problem": problem}))
    if not problems and name == P.DEMAND_DEADLINE:
        try:
            date(2000, value["month"], value["day"])  # a leap year, so 29 February is a real date
        except ValueError:
            problems.append(str(MESSAGE_STRUCTURE_VALUE % {"key": "day", "problem": "no such day in that month"}))
    if not problems and name == P.EXTENSION_WINDOW_DAYS and value["from"] < value["to"]:
        problems.append(str(MESSAGE_STRUCTURE_VALUE % {"key": "from", "problem": "must be at least `to`"}))
    return problems


def _whole_number_or_zero(text: str, *, max_digits: int) -> int:
    try:
        return parse_whole_number(text, max_digits=max_digits)
    except ValidationError:
        return 0


def clean_policy_value(*, name: str, value_type: str, value: Any, previous: Any = None) -> Any:
    """Validate `value` for a parameter and return its stored JSON form; ValidationError({"value": …}) if bad.

    `previous` is the latest period's stored value (a structure without a known shape keeps its keys).
    Percentages accept a Decimal, an int, a JSON number or a string ("0.25" -> "0.250").
    """
    if value_type == ValueType.PERCENT:
        if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
            raise ValidationError({"value": MESSAGE_NOT_A_PERCENT}, code="invalid")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError({"value": MESSAGE_NOT_A_PERCENT}, code="invalid") from None
        # An exact comparison: "0.2500" has only three decimals that count, and normalize() would round "0.9999…"
        # of more than 28 digits to 1 without a word.
        if not number.is_finite() or not 0 <= number <= 100 or number != number.quantize(Decimal("0.001")):
            raise ValidationError({"value": MESSAGE_NOT_A_PERCENT}, code="invalid")
        if number == 0 and name in POSITIVE_PERCENTS:
            raise ValidationError({"value": MESSAGE_PERCENT_ZERO}, code="invalid")
        return str((abs(number) if number == 0 else number).quantize(Decimal("0.001")))  # never "-0.000"
    if value_type in (ValueType.INTEGER, ValueType.DAYS, ValueType.MONEY):
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_WHOLE_NUMBER:
            too_long = ValidationError(
                MESSAGE_TOO_MANY_DIGITS, code=CODE_TOO_MANY_DIGITS, params={"digits": MAX_WHOLE_NUMBER_DIGITS}
            )
            raise ValidationError({"value": too_long})
        if not _is_int(value) or value < 0:
            raise ValidationError({"value": MESSAGE_NOT_AN_INTEGER}, code="invalid")
        return value
    if value_type == ValueType.SWITCH:
        if not isinstance(value, bool):
            raise ValidationError({"value": MESSAGE_NOT_A_SWITCH}, code="invalid")
        return value
    if value_type == ValueType.STRUCTURE:
        if not isinstance(value, dict) or not value or not all(isinstance(k, str) for k in value):
            raise ValidationError({"value": MESSAGE_NOT_A_STRUCTURE}, code="invalid")
        value = json.loads(json.dumps(value))  # plain JSON only, no Decimals or dates inside
        problems = _structure_problems(name, value, previous if isinstance(previous, dict) else None)
        if problems:
            raise ValidationError({"value": problems}, code="invalid")
        return value
    raise ValidationError({"value": f"unknown value type {value_type!r}"}, code="invalid")


def parse_policy_text(*, name: str, value_type: str, text: str) -> Any:
    """A value written as text (the seed files, forms) -> its stored JSON form, validated."""
    text = text.strip()
    if value_type in (ValueType.INTEGER, ValueType.DAYS, ValueType.MONEY):
        try:
            value: Any = parse_whole_number(text)
        except ValidationError as exc:
            too_long = exc.code == CODE_TOO_MANY_DIGITS
            raise ValidationError({"value": exc if too_long else MESSAGE_NOT_AN_INTEGER}) from None
    elif value_type == ValueType.SWITCH:
        if text.lower() not in ("true", "false"):
            raise ValidationError({"value": MESSAGE_NOT_A_SWITCH}, code="invalid")
        value = text.lower() == "true"
    elif value_type == ValueType.STRUCTURE:
        try:
            value = load_json(text)
        except ValueError:
            raise ValidationError({"value": MESSAGE_NOT_A_STRUCTURE}, code="invalid") from None
    else:
        value = text
    return clean_policy_value(name=name, value_type=value_type, value=value)


def format_policy_value(value_type: str, stored: Any) -> str:
    """A short human form of a stored value for pages: 0.250 %, 2,778 ₸, 15 days, yes, 1: 906 · 2: 5054."""
    if stored is None:
        return "—"
    if value_type == ValueType.PERCENT:
        return f"{stored} %"
    if value_type == ValueType.MONEY:
        return f"{int(stored):,} ₸".replace(",", "\u202f")
    if value_type == ValueType.DAYS:
        return str(_("%(count)s days") % {"count": stored})
    if value_type == ValueType.SWITCH:
        return str(_("yes") if stored else _("no"))
    if value_type == ValueType.STRUCTURE:
        return " · ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in stored.items())
    return str(stored)
