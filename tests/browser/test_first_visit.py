"""A new user's first visit: log in, switch to Kazakh, see the translated home page, open the API docs."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-browser-password-2026"


@pytest.fixture
def person(django_user_model):
    return django_user_model.objects.create_user("aliya", password=PASSWORD, first_name="Aliya", last_name="Nurlanova")


def test_log_in_switch_to_kazakh_and_see_the_translated_home_page(live_server, page, shot, console_errors, person):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Foreign labour quota and work permits")
    shot("home-anonymous")

    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Username").fill("aliya")
    page.get_by_label("Password").fill(PASSWORD)
    shot("login-form")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("current-user")).to_have_text("Aliya Nurlanova")
    shot("logged-in")

    with page.expect_navigation():
        page.get_by_test_id("lang-kk").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Шетелдік жұмыс күшіне квота және жұмысқа рұқсаттар")
    expect(page.get_by_role("button", name="Шығу")).to_be_visible()
    shot("home-kazakh")
    assert console_errors == []


def test_swagger_ui_renders_under_the_csp(live_server, page, shot, console_errors):
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kvota API")
    shot("swagger-ui")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
