"""Quota's input rules in one place: each bound, its validator and its message.

Services check their arguments with these validators and raise ValidationError by field (dotted for an amendment's
rows: "changes.2.target"); forms and serializers take the same bounds for their field types (so a page or the API
refuses out-of-range input before the service is called) and put the service's field errors back on their fields.
Head-counts and places are whole numbers (DOMAIN §0: never rounded); typed or written text goes through
`common.validators.parse_whole_number` (digits counted before int()).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.validators import CODE_TOO_MANY_DIGITS, parse_whole_number

from .calculation import MAX_FACTOR

# ---------------------------------------------------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------------------------------------------------
MAX_PERSONS = 1_000_000_000  # far above any country's labour force; keeps typing slips out
MAX_PLACES = 10_000_000
FIRST_STATISTICS_YEAR = 1991
FIRST_PLAN_YEAR, LAST_PLAN_YEAR = 2000, 2100
MAX_REASON_LENGTH = 2000
MAX_CORRECTION_REASON_LENGTH = 1000  # a labour-force figure's correction
MAX_SOURCE_LENGTH = 500
#: A factor: above 0, at most MAX_FACTOR (the calculation's own bound), four decimals (QuotaAmendment's column).
FACTOR_MAX_DIGITS, FACTOR_DECIMAL_PLACES = 7, 4

__all__ = [
    "FACTOR_DECIMAL_PLACES",
    "FACTOR_MAX_DIGITS",
    "FIRST_PLAN_YEAR",
    "FIRST_STATISTICS_YEAR",
    "LAST_PLAN_YEAR",
    "MAX_CORRECTION_REASON_LENGTH",
    "MAX_FACTOR",
    "MAX_PERSONS",
    "MAX_PLACES",
    "MAX_REASON_LENGTH",
    "MAX_SOURCE_LENGTH",
]

# ---------------------------------------------------------------------------------------------------------------------
# Messages (constants the tests assert; the wording is the locale's msgid — change it there too)
# ---------------------------------------------------------------------------------------------------------------------
MESSAGE_PERSONS_RANGE = _("The labour force must be a whole number of persons from 1 to %(maximum)s.")
MESSAGE_PLACES_RANGE = _("Enter a whole number of places from %(minimum)s to %(maximum)s.")
MESSAGE_TARGET = _("Enter a whole number of places from 0 to %(maximum)s.")
MESSAGE_MOVE_PLACES = _("Enter a whole number of places from 1 to %(maximum)s.")
MESSAGE_FACTOR = _("Enter a factor above 0 and at most %(maximum)s, with at most four decimals (e.g. 0.8).")
MESSAGE_PLAN_YEAR = _("Enter a quota year from %(first)s to %(last)s.")
MESSAGE_STATISTICS_YEAR = _("The statistics year must be from %(first)s to the plan year %(year)s.")
MESSAGE_REASON_REQUIRED_FOR = _("Give the reason.")
MESSAGE_REASON_TOO_LONG = _("The reason is longer than %(limit)s characters.")
#: A page's whole-number box (quota.forms.WholeNumberField).
MESSAGE_WHOLE_PERSONS = _("Enter a whole number with digits only (no decimals or separators).")
MESSAGE_NUMBER_RANGE = _("Enter a number from %(minimum)s to %(maximum)s.")
#: The API's whole-number field (quota.api.serializers.WholeNumberField).
MESSAGE_WHOLE_NUMBER = _("Enter a whole number: digits only, no decimals, exponent or separators.")


# ---------------------------------------------------------------------------------------------------------------------
# Validators
# ---------------------------------------------------------------------------------------------------------------------
def whole_in(value, minimum: int, maximum: int) -> int | None:
    """The value when it is an int (never a bool) from `minimum` to `maximum`, else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        return None
    return value


def whole_text(text: str, *, maximum: int) -> int | None:
    """A whole number typed or written as ASCII digits; None when it has more digits than `maximum` (too large,
    refused before int()); ValidationError (not `too_many_digits`) when it is not digits at all."""
    try:
        return parse_whole_number(text, max_digits=len(str(maximum)))
    except ValidationError as exc:
        if exc.code != CODE_TOO_MANY_DIGITS:
            raise
        return None


def persons_error(value) -> str | None:
    """A labour force: 1 to MAX_PERSONS persons."""
    return None if whole_in(value, 1, MAX_PERSONS) is not None else MESSAGE_PERSONS_RANGE % {"maximum": MAX_PERSONS}


def places(value, *, minimum: int, field: str = "places") -> int:
    """Places of a reserve or a cap: `minimum` to MAX_PLACES; ValidationError on `field` otherwise."""
    if whole_in(value, minimum, MAX_PLACES) is None:
        raise ValidationError({field: MESSAGE_PLACES_RANGE % {"minimum": minimum, "maximum": MAX_PLACES}})
    return value


def plan_year_error(year) -> str | None:
    """A plan's year: FIRST_PLAN_YEAR to LAST_PLAN_YEAR."""
    if whole_in(year, FIRST_PLAN_YEAR, LAST_PLAN_YEAR) is None:
        return MESSAGE_PLAN_YEAR % {"first": FIRST_PLAN_YEAR, "last": LAST_PLAN_YEAR}
    return None


def statistics_year_error(statistics_year, *, year: int) -> str | None:
    """A plan's statistics year: FIRST_STATISTICS_YEAR to the plan year."""
    if whole_in(statistics_year, FIRST_STATISTICS_YEAR, year) is None:
        return MESSAGE_STATISTICS_YEAR % {"first": FIRST_STATISTICS_YEAR, "year": year}
    return None


def factor_in(value) -> Decimal | None:
    """A scale factor: above 0, at most MAX_FACTOR, at most FACTOR_DECIMAL_PLACES decimals; None otherwise."""
    try:
        factor = Decimal(str(value)) if not isinstance(value, bool) else None
    except (InvalidOperation, ValueError):
        return None
    if factor is None or not factor.is_finite() or not Decimal(0) < factor <= MAX_FACTOR:
        return None
    if factor.as_tuple().exponent < -FACTOR_DECIMAL_PLACES:
        return None
    return factor


def factor_error() -> str:
    return MESSAGE_FACTOR % {"maximum": MAX_FACTOR}


def reason_given(reason) -> str:
    """The written reason a decision needs, stripped; 400 on the `reason` field when empty or too long."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": MESSAGE_REASON_REQUIRED_FOR})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": MESSAGE_REASON_TOO_LONG % {"limit": MAX_REASON_LENGTH}})
    return reason
