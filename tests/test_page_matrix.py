"""The permission matrix over every page route, as every role, and the meta-test that keeps it complete."""

import pytest
from django.http import HttpResponse
from django.urls import path

from tests.page_expectations import PAGE_EXPECTATIONS
from tests.page_permissions import (
    PageExpect,
    all_routes,
    assert_every_route_declared,
    check_page,
    signed_in,
)
from tests.permissions import MATRIX_ROLES

CASES = [
    (method, route, role)
    for method, route in sorted(PAGE_EXPECTATIONS, key=lambda key: (key[1], key[0]))
    for role in MATRIX_ROLES
]


def test_every_page_route_has_a_declared_expectation():
    assert_every_route_declared(all_routes(), PAGE_EXPECTATIONS)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "route", "role"), CASES, ids=lambda value: value or "/")
def test_page_matrix(world, method, route, role):
    check_page(world, method, route, PAGE_EXPECTATIONS[(method, route)], role)


# Proofs that the meta-test and the check catch what they exist to catch: this module is also a URL configuration,
# with a new route nobody declared, an employer page that forgets its gate and `visible_to` (200 for everyone) and
# an employer list that forgets `visible_to`.
def _ungated_page(request, pk=None):
    return HttpResponse("every employer, for everyone")


def _leaky_list(request):
    from employers.models import Employer

    return HttpResponse(", ".join(Employer.objects.values_list("name", flat=True)))


urlpatterns = [
    path("", _ungated_page),
    path("employers/", _leaky_list),
    path("quota/new-page/<int:pk>/", _ungated_page),
    path("employers/<int:pk>/", _ungated_page),
    path("accounts/login/", _ungated_page, name="login"),  # where LOGIN expects anonymous visitors to be sent
]
EMPLOYER_DETAIL = ("GET", "employers/<int:pk>/")


def test_meta_test_flags_an_undeclared_route_a_stale_expectation_and_a_stale_skip():
    home = PAGE_EXPECTATIONS[("GET", "")]
    declared = {("GET", ""): home, EMPLOYER_DETAIL: home, ("GET", "employers/"): home, ("GET", "gone/"): home}
    declared[("GET", "accounts/login/")] = home
    with pytest.raises(AssertionError) as caught:
        assert_every_route_declared(all_routes(__name__), declared, skipped={"admin/": "the admin"})
    report = str(caught.value)
    assert "page routes without a declared expectation" in report and "quota/new-page/<int:pk>/" in report
    assert "expectations for page routes that no longer exist: gone/" in report
    assert "skipped prefixes that match no route: admin/" in report
    del declared[("GET", "gone/")]
    declared[("POST", "quota/new-page/<int:pk>/")] = home
    assert_every_route_declared(all_routes(__name__), declared, skipped={})


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("role", "complaint"),
    [
        ("anonymous", "expected 302 to /accounts/login/, got 200"),
        ("employer_b", "expected 404, got 200"),
        ("official_2", "expected 404, got 200"),
        ("administrator", "expected 403, got 200"),
    ],
)
def test_check_flags_a_page_without_gate_or_scope(world, role, complaint):
    with pytest.raises(AssertionError, match=complaint):
        check_page(world, *EMPLOYER_DETAIL, PAGE_EXPECTATIONS[EMPLOYER_DETAIL], role)


def test_an_expectation_must_declare_every_role():
    with pytest.raises(ValueError, match="missing"):
        PageExpect(outcomes={"anonymous": 200})
    with pytest.raises(ValueError, match="unknown roles"):
        signed_in(200, visitor=200)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_check_flags_a_list_that_shows_out_of_scope_rows(world):
    expect = PAGE_EXPECTATIONS[("GET", "employers/")]
    with pytest.raises(
        AssertionError, match=r"as employer_b: shows out-of-scope employer_a\.name 'Astana Builders LLP'"
    ):
        check_page(world, "GET", "employers/", expect, "employer_b")
    check_page(world, "GET", "employers/", expect, "ministry")  # the control: in scope, shown, no false alarm
