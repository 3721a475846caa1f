"""Database helpers shared by every app."""

from __future__ import annotations

import functools
import logging
import time

from django.db import OperationalError, connection

logger = logging.getLogger("kvota.db")

# PostgreSQL: deadlock_detected, serialization_failure. SQLite's "database is locked" is not retried
# here: its 20-second busy timeout already waits for the writer ahead.
TRANSIENT_SQLSTATES = {"40P01", "40001"}


def is_transient(error: OperationalError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) in TRANSIENT_SQLSTATES


def retry_on_transient(function=None, *, attempts: int = 3, pause: float = 0.05):
    """Run `function` again after a deadlock or serialisation failure, a bounded number of times.

    Only at the outermost transaction (DOMAIN §5): inside an atomic block the whole outer
    transaction is already lost, so the error is raised for the outermost caller to retry.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            if connection.in_atomic_block:
                return func(*args, **kwargs)
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except OperationalError as error:
                    if attempt == attempts or not is_transient(error):
                        raise
                    logger.warning("transient database error, attempt %s of %s: %s", attempt, attempts, error)
                    time.sleep(pause * attempt)
            raise AssertionError("unreachable")

        return wrapped

    return decorate(function) if function is not None else decorate
