"""Security log lines: every login, failed login and refusal, with user, UTC time and address, unforgeable."""

import logging
import re

import pytest
from django.test import RequestFactory

from common.security import clean_for_log, client_ip
from tests.common.factories import PASSWORD

pytestmark = pytest.mark.django_db

# A value is "…" with \" and \\ escaped inside, so a forged ip="…" inside a username stays inside it.
LINE = re.compile(
    r'^event=(?P<event>\w+) user=(?P<user>-|"(?:[^"\\]|\\.)*") ip="(?P<ip>[^"]+)" at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'
)


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="kvota.security")

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "kvota.security"]

    return lines


def events(lines):
    return [LINE.match(line).group("event", "user", "ip") for line in lines]


def test_page_login_and_logout_are_logged(client, ministry_user, security_log):
    client.post("/accounts/login/", {"username": "ministry", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/logout/", REMOTE_ADDR="10.1.2.3")
    assert events(security_log()) == [("login", '"ministry"', "10.1.2.3"), ("logout", '"ministry"', "10.1.2.3")]
    assert 'method="session"' in security_log()[0]


def test_token_login_and_failures_are_logged(api_client, ministry_user, security_log):
    api_client.post("/api/v1/auth/token/", {"username": "ministry", "password": "nope"}, REMOTE_ADDR="10.1.2.4")
    api_client.post("/api/v1/auth/token/", {"username": "ministry", "password": PASSWORD}, REMOTE_ADDR="10.1.2.4")
    assert events(security_log()) == [("login_failed", '"ministry"', "10.1.2.4"), ("login", '"ministry"', "10.1.2.4")]
    assert 'method="token"' in security_log()[1]


def test_refused_requests_are_logged_with_their_status(api_client, as_user, administrator_user, security_log):
    api_client.get("/api/v1/employers/", REMOTE_ADDR="10.1.2.5")
    as_user(administrator_user).get("/api/v1/employers/", REMOTE_ADDR="10.1.2.5")
    lines = security_log()
    assert events(lines) == [
        ("authentication_required", "-", "10.1.2.5"),
        ("permission_denied", '"administrator"', "10.1.2.5"),
    ]
    assert 'status="401" method="GET" path="/api/v1/employers/"' in lines[0]
    assert 'status="403"' in lines[1]


def test_refused_pages_are_logged(client, auditor_user, security_log):
    client.force_login(auditor_user)
    assert client.get("/staff/users/", REMOTE_ADDR="10.1.2.6").status_code == 403
    assert ("permission_denied", '"auditor"', "10.1.2.6") in events(security_log())


def test_lockout_is_logged(api_client, ministry_user, security_log):
    for _ in range(5):
        api_client.post("/api/v1/auth/token/", {"username": "ministry", "password": "x"}, REMOTE_ADDR="10.1.2.7")
    assert ("locked_out", '"ministry"', "10.1.2.7") in events(security_log())


@pytest.mark.parametrize(
    "username",
    [
        'mallory\r\nevent=login user="admin" ip="10.0.0.1" at=2026-01-01T00:00:00Z',
        "mallory\nevent=login",
        "mallory\u2028event=login",
        "mallory\x85event=login",
        'mallory" ip="10.0.0.1',
    ],
)
def test_a_username_cannot_forge_a_log_line(api_client, client, security_log, username):
    api_client.post("/api/v1/auth/token/", {"username": username, "password": "x"}, format="json")
    client.post("/accounts/login/", {"username": username, "password": "x"})
    lines = security_log()
    assert len(lines) == 2
    for line in lines:
        assert len(line.splitlines()) == 1
        match = LINE.match(line)
        assert match and match.group("event") == "login_failed" and match.group("ip") == "127.0.0.1"
        assert match.group("user") == clean_for_log(username)


def test_clean_for_log():
    assert clean_for_log("aigerim") == '"aigerim"'
    assert clean_for_log("a\r\nb") == '"a\\u000d\\u000ab"'
    assert clean_for_log('a"b\\c') == '"a\\"b\\\\c"'
    assert clean_for_log("Әлия") == '"Әлия"'
    assert clean_for_log("x" * 500) == '"' + "x" * 150 + '…"'


def test_client_ip_trusts_forwarded_for_only_behind_configured_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # the address our one proxy saw, not what the client claimed
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"  # fewer entries than proxies: the header is not trusted


def test_client_ip_is_none_for_anything_but_an_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="unknown")) is None
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="::1")) == "::1"
    settings.TRUSTED_PROXY_COUNT = 0
    request = factory.get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) is None


def test_a_garbage_forwarded_address_is_logged_as_unknown(api_client, ministry_user, settings, security_log):
    settings.TRUSTED_PROXY_COUNT = 1
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "ministry", "password": "x"}, HTTP_X_FORWARDED_FOR="not-an-ip"
    )
    assert response.status_code == 400
    assert events(security_log()) == [("login_failed", '"ministry"', "-")]
