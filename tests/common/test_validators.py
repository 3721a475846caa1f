"""Kazakhstan's BIN/IIN check digit (common.validators)."""

import pytest
from django.core.exceptions import ValidationError

from common.validators import (
    CODE_BIN_CHECK_DIGIT,
    CODE_BIN_FORMAT,
    MESSAGE_BIN_CHECK_DIGIT,
    MESSAGE_BIN_FORMAT,
    iin_bin_check_digit,
    is_valid_iin_bin,
    validate_bin,
)

VALID = [
    "981140001551",  # published BINs of two national companies: independent known answers
    "081140000436",
    "240140012342",  # the demo employers' BINs
    "190540028768",
    "240140000203",  # first pass gives 10; the second weights (3..11, 1, 2) give 3
]


@pytest.mark.parametrize("value", VALID)
def test_valid_bins(value):
    assert is_valid_iin_bin(value)
    validate_bin(value)


def test_first_pass_by_hand():
    # 9·1 + 8·2 + 1·3 + 1·4 + 4·5 + 0 + 0 + 0 + 1·9 + 5·10 + 5·11 = 166; 166 mod 11 = 1.
    assert iin_bin_check_digit("98114000155") == 1


def test_second_pass_by_hand():
    # First: 2 + 8 + 0 + 4 + 20 + 0 + 0 + 0 + 0 + 20 + 0 = 54 -> 10. Second: 6 + 16 + 6 + 28 + 2 = 58 -> 3.
    assert iin_bin_check_digit("24014000020") == 3


def test_no_digit_completes_eleven_digits_that_give_10_twice():
    assert iin_bin_check_digit("24014000029") is None
    for last in "0123456789":
        assert not is_valid_iin_bin("24014000029" + last)


@pytest.mark.parametrize("value", ["981140001552", "981140001550", "240140012343", "081140000437"])
def test_wrong_check_digit(value):
    assert not is_valid_iin_bin(value)
    with pytest.raises(ValidationError) as caught:
        validate_bin(value)
    assert caught.value.code == CODE_BIN_CHECK_DIGIT
    assert caught.value.messages == [str(MESSAGE_BIN_CHECK_DIGIT)]


NOT_TWELVE_ASCII_DIGITS = [
    "",
    "98114000155",
    "9811400015510",
    "98114000155a",
    " 981140001551",
    "９８１１４０００１５５１",  # fullwidth digits: isdigit() is true, but they are not a BIN
    None,
    981140001551,
]


@pytest.mark.parametrize("value", NOT_TWELVE_ASCII_DIGITS)
def test_not_twelve_ascii_digits(value):
    assert not is_valid_iin_bin(value)
    with pytest.raises(ValidationError) as caught:
        validate_bin(value)
    assert caught.value.code == CODE_BIN_FORMAT
    assert caught.value.messages == [str(MESSAGE_BIN_FORMAT)]


def test_exactly_one_check_digit_in_ten_is_right_when_one_exists():
    for first_eleven in ("98114000155", "24014001234", "00000000000"):
        assert sum(is_valid_iin_bin(first_eleven + d) for d in "0123456789") == 1
