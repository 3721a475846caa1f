"""Two ministry officials amend an approved plan in the browser (DOMAIN §5): one drafts the per-cell golden cut
(cat-3 cells of 2,414 and 248, target 2,131) through the form, sees its live outcome and proposes it; the other
approves it; the history shows 1,932 and 199 and the plan at version 2. No console error (CSP included)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from quota.models import QuotaCell
from tests.common.factories import PASSWORD, RegionFactory, UserFactory
from tests.quota.amendment_fixtures import approved_plan
from tests.quota.factories import quota_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officials():
    from common.roles import MINISTRY_OFFICIAL

    first = UserFactory(username="ministry", first_name="Yerlan", last_name="Ospanov", role=MINISTRY_OFFICIAL)
    second = UserFactory(username="ministry.2", first_name="Gulnara", last_name="Tulegenova", role=MINISTRY_OFFICIAL)
    return first, second


@pytest.fixture
def plan(officials):
    quota_policy()
    for code in ("KZ-A", "KZ-B"):
        RegionFactory(code=code)
    return approved_plan(
        year=2016,
        demand={"KZ-A": (10, 20, 2_414, 100, 0), "KZ-B": (0, 0, 248, 70, 0)},
        labour_force=1_000_000,
        proposer=officials[0],
        approver=officials[1],
    )


def log_in(page, url, username):
    page.context.clear_cookies()
    page.goto(url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def test_one_official_drafts_and_proposes_another_approves(live_server, page, shot, console_errors, plan):
    log_in(page, live_server.url, "ministry")
    page.goto(f"{live_server.url}/quota/plans/{plan.pk}/amendments/")
    page.get_by_test_id("new-amendment").click()
    page.get_by_label("Effective date").fill(date(2016, 6, 1).isoformat())
    page.get_by_label("Reason").fill("Order No. 17 of the Minister: cut of category 3")
    row = page.get_by_test_id("change-row").first
    row.locator("select[name$='-kind']").select_option("scale")
    row.locator("select[name$='-category']").select_option("3")
    row.locator("input[name$='-target']").fill("2131")
    shot("draft-form")
    page.get_by_test_id("save").click()

    expect(page.get_by_text("was saved as a draft")).to_be_visible()
    expect(page.get_by_role("cell", name="1,932", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="199", exact=True)).to_be_visible()
    shot("draft-outcome")
    page.get_by_test_id("propose").click()
    expect(page.get_by_text("Amendment 1 was proposed")).to_be_visible()
    expect(page.get_by_test_id("awaits-approval")).to_be_visible()
    expect(page.get_by_test_id("approve")).to_have_count(0)  # four eyes: not for the proposer
    shot("proposed")

    log_in(page, live_server.url, "ministry.2")
    page.goto(f"{live_server.url}/quota/plans/{plan.pk}/amendments/")
    page.get_by_role("link", name="Amendment 1").click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_text("the plan is at version 2")).to_be_visible()
    shot("approved")

    page.goto(f"{live_server.url}/quota/plans/{plan.pk}/amendments/")
    expect(page.get_by_test_id("version")).to_have_text("2")
    shot("history")
    cells = {c.region.code: c.allocated for c in QuotaCell.objects.filter(year=2016, kind="regional", category="3")}
    assert cells == {"KZ-A": 1_932, "KZ-B": 199}
    assert console_errors == []
