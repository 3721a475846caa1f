"""Live balances in the API and pages, and the reconciliation command and page (Step 6, items 4 and 5)."""

from datetime import date

import pytest
from django.core.management import call_command

from quota.ledger import Placement, quota_commit, quota_reserve
from quota.models import QuotaCell
from tests.common.factories import RegionFactory
from tests.quota.ledger_fixtures import open_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(region_1, region_2):
    open_ledger(regional=[(region_1, "3", 10), (region_2, "3", 20), (region_1, "4", 4)], countries=[("CN", 5)])
    quota_reserve(placements=[Placement(region_1.pk, "3", places=3)], cause=("w", "1"), actor=None, on=date(2026, 2, 2))
    quota_reserve(placements=[Placement(region_1.pk, "3")], cause=("w", "2"), actor=None, on=date(2026, 2, 2))
    quota_commit(cause=("w", "2"), actor=None)


def test_balances_are_live_in_the_api(as_user, employer_a_user, ledger, region_1):
    client = as_user(employer_a_user)  # employers see the balances of every region
    rows = client.get("/api/v1/quota-balances/?year=2026&region=KZ-71&category=3").json()["results"]
    assert [(r["allocated"], r["reserved"], r["used"], r["available"]) for r in rows] == [(10, 3, 1, 6)]
    assert rows[0]["region"] == "KZ-71" and rows[0]["year_open"] is True
    quota_reserve(placements=[Placement(region_1.pk, "3")], cause=("w", "3"), actor=None, on=date(2026, 2, 3))
    rows = client.get("/api/v1/quota-balances/?year=2026&region=KZ-71&category=3").json()["results"]
    assert rows[0]["available"] == 5


def test_balance_filters(as_user, ministry_user, ledger):
    client = as_user(ministry_user)
    assert client.get("/api/v1/quota-balances/?year=2026").json()["count"] == 5  # 3 regional, CN, headroom
    assert client.get("/api/v1/quota-balances/?kind=country").json()["results"][0]["country"] == "CN"
    assert client.get("/api/v1/quota-balances/?year=1999").status_code == 400


def test_balances_list_in_a_bounded_number_of_queries(as_user, ministry_user, ledger, django_assert_max_num_queries):
    client = as_user(ministry_user)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/quota-balances/").status_code == 200


def test_balances_page_shows_regions_with_bars(client, official_1, ledger):
    client.force_login(official_1)
    content = client.get("/quota/balances/?year=2026").content.decode()
    assert "6 / 10" in content  # available / allocated for KZ-71, cat. 3
    assert "<progress" in content and "country CN" not in content  # others are labelled by kind
    assert "Country cap" in content


def test_balances_page_before_any_approval(client, employer_a_user):
    client.force_login(employer_a_user)
    assert "No quota plan has been approved yet" in client.get("/quota/balances/").content.decode()


def test_administrators_see_no_balances(client, administrator_user, ledger):
    client.force_login(administrator_user)
    assert client.get("/quota/balances/").status_code == 403


def test_reconciliation_page_and_command(client, ministry_user, ledger, capsys):
    client.force_login(ministry_user)
    assert "The ledger is consistent: 5 cells checked" in client.get("/quota/ledger/verify/").content.decode()
    call_command("verify_quota_ledger")
    assert "consistent: 5 cells checked" in capsys.readouterr().out

    QuotaCell.objects.filter(region__code="KZ-75").update(reserved=2)  # bypasses the ledger
    content = client.get("/quota/ledger/verify/").content.decode()
    assert "1 difference found." in content
    with pytest.raises(SystemExit):
        call_command("verify_quota_ledger", year=2026)
    assert "reserved is 2, its movements sum to 0" in capsys.readouterr().err


def test_employers_cannot_open_the_reconciliation(client, employer_a_user, ledger):
    client.force_login(employer_a_user)
    assert client.get("/quota/ledger/verify/").status_code == 403


def test_regions_without_cells_do_not_appear(client, ministry_user, ledger):
    RegionFactory(code="KZ-79")
    client.force_login(ministry_user)
    assert "KZ-79" not in client.get("/quota/balances/?year=2026").content.decode()
