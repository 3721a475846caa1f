"""Proof that the matrix helper and the meta-test catch what they exist to catch.

Deliberately broken viewsets are served at the real paths (this module is the URL conf of these
tests): the helper, run with the real declared expectations, must raise AssertionError. A helper
that passed them would pass anything, so these tests pass only when it fails.
"""

import pytest
from django.urls import include, path
from rest_framework import mixins, permissions, routers, viewsets

from common.permissions import DOMAIN_PERMISSIONS
from employers.api.serializers import EmployerOutputSerializer
from employers.api.views import EmployerViewSet
from employers.models import Employer
from tests.permission_expectations import EXPECTATIONS
from tests.permissions import Expect, assert_every_operation_declared, check_operation, everyone

LIST = ("GET", "/api/v1/employers/")
DETAIL = ("GET", "/api/v1/employers/{id}/")


class ForgetsVisibleTo(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Right role gate, but every employer for everyone: the leak `visible_to` exists to prevent."""

    serializer_class = EmployerOutputSerializer
    permission_classes = DOMAIN_PERMISSIONS

    def get_queryset(self):
        return Employer.objects.all()


class ForgetsRoleGate(EmployerViewSet):
    """Scoped rows, but no role gate: administrators get an (empty) answer instead of 403."""

    permission_classes = [permissions.IsAuthenticated]


leaky, ungated, correct = routers.SimpleRouter(), routers.SimpleRouter(), routers.SimpleRouter()
leaky.register("employers", ForgetsVisibleTo, basename="leaky")
ungated.register("employers", ForgetsRoleGate, basename="ungated")
correct.register("employers", EmployerViewSet, basename="correct")

urlpatterns = [
    path("api/v1/", include(leaky.urls)),
    path("ungated/api/v1/", include(ungated.urls)),
    path("correct/api/v1/", include(correct.urls)),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_helper_flags_a_list_that_shows_out_of_scope_rows(world):
    with pytest.raises(AssertionError) as caught:
        check_operation(world, *LIST, EXPECTATIONS[LIST])
    report = str(caught.value)
    assert "as employer_a: list count 2 != scoped database count 1" in report
    assert "as official_2: list shows out-of-scope rows" in report
    assert "as ministry" not in report  # ministry may see every employer: no false alarm


def test_helper_flags_a_detail_that_shows_another_employers_record(world):
    with pytest.raises(AssertionError) as caught:
        check_operation(world, *DETAIL, EXPECTATIONS[DETAIL])
    report = str(caught.value)
    assert "as employer_b: expected 404, got 200" in report
    assert "as official_2: expected 404, got 200" in report


def test_helper_flags_a_missing_role_gate(world):
    with pytest.raises(AssertionError, match="as administrator: expected 403, got 200"):
        check_operation(world, "GET", "/ungated/api/v1/employers/", EXPECTATIONS[LIST])


def test_the_same_expectations_pass_on_the_correct_view(world):
    # The control: the failures above come from the broken views, not from the helper or the world.
    check_operation(world, "GET", "/correct/api/v1/employers/", EXPECTATIONS[LIST])
    check_operation(world, "GET", "/correct/api/v1/employers/{id}/", EXPECTATIONS[DETAIL])


def test_meta_test_flags_an_operation_without_expectation():
    schema = {"paths": {"/api/v1/employers/": {"get": {}}, "/api/v1/new-thing/": {"post": {}, "parameters": []}}}
    declared = {LIST: EXPECTATIONS[LIST]}
    with pytest.raises(AssertionError, match=r"without a declared permission expectation.*POST /api/v1/new-thing/"):
        assert_every_operation_declared(schema, declared)
    declared[("POST", "/api/v1/new-thing/")] = Expect(outcomes=everyone(403))
    assert_every_operation_declared(schema, declared)


def test_an_expectation_must_declare_every_role():
    with pytest.raises(ValueError, match="missing"):
        Expect(outcomes={"anonymous": 401})
