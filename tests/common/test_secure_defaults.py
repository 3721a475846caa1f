"""Secure defaults (issue 13, item 2): production refuses a weak SECRET_KEY, believes X-Forwarded-Proto only behind a
declared proxy, and the API refuses fields it does not know instead of dropping them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework import serializers

import config.urls  # noqa: F401  (imports every API module, so every input serializer class exists)
from common.api.inputs import CODE_UNKNOWN_FIELD, MESSAGE_UNKNOWN_FIELD, InputSerializer
from common.models import PolicyPeriod
from common.policy import P
from common.roles import AUDITOR
from tests.quota.factories import PriorityProjectFactory

BASE_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = "x7#Qp" * 12  # 60 characters, 5 distinct: the weakest key production accepts

PROBE = """
import django
django.setup()
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
request = RequestFactory().get("/api/v1/", HTTP_X_FORWARDED_PROTO="https", SERVER_NAME="kvota.example.kz")
redirect = SecurityMiddleware(lambda r: None).process_request(request)
print("secure" if request.is_secure() else "plain", "redirect" if redirect else "served")
"""


def run_settings(env: dict, code: str = PROBE) -> subprocess.CompletedProcess:
    """Load config.settings in a child process that sees only the environment the test names."""
    names = ("DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "TRUSTED_PROXY_COUNT", "ALLOWED_HOSTS")
    clean = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "ALLOWED_HOSTS": "kvota.example.kz", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# ---------------------------------------------------------------------------------------------
# SECRET_KEY (Django's W009, fatal when DEBUG=0)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "key",
    [
        "k3Y!" * 12,  # 48 characters: too short
        "ab" * 40,  # 80 characters, 2 distinct
        "abcd" * 20,  # 80 characters, 4 distinct
        "django-insecure-" + "x7#Qp" * 10,  # Django's generated development key
    ],
    ids=["short", "two-distinct", "four-distinct", "django-insecure"],
)
def test_production_refuses_to_start_with_a_weak_secret_key(key):
    result = run_settings({"DEBUG": "0", "SECRET_KEY": key}, code="import django; django.setup()")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY is too weak for DEBUG=0" in result.stderr


def test_production_starts_with_a_strong_key_and_debug_accepts_any():
    assert run_settings({"DEBUG": "0", "SECRET_KEY": STRONG_KEY}).returncode == 0
    result = run_settings({"DEBUG": "1", "SECRET_KEY": "short"})
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------------------------
# X-Forwarded-Proto
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("proxies", "expected"),
    [("0", "plain redirect"), ("1", "secure served")],
    ids=["no-proxy-ignores-the-header", "behind-one-proxy-honours-it"],
)
def test_forwarded_proto_is_believed_only_behind_a_declared_proxy(proxies, expected):
    result = run_settings({"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "TRUSTED_PROXY_COUNT": proxies})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_without_a_proxy_the_setting_is_absent():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    result = run_settings({"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "TRUSTED_PROXY_COUNT": "0"}, code=code)
    assert result.stdout.strip() == "None", result.stderr


# ---------------------------------------------------------------------------------------------
# Unknown fields in an API body
# ---------------------------------------------------------------------------------------------
def unknown(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"] if e["code"] == CODE_UNKNOWN_FIELD]


@pytest.mark.django_db
def test_an_unknown_field_in_a_user_patch_is_refused_and_nothing_changes(as_user, administrator_user, official_1):
    client = as_user(administrator_user)
    url = f"/api/v1/users/{official_1.pk}/"
    before = official_1.first_name
    response = client.patch(url, {"first_name": "Dana", "is_superuser": True}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "is_superuser", "code": CODE_UNKNOWN_FIELD, "message": str(MESSAGE_UNKNOWN_FIELD)}
    ]
    official_1.refresh_from_db()
    assert (official_1.first_name, official_1.is_superuser) == (before, False)
    # Read-only fields of the output count as unknown too; with a known field's error, both are named.
    response = client.patch(url, {"id": 1, "last_login": None, "role": "king"}, format="json")
    assert response.status_code == 400
    assert sorted(unknown(response)) == ["id", "last_login"]
    assert "role" in [e["field"] for e in response.json()["errors"]]
    assert client.patch(url, {"role": AUDITOR}, format="json").status_code == 200


@pytest.mark.django_db
def test_an_unknown_field_in_a_priority_project_patch_is_refused(as_user, ministry_user, employer_a):
    project = PriorityProjectFactory(operator=employer_a)
    client = as_user(ministry_user)
    response = client.patch(f"/api/v1/priority-projects/{project.pk}/", {"name": "New", "code": "new"}, format="json")
    assert response.status_code == 400 and unknown(response) == ["code"]
    project.refresh_from_db()
    assert project.name != "New"


@pytest.mark.django_db
def test_a_misspelt_field_in_a_post_is_named(as_user, ministry_user, policy_parameters):
    client = as_user(ministry_user)
    parameter_id = PolicyPeriod.objects.filter(parameter__name=P.MCI_KZT).first().parameter_id
    count = PolicyPeriod.objects.count()
    body = {"valid_from": "2030-01-01", "value": 5000, "source": "law", "reason": "x", "valid_form": "2030-01-01"}
    response = client.post(f"/api/v1/policy-parameters/{parameter_id}/periods/", body, format="json")
    assert response.status_code == 400 and unknown(response) == ["valid_form"]
    assert PolicyPeriod.objects.count() == count


@pytest.mark.django_db
def test_an_unknown_field_of_a_nested_row_is_named_by_its_path(as_user, ministry_user):
    body = {"plan": 1, "effective_date": "2030-01-01", "reason": "x", "changes": [{"kind": "scale", "colour": "red"}]}
    response = as_user(ministry_user).post("/api/v1/quota-amendments/", body, format="json")
    assert response.status_code == 400
    assert "changes.0.colour" in unknown(response)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_api_input_serializer_refuses_unknown_fields():
    apps = ("common", "employers", "quota", "permits", "reporting")
    inputs = {
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _subclasses(serializers.Serializer)
        if cls.__module__.startswith(apps) and "Input" in cls.__name__ and cls is not InputSerializer
    }
    assert inputs, "no input serializers found"
    loose = sorted(
        name
        for name in inputs
        for cls in _subclasses(serializers.Serializer)
        if f"{cls.__module__}.{cls.__qualname__}" == name and not issubclass(cls, InputSerializer)
    )
    assert loose == [], "derive these from common.api.inputs.InputSerializer"
