"""Closing a quota year through the API and the page (DOMAIN §5; Step 7, item 2)."""

from datetime import date

import pytest

from quota.ledger import Placement, QuotaConflict, quota_reserve, quota_today
from quota.models import QuotaYear
from tests.quota.ledger_fixtures import open_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2025(region_1):
    return open_ledger(year=2025, regional=[(region_1, "3", 10)])


@pytest.fixture
def current_year(region_1):
    """The ledger of this year in Almaty (not a fixed year: the suite runs on any date)."""
    return open_ledger(year=quota_today().year, regional=[(region_1, "3", 10)])


def test_a_ministry_official_closes_a_past_year(as_user, ministry_user, year_2025, region_1):
    response = as_user(ministry_user).post("/api/v1/quota-years/2025/close/")
    assert response.status_code == 200
    assert response.json()["is_open"] is False and response.json()["closed_by"] == ministry_user.username
    with pytest.raises(QuotaConflict):
        quota_reserve(placements=[Placement(region_1.pk, "3")], cause=("w", "1"), actor=None, on=date(2025, 6, 1))
    again = as_user(ministry_user).post("/api/v1/quota-years/2025/close/")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "quota_year_closed"


def test_the_current_year_cannot_be_closed_yet(as_user, ministry_user, current_year):
    response = as_user(ministry_user).post(f"/api/v1/quota-years/{current_year.year}/close/")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "quota_year_not_over"
    assert QuotaYear.objects.get(year=current_year.year).is_open


@pytest.mark.parametrize("role", ["official_1", "auditor_user", "employer_a_user"])
def test_other_roles_cannot_close(as_user, request, role, year_2025):
    assert as_user(request.getfixturevalue(role)).post("/api/v1/quota-years/2025/close/").status_code == 403
    assert QuotaYear.objects.get(year=2025).is_open


def test_the_balances_page_offers_closing_to_ministry_officials_only(client, ministry_user, official_1, year_2025):
    client.force_login(official_1)
    assert 'data-testid="close-year"' not in client.get("/quota/balances/?year=2025").content.decode()
    client.force_login(ministry_user)
    assert 'data-testid="close-year"' in client.get("/quota/balances/?year=2025").content.decode()
    response = client.post("/quota/years/2025/close/", follow=True)
    assert "The quota year 2025 is closed" in response.content.decode()
    assert "year closed" in response.content.decode()
    assert not QuotaYear.objects.get(year=2025).is_open
