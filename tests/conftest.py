"""Shared test fixtures and the service markers.

Tests marked `postgres`, `redis` or `browser` need that real service. Without it they are deselected,
unless KVOTA_REQUIRE names the service (as .ci/run does): then they fail, never skip.
KVOTA_TEST_CLOCK travels the clock of the whole session; the `clock` marker moves one test (see below).
"""

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

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


# ---------------------------------------------------------------------------------------------
# The test clock (STYLE "Tests": the suite passes at any hour). KVOTA_TEST_CLOCK travels the clock of
# the whole session with time-machine, ticking (a frozen clock would hang timeout loops):
#   next-new-year                1 January 00:30 Asia/Almaty of the year after the real date
#                                (31 December 19:30 UTC: UTC and Almaty disagree on the day and the year)
#   an ISO datetime with offset  e.g. 2027-03-01T09:00+05:00
# A test that needs another moment says so: @pytest.mark.clock("2026-06-15T12:00+05:00") or
# @pytest.mark.clock("real") (the real date and time), with or without KVOTA_TEST_CLOCK.
# Only this process travels: a subprocess, the database server's own NOW() and a browser keep the real clock.
# ---------------------------------------------------------------------------------------------
TEST_CLOCK_ENV = "KVOTA_TEST_CLOCK"
NEXT_NEW_YEAR = "next-new-year"
REAL_CLOCK = "real"
ALMATY = ZoneInfo("Asia/Almaty")

_real_started = (time.time(), time.monotonic())  # read before anything travels
_session_travel = None
_clock_key = pytest.StashKey[str]()


def real_now() -> datetime:
    """The real date and time, whatever the travelled clock says (the monotonic clock never travels)."""
    wall, mono = _real_started
    return datetime.fromtimestamp(wall + time.monotonic() - mono, tz=UTC)


def clock_moment(value: str) -> datetime:
    """The moment a KVOTA_TEST_CLOCK value or a `clock` marker names (timezone-aware)."""
    if value == NEXT_NEW_YEAR:
        return datetime(real_now().astimezone(ALMATY).year + 1, 1, 1, 0, 30, tzinfo=ALMATY)
    if value == REAL_CLOCK:
        return real_now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise pytest.UsageError(
            f"{TEST_CLOCK_ENV} / clock marker: expected {NEXT_NEW_YEAR!r}, {REAL_CLOCK!r} or an ISO datetime "
            f"with an offset, got {value!r}"
        )
    return moment


def describe_moment(moment: datetime) -> str:
    return f"{moment.astimezone(ALMATY):%Y-%m-%d %H:%M} Asia/Almaty ({moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"


def pytest_configure(config):
    global _session_travel
    value = os.environ.get(TEST_CLOCK_ENV, "").strip()
    if value and _session_travel is None:
        import time_machine

        moment = clock_moment(value)
        _session_travel = time_machine.travel(moment, tick=True)
        _session_travel.start()
        config.stash[_clock_key] = f"{describe_moment(moment)}, ticking ({TEST_CLOCK_ENV}={value})"


def pytest_unconfigure(config):
    global _session_travel
    if _session_travel is not None:
        _session_travel.stop()
        _session_travel = None


def pytest_report_header(config):
    travelled = config.stash.get(_clock_key, None)
    return f"clock: travelled to {travelled}" if travelled else f"clock: real ({TEST_CLOCK_ENV} not set)"


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    """With -q pytest prints no header: say the clock was travelled anyway, on one line."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    travelled = session.config.stash.get(_clock_key, None)
    if travelled and reporter is not None and not reporter.showheader:
        reporter.write_line(f"clock: travelled to {travelled}")


@pytest.fixture(autouse=True)
def _clock_marker(request):
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield
        return
    if len(marker.args) != 1 or not isinstance(marker.args[0], str):
        raise pytest.UsageError(f"{request.node.nodeid}: @pytest.mark.clock takes one string")
    if marker.args[0] == REAL_CLOCK and _session_travel is None:
        yield
        return
    import time_machine

    with time_machine.travel(clock_moment(marker.args[0]), tick=True):
        yield


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
