"""Shared test fixtures and the service markers.

Tests marked `postgres`, `redis` or `browser` need that real service. Without it they are deselected,
unless KVOTA_REQUIRE names the service (as .ci/run does): then they fail, never skip.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

SERVICE_MARKERS = ("postgres", "redis", "browser")


def required_services() -> set[str]:
    return {name.strip() for name in os.environ.get("KVOTA_REQUIRE", "").split(",") if name.strip()}


def chromium_path() -> str | None:
    configured = os.environ.get("KVOTA_CHROMIUM", "/usr/bin/chromium")
    return configured if Path(configured).exists() else shutil.which("chromium")


def redis_url() -> str | None:
    url = os.environ.get("REDIS_URL") or settings.CELERY_BROKER_URL
    return url if url.startswith("redis://") else None


def service_missing(name: str) -> str | None:
    """Why the service is not available, or None when it is."""
    if name == "postgres":
        engine = settings.DATABASES["default"]["ENGINE"]
        return None if engine == "django.db.backends.postgresql" else f"DATABASE_URL is not PostgreSQL ({engine})"
    if name == "redis":
        return None if redis_url() else "neither REDIS_URL nor CELERY_BROKER_URL names a Redis server"
    if name == "browser":
        return None if chromium_path() else "Chromium not found (set KVOTA_CHROMIUM)"
    raise ValueError(name)


def pytest_collection_modifyitems(config, items):
    required = required_services()
    unknown = required - set(SERVICE_MARKERS)
    if unknown:
        raise pytest.UsageError(f"KVOTA_REQUIRE names unknown services: {', '.join(sorted(unknown))}")
    kept, deselected = [], []
    for item in items:
        missing = [m for m in SERVICE_MARKERS if item.get_closest_marker(m) and service_missing(m)]
        if missing and not set(missing) <= required:
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_runtest_setup(item):
    for marker in SERVICE_MARKERS:
        if item.get_closest_marker(marker):
            reason = service_missing(marker)
            if reason:
                pytest.fail(f"KVOTA_REQUIRE names {marker!r} but it is not available: {reason}", pytrace=False)


DATABASE_FIXTURES = {"db", "transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def _role_groups(request, django_db_blocker):
    """Put back the role groups a data migration created: a transactional test ends by flushing every
    table, migration data included, and the tests after it would find no roles."""
    if not (request.node.get_closest_marker("django_db") or DATABASE_FIXTURES & set(request.fixturenames)):
        return
    from django.contrib.auth.models import Group

    from common.roles import ROLES

    with django_db_blocker.unblock():
        if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
            for name in ROLES:
                Group.objects.get_or_create(name=name)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


# ---------------------------------------------------------------------------------------------
# Role fixtures (DOMAIN §10): two regions, an employer in each, one user per role.
# `world` gathers them for the permission matrix (tests/permissions.py).
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def region_1(db):
    from tests.common.factories import RegionFactory

    return RegionFactory(code="KZ-71")


@pytest.fixture
def region_2(db):
    from tests.common.factories import RegionFactory

    return RegionFactory(code="KZ-75")


@pytest.fixture
def employer_a(region_1):
    from tests.employers.factories import EmployerFactory

    return EmployerFactory(name="Astana Builders LLP", regions=[region_1])


@pytest.fixture
def employer_b(region_2):
    from tests.employers.factories import EmployerFactory

    return EmployerFactory(name="Almaty Traders LLP", regions=[region_2])


@pytest.fixture
def employer_a_user(employer_a):
    from tests.employers.factories import employer_user

    return employer_user(employer_a, username="employer.a", first_name="Aruzhan", last_name="Bekova")


@pytest.fixture
def employer_b_user(employer_b):
    from tests.employers.factories import employer_user

    return employer_user(employer_b, username="employer.b")


@pytest.fixture
def official_1(region_1):
    from tests.common.factories import regional_official

    return regional_official(region_1, username="official.1")


@pytest.fixture
def official_2(region_2):
    from tests.common.factories import regional_official

    return regional_official(region_2, username="official.2")


@pytest.fixture
def ministry_user(db):
    from common.roles import MINISTRY_OFFICIAL
    from tests.common.factories import UserFactory

    return UserFactory(username="ministry", role=MINISTRY_OFFICIAL)


@pytest.fixture
def auditor_user(db):
    from common.roles import AUDITOR
    from tests.common.factories import UserFactory

    return UserFactory(username="auditor", role=AUDITOR)


@pytest.fixture
def administrator_user(db):
    from common.roles import ADMINISTRATOR
    from tests.common.factories import UserFactory

    return UserFactory(username="administrator", role=ADMINISTRATOR)


@pytest.fixture
def world(
    region_1,
    region_2,
    employer_a,
    employer_b,
    employer_a_user,
    employer_b_user,
    official_1,
    official_2,
    ministry_user,
    auditor_user,
    administrator_user,
):
    from common.audit import record_event
    from tests.common.reference_factories import reference_world_objects
    from tests.permissions import World
    from tests.quota.amendment_fixtures import world_amendment
    from tests.quota.factories import LabourForceFigureFactory, world_next_plan, world_plan_inputs, world_quota_plan
    from tests.quota.ledger_fixtures import world_quota_ledger

    return World(
        users={
            "employer_a": employer_a_user,
            "employer_b": employer_b_user,
            "official_1": official_1,
            "official_2": official_2,
            "ministry": ministry_user,
            "auditor": auditor_user,
            "administrator": administrator_user,
        },
        objects={
            "region_1": region_1,
            "region_2": region_2,
            "employer_a": employer_a,
            "employer_b": employer_b,
            "employer_a_user": employer_a_user,
            "employer_b_user": employer_b_user,
            "official_1": official_1,
            "audit_event": record_event(actor=ministry_user, action="world.created", obj=region_1),
            **reference_world_objects(),  # country, sector, occupation, policy_parameter
            "labour_force_figure": LabourForceFigureFactory(region=region_1, year=2010, period="Q1"),
            "quota_plan": (plan := world_quota_plan(region_1)),
            "quota_cell": (cell := world_quota_ledger(plan, region_1, region_2)),
            "quota_year": cell.quota_year,
            **world_plan_inputs(plan, region_1, employer_a),  # priority_project, project_reserve, country_cap
            "quota_plan_next": (plan_next := world_next_plan(region_1)),
            "quota_amendment": world_amendment(plan_next, region_1, ministry_user),  # a draft of the 2013 plan
        },
    )


@pytest.fixture
def policy_parameters(db):
    """Every policy parameter and period the product ships (common/data): what `policy_value` reads."""
    from common.reference_data import POLICY_DATASETS
    from common.services import reference_data_load

    reference_data_load(datasets=POLICY_DATASETS)


@pytest.fixture
def as_user(api_client):
    """as_user(user) -> an API client signed in with a real API token of that user."""
    from knox.models import AuthToken

    def sign_in(user):
        _, token = AuthToken.objects.create(user=user)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return api_client

    return sign_in
