"""A real Celery worker on a real Redis broker runs a periodic task end to end (marker `redis`)."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from common.health import service_health
from common.tasks import clear_expired_sessions
from tests.celery_helpers import broker_configured
from tests.conftest import redis_url

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_app():
    options = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
    with broker_configured(redis_url(), options, eager=False) as configured:
        yield configured


def test_worker_on_redis_clears_expired_sessions(redis_app):
    stale = SessionStore()
    stale.create()
    Session.objects.filter(session_key=stale.session_key).update(expire_date=timezone.now() - timedelta(minutes=1))
    with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        clear_expired_sessions.delay()
        deadline = time.monotonic() + 20
        while Session.objects.filter(session_key=stale.session_key).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    assert not Session.objects.filter(session_key=stale.session_key).exists()


def test_healthz_sees_redis(redis_app):
    health = service_health()
    assert health["checks"]["broker"] == {"ok": True}, health
