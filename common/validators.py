"""Validators shared by every app.

Kazakhstan's BIN (business identification number) and IIN (individual identification number) are
12 digits whose last digit is a check digit over the first eleven: weights 1..11, sum mod 11; if that
gives 10, weights 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2, mod 11; if it is 10 again, the number is invalid.
"""

from __future__ import annotations

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
