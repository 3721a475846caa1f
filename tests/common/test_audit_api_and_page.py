"""The audit trail through the API and the page: filters, verification, read-only (Step 3, items 1 and 4)."""

import pytest
from django.utils import timezone

from common.audit import record_event
from common.models import AuditEvent
from tests.common.tampering import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(ministry_user, administrator_user, region_1, region_2):
    return [
        record_event(actor=ministry_user, action="region.renamed", obj=region_1, before={"a": 1}, after={"a": 2}),
        record_event(actor=administrator_user, action="user.created", obj=administrator_user, after={"role": "x"}),
        record_event(actor=None, action="reference.loaded", after={"rows": 20}),
    ]


def test_list_is_newest_first_with_before_and_after(as_user, auditor_user, events):
    body = as_user(auditor_user).get("/api/v1/audit-trail/").json()
    assert [row["sequence"] for row in body["results"]] == [3, 2, 1]
    first = body["results"][-1]
    assert (first["action"], first["before"], first["after"]) == ("region.renamed", {"a": 1}, {"a": 2})
    assert first["object_type"] == "common.region"
    assert first["actor_username"] == "ministry"
    assert body["results"][0]["actor"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=user.", [2]),
        ("object_type=common.region", [1]),
        ("actor_username=administrator", [2]),
    ],
)
def test_filters(as_user, ministry_user, events, query, expected):
    body = as_user(ministry_user).get(f"/api/v1/audit-trail/?{query}").json()
    assert [row["sequence"] for row in body["results"]] == expected


def test_filter_by_period_and_bad_dates(as_user, ministry_user, events):
    today = timezone.localdate(events[0].occurred_at).isoformat()  # the filters take Almaty dates, not UTC ones
    client = as_user(ministry_user)
    assert client.get(f"/api/v1/audit-trail/?occurred_from={today}&occurred_to={today}").json()["count"] == 3
    assert client.get("/api/v1/audit-trail/?occurred_to=2000-01-01").json()["count"] == 0
    response = client.get("/api/v1/audit-trail/?occurred_from=2026-02-30")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "occurred_from"


def test_verify_endpoint_names_the_broken_link(as_user, auditor_user, events):
    client = as_user(auditor_user)
    assert client.get("/api/v1/audit-trail/verify/").json() == {
        "intact": True,
        "checked": 3,
        "first_broken_sequence": None,
        "code": None,
        "message": "intact",
    }
    tamper("UPDATE common_auditevent SET after = %s WHERE sequence = 2", ['{"role": "administrator"}'])
    body = client.get("/api/v1/audit-trail/verify/").json()
    assert (body["intact"], body["first_broken_sequence"], body["code"]) == (False, 2, "content_hash_mismatch")


def test_nobody_can_write_the_trail_through_the_api(as_user, ministry_user, events):
    client = as_user(ministry_user)
    assert client.post("/api/v1/audit-trail/", {}).status_code == 405
    assert client.delete("/api/v1/audit-trail/1/").status_code == 405
    assert client.patch("/api/v1/audit-trail/1/", {"reason": "x"}).status_code == 405
    assert AuditEvent.objects.count() == 3


def test_page_lists_events_and_verifies(client, auditor_user, events):
    client.force_login(auditor_user)
    page = client.get("/audit-trail/?action=region")
    content = page.content.decode()
    assert page.status_code == 200
    assert "<code>region.renamed</code>" in content and "<code>user.created</code>" not in content
    response = client.post("/audit-trail/verify/", follow=True)
    assert "The audit trail is intact: 3 events checked." in response.content.decode()


def test_page_reports_a_broken_chain(client, ministry_user, events):
    tamper("DELETE FROM common_auditevent WHERE sequence = 1")
    client.force_login(ministry_user)
    content = client.post("/audit-trail/verify/", follow=True).content.decode()
    assert "The audit trail is BROKEN at event 1" in content


@pytest.mark.parametrize("role_fixture", ["employer_a_user", "official_1", "administrator_user"])
def test_page_is_refused_to_other_roles(client, request, role_fixture, events):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get("/audit-trail/").status_code == 403
    assert client.post("/audit-trail/verify/").status_code == 403


@pytest.mark.parametrize("actor", [str(2**64), "-1", "1.5", "abc"])
def test_out_of_range_actor_filter_is_a_400(as_user, ministry_user, events, actor):
    response = as_user(ministry_user).get(f"/api/v1/audit-trail/?actor={actor}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "actor"
