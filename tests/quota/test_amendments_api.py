"""Amendments in the API (Step 7; DOMAIN §5): /api/v1/quota-amendments/ — the per-cell golden from draft to
approval by a second official, field-level 400s for any malformed change, four eyes, the return with a reason, the
override, the live outcome of a draft naming a cell that would go below reserved + used, and who reads what."""

from datetime import date

import pytest

from quota.amendments import (
    CHECK_ABOVE_HELD,
    CHECK_MANAGERS_SPECIALISTS,
    CODE_CHECKS_FAILED,
    CODE_PLAN_NOT_APPROVED,
    CODE_SAME_OFFICIAL,
    MESSAGE_SAME_OFFICIAL_APPROVE,
    amendment_approve,
    amendment_create,
    amendment_propose,
)
from quota.ledger import Placement, quota_reserve
from quota.models import QuotaAmendment, QuotaCell
from tests.quota.amendment_fixtures import approved_plan
from tests.quota.factories import quota_policy

pytestmark = pytest.mark.django_db

URL = "/api/v1/quota-amendments/"


def codes(response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def scale(category, *, target=None, factor=None, region=None) -> dict:
    return {"kind": "scale", "category": category, "region": region, "target": target, "factor": factor}


def move(places, source=None, destination=None) -> dict:
    change = {"kind": "move", "places": places}
    if source:
        change.update(from_region=source[0], from_category=source[1])
    if destination:
        change.update(to_region=destination[0], to_category=destination[1])
    return change


def cells_of(body) -> dict[tuple, tuple]:
    return {
        (c["region"], c["category"]): (c["before"], c["after"], c["delta"], c["reserved"], c["used"])
        for c in body["cells"]
    }


@pytest.fixture
def plan_2016(ministry_user, ministry_2, golden_regions):
    """2016, rate 0.7 %, labour force 1,000,000 → ceiling 7,000; cat-3 cells 2,414 (A) and 248 (B), a few more; the
    rest (4,138 places) is national headroom (as in tests/quota/test_amendments.py)."""
    quota_policy()
    return approved_plan(
        year=2016,
        demand={"KZ-A": (10, 20, 2_414, 100, 0), "KZ-B": (0, 0, 248, 70, 0)},
        labour_force=1_000_000,
        proposer=ministry_user,
        approver=ministry_2,
    )


def new_amendment(plan, changes, *, reason="Order of the Minister No. 12") -> dict:
    return {"plan": plan.pk, "effective_date": "2016-06-01", "reason": reason, "changes": changes}


def test_the_per_cell_golden_from_draft_to_approval_by_a_second_official(
    client_for, ministry_user, ministry_2, plan_2016
):
    ministry = client_for(ministry_user)
    response = ministry.post(URL, new_amendment(plan_2016, [scale("3", target=2_131)]), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    url = f"{URL}{body['id']}/"
    assert (body["plan"], body["plan_year"], body["number"], body["version"], body["status"]) == (
        plan_2016.pk,
        2016,
        1,
        None,  # a draft makes no version yet
        "draft",
    )
    assert body["changes"] == [
        {
            "position": 0,
            "kind": "scale",
            "category": "3",
            "region": None,
            "target": 2_131,
            "factor": None,
            "places": None,
            "from_region": None,
            "from_category": "",
            "to_region": None,
            "to_category": "",
            "project": "",
            "country": "",
        }
    ]
    # A draft: the live outcome, cells before and after in proportion to the current values.
    assert cells_of(body) == {("KZ-A", "3"): (2_414, 1_932, -482, 0, 0), ("KZ-B", "3"): (248, 199, -49, 0, 0)}
    outcome = body["outcome"]
    assert outcome["can_propose"] is True and outcome["problems"] == []
    assert (outcome["totals_before"]["3"], outcome["totals_after"]["3"]) == (2_662, 2_131)
    assert (outcome["total_before"], outcome["total_after"]) == (7_000, 6_469)
    assert (outcome["headroom_before"], outcome["headroom_after"]) == (4_138, 4_138)  # places cut leave the plan
    assert outcome["ceiling"]["before"] == outcome["ceiling"]["after"] == 7_000
    assert outcome["managers_specialists"]["passes"] is True
    assert body["outcome_error"] is None and body["total_after"] is None  # nothing is stored while a draft

    body = ministry.post(f"{url}propose/").json()
    assert (body["status"], body["proposed_by"], body["based_on_version"]) == ("proposed", "ministry", 1)
    assert (body["total_before"], body["total_after"], body["ceiling_after"]) == (7_000, 6_469, 7_000)
    assert cells_of(body) == {("KZ-A", "3"): (2_414, 1_932, -482, 0, 0), ("KZ-B", "3"): (248, 199, -49, 0, 0)}
    assert body["outcome"] is None and body["rule_results"]["totals_after"]["3"] == 2_131

    response = ministry.post(f"{url}approve/")
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": None, "code": CODE_SAME_OFFICIAL, "message": str(MESSAGE_SAME_OFFICIAL_APPROVE)}
    ]
    body = client_for(ministry_2).post(f"{url}approve/").json()
    assert (body["status"], body["approved_by"], body["proposed_by"]) == ("approved", "ministry.2", "ministry")
    assert body["version"] == 2
    assert body["approved_at"] is not None
    assert cells_of(body) == {("KZ-A", "3"): (2_414, 1_932, -482, 0, 0), ("KZ-B", "3"): (248, 199, -49, 0, 0)}
    ledger = {c.region.code: c.allocated for c in QuotaCell.objects.filter(year=2016, kind="regional", category="3")}
    assert ledger == {"KZ-A": 1_932, "KZ-B": 199, "KZ-C": 0, "KZ-D": 0}

    assert ministry.get(URL, {"year": 2016}).json()["count"] == 1
    assert ministry.get(URL, {"year": 2017}).json()["count"] == 0
    assert ministry.get(URL, {"status": "draft"}).json()["count"] == 0
    assert ministry.get(URL, {"status": "approved"}).json()["results"][0]["id"] == body["id"]
    assert ministry.get(URL, {"status": "lost"}).status_code == 400
    response = ministry.patch(url, {"reason": "again"}, format="json")
    assert response.status_code == 409 and codes(response) == ["amendment_approved"]


@pytest.mark.parametrize(
    ("changes", "wanted"),
    [
        ("scale 3 to 2131", {"changes"}),
        ({"kind": "scale"}, {"changes"}),
        ([], {"changes"}),
        ([1], {"changes.0"}),
        ([[["deep"]]], {"changes.0"}),
        ([scale("3", target="two thousand")], {"changes.0.target"}),
        ([scale("3", target="1,932")], {"changes.0.target"}),
        ([scale("3", target=1.5)], {"changes.0.target"}),
        ([scale("3", target=True)], {"changes.0.target"}),
        ([scale("3", target=10**30)], {"changes.0.target"}),
        ([scale("3", factor="abc")], {"changes.0.factor"}),
        ([scale("3", factor="NaN")], {"changes.0.factor"}),
        ([scale("3", factor=0.12345)], {"changes.0.factor"}),
        ([scale("3", factor="1e9")], {"changes.0.factor"}),
        ([scale("3", target=5, factor="0.5")], {"changes.0.target"}),
        ([scale("3", region="KZ-ZZ", target=5)], {"changes.0.region"}),
        ([scale("9", target=5)], {"changes.0.category"}),
        ([move(5, ("KZ-A", "3"), ("KZ-NOPE", "3"))], {"changes.0.to_region"}),
        ([move("five", ("KZ-A", "3"))], {"changes.0.places"}),
        ([move(0, ("KZ-A", "3"))], {"changes.0.places"}),
        ([move(5, ("KZ-A", "3"), ("KZ-A", "3"))], {"changes.0.to_region"}),
        ([{"kind": "move", "places": 5, "from_region": "KZ-A"}], {"changes.0.from_region"}),
        ([{"kind": "swap"}], {"changes.0.kind"}),
        ([move(1, None, ("KZ-A", "3"))] * 10_000, {"changes"}),
    ],
)
def test_bad_changes_answer_400_naming_each_field_and_save_nothing(
    client_for, ministry_user, plan_2016, changes, wanted
):
    response = client_for(ministry_user).post(URL, new_amendment(plan_2016, changes), format="json")
    assert response.status_code == 400, response.content
    assert fields(response) == wanted
    assert all(error["field"] and error["field"].startswith("changes") for error in response.json()["errors"])
    assert not QuotaAmendment.objects.exists()


def test_garbage_names_every_nested_field(client_for, ministry_user, plan_2016):
    changes = [
        scale("3", target=2_131),
        {"kind": {"a": [1, {"b": None}]}, "category": [[]], "target": {"x": {"y": []}}},
        {"kind": "move", "places": {"n": 1}, "to_region": ["KZ-A"]},
    ]
    response = client_for(ministry_user).post(URL, new_amendment(plan_2016, changes), format="json")
    assert response.status_code == 400
    assert fields(response) == {
        "changes.1.kind",
        "changes.1.category",
        "changes.1.target",
        "changes.2.places",
        "changes.2.to_region",
    }


@pytest.mark.parametrize(
    ("override", "wanted"),
    [
        ({"plan": "the 2016 plan"}, "plan"),
        ({"plan": 10**30}, "plan"),
        ({"plan": 999_999}, "plan"),
        ({"effective_date": "2016-02-30"}, "effective_date"),
        ({"effective_date": None}, "effective_date"),
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 2_001}, "reason"),
        ({"reason": "nul\x00byte"}, "reason"),  # refused before any view, naming the field (common.middleware)
    ],
)
def test_bad_plan_date_or_reason_answer_400(client_for, ministry_user, plan_2016, override, wanted):
    body = {**new_amendment(plan_2016, [scale("3", target=2_131)]), **override}
    response = client_for(ministry_user).post(URL, body, format="json")
    assert response.status_code == 400 and fields(response) == {wanted}, response.content


def test_only_an_approved_plan_is_amended_and_a_draft_is_changed_with_patch(
    client_for, world, ministry_user, plan_2016
):
    ministry = client_for(ministry_user)
    response = ministry.post(URL, new_amendment(world.objects["quota_plan"], [scale("3", target=1)]), format="json")
    assert response.status_code == 409 and codes(response) == [CODE_PLAN_NOT_APPROVED]

    body = ministry.post(URL, new_amendment(plan_2016, [scale("3", target=2_131)]), format="json").json()
    url = f"{URL}{body['id']}/"
    response = ministry.patch(url, {"changes": [move(-1, ("KZ-A", "3"))]}, format="json")
    assert response.status_code == 400 and fields(response) == {"changes.0.places"}
    response = ministry.patch(url, {"changes": [move(5, None, ("KZ-B", "4"))], "reason": "Order No. 13"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["reason"], body["effective_date"]) == ("Order No. 13", "2016-06-01")
    assert [(c["kind"], c["places"], c["to_region"], c["to_category"]) for c in body["changes"]] == [
        ("move", 5, "KZ-B", "4")
    ]
    assert cells_of(body) == {("KZ-B", "4"): (70, 75, 5, 0, 0), (None, None): (4_138, 4_133, -5, 0, 0)}
    body = ministry.patch(url, {"effective_date": "2017-01-01"}, format="json").json()
    assert [(p["check"], p["field"]) for p in body["outcome"]["problems"]] == [("effective_date", "effective_date")]
    assert body["outcome"]["can_propose"] is False
    assert ministry.put(url, {"reason": "x"}, format="json").status_code == 405
    assert ministry.delete(url).status_code == 405


def test_return_needs_a_reason(client_for, ministry_user, ministry_2, plan_2016):
    ministry = client_for(ministry_user)
    body = ministry.post(URL, new_amendment(plan_2016, [scale("3", target=2_131)]), format="json").json()
    url = f"{URL}{body['id']}/"
    assert ministry.post(f"{url}return/", {"reason": "too early"}, format="json").status_code == 409  # a draft
    ministry.post(f"{url}propose/")
    colleague = client_for(ministry_2)
    for data in ({}, {"reason": "   "}, {"reason": None}):
        response = colleague.post(f"{url}return/", data, format="json")
        assert response.status_code == 400 and fields(response) == {"reason"}, data
    body = colleague.post(f"{url}return/", {"reason": "Cite the order number"}, format="json").json()
    assert (body["status"], body["return_reason"], body["returned_by"]) == (
        "draft",
        "Cite the order number",
        "ministry.2",
    )
    assert body["returned_at"] is not None and body["based_on_version"] is None and body["proposed_by"] is None
    assert cells_of(body)[("KZ-B", "3")] == (248, 199, -49, 0, 0)  # live again
    assert body["outcome"]["can_propose"] is True


def test_a_breaking_amendment_is_overridden_and_confirmed_by_another_official(
    client_for, ministry_user, ministry_2, plan_2016
):
    ministry = client_for(ministry_user)
    # Moving 4,000 headroom places into cat 4 takes managers/specialists below 70 % of cats 1-4.
    body = ministry.post(URL, new_amendment(plan_2016, [move(4_000, None, ("KZ-A", "4"))]), format="json").json()
    url = f"{URL}{body['id']}/"
    assert [p["check"] for p in body["outcome"]["problems"]] == [CHECK_MANAGERS_SPECIALISTS]
    assert body["outcome"]["managers_specialists"]["passes"] is False
    response = ministry.post(f"{url}propose/")
    assert response.status_code == 409 and codes(response) == [CODE_CHECKS_FAILED]
    response = ministry.post(f"{url}override/", {}, format="json")
    assert response.status_code == 400 and fields(response) == {"reason"}
    body = ministry.post(f"{url}override/", {"reason": "Harvest emergency"}, format="json").json()
    assert (body["override_reason"], body["overridden_by"], body["override_confirmed_by"]) == (
        "Harvest emergency",
        "ministry",
        None,
    )
    response = ministry.post(f"{url}confirm-override/")
    assert response.status_code == 409 and codes(response) == [CODE_SAME_OFFICIAL]
    body = client_for(ministry_2).post(f"{url}confirm-override/").json()
    assert body["override_confirmed_by"] == "ministry.2" and body["outcome"]["can_propose"] is True
    assert ministry.post(f"{url}propose/").json()["status"] == "proposed"


def test_the_live_outcome_of_a_draft_names_a_cell_cut_below_reserved_and_used(
    client_for, ministry_user, plan_2016, golden_regions
):
    quota_reserve(
        placements=[Placement(region_id=golden_regions["KZ-B"].pk, category="3", places=220)],
        cause=("test", "1"),
        actor=ministry_user,
        on=date(2016, 3, 1),
    )
    ministry = client_for(ministry_user)
    response = ministry.post(URL, new_amendment(plan_2016, [scale("3", target=2_131)]), format="json")
    assert response.status_code == 201  # a draft may be saved; it cannot be proposed
    body = response.json()
    assert cells_of(body)[("KZ-B", "3")] == (248, 199, -49, 220, 0)
    assert body["outcome"]["can_propose"] is False
    [problem] = body["outcome"]["problems"]
    assert problem["check"] == CHECK_ABOVE_HELD and "KZ-B/3 (199 < 220 reserved + used)" in problem["message"]
    assert "KZ-A/3" not in problem["message"]
    assert client_for(ministry_user).get(f"{URL}{body['id']}/").json()["outcome"]["problems"] == [problem]
    response = ministry.post(f"{URL}{body['id']}/propose/")
    assert response.status_code == 409 and codes(response) == [CODE_CHECKS_FAILED]
    assert "KZ-B/3" in response.json()["errors"][0]["message"]
    assert QuotaCell.objects.get(year=2016, kind="regional", region__code="KZ-B", category="3").allocated == 248


def test_who_reads_and_who_writes(client_for, world, ministry_user, ministry_2, plan_2016):
    approved = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 6, 1),
        reason="Order No. 1",
        changes=[move(5, None, ("KZ-B", "4"))],
        actor=ministry_user,
    )
    amendment_approve(amendment=amendment_propose(amendment=approved, actor=ministry_user), actor=ministry_2)
    draft = amendment_create(
        plan=plan_2016,
        effective_date=date(2016, 7, 1),
        reason="Order No. 2",
        changes=[scale("3", target=2_131)],
        actor=ministry_user,
    )
    draft_url, approved_url = f"{URL}{draft.pk}/", f"{URL}{approved.pk}/"
    body = new_amendment(plan_2016, [scale("3", target=2_000)])

    for role in ("official_1", "official_2", "auditor"):
        reader = client_for(world.users[role])
        listed = reader.get(URL).json()
        world_draft = world.objects["quota_amendment"].pk
        assert [row["id"] for row in listed["results"]] == [draft.pk, approved.pk, world_draft], role  # newest first
        assert reader.get(draft_url).json()["outcome"]["can_propose"] is True, role
        assert cells_of(reader.get(approved_url).json()) == {
            ("KZ-B", "4"): (70, 75, 5, 0, 0),
            (None, None): (4_138, 4_133, -5, 0, 0),
        }
        assert reader.post(URL, body, format="json").status_code == 403, role
        assert reader.patch(draft_url, {"reason": "x"}, format="json").status_code == 403, role
        for step in ("propose", "override", "confirm-override"):
            assert reader.post(f"{draft_url}{step}/", {"reason": "x"}, format="json").status_code == 403, (role, step)

    employer = client_for(world.users["employer_a"])
    assert [row["id"] for row in employer.get(URL).json()["results"]] == [approved.pk]
    assert employer.get(approved_url).json()["status"] == "approved"
    assert employer.get(draft_url).status_code == 404
    assert employer.get(URL, {"status": "draft"}).json()["count"] == 0
    assert employer.post(URL, body, format="json").status_code == 403
    assert employer.post(f"{draft_url}propose/").status_code == 403

    administrator = client_for(world.users["administrator"])
    assert administrator.get(URL).status_code == 403
    assert administrator.get(approved_url).status_code == 403
    assert administrator.post(URL, body, format="json").status_code == 403
    assert client_for(world.users["auditor"]).post(f"{approved_url}approve/").status_code == 403
    assert client_for(world.users["official_1"]).post(f"{draft_url}return/", {"reason": "x"}).status_code == 403
    assert QuotaAmendment.objects.get(pk=draft.pk).reason == "Order No. 2"


def test_list_query_count_does_not_grow_with_amendments(
    client_for, world, ministry_user, plan_2016, django_assert_max_num_queries
):
    client = client_for(world.users["official_1"])

    def draft(n):
        changes = [move(1, None, ("KZ-A", "3")), scale("4", region="KZ-B", target=60 + n)]
        amendment_create(
            plan=plan_2016, effective_date=date(2016, 6, 1), reason=f"draft {n}", changes=changes, actor=ministry_user
        )

    draft(0)
    with django_assert_max_num_queries(8):
        assert client.get(URL).json()["count"] == 2  # with the world's draft
    for n in range(1, 21):
        draft(n)
    with django_assert_max_num_queries(8):
        assert client.get(URL).json()["count"] == 22


def test_a_reserve_and_a_cap_change_through_the_api(ministry_user, ministry_2, golden_regions, refinery, client_for):
    from tests.quota.factories import china

    quota_policy()
    plan = approved_plan(
        year=2016,
        demand={"KZ-A": (0, 0, 1_000, 0, 0)},
        labour_force=1_000_000,
        proposer=ministry_user,
        approver=ministry_2,
        reserves=[(refinery, golden_regions["KZ-A"], "3", 500)],
        caps=[(china(), 300)],
    )
    changes = [
        {"kind": "reserve", "project": "atyrau-refinery", "region": "KZ-A", "category": "3", "target": 450},
        {"kind": "cap", "country": "CN", "target": 200},
    ]
    created = client_for(ministry_user).post(URL, new_amendment(plan, changes), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["changes"][0]["project"] == "atyrau-refinery" and body["changes"][1]["country"] == "CN"
    cells = {(c["kind"], c["project"] or c["country"]): (c["before"], c["after"]) for c in body["cells"]}
    assert cells == {("project", "atyrau-refinery"): (500, 450), ("country", "CN"): (300, 200)}
    assert body["outcome"]["can_propose"] is True

    bad = client_for(ministry_user).post(
        URL, new_amendment(plan, [{"kind": "cap", "country": "ZZZ", "target": "x"}]), format="json"
    )
    assert bad.status_code == 400 and fields(bad) >= {"changes.0.country", "changes.0.target"}
