"""The permission matrix over every API operation, and the meta-test that keeps it complete."""

import pytest

from tests.permission_expectations import EXPECTATIONS
from tests.permissions import assert_every_operation_declared, check_operation

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_of_the_schema_has_a_declared_expectation(schema):
    assert_every_operation_declared(schema, EXPECTATIONS)


@pytest.mark.parametrize("operation", sorted(EXPECTATIONS), ids=lambda op: f"{op[0]} {op[1]}")
def test_permission_matrix(world, operation):
    check_operation(world, *operation, EXPECTATIONS[operation])
