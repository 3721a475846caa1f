"""Management commands of the embedded default and the production settings check."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from common.demo import DEMO_PASSWORD, DEMO_USERS
from common.models import Region
from common.roles import ROLES, user_region_ids, user_role
from common.tasks import clear_expired_sessions
from employers.models import Employer
from employers.selectors import employer_of_user

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
    purge = PeriodicTask.objects.get(name="Purge expired API tokens")
    assert purge.task == "common.purge_expired_api_tokens"


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
def test_demo_data_is_idempotent_with_one_login_per_role(settings, django_user_model):
    settings.DEBUG = True
    call_command("seed_demo_data")
    call_command("seed_demo_data")
    # One login per role, a second regional official and a second ministry official (four eyes on plans).
    assert django_user_model.objects.count() == len(DEMO_USERS) == len(ROLES) + 2
    for spec in DEMO_USERS:
        user = django_user_model.objects.get(username=spec["username"])
        assert user.check_password("kvota-demo-2026")
        assert user_role(user) == spec["role"]
    astana, almaty = (django_user_model.objects.get(username=f"official.{c}") for c in ("astana", "almaty"))
    assert [r.code for r in Region.objects.filter(pk__in=user_region_ids(astana))] == ["KZ-71"]
    assert [r.code for r in Region.objects.filter(pk__in=user_region_ids(almaty))] == ["KZ-75"]
    employer = employer_of_user(django_user_model.objects.get(username="employer"))
    assert employer.bin == "240140012342" and [r.code for r in employer.regions.all()] == ["KZ-71"]
    assert Employer.objects.count() == 2
    assert Region.objects.count() == 21


@pytest.mark.django_db
def test_every_demo_login_signs_in_on_pages_and_by_token(settings, client, api_client):
    settings.DEBUG = True
    call_command("seed_demo_data")
    for spec in DEMO_USERS:
        response = client.post("/accounts/login/", {"username": spec["username"], "password": DEMO_PASSWORD})
        assert response.status_code == 302, spec["username"]
        client.post("/accounts/logout/")
        response = api_client.post("/api/v1/auth/token/", {"username": spec["username"], "password": DEMO_PASSWORD})
        assert response.status_code == 200, spec["username"]
        me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}").json()
        assert me["role"] == spec["role"]


@pytest.mark.django_db
def test_load_reference_data_reports_and_is_idempotent():
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "regions: 21 inserted, 0 unchanged" in out.getvalue()
    Region.objects.filter(code="KZ-71").update(name_en="Nur-Sultan")
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "regions: 0 inserted, 20 unchanged, 1 kept as edited" in out.getvalue()
    assert "KZ-71: name_en is 'Nur-Sultan' here, 'Astana' in the file (kept)" in out.getvalue()
    assert Region.objects.get(code="KZ-71").name_en == "Nur-Sultan"


@pytest.mark.django_db
def test_load_reference_data_refuses_a_malformed_file(tmp_path, monkeypatch):
    from common import reference_data

    (tmp_path / "regions.csv").write_text(
        "code,kind,name_en,name_kk,name_ru,admin_centre_en,valid_from,valid_to\n"
        "KZ-71,city,Astana,Астана,Астана,Astana,,\n"
        "KZ-75,city,Almaty,Алматы,Алматы,Almaty,2022-13-01,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(reference_data, "DATA_DIR", tmp_path)
    with pytest.raises(CommandError, match=r"regions.csv, line 3: '2022-13-01' is not an ISO date"):
        call_command("load_reference_data")
    assert Region.objects.count() == 0


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
