"""The page permission-matrix base (DOMAIN §10, STYLE.md "Pages are in the permission matrix too").

The API matrix (tests/permissions.py) calls every operation of the OpenAPI schema; this one requests every page
route of the URL configuration, as every matrix role of the same `world` fixture, signed in with a session
(`Client.force_login`), and compares the status with the one declared in tests/page_expectations.py:

    200, 403, 404, 405, ...  exactly that status
    LOGIN                    302 to the login page with ?next= (anonymous visitors of a signed-in page)
    REDIRECT                 302 anywhere else, with no error message (a step that succeeded)

A list page may also declare its scope (`out_of_scope`): an object's text that the out-of-scope roles must not
see and every other role answered 200 must. An exception raised by a view fails the test (the test client
re-raises it), so a 500 can never be declared. Routes come from `django.urls.get_resolver()`, minus the prefixes
of SKIPPED_ROUTES, each with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages as message_levels
from django.contrib.messages import get_messages
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.permissions import ANONYMOUS, MATRIX_ROLES, SIGNED_IN_ROLES, World

LOGIN = "login"
REDIRECT = "redirect"

# Prefixes of routes that are not pages of this matrix, and why. A prefix that matches no route is stale (meta-test).
SKIPPED_ROUTES: dict[str, str] = {
    "api/v1/": "the API: every operation of the OpenAPI schema is in the API matrix (tests/permission_expectations.py)",
    "^api/": "the catch-all answering 404 in the API error format to any unknown /api/ URL (tests/common/test_api.py)",
    settings.ADMIN_URL: "the Django admin: gated by is_staff and model permissions, not by domain roles",
    "i18n/": "Django's set_language: a public POST that stores the language choice and redirects; it reads no data",
    "healthz": "the operations probe: public JSON by design, 200 or 503 by the services (tests/common/test_health.py)",
}


@dataclass(frozen=True)
class PageExpect:
    outcomes: Mapping[str, int | str]
    # URL parameter -> "world_object.attribute", e.g. {"pk": "quota_plan.pk", "reserve_pk": "project_reserve.pk"}
    params: Mapping[str, str] | None = None
    # Runs for (world, role) inside the test's transaction before the request, to put the target in the state the
    # step needs (the API matrix's set-ups, tests/permission_expectations.py); what it returns is the POST body.
    setup: Callable[[World, str], dict | None] | None = None
    # A list's scope: ("world_object.attribute", roles) — the text must be absent from the page of those roles and
    # present on the 200 page of every other role, e.g. ("employer_a.name", {EMPLOYER_B, OFFICIAL_2}).
    out_of_scope: tuple[str, frozenset[str]] | None = None

    def __post_init__(self):
        declared = set(self.outcomes)
        missing, unknown = set(MATRIX_ROLES) - declared, declared - set(MATRIX_ROLES)
        if missing or unknown:
            raise ValueError(f"declare every matrix role exactly: missing {sorted(missing)}, unknown {sorted(unknown)}")


def page_roles(outcome, *roles, others=403, anonymous=LOGIN) -> dict[str, int | str]:
    """`roles` get `outcome`, the other signed-in roles `others`, anonymous visitors go to the login page."""
    outcomes: dict[str, int | str] = dict.fromkeys(SIGNED_IN_ROLES, others)
    outcomes.update(dict.fromkeys(roles, outcome))
    outcomes[ANONYMOUS] = anonymous
    return outcomes


def signed_in(outcome, anonymous=LOGIN, **overrides) -> dict[str, int | str]:
    """Every signed-in role gets `outcome` unless overridden by role name; anonymous visitors `anonymous`."""
    unknown = set(overrides) - set(SIGNED_IN_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    outcomes = page_roles(outcome, *SIGNED_IN_ROLES, anonymous=anonymous)
    outcomes.update(overrides)
    return outcomes


def _walk(patterns, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def all_routes(urlconf=None) -> list[str]:
    """Every route of the URL configuration as its joined pattern text, e.g. "quota/plans/<int:pk>/"."""
    return list(_walk(get_resolver(urlconf).url_patterns))


def page_routes(routes: list[str], skipped: Mapping[str, str] = SKIPPED_ROUTES) -> set[str]:
    return {route for route in routes if not any(route.startswith(prefix) for prefix in skipped)}


def assert_every_route_declared(
    routes: list[str], expectations: Mapping[tuple[str, str], PageExpect], skipped: Mapping[str, str] = SKIPPED_ROUTES
) -> None:
    """The meta-test: every page route has at least one declared (METHOD, route); no expectation or skip is stale."""
    pages = page_routes(routes, skipped)
    declared = {route for _method, route in expectations}
    message = []
    if undeclared := sorted(pages - declared):
        message.append(
            "page routes without a declared expectation (add them to tests/page_expectations.py, or to "
            "SKIPPED_ROUTES in tests/page_permissions.py with the reason): " + ", ".join(undeclared)
        )
    if stale := sorted(declared - pages):
        message.append("expectations for page routes that no longer exist: " + ", ".join(stale))
    if unused := sorted(prefix for prefix in skipped if not any(route.startswith(prefix) for route in routes)):
        message.append("skipped prefixes that match no route: " + ", ".join(unused))
    if message:
        raise AssertionError("\n".join(message))


def fill_route(route: str, world: World, params: Mapping[str, str] | None) -> str:
    """The path of a route with its <converter:name> parameters taken from world objects."""
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    missing = set(names) - set(params or {})
    if missing:
        raise ValueError(f"{route}: no value declared for {sorted(missing)}")

    def value(match) -> str:
        obj_name, attribute = params[match.group(1)].split(".")
        return str(getattr(world.objects[obj_name], attribute))

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def client_for(world: World, role: str) -> Client:
    client = Client()  # CSRF checks off, as the brief of the matrix allows; a view's exception is re-raised
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    return client


def check_page(world: World, method: str, route: str, expect: PageExpect, role: str) -> None:
    wanted = expect.outcomes[role]
    path = fill_route(route, world, expect.params)
    data: dict[str, Any] = (expect.setup(world, role) if expect.setup else None) or {}
    client = client_for(world, role)
    response = client.post(path, data) if method == "POST" else client.generic(method, path)
    status, location = response.status_code, response.get("Location", "")
    where = f"{method} {path} as {role}"
    if wanted == LOGIN:
        login = resolve_url(settings.LOGIN_URL)
        assert status == 302 and location.startswith(f"{login}?next="), (
            f"{where}: expected 302 to {login}, got {status} {location}"
        )
    elif wanted == REDIRECT:
        assert status == 302 and not location.startswith(resolve_url(settings.LOGIN_URL)), (
            f"{where}: expected a 302 that is not the login page, got {status} {location}"
        )
        # Some steps redirect after a refusal too, with an error message: REDIRECT means the step succeeded.
        refusals = [str(m) for m in get_messages(response.wsgi_request) if m.level >= message_levels.ERROR]
        assert not refusals, f"{where}: redirected with the refusal {refusals}"
    else:
        assert status == wanted, f"{where}: expected {wanted}, got {status} {location} {response.content[:200]!r}"
    if expect.out_of_scope and status == 200:
        reference, roles = expect.out_of_scope
        obj_name, attribute = reference.split(".")
        text = str(getattr(world.objects[obj_name], attribute))
        shown = text in response.content.decode()
        if role in roles:
            assert not shown, f"{where}: shows out-of-scope {reference} {text!r}"
        else:
            assert shown, f"{where}: does not show in-scope {reference} {text!r} (is the scope check still right?)"
