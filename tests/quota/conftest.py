"""Fixtures of the plan workflow tests: a second ministry official (four eyes) and golden example 1 as a stored plan
with its real 500-place project reserve (DOMAIN §3)."""

import pytest

from quota.services import project_reserve_add, quota_plan_create, quota_plan_demand_replace
from tests.common.factories import RegionFactory
from tests.quota.factories import PriorityProjectFactory, demand_rows

# Golden example 1 (DOMAIN §3): demand in categories 1, 2, 3, 4, S; region D has none.
GOLDEN_1_DEMAND = {
    "KZ-A": (100, 400, 2000, 600, 300),
    "KZ-B": (50, 300, 1500, 700, 0),
    "KZ-C": (20, 100, 400, 300, 900),
}
GOLDEN_1_CELLS = {
    "KZ-A": [85, 339, 1695, 509, 254],
    "KZ-B": [42, 254, 1271, 593, 0],
    "KZ-C": [17, 85, 339, 254, 763],
    "KZ-D": [0, 0, 0, 0, 0],
}
# With S included the fix keeps floor(4,627 × 0.3 / 0.7) = 1,983 places in cats 4 + S; 390 go to headroom.
GOLDEN_1_FIXED = {
    "KZ-A": [85, 339, 1695, 425, 212],
    "KZ-B": [42, 254, 1271, 496, 0],
    "KZ-C": [17, 85, 339, 212, 638],
    "KZ-D": [0, 0, 0, 0, 0],
}


@pytest.fixture
def astana():
    """Astana (KZ-71), for the ledger tests (no database marker here: the transactional race tests use it too)."""
    return RegionFactory(code="KZ-71")


@pytest.fixture
def almaty():
    return RegionFactory(code="KZ-75")


@pytest.fixture
def ministry_2(db):
    from common.roles import MINISTRY_OFFICIAL
    from tests.common.factories import UserFactory

    return UserFactory(username="ministry.2", first_name="Gulnara", last_name="Tulegenova", role=MINISTRY_OFFICIAL)


@pytest.fixture
def golden_regions(db):
    return {code: RegionFactory(code=code) for code in ("KZ-A", "KZ-B", "KZ-C", "KZ-D")}


@pytest.fixture
def refinery(golden_regions):
    """A priority project in reserve mode, run by an operator of its own (no region of the role fixtures)."""
    from tests.employers.factories import EmployerFactory

    operator = EmployerFactory(name="Atyrau Refining LLP", regions=[golden_regions["KZ-A"]])
    return PriorityProjectFactory(code="atyrau-refinery", name="Atyrau refinery", operator=operator)


@pytest.fixture
def golden_plan(ministry_user, golden_regions, refinery):
    """Golden example 1 as a draft: rate 0.700 % (the test sets the policy), labour force 1,000,000 → ceiling 7,000;
    one reserve of 500 places (region A, cat 3) → pool 6,500; the golden demand."""
    plan = quota_plan_create(
        year=2016, entered_labour_force=1_000_000, entered_labour_force_source="golden example", actor=ministry_user
    )
    project_reserve_add(
        plan=plan, project=refinery, region=golden_regions["KZ-A"], category="3", places=500, actor=ministry_user
    )
    return quota_plan_demand_replace(plan=plan, rows=demand_rows(GOLDEN_1_DEMAND), actor=ministry_user)


@pytest.fixture
def client_for(db):
    """client_for(user) -> a new API client signed in with that user's own token (clients of several users side by
    side, unlike `as_user`, which re-signs one client)."""
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    def sign_in(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
        return client

    return sign_in
