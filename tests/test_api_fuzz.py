"""Property-based fuzzing of every API operation from its own OpenAPI schema (schemathesis, in process).

Whatever a client sends — NUL bytes, 10,000-character strings, huge integers, impossible dates —
no operation answers 500, and every answer is one its schema documents: a documented status code and
media type, and a body that validates against the response schema (null only where the schema says
nullable, enums and formats as declared). The signed-in caller is a ministry official (the widest write rights);
the token endpoints are left out (fuzzing logins trips the lock-out, and logout ends the token).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application).exclude(path_regex=r"^/api/v1/auth/")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def ministry_token(world):
    return AuthToken.objects.create(world.users["ministry"])[1]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calling the WSGI app directly fires request_started/finished, which close the test's database
    connection; Django's own test client disconnects that handler in the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_as_its_schema_says(case, ministry_token):
    case.call_and_validate(headers={"Authorization": f"Token {ministry_token}"}, checks=CHECKS)
