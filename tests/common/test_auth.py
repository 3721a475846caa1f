"""Login on pages and by API token, token expiry, lockout without victim lockout, session limits (Step 2, item 3)."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from knox.models import AuthToken

from common.middleware import LAST_ACTIVITY_KEY, LOGIN_AT_KEY, MESSAGE_SESSION_ENDED, MESSAGE_SESSION_IDLE
from common.security import CODE_LOCKED_OUT, MESSAGE_LOCKED_OUT
from common.tasks import purge_expired_api_tokens
from tests.common.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER, VICTIM = "203.0.113.66", "198.51.100.7"


def token_login(api_client, username, password, ip="127.0.0.1", **extra):
    return api_client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=ip, **extra
    )


def page_login(client, username, password, ip="127.0.0.1", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def error_codes(response):
    return [item["code"] for item in response.json()["errors"]]


# ---------------------------------------------------------------------------------------------
# API tokens
# ---------------------------------------------------------------------------------------------
def test_token_login_gives_an_expiring_hashed_token(api_client, ministry_user):
    response = token_login(api_client, "ministry", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    expiry = timezone.datetime.fromisoformat(body["expiry"])
    assert abs(expiry - (timezone.now() + timedelta(hours=10))) < timedelta(minutes=1)
    stored = AuthToken.objects.get(user=ministry_user)
    assert body["token"] not in (stored.digest, stored.token_key)  # only a hash and a prefix are stored
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.status_code == 200 and me.json()["role"] == "ministry_official"


def test_an_expired_token_is_refused_and_purged(api_client, ministry_user):
    token = token_login(api_client, "ministry", PASSWORD).json()["token"]
    fresh = token_login(api_client, "ministry", PASSWORD).json()["token"]
    AuthToken.objects.filter(token_key=token[:15]).update(expiry=timezone.now() - timedelta(seconds=1))
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    AuthToken.objects.create(user=ministry_user, expiry=timedelta(seconds=-5))
    assert AuthToken.objects.count() == 2  # knox deleted the one it met expired; one more is stale
    assert purge_expired_api_tokens.delay().get() == 1
    assert api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {fresh}").status_code == 200


def test_logout_deletes_the_token(api_client, ministry_user):
    token = token_login(api_client, "ministry", PASSWORD).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.post("/api/v1/auth/logout/").status_code == 204
    assert not AuthToken.objects.exists()
    assert api_client.get("/api/v1/me/").status_code == 401


def test_logout_needs_a_token_not_a_session(client, ministry_user):
    client.force_login(ministry_user)
    assert client.post("/api/v1/auth/logout/").status_code == 401


def test_wrong_password_is_a_400_in_the_error_format(api_client, ministry_user):
    response = token_login(api_client, "ministry", "wrong-password")
    assert response.status_code == 400
    assert error_codes(response) == ["invalid_credentials"]


def test_missing_fields_are_listed(api_client):
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert {item["field"] for item in response.json()["errors"]} == {"username", "password"}


def test_deactivated_users_get_no_token_and_their_tokens_stop(api_client, ministry_user):
    token = token_login(api_client, "ministry", PASSWORD).json()["token"]
    ministry_user.is_active = False
    ministry_user.save()
    assert api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert token_login(api_client, "ministry", PASSWORD).status_code == 400


def test_token_limit_per_user(api_client, ministry_user, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    assert token_login(api_client, "ministry", PASSWORD).status_code == 200
    assert token_login(api_client, "ministry", PASSWORD).status_code == 200
    response = token_login(api_client, "ministry", PASSWORD)
    assert response.status_code == 409
    assert error_codes(response) == ["token_limit_reached"]


def test_anonymous_api_calls_answer_401_with_www_authenticate(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert error_codes(response) == ["not_authenticated"]


def test_session_login_works_for_the_api_too(client, auditor_user):
    assert page_login(client, "auditor", PASSWORD).status_code == 302
    assert client.get("/api/v1/me/").json()["role"] == "auditor"


# ---------------------------------------------------------------------------------------------
# Lockout (django-axes): username + address together
# ---------------------------------------------------------------------------------------------
def test_api_lockout_after_five_failures_and_no_victim_lockout(api_client, client, ministry_user):
    for _ in range(4):
        assert token_login(api_client, "ministry", "guess", ip=ATTACKER).status_code == 400
    fifth = token_login(api_client, "ministry", "guess", ip=ATTACKER)
    assert fifth.status_code == 429
    assert error_codes(fifth) == [CODE_LOCKED_OUT]
    assert fifth.json()["errors"][0]["message"] == str(MESSAGE_LOCKED_OUT)
    assert fifth["Retry-After"] == "3600"
    # Even the right password is refused from the attacker's address…
    assert token_login(api_client, "ministry", PASSWORD, ip=ATTACKER).status_code == 429
    # …but the victim, from their own address, signs in on the API and on pages.
    assert token_login(api_client, "ministry", PASSWORD, ip=VICTIM).status_code == 200
    assert page_login(client, "ministry", PASSWORD, ip=VICTIM).status_code == 302


def test_page_lockout_shows_a_clear_message_and_spares_the_victim(client, ministry_user):
    for _ in range(4):
        response = page_login(client, "ministry", "guess", ip=ATTACKER)
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = page_login(client, "ministry", PASSWORD, ip=ATTACKER)
    assert response.status_code == 302  # four failures: not yet locked, and success resets the count
    client.post("/accounts/logout/")
    for _ in range(4):
        page_login(client, "ministry", "guess", ip=ATTACKER)
    response = page_login(client, "ministry", "guess", ip=ATTACKER)
    assert response.status_code == 429
    assert str(MESSAGE_LOCKED_OUT) in response.content.decode()
    assert 'data-testid="locked-out"' in response.content.decode()
    assert page_login(client, "ministry", PASSWORD, ip=ATTACKER).status_code == 429
    assert page_login(client, "ministry", PASSWORD, ip=VICTIM).status_code == 302


def test_a_forged_forwarded_for_header_cannot_lock_out_the_victims_address(api_client, ministry_user):
    for _ in range(5):
        token_login(api_client, "ministry", "guess", ip=ATTACKER, HTTP_X_FORWARDED_FOR=VICTIM)
    assert token_login(api_client, "ministry", PASSWORD, ip=VICTIM).status_code == 200


def test_failures_on_one_username_do_not_lock_another(api_client, ministry_user, auditor_user):
    for _ in range(5):
        token_login(api_client, "ministry", "guess", ip=ATTACKER)
    assert token_login(api_client, "auditor", PASSWORD, ip=ATTACKER).status_code == 200


# ---------------------------------------------------------------------------------------------
# Session limits: idle and absolute
# ---------------------------------------------------------------------------------------------
def shift_session(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = int(time.time()) - ago
    session.save()


def test_login_records_when_the_session_started(client, ministry_user):
    page_login(client, "ministry", PASSWORD)
    session = client.session
    assert abs(session[LOGIN_AT_KEY] - time.time()) < 5
    assert session[LAST_ACTIVITY_KEY] == session[LOGIN_AT_KEY]


def test_idle_session_ends_after_the_timeout(client, administrator_user, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client.force_login(administrator_user)
    shift_session(client, **{LAST_ACTIVITY_KEY: 29 * 60})
    assert client.get("/staff/users/").status_code == 200
    assert abs(client.session[LAST_ACTIVITY_KEY] - time.time()) < 5  # activity moved the idle clock
    shift_session(client, **{LAST_ACTIVITY_KEY: 31 * 60})
    response = client.get("/staff/users/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert str(MESSAGE_SESSION_IDLE) in response.content.decode()
    assert SESSION_KEY not in client.session


def test_idle_session_is_refused_by_the_api_too(client, ministry_user):
    client.force_login(ministry_user)
    shift_session(client, **{LAST_ACTIVITY_KEY: 31 * 60})
    assert client.get("/api/v1/me/").status_code == 401


def test_session_ends_after_its_absolute_age_whatever_the_activity(client, ministry_user, settings):
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    client.force_login(ministry_user)
    shift_session(client, **{LOGIN_AT_KEY: 8 * 60 * 60 - 60, LAST_ACTIVITY_KEY: 10})
    assert client.get("/api/v1/me/").status_code == 200
    shift_session(client, **{LOGIN_AT_KEY: 8 * 60 * 60 + 1, LAST_ACTIVITY_KEY: 10})
    assert client.get("/api/v1/me/").status_code == 401
    client.force_login(ministry_user)
    shift_session(client, **{LOGIN_AT_KEY: 8 * 60 * 60 + 1})
    assert str(MESSAGE_SESSION_ENDED) in client.get("/", follow=True).content.decode()


def test_token_calls_are_not_subject_to_the_session_idle_limit(api_client, ministry_user):
    token = token_login(api_client, "ministry", PASSWORD).json()["token"]
    assert api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
