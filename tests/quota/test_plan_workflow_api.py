"""The plan workflow in the API (Step 5, items 2, 3 and 5): /api/v1/priority-projects/, a plan's project-reserves
and country-caps, and the actions apply-fix, override, confirm-override, propose, approve and return — four eyes, an
approved plan that refuses every write with 409, and employers who see approved plans only."""

import pytest

from quota.models import QuotaCell
from quota.services import (
    CODE_PLAN_APPROVED,
    CODE_RULES_NOT_MET,
    CODE_SAME_OFFICIAL,
    MESSAGE_SAME_OFFICIAL_APPROVE,
    quota_plan_approve,
    quota_plan_compute,
    quota_plan_propose,
)
from tests.quota.conftest import GOLDEN_1_DEMAND
from tests.quota.factories import china, demand_rows, quota_policy

pytestmark = pytest.mark.django_db

URL = "/api/v1/quota-plans/"


def codes(response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def rows_of(body) -> dict[str, dict]:
    return {row["region"]: row["cells"] for row in body["result"]["rows"]}


def test_a_ministry_official_fixes_and_proposes_and_a_colleague_approves(client_for, world, ministry_2, golden_regions):
    quota_policy(rate="0.700", seasonal_included=True)
    ministry = client_for(world.users["ministry"])
    response = ministry.post(
        "/api/v1/priority-projects/",
        {
            "code": "atyrau-refinery",
            "name": "Atyrau refinery",
            "operator": world.objects["employer_a"].pk,
            "mode": "reserve",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["operator"]["bin"] == world.objects["employer_a"].bin
    plan = ministry.post(
        URL, {"year": 2016, "entered_labour_force": 1_000_000, "entered_labour_force_source": "golden"}, format="json"
    ).json()
    plan_url = f"{URL}{plan['id']}/"
    response = ministry.post(
        f"{plan_url}project-reserves/",
        {"project": "atyrau-refinery", "region": "KZ-A", "category": "3", "places": 500},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "id": response.json()["id"],
        "plan": plan["id"],
        "project": "atyrau-refinery",
        "project_name": "Atyrau refinery",
        "region": "KZ-A",
        "category": "3",
        "places": 500,
    }
    china()
    response = ministry.post(f"{plan_url}country-caps/", {"country": "CN", "places": 1_000}, format="json")
    assert response.status_code == 201 and response.json()["country"] == "CN"
    assert ministry.put(f"{plan_url}demand/", {"rows": demand_rows(GOLDEN_1_DEMAND)}, format="json").status_code == 200

    body = ministry.post(f"{plan_url}compute/").json()
    assert (body["status"], body["ceiling"], body["pool"], body["flagged"]) == ("computed", 7_000, 6_500, True)
    assert body["project_reserves"][0]["places"] == 500 and body["country_caps"][0]["places"] == 1_000
    response = ministry.post(f"{plan_url}propose/")
    assert response.status_code == 409 and codes(response) == [CODE_RULES_NOT_MET]

    body = ministry.post(f"{plan_url}apply-fix/").json()
    assert (body["flagged"], body["national_headroom"]) == (False, 390)
    assert rows_of(body)["KZ-C"] == {"1": 17, "2": 85, "3": 339, "4": 212, "S": 638}
    assert body["rule_results"]["managers_specialists"]["fix_applied"]["moved_to_headroom"] == 390
    assert body["fix_applied_by"] == world.users["ministry"].pk

    body = ministry.post(f"{plan_url}propose/").json()
    assert (body["status"], body["proposed_by"]) == ("proposed", world.users["ministry"].pk)
    response = ministry.post(f"{plan_url}approve/")
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": None, "code": CODE_SAME_OFFICIAL, "message": str(MESSAGE_SAME_OFFICIAL_APPROVE)}
    ]
    for role in ("official_1", "auditor", "employer_a"):
        assert client_for(world.users[role]).post(f"{plan_url}approve/").status_code in (403, 404)

    colleague = client_for(ministry_2)
    body = colleague.post(f"{plan_url}approve/").json()
    assert (body["status"], body["approved_by"]) == ("approved", ministry_2.pk)
    cells = QuotaCell.objects.filter(year=2016)
    assert sum(c.allocated for c in cells.exclude(kind="country")) == 7_000
    balances = colleague.get("/api/v1/quota-balances/?year=2016&kind=project").json()["results"]
    assert [(b["project_key"], b["allocated"]) for b in balances] == [("atyrau-refinery", 500)]


def test_an_override_is_confirmed_by_another_official_in_the_api(client_for, world, ministry_2, golden_plan):
    quota_policy(rate="0.700", seasonal_included=True)
    plan = quota_plan_compute(plan=golden_plan, actor=world.users["ministry"])
    plan_url = f"{URL}{plan.pk}/"
    ministry = client_for(world.users["ministry"])
    response = ministry.post(f"{plan_url}override/", {}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "reason"
    body = ministry.post(f"{plan_url}override/", {"reason": "Harvest agreement"}, format="json").json()
    assert (body["override_reason"], body["overridden_by"], body["override_confirmed_at"]) == (
        "Harvest agreement",
        world.users["ministry"].pk,
        None,
    )
    response = ministry.post(f"{plan_url}confirm-override/")
    assert response.status_code == 409 and codes(response) == [CODE_SAME_OFFICIAL]
    for role in ("official_1", "auditor", "employer_a", "administrator"):
        assert client_for(world.users[role]).post(f"{plan_url}confirm-override/").status_code == 403, role
    body = client_for(ministry_2).post(f"{plan_url}confirm-override/").json()
    assert body["override_confirmed_by"] == ministry_2.pk and body["flagged"] is True
    assert ministry.post(f"{plan_url}propose/").json()["status"] == "proposed"


def test_a_proposed_plan_is_returned_with_a_reason_in_the_api(client_for, world, ministry_2, golden_plan):
    quota_policy(rate="0.700")
    plan = quota_plan_propose(plan=quota_plan_compute(plan=golden_plan, actor=ministry_2), actor=ministry_2)
    client = client_for(world.users["ministry"])
    response = client.post(f"{URL}{plan.pk}/return/", {"reason": ""}, format="json")
    assert response.status_code == 400
    body = client.post(f"{URL}{plan.pk}/return/", {"reason": "Region C demand is provisional"}, format="json").json()
    assert (body["status"], body["result"], body["return_reason"], body["returned_by"]) == (
        "draft",
        None,
        "Region C demand is provisional",
        world.users["ministry"].pk,
    )


def test_an_approved_plan_refuses_every_write_endpoint(client_for, world, ministry_2, golden_plan, golden_regions):
    quota_policy(rate="0.700")
    ministry_user = world.users["ministry"]
    china()
    client = client_for(ministry_user)
    client.post(f"{URL}{golden_plan.pk}/country-caps/", {"country": "CN", "places": 10}, format="json")
    plan = quota_plan_propose(plan=quota_plan_compute(plan=golden_plan, actor=ministry_user), actor=ministry_user)
    plan = quota_plan_approve(plan=plan, actor=ministry_2)
    reserve, cap = plan.project_reserves.get(), plan.country_caps.get()
    plan_url = f"{URL}{plan.pk}/"
    writes = [
        ("patch", plan_url, {"entered_labour_force": 2_000_000}),
        ("put", f"{plan_url}demand/", {"rows": demand_rows({"KZ-A": (1, 0, 0, 0, 0)})}),
        ("post", f"{plan_url}compute/", None),
        ("post", f"{plan_url}apply-fix/", None),
        ("post", f"{plan_url}override/", {"reason": "late"}),
        ("post", f"{plan_url}confirm-override/", None),
        ("post", f"{plan_url}propose/", None),
        ("post", f"{plan_url}approve/", None),
        ("post", f"{plan_url}return/", {"reason": "late"}),
        (
            "post",
            f"{plan_url}project-reserves/",
            {"project": "atyrau-refinery", "region": "KZ-B", "category": "1", "places": 1},
        ),
        ("patch", f"{plan_url}project-reserves/{reserve.pk}/", {"places": 1}),
        ("delete", f"{plan_url}project-reserves/{reserve.pk}/", None),
        ("post", f"{plan_url}country-caps/", {"country": "CN", "places": 1}),
        ("patch", f"{plan_url}country-caps/{cap.pk}/", {"places": 1}),
        ("delete", f"{plan_url}country-caps/{cap.pk}/", None),
    ]
    for method, url, data in writes:
        for client in (client_for(ministry_user), client_for(ministry_2)):
            response = getattr(client, method)(url, data, format="json")
            assert (response.status_code, codes(response)) == (409, [CODE_PLAN_APPROVED]), (method, url)
    body = client.get(plan_url).json()
    assert (body["status"], body["ceiling"], body["result"]["total"]) == ("approved", 7_000, 6_500)
    assert body["project_reserves"][0]["places"] == 500 and body["country_caps"][0]["places"] == 10


def test_employers_read_approved_plans_only(client_for, world, ministry_2, golden_plan):
    quota_policy(rate="0.700")
    ministry_user = world.users["ministry"]
    employer = client_for(world.users["employer_b"])
    plan = quota_plan_propose(plan=quota_plan_compute(plan=golden_plan, actor=ministry_user), actor=ministry_user)
    assert employer.get(URL).json()["count"] == 0  # proposed, and the world's drafts: none visible
    assert employer.get(f"{URL}{plan.pk}/").status_code == 404
    quota_plan_approve(plan=plan, actor=ministry_2)
    body = employer.get(f"{URL}?status=approved").json()
    assert [row["year"] for row in body["results"]] == [2016] and body["results"][0]["status"] == "approved"
    detail = employer.get(f"{URL}{plan.pk}/").json()
    assert detail["result"]["total"] == 6_500 and detail["national_headroom"] == 0
    assert employer.get(f"{URL}{world.objects['quota_plan'].pk}/").status_code == 404
    assert employer.get(f"{URL}{plan.pk}/project-reserves/").status_code == 403
    assert employer.post(f"{URL}{plan.pk}/approve/").status_code == 403
    assert employer.get("/api/v1/priority-projects/").status_code == 403
    assert client_for(world.users["administrator"]).get(URL).status_code == 403
    assert client_for(world.users["official_2"]).get(f"{URL}?status=draft").json()["count"] == 2


def test_nested_reserves_and_caps_follow_their_plan(client_for, world, golden_plan):
    client = client_for(world.users["auditor"])
    body = client.get(f"{URL}{golden_plan.pk}/project-reserves/").json()
    assert [(r["project"], r["places"]) for r in body["results"]] == [("atyrau-refinery", 500)]
    assert client.get(f"{URL}999999/project-reserves/").status_code == 404
    world_reserve = world.objects["project_reserve"]
    assert client.get(f"{URL}{golden_plan.pk}/project-reserves/{world_reserve.pk}/").status_code == 404
    ministry = client_for(world.users["ministry"])
    response = ministry.post(
        f"{URL}{golden_plan.pk}/project-reserves/",
        {"project": "no-such-project", "region": "KZ-Z", "category": "X", "places": "1.5"},
        format="json",
    )
    assert response.status_code == 400
    assert sorted(e["field"] for e in response.json()["errors"]) == ["category", "places", "project", "region"]
    response = ministry.post(
        f"{URL}{golden_plan.pk}/project-reserves/",
        {"project": "atyrau-refinery", "region": "KZ-A", "category": "3", "places": 1},
        format="json",
    )
    assert response.status_code == 409 and codes(response) == ["project_reserve_exists"]
    response = ministry.post(f"{URL}{golden_plan.pk}/country-caps/", {"country": "KG", "places": 1}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "country"


def test_priority_projects_in_the_api(client_for, world):
    ministry = client_for(world.users["ministry"])
    project = world.objects["priority_project"]
    response = ministry.patch(f"/api/v1/priority-projects/{project.pk}/", {"mode": "exempt"}, format="json")
    assert response.status_code == 409 and codes(response) == ["project_has_reserves"]  # the world's 2012 draft
    response = ministry.post(
        "/api/v1/priority-projects/",
        {"code": "World Refinery", "name": "x", "operator": world.objects["employer_a"].pk, "mode": "reserve"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "code"
    response = ministry.post(
        "/api/v1/priority-projects/",
        {"code": "world-refinery", "name": "x", "operator": world.objects["employer_a"].pk, "mode": "reserve"},
        format="json",
    )
    assert response.status_code == 409 and codes(response) == ["project_exists"]
    reader = client_for(world.users["official_2"])
    assert [p["code"] for p in reader.get("/api/v1/priority-projects/").json()["results"]] == ["world-refinery"]


def test_the_schema_documents_the_workflow(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for action in ("apply-fix", "override", "confirm-override", "propose", "approve", "return"):
        assert "post" in schema["paths"][f"/api/v1/quota-plans/{{id}}/{action}/"], action
    assert schema["paths"]["/api/v1/quota-plans/{plan_id}/project-reserves/{id}/"].keys() >= {"get", "patch", "delete"}
    assert schema["components"]["schemas"]["QuotaPlanStatusEnum"]["enum"] == [
        "draft",
        "computed",
        "proposed",
        "approved",
    ]
    assert "reason" in schema["components"]["schemas"]["ReasonInputRequest"]["properties"]
