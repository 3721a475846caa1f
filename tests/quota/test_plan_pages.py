"""The plan workflow in pages (Step 5, item 4): the plan editor with reserves, caps, the computed table, headroom, a
bar chart by region and every rule with its numbers; fix and override controls; propose, approve by a colleague,
return with a reason; an approved plan that every page refuses to change (409); the plan's history; priority
projects; and the published quota for every signed-in role except administrators."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quota.models import QuotaPlan
from quota.services import (
    MESSAGE_SAME_OFFICIAL_APPROVE,
    quota_plan_approve,
    quota_plan_compute,
    quota_plan_override,
    quota_plan_propose,
)
from tests.quota.factories import china, quota_policy

pytestmark = pytest.mark.django_db


def page(client, plan) -> str:
    return client.get(f"/quota/plans/{plan.pk}/").content.decode()


def test_a_plan_is_fixed_proposed_and_approved_by_a_colleague_through_the_pages(
    client, world, ministry_2, golden_plan, golden_regions, refinery
):
    quota_policy(rate="0.700", seasonal_included=True)
    plan = golden_plan
    client.force_login(world.users["ministry"])
    content = page(client, plan)
    assert 'data-testid="reserves-table"' in content and "atyrau-refinery" in content
    assert 'data-testid="reserve-form"' in content and 'data-testid="cap-form"' in content
    china()
    response = client.post(f"/quota/plans/{plan.pk}/caps/", {"cap-country": "", "cap-places": "x"})
    assert response.status_code == 400
    country = china()
    assert (
        client.post(f"/quota/plans/{plan.pk}/caps/", {"cap-country": country.pk, "cap-places": "1000"}).status_code
        == 302
    )

    content = client.post(f"/quota/plans/{plan.pk}/compute/", follow=True).content.decode()
    assert 'data-testid="flagged"' in content and 'data-testid="apply-fix"' in content
    assert 'data-testid="propose"' not in content  # flagged: fix or override first
    assert re.search(r'data-testid="reserves-total">500<', content) and re.search(r'data-testid="pool">6,500<', content)
    assert "Offered fix: keep 1,983 places in the cut categories, move 390 places to national headroom." in content
    assert "Project reserves 500 within the ceiling 7,000." in content
    assert "Country caps within the ceiling 7,000: CN 1,000." in content
    national = re.findall(r'data-testid="national-total">([\d,]+)<', content)
    assert national == ["144", "678", "3,805", "1,356", "1,017"]  # reserves included in category 3
    assert 'data-testid="region-chart"' in content and "<svg" in content and 'style="' not in content

    content = client.post(f"/quota/plans/{plan.pk}/fix/", follow=True).content.decode()
    assert "The fix was applied: 390 places moved to national headroom." in content
    assert 'data-testid="fix-applied"' in content and re.search(r'data-testid="headroom">390<', content)
    content = client.post(f"/quota/plans/{plan.pk}/propose/", follow=True).content.decode()
    assert "another ministry official must approve it" in content and 'data-testid="awaits-approval"' in content
    assert 'data-testid="approve"' not in content and 'data-testid="demand-grid"' not in content

    response = client.post(f"/quota/plans/{plan.pk}/approve/")
    assert response.status_code == 409
    assert 'data-code="same_official"' in response.content.decode()
    assert str(MESSAGE_SAME_OFFICIAL_APPROVE) in response.content.decode()

    client.force_login(ministry_2)
    assert 'data-testid="approve"' in page(client, plan)
    content = client.post(f"/quota/plans/{plan.pk}/approve/", follow=True).content.decode()
    assert "The plan for 2016 was approved: its quota ledger is open." in content
    assert 'data-testid="approved-by"' in content and 'data-testid="workflow"' not in content
    assert 'data-testid="reserve-form"' not in content and 'data-testid="compute"' not in content
    assert QuotaPlan.objects.get(pk=plan.pk).status == "approved"


def test_an_override_and_its_confirmation_through_the_pages(client, world, ministry_2, golden_plan):
    quota_policy(rate="0.700", seasonal_included=True)
    plan = quota_plan_compute(plan=golden_plan, actor=world.users["ministry"])
    client.force_login(world.users["ministry"])
    assert 'data-testid="override"' in page(client, plan)
    response = client.post(f"/quota/plans/{plan.pk}/override/", {"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    content = client.post(f"/quota/plans/{plan.pk}/override/", {"reason": "Harvest agreement"}, follow=True)
    content = content.content.decode()
    assert 'data-testid="awaits-confirmation"' in content and 'data-testid="confirm-override"' not in content
    response = client.post(f"/quota/plans/{plan.pk}/override/confirm/")
    assert response.status_code == 409 and 'data-code="same_official"' in response.content.decode()
    client.force_login(ministry_2)
    content = client.post(f"/quota/plans/{plan.pk}/override/confirm/", follow=True).content.decode()
    assert 'data-testid="overridden"' in content and "confirmed by Gulnara Tulegenova." in content
    assert 'data-testid="propose"' in content


def test_a_colleague_returns_a_plan_with_a_reason(client, world, ministry_2, golden_plan):
    quota_policy(rate="0.700")
    plan = quota_plan_propose(plan=quota_plan_compute(plan=golden_plan, actor=ministry_2), actor=ministry_2)
    client.force_login(world.users["ministry"])
    assert client.post(f"/quota/plans/{plan.pk}/return/", {"reason": ""}).status_code == 400
    content = client.post(f"/quota/plans/{plan.pk}/return/", {"reason": "Region C is provisional"}, follow=True)
    content = content.content.decode()
    assert "The plan for 2016 was returned to draft." in content
    returned = re.search(r'data-testid="returned">(.*?)</div>', content, re.S).group(1)
    assert "Region C is provisional" in returned and "Returned to draft on" in returned
    assert 'data-testid="demand-grid"' in content  # editable again


def test_every_page_refuses_to_change_an_approved_plan(client, world, ministry_2, golden_plan, golden_regions):
    quota_policy(rate="0.700")
    ministry = world.users["ministry"]
    client.force_login(ministry)
    client.post(f"/quota/plans/{golden_plan.pk}/caps/", {"cap-country": china().pk, "cap-places": "5"})
    plan = quota_plan_propose(plan=quota_plan_compute(plan=golden_plan, actor=ministry), actor=ministry)
    plan = quota_plan_approve(plan=plan, actor=ministry_2)
    reserve, cap = plan.project_reserves.get(), plan.country_caps.get()
    posts = {
        "inputs/": {"statistics_year": "2015", "entered_labour_force": "2000000", "entered_labour_force_source": "x"},
        "demand/": {"demand-KZ-A-1": "5"},
        "demand/import/": {"file": b"region_code,category,places\nKZ-A,1,1\n"},
        "compute/": {},
        "reserves/": {
            "reserve-project": reserve.project_id,
            "reserve-region": golden_regions["KZ-B"].pk,
            "reserve-category": "1",
            "reserve-places": "1",
        },
        f"reserves/{reserve.pk}/remove/": {},
        "caps/": {"cap-country": china().pk, "cap-places": "1"},
        f"caps/{cap.pk}/remove/": {},
        "fix/": {},
        "override/": {"reason": "late"},
        "override/confirm/": {},
        "propose/": {},
        "approve/": {},
        "return/": {"reason": "late"},
    }
    for user in (ministry, ministry_2):
        client.force_login(user)
        for path, data in posts.items():
            if "file" in data:
                data = {"file": SimpleUploadedFile("d.csv", data["file"], content_type="text/csv")}
            response = client.post(f"/quota/plans/{plan.pk}/{path}", data)
            assert response.status_code == 409, (path, response.status_code)
            assert 'data-code="plan_approved"' in response.content.decode(), path
    plan.refresh_from_db()
    assert (plan.status, plan.project_reserves.get().places, plan.country_caps.get().places) == ("approved", 500, 5)


def test_readers_see_the_workflow_state_without_controls(client, world, ministry_2, golden_plan):
    quota_policy(rate="0.700", seasonal_included=True)
    plan = quota_plan_compute(plan=golden_plan, actor=world.users["ministry"])
    quota_plan_override(plan=plan, reason="Harvest agreement", actor=ministry_2)
    for role in ("official_2", "auditor"):
        client.force_login(world.users[role])
        content = page(client, plan)
        assert 'data-testid="override-state"' in content and "awaiting confirmation" in content
        assert 'data-testid="workflow"' not in content and 'data-testid="reserve-form"' not in content
        assert client.post(f"/quota/plans/{plan.pk}/override/confirm/").status_code == 403
    client.force_login(world.users["employer_a"])
    assert client.get(f"/quota/plans/{plan.pk}/").status_code == 403


def test_the_history_page_lists_every_step(client, world, ministry_2, golden_plan):
    quota_policy(rate="0.700")
    plan = quota_plan_propose(plan=quota_plan_compute(plan=golden_plan, actor=ministry_2), actor=ministry_2)
    quota_plan_approve(plan=plan, actor=world.users["ministry"])
    client.force_login(world.users["official_1"])
    content = client.get(f"/quota/plans/{plan.pk}/history/").content.decode()
    actions = re.findall(r'data-action="([^"]+)"', content)
    assert actions == [
        "quota_plan.created",
        "quota_plan.project_reserve_added",
        "quota_plan.demand_replaced",
        "quota_plan.computed",
        "quota_plan.proposed",
        "quota_plan.approved",
    ]
    assert "Project reserve added" in content and "Gulnara Tulegenova" in content
    assert 'data-testid="history-link"' in page(client, plan)
    for role, status in (("employer_a", 403), ("administrator", 403)):
        client.force_login(world.users[role])
        assert client.get(f"/quota/plans/{plan.pk}/history/").status_code == status


# ---------------------------------------------------------------------------------------------------------------------
# The published quota (DOMAIN §10 "Quota data")
# ---------------------------------------------------------------------------------------------------------------------
def test_the_published_quota_is_for_every_signed_in_role_but_administrators(client, world, ministry_2, golden_plan):
    quota_policy(rate="0.700")
    ministry = world.users["ministry"]
    plan = quota_plan_propose(plan=quota_plan_compute(plan=golden_plan, actor=ministry), actor=ministry)
    client.force_login(world.users["employer_a"])
    content = client.get("/quota/published/").content.decode()
    assert 'data-testid="none-approved"' in content and "6,500" not in content  # a proposed plan is not published
    quota_plan_approve(plan=plan, actor=ministry_2)
    for role in ("employer_a", "employer_b", "official_1", "ministry", "auditor"):
        client.force_login(world.users[role])
        response = client.get("/quota/published/")
        assert response.status_code == 200, role
        content = response.content.decode()
        assert "Published quota 2016" in content and re.search(r'data-testid="cells-total">6,500<', content)
        assert re.search(r'data-testid="ceiling">7,000<', content) and re.search(r'data-testid="headroom">0<', content)
        assert 'data-testid="published-reserves"' in content and "Atyrau refinery" in content
        assert 'data-testid="region-chart"' in content
        assert "Tulegenova" not in content  # the approving official is not named to employers (nor anyone) here
    assert client.get("/quota/published/?year=2012").status_code == 404  # the world's 2012 plan is a draft
    assert client.get("/quota/published/?year=2016").status_code == 200
    client.force_login(world.users["administrator"])
    assert client.get("/quota/published/").status_code == 403
    client.logout()
    assert client.get("/quota/published/").status_code == 302


def test_navigation_offers_the_published_quota_to_employers_and_projects_to_readers(client, world):
    client.force_login(world.users["employer_a"])
    home = client.get("/").content.decode()
    assert "Published quota" in home and "Priority projects" not in home
    client.force_login(world.users["auditor"])
    home = client.get("/").content.decode()
    assert "Published quota" in home and "Priority projects" in home


# ---------------------------------------------------------------------------------------------------------------------
# Priority projects
# ---------------------------------------------------------------------------------------------------------------------
def test_a_ministry_official_registers_and_changes_a_priority_project(client, world):
    client.force_login(world.users["ministry"])
    data = {
        "code": "caspian-port",
        "name": "Caspian port",
        "operator": world.objects["employer_b"].pk,
        "mode": "reserve",
    }
    response = client.post("/quota/projects/", data)
    assert response.status_code == 302
    project = world.objects["employer_b"].priority_projects.get()
    assert response["Location"] == f"/quota/projects/{project.pk}/"
    response = client.post("/quota/projects/", data)
    assert response.status_code == 400 and "already exists" in response.content.decode()
    response = client.post("/quota/projects/", {**data, "code": "Caspian Port"})
    assert response.status_code == 400 and "lower-case letters and digits" in response.content.decode()
    response = client.post(f"/quota/projects/{project.pk}/", {**data, "mode": "exempt"})
    assert response.status_code == 302
    content = client.get(f"/quota/projects/{project.pk}/").content.decode()
    assert re.search(r'data-testid="mode">Exempt', content)
    world_project = world.objects["priority_project"]
    response = client.post(
        f"/quota/projects/{world_project.pk}/",
        {"name": "World refinery", "operator": world_project.operator_id, "mode": "exempt"},
    )
    assert response.status_code == 400 and "remove them before making it exempt" in response.content.decode()


def test_readers_see_projects_without_forms_and_employers_not_at_all(client, world):
    project = world.objects["priority_project"]
    client.force_login(world.users["official_2"])
    content = client.get("/quota/projects/").content.decode()
    assert "World refinery" in content and 'data-testid="project-form"' not in content
    content = client.get(f"/quota/projects/{project.pk}/").content.decode()
    assert 'data-testid="project-reserves"' in content and "2012" in content
    assert client.post("/quota/projects/", {"code": "x"}).status_code == 403
    client.force_login(world.users["employer_a"])
    assert client.get("/quota/projects/").status_code == 403
