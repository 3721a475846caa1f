"""The test clock (tests/conftest.py): KVOTA_TEST_CLOCK travels the session, the `clock` marker moves one test,
and a travelled clock still ticks (a frozen one would hang timeout loops)."""

import os
import time
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from tests.conftest import ALMATY, NEXT_NEW_YEAR, TEST_CLOCK_ENV, clock_moment, real_now


def test_next_new_year_is_the_moment_utc_and_almaty_disagree_on_the_day_and_the_year():
    moment = clock_moment(NEXT_NEW_YEAR)
    year = real_now().astimezone(ALMATY).year + 1
    assert moment.astimezone(ALMATY).replace(tzinfo=None) == datetime(year, 1, 1, 0, 30)
    assert moment.astimezone(UTC).replace(tzinfo=None) == datetime(year - 1, 12, 31, 19, 30)


@pytest.mark.parametrize("value", ["tomorrow", "2027-01-01T00:30", ""])
def test_a_moment_without_an_offset_is_refused(value):
    with pytest.raises(pytest.UsageError):
        clock_moment(value)


def test_the_session_clock_is_the_one_kvota_test_clock_names():
    value = os.environ.get(TEST_CLOCK_ENV)
    expected = clock_moment(value) if value else real_now()
    assert abs((timezone.now() - expected).total_seconds()) < 2 * 3600  # started with the session, ticking since


@pytest.mark.clock("2026-06-15T23:59:59.5+05:00")
def test_the_marker_moves_one_test_and_the_clock_ticks():
    assert timezone.localdate() == date(2026, 6, 15)
    before = time.time()
    time.sleep(0.6)
    assert time.time() - before >= 0.5
    assert timezone.localdate() == date(2026, 6, 16)


@pytest.mark.clock("real")
def test_the_real_marker_gives_the_real_date():
    assert abs((timezone.now() - real_now()).total_seconds()) < 5
