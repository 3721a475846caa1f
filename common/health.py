"""Health of the services Kvota depends on, each check bounded so /healthz answers within 3 s."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import connections


def check_database() -> None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # The check runs in a worker thread: its connection must not outlive it.
        connections.close_all()


def check_broker() -> None:
    from config.celery import app

    if app.conf.broker_url.startswith("filesystem://"):
        options = app.conf.broker_transport_options
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            folder = options[key]
            if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
                raise RuntimeError(f"broker folder {folder} is missing or not writable")
        return
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": check_database, "broker": check_broker}


def service_health(*, timeout: float | None = None) -> dict:
    """Run every check at once; a check that has not answered within `timeout` seconds counts as down."""
    timeout = settings.HEALTHCHECK_TIMEOUT_SECONDS if timeout is None else timeout
    executor = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="healthz")
    started = time.monotonic()
    futures = {name: executor.submit(check) for name, check in CHECKS.items()}
    results = {}
    for name, future in futures.items():
        remaining = max(0.0, timeout - (time.monotonic() - started))
        try:
            future.result(timeout=remaining)
            results[name] = {"ok": True}
        except FutureTimeout:
            results[name] = {"ok": False, "error": f"no answer within {timeout:g} s"}
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency means "down"
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    # Do not wait for a hung check; its thread ends when its own timeout does.
    executor.shutdown(wait=False, cancel_futures=True)
    return {"status": "ok" if all(r["ok"] for r in results.values()) else "unavailable", "checks": results}
