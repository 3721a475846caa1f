"""Management commands of the embedded default and the production settings check."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from common.tasks import clear_expired_sessions

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_setup_periodic_tasks_is_idempotent_and_keeps_edits():
    call_command("setup_periodic_tasks")
    task = PeriodicTask.objects.get(name="Clear expired sessions")
    assert task.task == "common.clear_expired_sessions"
    assert (task.crontab.hour, task.crontab.minute) == ("21", "0")
    task.enabled = False
    task.save()
    call_command("setup_periodic_tasks")
    assert PeriodicTask.objects.filter(name="Clear expired sessions").count() == 1
    assert PeriodicTask.objects.get(name="Clear expired sessions").enabled is False


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_only_expired():
    live, stale = SessionStore(), SessionStore()
    live.create()
    stale.create()
    Session.objects.filter(session_key=stale.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert clear_expired_sessions.delay().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


@pytest.mark.django_db
def test_demo_data_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("seed_demo_data")


@pytest.mark.django_db
def test_demo_data_is_idempotent(settings, django_user_model):
    settings.DEBUG = True
    call_command("seed_demo_data")
    call_command("seed_demo_data")
    demo = django_user_model.objects.get(username="demo")
    assert demo.check_password("kvota-demo-2026")


def run_manage(*args, env):
    # A child process sees only the settings the test names, not those of the test process.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT") and not k.startswith("DJANGO_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"DEBUG": "0", "SECRET_KEY": "x7#Qp" * 12, "ALLOWED_HOSTS": "kvota.example.kz"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret():
    result = run_manage("check", env={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
