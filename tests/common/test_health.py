"""/healthz: database and broker status, 503 when either is down, always within 3 s."""

import socket
import time

import pytest
from django.db import connections

from tests.celery_helpers import broker_configured


@pytest.fixture
def broker_folders(settings, tmp_path):
    folders = {name: tmp_path / name for name in ("queue", "control")}
    for folder in folders.values():
        folder.mkdir()
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "control_folder": str(folders["control"]),
    }
    with broker_configured("filesystem://", options):
        yield folders


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_healthy_when_database_and_broker_answer(client, broker_folders):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "checks": {"database": {"ok": True}, "broker": {"ok": True}}}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db(transaction=True)
def test_unavailable_when_the_broker_folder_is_gone(client, broker_folders):
    broker_folders["queue"].rmdir()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_unavailable_within_3_seconds_when_redis_is_down(client):
    with broker_configured(f"redis://127.0.0.1:{closed_port()}/0", {"max_retries": 1}):
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert elapsed < 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_unavailable_within_3_seconds_when_postgres_is_down(client, broker_folders):
    settings_dict = connections.settings["default"]
    previous_port = settings_dict["PORT"]
    settings_dict["PORT"] = str(closed_port())
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        settings_dict["PORT"] = previous_port
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False
    assert elapsed < 3


def test_healthz_is_not_redirected_to_https_in_production(settings):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    assert Client().get("/accounts/login/").status_code == 301
    # Exempt from the redirect: whatever its status, it is not 301.
    assert Client().get("/healthz").status_code in (200, 503)
