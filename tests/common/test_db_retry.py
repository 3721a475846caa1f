"""Deadlocks are retried a bounded number of times, and only at the outermost transaction (DOMAIN §5)."""

import threading

import pytest
from django.db import OperationalError, connections, transaction

from common.db import retry_on_transient
from common.models import Region


class FakeSqlState(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def transient(sqlstate="40P01") -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = FakeSqlState(sqlstate)
    return error


@pytest.mark.django_db(transaction=True)
def test_a_transient_error_is_retried_then_succeeds():
    calls = []

    @retry_on_transient(attempts=3, pause=0)
    def work():
        calls.append(1)
        if len(calls) < 3:
            raise transient()
        return "done"

    assert work() == "done" and len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_retries_are_bounded():
    calls = []

    @retry_on_transient(attempts=2, pause=0)
    def work():
        calls.append(1)
        raise transient("40001")

    with pytest.raises(OperationalError):
        work()
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_other_errors_are_not_retried():
    calls = []

    @retry_on_transient(attempts=3, pause=0)
    def work():
        calls.append(1)
        raise OperationalError("disk full")

    with pytest.raises(OperationalError):
        work()
    assert len(calls) == 1


@pytest.mark.django_db
def test_no_retry_inside_an_outer_transaction():
    calls = []

    @retry_on_transient(attempts=3, pause=0)
    def work():
        calls.append(1)
        raise transient()

    with pytest.raises(OperationalError), transaction.atomic():
        work()
    assert len(calls) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_is_retried_until_both_succeed():
    """Two transactions lock two rows in opposite orders; PostgreSQL kills one, the retry completes it."""
    first = Region.objects.create(code="KZ-D1", kind="region", name_en="A", name_kk="A", name_ru="A")
    second = Region.objects.create(code="KZ-D2", kind="region", name_en="B", name_kk="B", name_ru="B")
    barrier = threading.Barrier(2, timeout=10)
    attempts = {"forward": 0, "backward": 0}
    errors = []

    def lock_both(name, order):
        @retry_on_transient(attempts=3, pause=0.01)
        def work():
            attempts[name] += 1
            with transaction.atomic():
                Region.objects.select_for_update().get(pk=order[0].pk)
                if attempts[name] == 1:
                    barrier.wait()
                Region.objects.select_for_update().get(pk=order[1].pk)

        try:
            work()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=lock_both, args=("forward", (first, second))),
        threading.Thread(target=lock_both, args=("backward", (second, first))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(attempts.values()) == [1, 2]  # exactly one was chosen as the deadlock victim and retried
