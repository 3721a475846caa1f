"""Minimal employers: BIN validation, scoping (visible_to) and /api/v1/employers/ (Step 2, items 2, 4, 6)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import include, path
from rest_framework import mixins, routers, viewsets

from common.permissions import DOMAIN_PERMISSIONS
from common.roles import MINISTRY_OFFICIAL
from common.validators import MESSAGE_BIN_CHECK_DIGIT
from employers.api.serializers import EmployerOutputSerializer
from employers.models import Employer
from employers.services import MESSAGE_CANNOT_CREATE_EMPLOYER, employer_create
from tests.common.factories import UserFactory, regional_official
from tests.employers.factories import EmployerFactory, employer_user

pytestmark = pytest.mark.django_db


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------
# BIN and the service
# ---------------------------------------------------------------------------------------------
def test_employer_create_validates_the_bin(ministry_user, region_1):
    employer = employer_create(bin="981140001551", name="Telecom JSC", regions=[region_1], actor=ministry_user)
    assert list(employer.regions.all()) == [region_1]
    with pytest.raises(ValidationError) as caught:
        employer_create(bin="981140001552", name="Typo LLP", regions=[region_1], actor=ministry_user)
    assert caught.value.message_dict == {"bin": [str(MESSAGE_BIN_CHECK_DIGIT)]}
    with pytest.raises(ValidationError) as caught:
        employer_create(bin="981140001551", name="Twin LLP", regions=[region_1], actor=ministry_user)
    assert "bin" in caught.value.message_dict  # unique


def test_only_ministry_officials_register_employers_for_now(official_1, region_1):
    with pytest.raises(PermissionDenied) as caught:
        employer_create(bin="981140001551", name="X", regions=[region_1], actor=official_1)
    assert str(caught.value) == str(MESSAGE_CANNOT_CREATE_EMPLOYER)


def test_the_database_refuses_a_bin_of_another_length(region_1):
    with pytest.raises(IntegrityError), transaction.atomic():
        Employer.objects.create(bin="12345", name="Short LLP")


# ---------------------------------------------------------------------------------------------
# visible_to (DOMAIN §10 "sees")
# ---------------------------------------------------------------------------------------------
def test_visible_to_each_role(world):
    a, b = world.objects["employer_a"], world.objects["employer_b"]
    both = EmployerFactory(regions=[world.objects["region_1"], world.objects["region_2"]])
    expected = {
        "employer_a": {a.pk},
        "employer_b": {b.pk},
        "official_1": {a.pk, both.pk},
        "official_2": {b.pk, both.pk},
        "ministry": {a.pk, b.pk, both.pk},
        "auditor": {a.pk, b.pk, both.pk},
        "administrator": set(),
    }
    for role, wanted in expected.items():
        assert ids(Employer.objects.visible_to(world.users[role])) == wanted, role


def test_an_official_of_two_regions_sees_each_employer_once(world):
    official = regional_official(world.objects["region_1"], world.objects["region_2"])
    EmployerFactory(regions=[world.objects["region_1"], world.objects["region_2"]])
    visible = Employer.objects.visible_to(official)
    assert visible.count() == len(ids(visible)) == 3


def test_nobody_without_a_role_or_active_account_sees_employers(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Employer.objects.visible_to(AnonymousUser()).exists()
    assert not Employer.objects.visible_to(UserFactory()).exists()
    assert not Employer.objects.visible_to(UserFactory(role=MINISTRY_OFFICIAL, is_active=False)).exists()
    unlinked = UserFactory(role="employer")
    assert not Employer.objects.visible_to(unlinked).exists()


# ---------------------------------------------------------------------------------------------
# /api/v1/employers/
# ---------------------------------------------------------------------------------------------
def test_api_detail_shows_the_record(as_user, world):
    a = world.objects["employer_a"]
    body = as_user(world.users["official_1"]).get(f"/api/v1/employers/{a.pk}/").json()
    assert body["bin"] == a.bin and body["name"] == "Astana Builders LLP" and body["regions"] == ["KZ-71"]


def test_api_filters_within_the_scope(as_user, world):
    client = as_user(world.users["ministry"])
    assert [r["name"] for r in client.get("/api/v1/employers/", {"region": "KZ-75"}).json()["results"]] == [
        "Almaty Traders LLP"
    ]
    assert client.get("/api/v1/employers/", {"bin": world.objects["employer_a"].bin}).json()["count"] == 1
    assert client.get("/api/v1/employers/", {"name": "builders"}).json()["count"] == 1
    # A filter never widens the scope: region 2 seen by region 1's official is empty.
    assert as_user(world.users["official_1"]).get("/api/v1/employers/", {"region": "KZ-75"}).json()["count"] == 0


def test_api_list_query_count_does_not_grow_with_employers(as_user, world, django_assert_max_num_queries):
    client = as_user(world.users["ministry"])
    with django_assert_max_num_queries(7):
        client.get("/api/v1/employers/")
    for _ in range(10):
        employer = EmployerFactory(regions=[world.objects["region_1"], world.objects["region_2"]])
        employer_user(employer)
    with django_assert_max_num_queries(7):
        assert client.get("/api/v1/employers/").json()["count"] == 12


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------
def test_pages_are_scoped_like_the_api(client, world):
    a, b = world.objects["employer_a"], world.objects["employer_b"]
    client.force_login(world.users["official_1"])
    content = client.get("/employers/").content.decode()
    assert "Astana Builders LLP" in content and "Almaty Traders LLP" not in content
    assert client.get(f"/employers/{a.pk}/").status_code == 200
    assert client.get(f"/employers/{b.pk}/").status_code == 404
    client.force_login(world.users["employer_b"])
    assert client.get(f"/employers/{a.pk}/").status_code == 404
    client.force_login(world.users["administrator"])
    assert client.get("/employers/").status_code == 403


# ---------------------------------------------------------------------------------------------
# Auditors change no domain data (a writable probe: no domain endpoint writes yet)
# ---------------------------------------------------------------------------------------------
class WritableEmployers(mixins.ListModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = EmployerOutputSerializer
    permission_classes = DOMAIN_PERMISSIONS

    def get_queryset(self):
        return Employer.objects.visible_to(self.request.user)


router = routers.SimpleRouter()
router.register("employers", WritableEmployers, basename="writable")
urlpatterns = [path("api/v1/", include(router.urls))]


@pytest.mark.urls(__name__)
def test_auditors_get_403_on_any_domain_write_even_where_they_can_read(as_user, world):
    a = world.objects["employer_a"]
    auditor = as_user(world.users["auditor"])
    assert auditor.get("/api/v1/employers/").status_code == 200
    response = auditor.patch(f"/api/v1/employers/{a.pk}/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert as_user(world.users["ministry"]).patch(f"/api/v1/employers/{a.pk}/", {}, format="json").status_code == 200
