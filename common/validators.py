"""Validators shared by every app.

Whole numbers typed by people or written in files (head-counts, places, tenge, days) go through
`parse_whole_number`: ASCII digits only, and at most MAX_WHOLE_NUMBER_DIGITS of them. The digits are counted
before int() converts them, because Python refuses more than 4,300 digits with a ValueError (a 500).

Kazakhstan's BIN (business identification number) and IIN (individual identification number) are
12 digits whose last digit is a check digit over the first eleven: weights 1..11, sum mod 11; if that
gives 10, weights 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2, mod 11; if it is 10 again, the number is invalid.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MESSAGE_BIN_FORMAT = _("A BIN is exactly 12 digits.")
MESSAGE_BIN_CHECK_DIGIT = _("This BIN's check digit is wrong: please check the number.")
CODE_BIN_FORMAT = "bin_format"
CODE_BIN_CHECK_DIGIT = "bin_check_digit"

_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_bin_check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when no digit can make a valid number."""
    if len(first_eleven) != 11 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise ValueError("eleven ASCII digits expected")
    digits = [int(c) for c in first_eleven]
    check = sum(w * d for w, d in zip(_FIRST_WEIGHTS, digits, strict=True)) % 11
    if check == 10:
        check = sum(w * d for w, d in zip(_SECOND_WEIGHTS, digits, strict=True)) % 11
    return None if check == 10 else check


def is_valid_iin_bin(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    return iin_bin_check_digit(value[:11]) == int(value[11])


def validate_bin(value: object) -> None:
    """Django validator: 12 ASCII digits with a correct check digit."""
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        raise ValidationError(MESSAGE_BIN_FORMAT, code=CODE_BIN_FORMAT)
    if not is_valid_iin_bin(value):
        raise ValidationError(MESSAGE_BIN_CHECK_DIGIT, code=CODE_BIN_CHECK_DIGIT)


# ---------------------------------------------------------------------------------------------------------------------
# Whole numbers
# ---------------------------------------------------------------------------------------------------------------------
#: A whole number as files, forms and the API take it: ASCII digits only — "9100000", never "9,100,000", "9e6", "+9",
#: "1.0" or other scripts' digits.
WHOLE_NUMBER = re.compile(r"[0-9]+")
#: No count Kvota keeps needs more: a labour force of 10 digits, tenge amounts under a trillion.
MAX_WHOLE_NUMBER_DIGITS = 12
MAX_WHOLE_NUMBER = 10**MAX_WHOLE_NUMBER_DIGITS - 1

CODE_NOT_WHOLE_NUMBER = "not_whole_number"
CODE_TOO_MANY_DIGITS = "too_many_digits"
MESSAGE_NOT_WHOLE_NUMBER = _("Enter a whole number with digits only (no sign, decimals, exponent or separators).")
MESSAGE_TOO_MANY_DIGITS = _("Enter a whole number of at most %(digits)s digits.")


def parse_whole_number(text: object, *, max_digits: int = MAX_WHOLE_NUMBER_DIGITS) -> int:
    """ASCII digits -> int. Raises ValidationError: code `not_whole_number` for anything else (a sign, a separator,
    an exponent, not text), `too_many_digits` beyond `max_digits` (leading zeros do not count)."""
    if not isinstance(text, str) or not WHOLE_NUMBER.fullmatch(text):
        raise ValidationError(MESSAGE_NOT_WHOLE_NUMBER, code=CODE_NOT_WHOLE_NUMBER)
    significant = text.lstrip("0")
    if len(significant) > max_digits:
        raise ValidationError(MESSAGE_TOO_MANY_DIGITS, code=CODE_TOO_MANY_DIGITS, params={"digits": max_digits})
    return int(significant or "0")


def is_bounded_int(value: object, *, max_digits: int = MAX_WHOLE_NUMBER_DIGITS) -> bool:
    """An int (never a bool) of at most `max_digits` digits, either sign: a number already parsed (a JSON number)."""
    return isinstance(value, int) and not isinstance(value, bool) and -(10**max_digits) < value < 10**max_digits
