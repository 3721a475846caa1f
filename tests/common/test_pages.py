"""Pages: layout, login/logout, language switching, security headers and CSP (Step 1, item 6)."""

import re

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-2026"


@pytest.fixture
def user():
    return get_user_model().objects.create_user(
        "aigerim", password=PASSWORD, first_name="Aigerim", last_name="Sadykova"
    )


def test_home_for_anonymous_offers_login(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Foreign labour quota and work permits" in content
    assert 'href="/accounts/login/"' in content


def test_login_shows_the_user_in_the_header_and_logout_ends_the_session(client, user):
    response = client.post("/accounts/login/", {"username": "aigerim", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert 'data-testid="current-user">Aigerim Sadykova<' in response.content.decode()
    response = client.post("/accounts/logout/", follow=True)
    assert "current-user" not in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_a_form_error_not_a_crash(client, user):
    response = client.post("/accounts/login/", {"username": "aigerim", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("kk", "Шетелдік жұмыс күшіне квота және жұмысқа рұқсаттар"),
        ("ru", "Квота на иностранную рабочую силу и разрешения на работу"),
        ("en", "Foreign labour quota and work permits"),
    ],
)
def test_language_switcher_translates_the_home_page(client, language, heading):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"}, follow=True)
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert heading in content


def test_security_headers_and_csp_nonce_on_pages(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp


def test_swagger_ui_is_served_locally_with_nonces(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    content = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", content)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in content
    assert "cdn" not in content.lower()


def test_not_found_page_is_the_kvota_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_nul_byte_in_a_page_query_is_a_400_page(client):
    response = client.get("/?next=%00")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_the_brand_is_kvota_on_the_login_page_too(client):
    # Django's LoginView puts the request's host in `site_name`: the header must not show it.
    content = client.get("/accounts/login/").content.decode()
    assert '<a class="brand" href="/">Kvota</a>' in content
    assert "<title>Log in · Kvota</title>" in content


def test_a_page_gate_with_writers_refuses_a_readers_post_before_the_view_runs(rf, db):
    """Access control in one place (STYLE.md): readers see the page, only writers change it, and the view is told
    which (`request.page_may_write`) instead of deciding again."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from common.pages import role_required
    from common.roles import AUDITOR, MINISTRY_OFFICIAL
    from tests.common.factories import UserFactory

    seen = []

    @role_required(AUDITOR, MINISTRY_OFFICIAL, writers={MINISTRY_OFFICIAL})
    def page(request):
        seen.append((request.method, request.page_may_write))
        return HttpResponse("ok")

    auditor, ministry = UserFactory(role=AUDITOR), UserFactory(role=MINISTRY_OFFICIAL)
    for user, method in ((auditor, "get"), (ministry, "get"), (ministry, "post")):
        request = getattr(rf, method)("/page/")
        request.user = user
        assert page(request).status_code == 200
    request = rf.post("/page/")
    request.user = auditor
    with pytest.raises(PermissionDenied):
        page(request)
    assert seen == [("GET", False), ("GET", True), ("POST", True)]
