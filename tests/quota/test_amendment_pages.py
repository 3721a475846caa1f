"""Amendments in pages (Step 7; DOMAIN §5): a draft made with a scale row and a move row, its live outcome, proposed
by one ministry official and approved by another — the per-cell golden (2,414 and 248, target 2,131 → 1,932 and 199)
in the plan's amendment history; errors on the row that caused them; four eyes; a cut below reserved + used named;
the override of a breaking rule; who reads and who writes."""

import re
from datetime import date

import pytest

from quota.amendment_views import MESSAGE_NOT_DRAFT
from quota.amendments import (
    MESSAGE_MOVE_END,
    MESSAGE_NO_CHANGES,
    MESSAGE_SAME_OFFICIAL_APPROVE,
    MESSAGE_SAME_OFFICIAL_OVERRIDE,
    MESSAGE_TARGET_OR_FACTOR,
    MESSAGE_YEAR_CLOSED,
    amendment_approve,
    amendment_create,
    amendment_propose,
)
from quota.ledger import Placement, quota_reserve, quota_year_close
from quota.models import QuotaAmendment, QuotaCell
from tests.quota.amendment_fixtures import approved_plan
from tests.quota.factories import quota_policy

pytestmark = pytest.mark.django_db

ROW_FIELDS = (
    "kind",
    "category",
    "region",
    "target",
    "factor",
    "places",
    "from_region",
    "from_category",
    "to_region",
    "to_category",
    "project",
    "country",
)


@pytest.fixture
def plan_2016(world, ministry_2, golden_regions):
    """2016, rate 0.7 %, labour force 1,000,000 → ceiling 7,000; cat-3 cells 2,414 (A) and 248 (B); 4,138 places of
    national headroom; approved by ministry_2 after `ministry` proposed it."""
    quota_policy()
    return approved_plan(
        year=2016,
        demand={"KZ-A": (10, 20, 2_414, 100, 0), "KZ-B": (0, 0, 248, 70, 0)},
        labour_force=1_000_000,
        proposer=world.users["ministry"],
        approver=ministry_2,
    )


def form_data(rows, *, effective_date="2016-06-01", reason="Order of the Minister No. 7", initial=0):
    """The amendment form as a browser posts it: every row with all its boxes, empty ones as ""."""
    data = {
        "effective_date": effective_date,
        "reason": reason,
        "changes-TOTAL_FORMS": str(len(rows)),
        "changes-INITIAL_FORMS": str(initial),
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "100",
    }
    for index, row in enumerate(rows):
        for name in ROW_FIELDS:
            data[f"changes-{index}-{name}"] = str(row.get(name, ""))
    return data


def scale(category, target="", factor="", region=""):
    return {"kind": "scale", "category": category, "target": target, "factor": factor, "region": region}


def move(places, source=("", ""), destination=("", "")):
    return {
        "kind": "move",
        "places": places,
        "from_region": source[0],
        "from_category": source[1],
        "to_region": destination[0],
        "to_category": destination[1],
    }


def cell(region, category):
    return QuotaCell.objects.get(year=2016, kind="regional", region__code=region, category=category)


def row_html(content, index) -> str:
    return re.search(rf'data-testid="change-row" data-row="{index}"(.*?)</tr>', content, re.S).group(1)


def cell_html(content, name) -> str:
    return re.search(rf'data-cell="{re.escape(name)}"(.*?)</tr>', content, re.S).group(1)


def numbers(html) -> list[str]:
    """The before, after and change of a cell's line."""
    return re.findall(r'data-testid="(?:before|after|change)">([^<]+)<', html)


def draft(plan, changes, actor, **kwargs):
    return amendment_create(
        plan=plan,
        effective_date=kwargs.get("effective_date", date(2016, 6, 1)),
        reason=kwargs.get("reason", "Order No. 7"),
        changes=changes,
        actor=actor,
    )


def test_an_amendment_is_drafted_proposed_and_approved_by_a_colleague_through_the_pages(
    client, world, ministry_2, plan_2016
):
    ministry = world.users["ministry"]
    client.force_login(ministry)
    content = client.get(f"/quota/plans/{plan_2016.pk}/").content.decode()
    assert re.search(r'data-testid="amendments-link">Amendments \(version 1\)<', content)
    content = client.get(f"/quota/plans/{plan_2016.pk}/amendments/").content.decode()
    assert 'data-testid="new-amendment"' in content and 'data-testid="no-amendments"' in content
    assert re.search(r'data-testid="version">1<', content) and re.search(r'data-testid="ceiling">7,000<', content)
    content = client.get(f"/quota/plans/{plan_2016.pk}/amendments/new/").content.decode()
    assert content.count('data-testid="change-row"') == 3 and "KZ-B" in content

    rows = [scale("3", target="2131"), {}, move("5", destination=("KZ-B", "4"))]
    response = client.post(f"/quota/plans/{plan_2016.pk}/amendments/new/", form_data(rows))
    amendment = QuotaAmendment.objects.get(plan=plan_2016)
    assert response.status_code == 302 and response["Location"] == f"/quota/amendments/{amendment.pk}/"
    assert [c.kind for c in amendment.changes.order_by("position")] == ["scale", "move"]  # the blank row is ignored

    content = client.get(response["Location"]).content.decode()
    assert "Amendment 1 was saved as a draft" in content
    changes = re.findall(r'<li data-kind="(\w+)">([^<]+)</li>', content)
    assert changes == [
        ("scale", "Category 3, all regions: a new total of 2,131 places."),
        ("move", f"Move 5 places from the national headroom to KZ-B {world_region_name('KZ-B')}, category 4."),
    ]
    assert 'data-testid="checks-pass"' in content and "Computed now from the year" in content
    assert numbers(cell_html(content, "KZ-A/3")) == ["2,414", "1,932", "-482"]
    assert numbers(cell_html(content, "KZ-B/3")) == ["248", "199", "-49"]
    assert numbers(cell_html(content, "KZ-B/4")) == ["70", "75", "+5"]
    assert numbers(cell_html(content, "headroom")) == ["4,138", "4,133", "-5"]
    assert re.search(r'data-testid="total">.*?7,000.*?6,469', content, re.S)  # 531 places cut; 5 moved inside
    assert 'data-testid="passes"' in content and 'data-testid="propose"' in content

    content = client.post(f"/quota/amendments/{amendment.pk}/propose/", follow=True).content.decode()
    assert "Amendment 1 was proposed: another ministry official must approve it." in content
    assert 'data-testid="awaits-approval"' in content and 'data-testid="approve"' not in content
    assert "As stored when the amendment was proposed" in content
    assert numbers(cell_html(content, "KZ-A/3")) == ["2,414", "1,932", "-482"]

    response = client.post(f"/quota/amendments/{amendment.pk}/approve/")
    assert response.status_code == 409
    assert 'data-code="same_official"' in response.content.decode()
    assert str(MESSAGE_SAME_OFFICIAL_APPROVE) in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.status == "proposed" and cell("KZ-A", "3").allocated == 2_414  # nothing changed

    client.force_login(ministry_2)
    content = client.get(f"/quota/amendments/{amendment.pk}/").content.decode()
    assert 'data-testid="approve"' in content and 'data-testid="return"' in content
    content = client.post(f"/quota/amendments/{amendment.pk}/approve/", follow=True).content.decode()
    assert "Amendment 1 was approved: the plan is at version 2 and its ledger changed." in content
    assert 'data-testid="workflow"' not in content
    assert (cell("KZ-A", "3").allocated, cell("KZ-B", "3").allocated, cell("KZ-B", "4").allocated) == (1_932, 199, 75)

    client.force_login(world.users["official_1"])
    content = client.get(f"/quota/plans/{plan_2016.pk}/amendments/").content.decode()
    assert re.search(r'data-testid="version">2<', content)
    history = re.search(r'data-testid="amendment" data-number="1"(.*?)</section>', content, re.S).group(1)
    assert "Amendment 1 (version 2)" in history and "Approved" in history
    assert "Order of the Minister No. 7" in history and "2016-06-01" in history
    assert re.search(r'data-testid="totals">7,000 → 6,469<', history)
    assert numbers(cell_html(history, "KZ-A/3")) == ["2,414", "1,932", "-482"]
    assert numbers(cell_html(history, "KZ-B/3")) == ["248", "199", "-49"]
    assert "Gulnara Tulegenova" in re.search(r'data-testid="approved-by">(.*?)</dd>', history).group(1)
    assert 'data-testid="new-amendment"' not in content  # regional officials read
    content = client.get(f"/quota/plans/{plan_2016.pk}/").content.decode()
    assert re.search(r'data-testid="amendments-link">Amendments \(version 2\)<', content)


def world_region_name(code):
    from common.models import Region

    return Region.objects.get(code=code).name


def test_a_bad_row_shows_its_error_on_that_row_and_keeps_the_input(client, world, plan_2016):
    client.force_login(world.users["ministry"])
    url = f"/quota/plans/{plan_2016.pk}/amendments/new/"
    # The service counts rows without the blank one: its "changes.1.target" is the third row of the form.
    rows = [{}, scale("4", target="150"), scale("3", target="2131", factor="0.9"), move("5", destination=("KZ-B", ""))]
    response = client.post(url, form_data(rows))
    assert response.status_code == 400
    content = response.content.decode()
    third, fourth = row_html(content, 2), row_html(content, 3)
    assert str(MESSAGE_TARGET_OR_FACTOR) in third and 'data-field="target"' in third
    assert 'value="2131"' in third and 'value="0.9"' in third  # the input is kept
    assert 'data-testid="field-error"' not in row_html(content, 1) and 'value="150"' in row_html(content, 1)
    assert str(MESSAGE_MOVE_END) in fourth and 'data-field="to_region"' in fourth
    assert not QuotaAmendment.objects.filter(plan=plan_2016).exists()

    # A row the form itself refuses (not a number), and a missing date, stay on their fields.
    response = client.post(url, form_data([move("five", destination=("KZ-B", "4"))], effective_date=""))
    content = response.content.decode()
    assert response.status_code == 400 and 'value="five"' in row_html(content, 0)
    assert 'data-field="places"' in row_html(content, 0) and 'id="id_effective_date-error"' in content

    # A box of the other kind filled in: refused on that box rather than ignored.
    response = client.post(url, form_data([{**scale("3", target="2131"), "places": "4"}]))
    assert response.status_code == 400
    assert 'data-field="places"' in row_html(response.content.decode(), 0)
    assert "Leave this empty in a scale row." in row_html(response.content.decode(), 0)

    # Only blank rows: the service asks for at least one change, above the rows.
    response = client.post(url, form_data([{}, {}]))
    assert response.status_code == 400
    changes_errors = re.search(r'data-testid="changes-errors">(.*?)</div>', response.content.decode(), re.S).group(1)
    assert str(MESSAGE_NO_CHANGES % {"limit": 100}) in changes_errors

    # A service error on the amendment's own field: the date outside the plan year is checked on the outcome.
    response = client.post(url, form_data([scale("3", target="2131")], effective_date="2017-01-05"), follow=True)
    content = response.content.decode()
    assert 'data-check="effective_date"' in content and 'data-testid="propose"' not in content


def test_a_draft_is_edited_returned_and_edited_again(client, world, ministry_2, plan_2016):
    ministry = world.users["ministry"]
    amendment = draft(plan_2016, [{"kind": "scale", "category": "3", "factor": "0.8"}], ministry)
    client.force_login(ministry)
    content = client.get(f"/quota/amendments/{amendment.pk}/edit/").content.decode()
    first = row_html(content, 0)
    assert 'value="0.8000"' in first or 'value="0.8"' in first
    assert content.count('data-testid="change-row"') == 4  # the stored row and three empty ones
    rows = [scale("3", factor="0.8"), move("10", source=("KZ-A", "4"), destination=("KZ-B", "4"))]
    response = client.post(
        f"/quota/amendments/{amendment.pk}/edit/", form_data([*rows, {}], reason="Order No. 8", initial=1)
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.reason == "Order No. 8" and amendment.changes.count() == 2

    client.post(f"/quota/amendments/{amendment.pk}/propose/")
    assert client.get(f"/quota/amendments/{amendment.pk}/edit/").status_code == 409
    response = client.post(f"/quota/amendments/{amendment.pk}/edit/", form_data(rows, initial=2))
    assert response.status_code == 409 and 'data-code="invalid_transition"' in response.content.decode()

    client.force_login(ministry_2)
    response = client.post(f"/quota/amendments/{amendment.pk}/return/", {"reason": " "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    content = client.post(
        f"/quota/amendments/{amendment.pk}/return/", {"reason": "Cite the order"}, follow=True
    ).content.decode()
    assert "Amendment 1 was returned to draft." in content
    assert "Cite the order" in re.search(r'data-testid="returned">(.*?)</div>', content, re.S).group(1)
    assert 'data-testid="edit"' in content and 'data-testid="propose"' in content


def test_a_cut_below_reserved_and_used_names_the_cell(client, world, plan_2016, golden_regions):
    ministry = world.users["ministry"]
    quota_reserve(
        placements=[Placement(region_id=golden_regions["KZ-B"].pk, category="3", places=220)],
        cause=("test", "1"),
        actor=ministry,
        on=date(2016, 3, 1),
    )
    client.force_login(ministry)
    response = client.post(
        f"/quota/plans/{plan_2016.pk}/amendments/new/", form_data([scale("3", target="2131")]), follow=True
    )
    content = response.content.decode()
    problems = re.search(r'data-testid="problems">(.*?)</div>', content, re.S).group(1)
    assert 'data-check="cells_above_reserved_and_used"' in problems
    assert "KZ-B/3 (199 &lt; 220 reserved + used)" in problems
    below = cell_html(content, "KZ-B/3")
    assert 'data-below="true"' in below and "below the 220 places reserved + used" in below
    assert 'data-below="true"' not in cell_html(content, "KZ-A/3")
    assert 'data-testid="propose"' not in content
    amendment = QuotaAmendment.objects.get(plan=plan_2016)
    response = client.post(f"/quota/amendments/{amendment.pk}/propose/")
    assert response.status_code == 409 and 'data-code="amendment_checks_failed"' in response.content.decode()
    assert cell("KZ-B", "3").allocated == 248  # never clamped


def test_a_breaking_amendment_is_overridden_and_confirmed_by_another_official(client, world, ministry_2, plan_2016):
    ministry = world.users["ministry"]
    # Moving 4,000 headroom places into cat 4 takes managers/specialists below 70 % of cats 1-4.
    amendment = draft(plan_2016, [{"kind": "move", "places": 4_000, "to_region": "KZ-A", "to_category": "4"}], ministry)
    client.force_login(ministry)
    content = client.get(f"/quota/amendments/{amendment.pk}/").content.decode()
    assert 'data-testid="flagged"' in content and 'data-check="managers_specialists"' in content
    assert 'data-testid="override"' in content and 'data-testid="propose"' not in content
    assert client.post(f"/quota/amendments/{amendment.pk}/override/", {"reason": ""}).status_code == 400
    content = client.post(
        f"/quota/amendments/{amendment.pk}/override/", {"reason": "Harvest emergency"}, follow=True
    ).content.decode()
    assert 'data-testid="awaits-confirmation"' in content and 'data-testid="confirm-override"' not in content
    response = client.post(f"/quota/amendments/{amendment.pk}/override/confirm/")
    assert response.status_code == 409 and str(MESSAGE_SAME_OFFICIAL_OVERRIDE) in response.content.decode()
    client.force_login(ministry_2)
    content = client.post(f"/quota/amendments/{amendment.pk}/override/confirm/", follow=True).content.decode()
    assert "The override was confirmed: the amendment can be proposed." in content
    assert 'data-testid="overridden"' in content and "confirmed by Gulnara Tulegenova." in content
    assert 'data-testid="propose"' in content and 'data-testid="problems"' not in content


def test_who_reads_and_who_writes(client, world, ministry_2, plan_2016):
    ministry = world.users["ministry"]
    approved = draft(plan_2016, [{"kind": "move", "places": 5, "to_region": "KZ-B", "to_category": "4"}], ministry)
    amendment_propose(amendment=approved, actor=ministry)
    amendment_approve(amendment=approved, actor=ministry_2)
    pending = draft(plan_2016, [{"kind": "scale", "category": "3", "target": 2_131}], ministry, reason="Pending cut")
    plan_url = f"/quota/plans/{plan_2016.pk}/amendments/"
    posts = ("propose/", "approve/", "return/", "override/", "override/confirm/", "edit/")

    for role in ("official_1", "auditor"):
        client.force_login(world.users[role])
        content = client.get(plan_url).content.decode()
        assert re.findall(r'data-number="(\d+)"', content) == ["1", "2"], role
        assert 'data-testid="new-amendment"' not in content and "Pending cut" in content
        assert "Amendment 1 (version 2)" in content and "Amendment 2 (version" not in content  # set on approval
        content = client.get(f"/quota/amendments/{pending.pk}/").content.decode()
        assert 'data-testid="problems"' not in content and 'data-testid="checks-pass"' in content  # live outcome
        assert 'data-testid="workflow"' not in content and 'data-testid="propose"' not in content
        assert client.get(f"/quota/amendments/{approved.pk}/").status_code == 200
        for path in posts:
            assert client.post(f"/quota/amendments/{pending.pk}/{path}", {"reason": "x"}).status_code == 403, path
        assert client.get(f"{plan_url}new/").status_code == 403
        assert client.post(f"{plan_url}new/", form_data([scale("3", target="1")])).status_code == 403
    assert QuotaAmendment.objects.get(pk=pending.pk).status == "draft"

    client.force_login(world.users["employer_a"])
    content = client.get(plan_url).content.decode()
    assert re.findall(r'data-number="(\d+)"', content) == ["1"] and "Pending cut" not in content
    assert "Tulegenova" not in content  # the approved numbers, not the officials
    response = client.get(f"/quota/amendments/{approved.pk}/")
    assert response.status_code == 200 and "Tulegenova" not in response.content.decode()
    assert 'data-testid="workflow"' not in response.content.decode()
    assert client.get(f"/quota/amendments/{pending.pk}/").status_code == 404
    assert client.post(f"/quota/amendments/{approved.pk}/return/", {"reason": "x"}).status_code == 403
    draft_plan = world.objects["quota_plan"]  # the world's 2012 plan is a draft: not published
    assert client.get(f"/quota/plans/{draft_plan.pk}/amendments/").status_code == 404

    client.force_login(world.users["administrator"])
    assert client.get(plan_url).status_code == 403
    assert client.get(f"/quota/amendments/{approved.pk}/").status_code == 403
    client.logout()
    assert client.get(f"/quota/amendments/{approved.pk}/").status_code == 302


def test_no_new_amendment_unless_the_plan_is_approved_and_its_year_open(client, world, plan_2016):
    ministry = world.users["ministry"]
    client.force_login(ministry)
    draft_plan = world.objects["quota_plan"]
    content = client.get(f"/quota/plans/{draft_plan.pk}/amendments/").content.decode()
    assert 'data-testid="new-amendment"' not in content and 'data-testid="refusal"' in content
    assert 'data-testid="amendments-link"' not in client.get(f"/quota/plans/{draft_plan.pk}/").content.decode()
    assert client.get(f"/quota/plans/{draft_plan.pk}/amendments/new/").status_code == 409
    response = client.post(f"/quota/plans/{draft_plan.pk}/amendments/new/", form_data([scale("3", target="1")]))
    assert response.status_code == 409 and 'data-code="plan_not_approved"' in response.content.decode()

    pending = draft(plan_2016, [{"kind": "scale", "category": "3", "target": 2_131}], ministry)
    quota_year_close(year=2016, actor=ministry)
    content = client.get(f"/quota/plans/{plan_2016.pk}/amendments/").content.decode()
    assert 'data-testid="new-amendment"' not in content
    assert str(MESSAGE_YEAR_CLOSED % {"year": 2016}) in content
    response = client.post(f"/quota/amendments/{pending.pk}/propose/")
    assert response.status_code == 409 and 'data-code="quota_year_closed"' in response.content.decode()


def test_an_approved_amendment_is_never_edited(client, world, ministry_2, plan_2016):
    ministry = world.users["ministry"]
    amendment = draft(plan_2016, [{"kind": "move", "places": 5, "to_region": "KZ-B", "to_category": "4"}], ministry)
    amendment_propose(amendment=amendment, actor=ministry)
    amendment_approve(amendment=amendment, actor=ministry_2)
    client.force_login(ministry)
    response = client.get(f"/quota/amendments/{amendment.pk}/edit/")
    assert response.status_code == 409
    assert str(MESSAGE_NOT_DRAFT % {"number": 1, "status": "Approved"}) in response.content.decode()
    response = client.post(f"/quota/amendments/{amendment.pk}/return/", {"reason": "late"})
    assert response.status_code == 409 and 'data-code="amendment_approved"' in response.content.decode()


def test_the_history_page_reads_in_a_bounded_number_of_queries(
    client, world, ministry_2, plan_2016, django_assert_max_num_queries
):
    ministry = world.users["ministry"]
    for places in (1, 2, 3):
        amendment = draft(
            plan_2016,
            [
                {"kind": "move", "places": places, "to_region": "KZ-B", "to_category": "4"},
                {"kind": "scale", "category": "3", "target": 2_700 - 100 * places},
            ],
            ministry,
        )
        amendment_propose(amendment=amendment, actor=ministry)
        amendment_approve(amendment=amendment, actor=ministry_2)
    client.force_login(world.users["auditor"])
    with django_assert_max_num_queries(15):
        response = client.get(f"/quota/plans/{plan_2016.pk}/amendments/")
    assert response.status_code == 200 and response.content.decode().count('data-testid="cell"') >= 3 * 3


def test_a_reserve_row_and_a_cap_row_through_the_form(client, world, ministry_2, golden_regions, refinery):
    from tests.quota.factories import china

    quota_policy()
    plan = approved_plan(
        year=2016,
        demand={"KZ-A": (0, 0, 1_000, 0, 0)},
        labour_force=1_000_000,
        proposer=world.users["ministry"],
        approver=ministry_2,
        reserves=[(refinery, golden_regions["KZ-A"], "3", 500)],
        caps=[(china(), 300)],
    )
    client.force_login(world.users["ministry"])
    url = f"/quota/plans/{plan.pk}/amendments/new/"
    form = client.get(url).content.decode()
    assert '<option value="atyrau-refinery">' in form and '<option value="CN">' in form
    rows = [
        {"kind": "reserve", "project": "atyrau-refinery", "region": "KZ-A", "category": "3", "target": "450"},
        {"kind": "cap", "country": "CN", "target": "200"},
        {"kind": "cap", "country": "CN", "target": "200", "places": "3"},  # a box of another kind
    ]
    response = client.post(url, form_data(rows))
    assert response.status_code == 400 and "Leave this empty in a cap row." in row_html(response.content.decode(), 2)
    content = client.post(url, form_data(rows[:2]), follow=True).content.decode()
    assert "The reserve of project atyrau-refinery in KZ-A" in content
    assert "The cap on citizens of CN set to 200 places." in content
    assert numbers(cell_html(content, "Reserve of atyrau-refinery in KZ-A")) == ["500", "450", "-50"]
    assert numbers(cell_html(content, "Cap on citizens of CN")) == ["300", "200", "-100"]


@pytest.mark.parametrize(
    ("rate_periods", "recomputed"),
    [
        # The rate in force on the effective date started before the plan year: the plan's own ceiling applies.
        (((date(2000, 1, 1), None, "0.700"),), False),
        # A rate period starting inside the plan year (here unchanged in value): the ceiling is recomputed from it.
        (((date(2000, 1, 1), date(2016, 2, 29), "0.700"), (date(2016, 3, 1), None, "0.700")), True),
    ],
)
def test_the_page_says_the_ceiling_was_recomputed_only_from_a_rate_period_of_the_plan_year(
    client, world, ministry_2, golden_regions, rate_periods, recomputed
):
    from tests.quota.test_amendments import rate_policy

    rate_policy(*rate_periods)
    plan = approved_plan(
        year=2016,
        demand={"KZ-A": (10, 20, 2_414, 100, 0), "KZ-B": (0, 0, 248, 70, 0)},
        labour_force=1_000_000,
        proposer=world.users["ministry"],
        approver=ministry_2,
    )
    amendment = amendment_create(
        plan=plan,
        effective_date=date(2016, 6, 1),
        reason="Order of the Minister No. 8",
        changes=[{"kind": "move", "places": 10, "to_region": "KZ-A", "to_category": "3"}],
        actor=world.users["ministry"],
    )
    client.force_login(world.users["ministry"])
    content = client.get(f"/quota/amendments/{amendment.pk}/").content.decode()
    assert ('data-testid="rate-period"' in content) is recomputed
    if recomputed:
        assert "The ceiling is recomputed with the rate of 0.700 % in force from 2016-03-01" in content
