"""Roles and their management: common.roles, the user services, /api/v1/users/ and /api/v1/me/ (Step 2, items 2, 6)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from knox.models import AuthToken

from common.models import RegionalOfficialProfile
from common.roles import (
    ADMINISTRATOR,
    AUDITOR,
    EMPLOYER,
    MINISTRY_OFFICIAL,
    REGIONAL_OFFICIAL,
    user_region_ids,
    user_role,
)
from common.services import (
    MESSAGE_CANNOT_CHANGE_OWN_ROLE,
    MESSAGE_CANNOT_DEACTIVATE_SELF,
    MESSAGE_LINK_NOT_FOR_ROLE,
    MESSAGE_LINK_REQUIRED,
    MESSAGE_REGIONS_ONLY_FOR_OFFICIALS,
    MESSAGE_REGIONS_REQUIRED,
    user_create,
    user_deactivate,
    user_update,
)
from employers.models import EmployerMembership
from employers.selectors import employer_of_user
from tests.common.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-2026"


def field_errors(response) -> dict:
    return {item["field"]: item["message"] for item in response.json()["errors"]}


# ---------------------------------------------------------------------------------------------
# common.roles
# ---------------------------------------------------------------------------------------------
def test_role_is_the_one_role_group(region_1, region_2):
    official = UserFactory(role=REGIONAL_OFFICIAL, regions=[region_1, region_2])
    assert user_role(official) == REGIONAL_OFFICIAL
    assert user_region_ids(official) == {region_1.pk, region_2.pk}
    assert user_region_ids(UserFactory(role=MINISTRY_OFFICIAL)) == frozenset()


def test_no_role_two_roles_or_deactivated_mean_no_role():
    assert user_role(UserFactory()) is None
    both = UserFactory(role=AUDITOR)
    both.groups.add(Group.objects.get(name=MINISTRY_OFFICIAL))
    assert user_role(both) is None  # a broken invariant gives least privilege, not the stronger role
    inactive = UserFactory(role=AUDITOR, is_active=False)
    assert user_role(inactive) is None


def test_a_superuser_without_a_role_administers_users_only(django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@kvota.example", PASSWORD)
    assert user_role(root) == ADMINISTRATOR


def test_the_migration_created_the_five_role_groups():
    names = set(Group.objects.values_list("name", flat=True))
    assert {EMPLOYER, REGIONAL_OFFICIAL, MINISTRY_OFFICIAL, AUDITOR, ADMINISTRATOR} <= names


# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------
def test_create_a_regional_official_with_regions(administrator_user, region_1):
    arguments = {"username": "official.new", "password": NEW_PASSWORD, "role": REGIONAL_OFFICIAL}
    user = user_create(**arguments, regions=[region_1], actor=administrator_user)
    assert user_role(user) == REGIONAL_OFFICIAL
    assert user_region_ids(user) == {region_1.pk}
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("role", "extra", "field", "message"),
    [
        (REGIONAL_OFFICIAL, {}, "regions", MESSAGE_REGIONS_REQUIRED),
        (AUDITOR, {"regions": "region"}, "regions", MESSAGE_REGIONS_ONLY_FOR_OFFICIALS),
        (EMPLOYER, {}, "employer", MESSAGE_LINK_REQUIRED),
        (AUDITOR, {"links": "employer"}, "employer", MESSAGE_LINK_NOT_FOR_ROLE),
    ],
)
def test_role_inputs_must_fit_the_role(administrator_user, region_1, employer_a, role, extra, field, message):
    arguments = {"regions": [region_1]} if extra.get("regions") else {}
    if extra.get("links"):
        arguments["links"] = {"employer": employer_a}
    with pytest.raises(ValidationError) as caught:
        user_create(username="x.y", password=NEW_PASSWORD, role=role, actor=administrator_user, **arguments)
    assert caught.value.message_dict == {field: [str(message)]}


def test_password_validators_apply(administrator_user):
    with pytest.raises(ValidationError) as caught:
        user_create(username="weak", password="12345", role=AUDITOR, actor=administrator_user)
    assert "password" in caught.value.message_dict
    with pytest.raises(ValidationError):
        user_create(username="weak", password="password1234", role=AUDITOR, actor=administrator_user)


@pytest.mark.parametrize("actor_fixture", ["ministry_user", "auditor_user", "official_1", "employer_a_user"])
def test_only_administrators_manage_users(request, actor_fixture):
    actor = request.getfixturevalue(actor_fixture)
    with pytest.raises(PermissionDenied):
        user_create(username="x.y", password=NEW_PASSWORD, role=AUDITOR, actor=actor)


def test_changing_the_role_drops_the_old_regions_and_link(administrator_user, official_1, employer_a_user, employer_b):
    user_update(user=official_1, role=AUDITOR, actor=administrator_user)
    assert user_role(official_1) == AUDITOR
    assert not RegionalOfficialProfile.objects.filter(user=official_1).exists()

    user_update(user=employer_a_user, links={"employer": employer_b}, actor=administrator_user)
    assert employer_of_user(employer_a_user) == employer_b
    user_update(user=employer_a_user, role=MINISTRY_OFFICIAL, actor=administrator_user)
    assert user_role(employer_a_user) == MINISTRY_OFFICIAL
    assert not EmployerMembership.objects.filter(user=employer_a_user).exists()


def test_updating_details_keeps_the_role_and_regions(administrator_user, official_1, region_1):
    user_update(user=official_1, first_name="Dana", actor=administrator_user)
    official_1.refresh_from_db()
    assert official_1.first_name == "Dana"
    assert user_region_ids(official_1) == {region_1.pk}


def test_deactivation_stops_tokens_and_is_never_of_oneself(administrator_user, ministry_user):
    AuthToken.objects.create(user=ministry_user)
    user_deactivate(user=ministry_user, actor=administrator_user)
    ministry_user.refresh_from_db()
    assert ministry_user.is_active is False
    assert not AuthToken.objects.filter(user=ministry_user).exists()
    with pytest.raises(ValidationError) as caught:
        user_deactivate(user=administrator_user, actor=administrator_user)
    assert caught.value.messages == [str(MESSAGE_CANNOT_DEACTIVATE_SELF)]


def test_an_administrator_cannot_change_their_own_role(administrator_user):
    user_update(user=administrator_user, first_name="Askar", actor=administrator_user)  # details are fine
    with pytest.raises(ValidationError) as caught:
        user_update(user=administrator_user, role=AUDITOR, actor=administrator_user)
    assert caught.value.message_dict == {"role": [str(MESSAGE_CANNOT_CHANGE_OWN_ROLE)]}
    assert user_role(administrator_user) == ADMINISTRATOR


def test_a_deactivated_session_user_is_signed_out(client, ministry_user, administrator_user):
    client.force_login(ministry_user)
    assert client.get("/api/v1/me/").status_code == 200
    user_deactivate(user=ministry_user, actor=administrator_user)
    assert client.get("/api/v1/me/").status_code == 401


# ---------------------------------------------------------------------------------------------
# /api/v1/users/
# ---------------------------------------------------------------------------------------------
def test_api_creates_an_employer_user_linked_to_an_employer(as_user, administrator_user, employer_a):
    response = as_user(administrator_user).post(
        "/api/v1/users/",
        {"username": "new.employer", "password": NEW_PASSWORD, "role": EMPLOYER, "employer": employer_a.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["role"] == EMPLOYER
    assert body["employer"] == {"id": employer_a.pk, "bin": employer_a.bin, "name": employer_a.name}
    assert "password" not in body


def test_api_creates_a_regional_official_by_region_codes(as_user, administrator_user, region_1, region_2):
    response = as_user(administrator_user).post(
        "/api/v1/users/",
        {"username": "o.both", "password": NEW_PASSWORD, "role": REGIONAL_OFFICIAL, "regions": ["KZ-71", "KZ-75"]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["regions"] == ["KZ-71", "KZ-75"]


def test_api_answers_role_errors_by_field(as_user, administrator_user, employer_a):
    client = as_user(administrator_user)
    response = client.post(
        "/api/v1/users/", {"username": "n", "password": NEW_PASSWORD, "role": REGIONAL_OFFICIAL}, format="json"
    )
    assert response.status_code == 400
    assert field_errors(response) == {"regions": str(MESSAGE_REGIONS_REQUIRED)}
    response = client.post("/api/v1/users/", {"username": "n", "password": "short", "role": AUDITOR}, format="json")
    assert response.status_code == 400 and "password" in field_errors(response)
    response = client.post("/api/v1/users/", {"username": "n", "password": NEW_PASSWORD, "role": "king"}, format="json")
    assert response.status_code == 400 and "role" in field_errors(response)
    unknown_region = {"username": "n", "password": NEW_PASSWORD, "role": AUDITOR, "regions": ["KZ-99"]}
    response = client.post("/api/v1/users/", unknown_region, format="json")
    assert response.status_code == 400 and "regions" in field_errors(response)
    taken = {"username": "administrator", "password": NEW_PASSWORD, "role": AUDITOR}
    response = client.post("/api/v1/users/", taken, format="json")
    assert response.status_code == 400 and "username" in field_errors(response)


def test_api_changes_a_role_and_deactivates_but_never_deletes(as_user, administrator_user, official_1):
    client = as_user(administrator_user)
    response = client.patch(f"/api/v1/users/{official_1.pk}/", {"role": MINISTRY_OFFICIAL}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == MINISTRY_OFFICIAL and response.json()["regions"] == []
    assert client.post(f"/api/v1/users/{official_1.pk}/deactivate/").json()["is_active"] is False
    assert client.delete(f"/api/v1/users/{official_1.pk}/").status_code == 405
    assert client.put(f"/api/v1/users/{official_1.pk}/", {}, format="json").status_code == 405
    assert client.post(f"/api/v1/users/{official_1.pk}/reactivate/").json()["is_active"] is True


def test_api_refuses_self_deactivation(as_user, administrator_user):
    response = as_user(administrator_user).post(f"/api/v1/users/{administrator_user.pk}/deactivate/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == str(MESSAGE_CANNOT_DEACTIVATE_SELF)


def test_api_filters_users_by_role_and_search(as_user, world):
    client = as_user(world.users["administrator"])
    body = client.get("/api/v1/users/", {"role": REGIONAL_OFFICIAL}).json()
    assert sorted(row["username"] for row in body["results"]) == ["official.1", "official.2"]
    body = client.get("/api/v1/users/", {"q": "employer."}).json()
    assert sorted(row["username"] for row in body["results"]) == ["employer.a", "employer.b"]
    assert client.get("/api/v1/users/", {"role": "king"}).status_code == 400


def test_users_list_query_count_does_not_grow_with_users(as_user, world, django_assert_max_num_queries):
    client = as_user(world.users["administrator"])
    with django_assert_max_num_queries(9):
        small = client.get("/api/v1/users/")
    for n in range(10):
        UserFactory(role=REGIONAL_OFFICIAL, regions=[world.objects["region_1"]], username=f"extra{n}")
    with django_assert_max_num_queries(9):
        large = client.get("/api/v1/users/")
    assert large.json()["count"] == small.json()["count"] + 10


# ---------------------------------------------------------------------------------------------
# /api/v1/me/
# ---------------------------------------------------------------------------------------------
def test_me_for_each_role(as_user, world):
    official = as_user(world.users["official_1"]).get("/api/v1/me/").json()
    assert official["role"] == REGIONAL_OFFICIAL
    assert official["regions"] == [{"code": "KZ-71", "name": "Astana"}]
    assert official["employer"] is None
    employer = as_user(world.users["employer_a"]).get("/api/v1/me/").json()
    assert employer["role"] == EMPLOYER and employer["regions"] == []
    assert employer["employer"]["bin"] == world.objects["employer_a"].bin
    auditor = as_user(world.users["auditor"]).get("/api/v1/me/").json()
    assert (auditor["role"], auditor["role_label"], auditor["employer"]) == (AUDITOR, "Auditor", None)


def test_me_names_regions_in_the_language_of_the_request(as_user, official_1):
    body = as_user(official_1).get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="kk").json()
    assert body["regions"] == [{"code": "KZ-71", "name": "Астана қаласы"}]
