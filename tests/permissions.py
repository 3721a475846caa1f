"""The permission-matrix test base (DOMAIN §10, STYLE.md "a permission matrix per endpoint").

For one API operation and the fixtures of `world`, `check_operation` calls the endpoint as every
role — anonymous, employer A, employer B, regional officials of two regions, ministry official,
auditor, administrator — each with a real API token, and compares each answer with the outcome the
operation declares for that role:

    ALLOW            2xx (own or in-scope object)
    HIDDEN           404 (another employer's / region's object: it must look absent)
    FORBIDDEN        403 (wrong role)
    UNAUTHENTICATED  401 with WWW-Authenticate (no credentials)
    an int           exactly that status (e.g. 400 for the token endpoint without valid credentials)

For a list that a role may read, the answer's `count` must equal the scoped database count
(`scope(user)`), and every row on the page must be in scope. Each role's call runs in a savepoint
that is rolled back, so writes by one role never change what the next one sees. All mismatches
are collected and raised together as one AssertionError.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from knox.models import AuthToken
from rest_framework.test import APIClient

ANONYMOUS = "anonymous"
EMPLOYER_A = "employer_a"
EMPLOYER_B = "employer_b"
OFFICIAL_1 = "official_1"
OFFICIAL_2 = "official_2"
MINISTRY = "ministry"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"

SIGNED_IN_ROLES = (EMPLOYER_A, EMPLOYER_B, OFFICIAL_1, OFFICIAL_2, MINISTRY, AUDITOR, ADMINISTRATOR)
MATRIX_ROLES = (ANONYMOUS, *SIGNED_IN_ROLES)

ALLOW = "allow"
HIDDEN = 404
FORBIDDEN = 403
UNAUTHENTICATED = 401


@dataclass
class World:
    """Users by matrix role, and named objects that expectations refer to (`target="employer_a"`)."""

    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Expect:
    outcomes: Mapping[str, str | int]
    target: str | None = None  # the world object whose attributes fill the path's {parameters}
    data: Callable[[World, str], dict] | None = None  # request body for (world, role)
    scope: Callable[[Any], Any] | None = None  # list operations: user -> QuerySet of in-scope rows
    row_key: str = "id"  # the row field that identifies a scoped object (its attribute of the same name)

    def __post_init__(self):
        declared = set(self.outcomes)
        missing, unknown = set(MATRIX_ROLES) - declared, declared - set(MATRIX_ROLES)
        if missing or unknown:
            raise ValueError(f"declare every matrix role exactly: missing {sorted(missing)}, unknown {sorted(unknown)}")


def everyone(outcome, **overrides) -> dict[str, str | int]:
    """Every signed-in role gets `outcome`, anonymous 401; keyword arguments override single roles."""
    outcomes: dict[str, str | int] = dict.fromkeys(SIGNED_IN_ROLES, outcome)
    outcomes[ANONYMOUS] = UNAUTHENTICATED
    unknown = set(overrides) - set(MATRIX_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    outcomes.update(overrides)
    return outcomes


def only(outcome, *roles, others=FORBIDDEN) -> dict[str, str | int]:
    """`roles` get `outcome`, the other signed-in roles `others`, anonymous 401."""
    return everyone(others, **dict.fromkeys(roles, outcome))


def fill_path(template: str, world: World, target: str | None) -> str:
    names = re.findall(r"\{(\w+)\}", template)
    if names and target is None:
        raise ValueError(f"{template} has parameters but its expectation names no target")
    obj = world.objects[target] if target else None
    return re.sub(r"\{(\w+)\}", lambda m: str(getattr(obj, m.group(1))), template)


def _client_for(world: World, role: str) -> APIClient:
    client = APIClient()
    if role != ANONYMOUS:
        _, token = AuthToken.objects.create(user=world.users[role])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _check_error_format(response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return "4xx answer is not JSON"
    items = body.get("errors") if isinstance(body, dict) else None
    if not items or set(body) != {"errors"} or any(set(item) != {"field", "code", "message"} for item in items):
        return f"4xx answer is not in the error format: {body!r}"
    return None


def _check_list(response, expect: Expect, user) -> list[str]:
    body = response.json()
    scoped = expect.scope(user)
    problems = []
    if body.get("count") != scoped.count():
        problems.append(f"list count {body.get('count')} != scoped database count {scoped.count()}")
    in_scope = {str(value) for value in scoped.values_list(expect.row_key, flat=True)}
    leaked = [
        row.get(expect.row_key) for row in body.get("results", []) if str(row.get(expect.row_key)) not in in_scope
    ]
    if leaked:
        problems.append(f"list shows out-of-scope rows {leaked}")
    return problems


def check_operation(world: World, method: str, path_template: str, expect: Expect) -> None:
    """Call the operation as every matrix role; raise one AssertionError listing every mismatch."""
    method = method.upper()
    path = fill_path(path_template, world, expect.target)
    problems = []
    for role in MATRIX_ROLES:
        wanted = expect.outcomes[role]
        with transaction.atomic():
            client = _client_for(world, role)
            data = expect.data(world, role) if expect.data else None
            response = client.generic(method, path, **_body(data))
            role_problems = _check_response(response, wanted, expect, world.users.get(role), method)
            transaction.set_rollback(True)
        problems += [f"{method} {path} as {role}: {problem}" for problem in role_problems]
    if problems:
        raise AssertionError("permission matrix mismatch:\n  " + "\n  ".join(problems))


def _body(data) -> dict:
    if data is None:
        return {}
    import json

    return {"data": json.dumps(data), "content_type": "application/json"}


def _check_response(response, wanted, expect: Expect, user, method: str) -> list[str]:
    status = response.status_code
    if wanted == ALLOW:
        if not 200 <= status < 300:
            return [f"expected success, got {status} {response.content[:200]!r}"]
        if expect.scope is not None and method == "GET":
            return _check_list(response, expect, user)
        return []
    if status != wanted:
        return [f"expected {wanted}, got {status} {response.content[:200]!r}"]
    problems = []
    if status >= 400:
        problem = _check_error_format(response)
        if problem:
            problems.append(problem)
    if status == UNAUTHENTICATED and not response.get("WWW-Authenticate"):
        problems.append("401 without a WWW-Authenticate header")
    return problems


def schema_operations(schema: dict) -> set[tuple[str, str]]:
    """(METHOD, path template) of every operation of an OpenAPI document."""
    methods = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in methods
    }


def assert_every_operation_declared(schema: dict, expectations: Mapping[tuple[str, str], Expect]) -> None:
    """The meta-test: every operation of the schema has a declared expectation, and no expectation is stale."""
    operations = schema_operations(schema)
    undeclared = sorted(operations - set(expectations))
    stale = sorted(set(expectations) - operations)
    message = []
    if undeclared:
        message.append(
            "operations without a declared permission expectation (add them to "
            "tests/permission_expectations.py): " + ", ".join(f"{m} {p}" for m, p in undeclared)
        )
    if stale:
        message.append("expectations for operations that no longer exist: " + ", ".join(f"{m} {p}" for m, p in stale))
    if message:
        raise AssertionError("\n".join(message))
