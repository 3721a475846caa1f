"""The quota ledger's services (DOMAIN §5): units, all-or-nothing, release/commit/give back, closing, reconciliation."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.audit import audit_trail_verify
from common.models import AuditEvent
from quota.ledger import (
    CODE_EXHAUSTED,
    CODE_NO_APPROVED_QUOTA,
    CODE_NO_CELL,
    CODE_NOTHING_HELD,
    CODE_YEAR_CLOSED,
    Placement,
    QuotaConflict,
    balances_as_of,
    quota_commit,
    quota_give_back,
    quota_release,
    quota_reserve,
    quota_year_close,
)
from quota.models import CellKind, LedgerMovement, QuotaCell
from quota.reconciliation import quota_ledger_verify
from tests.quota.ledger_fixtures import open_ledger

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 10)


@pytest.fixture
def ledger(astana, almaty):
    return open_ledger(
        regional=[(astana, "3", 5), (almaty, "3", 5), (astana, "4", 2)],
        countries=[("CN", 3)],
        projects=[("refinery", astana, "3", 4)],
        headroom=10,
    )


def cell(kind=CellKind.REGIONAL, **filters):
    return QuotaCell.objects.get(year=2026, kind=kind, **filters)


def counters(c):
    c.refresh_from_db()
    return (c.allocated, c.reserved, c.used, c.available)


def test_opening_writes_cells_and_open_movements(ledger, astana):
    assert QuotaCell.objects.filter(year=2026).count() == 6
    assert counters(cell(region=astana, category="3")) == (5, 0, 0, 5)
    assert counters(cell(CellKind.HEADROOM)) == (10, 0, 0, 10)
    assert quota_ledger_verify(year=2026) == []
    assert AuditEvent.objects.filter(action="quota_year.opened").count() == 1


def test_one_worker_in_one_region_takes_one_place(ledger, astana, ministry_user):
    quota_reserve(placements=[Placement(astana.pk, "3")], cause=("permits.worker", "1"), actor=ministry_user, on=ON)
    assert counters(cell(region=astana, category="3")) == (5, 1, 0, 4)


def test_a_multi_region_worker_takes_a_place_in_every_region_named(ledger, astana, almaty, ministry_user):
    placements = [Placement(astana.pk, "3"), Placement(almaty.pk, "3")]
    quota_reserve(placements=placements, cause=("permits.worker", "2"), actor=ministry_user, on=ON)
    assert counters(cell(region=astana, category="3"))[1] == 1
    assert counters(cell(region=almaty, category="3"))[1] == 1


def test_a_project_worker_takes_the_project_cell_instead_of_the_regional_one(ledger, astana, ministry_user):
    placement = Placement(astana.pk, "3", project_key="refinery")
    quota_reserve(placements=[placement], cause=("permits.worker", "3"), actor=ministry_user, on=ON)
    assert counters(cell(CellKind.PROJECT, project_key="refinery"))[1] == 1
    assert counters(cell(region=astana, category="3"))[1] == 0


def test_a_capped_country_is_charged_as_well(ledger, astana, ministry_user):
    quota_reserve(
        placements=[Placement(astana.pk, "3", country="CN"), Placement(astana.pk, "4", country="TR")],
        cause=("permits.worker", "4"),
        actor=ministry_user,
        on=ON,
    )
    assert counters(cell(CellKind.COUNTRY, country="CN"))[1] == 1  # TR has no cap, so no cell
    assert counters(cell(region=astana, category="3"))[1] == 1
    assert counters(cell(region=astana, category="4"))[1] == 1


def test_exhausted_quota_refuses_all_or_nothing(ledger, astana, almaty, ministry_user):
    quota_reserve(placements=[Placement(astana.pk, "4", places=2)], cause=("c", "1"), actor=ministry_user, on=ON)
    with pytest.raises(QuotaConflict) as refused:
        quota_reserve(
            placements=[Placement(almaty.pk, "3"), Placement(astana.pk, "4")],
            cause=("c", "2"),
            actor=ministry_user,
            on=ON,
        )
    assert refused.value.code == CODE_EXHAUSTED and refused.value.status_code == 409
    assert "KZ-71/4" in str(refused.value)
    assert counters(cell(region=almaty, category="3"))[1] == 0  # the other cell was not touched
    assert not LedgerMovement.objects.filter(cause_id="2").exists()


def test_country_cap_refuses_even_when_regions_have_room(ledger, astana, almaty, ministry_user):
    quota_reserve(placements=[Placement(astana.pk, "3", places=3, country="CN")], cause=("c", "1"), actor=None, on=ON)
    with pytest.raises(QuotaConflict) as refused:
        quota_reserve(placements=[Placement(almaty.pk, "3", country="CN")], cause=("c", "2"), actor=None, on=ON)
    assert "country CN" in str(refused.value)


def test_no_approved_plan_for_the_year(ledger, astana):
    with pytest.raises(QuotaConflict) as refused:
        quota_reserve(placements=[Placement(astana.pk, "3")], cause=("c", "1"), actor=None, on=date(2027, 1, 5))
    assert refused.value.code == CODE_NO_APPROVED_QUOTA
    assert "no approved quota for 2027" in str(refused.value)


def test_a_cell_the_plan_does_not_have(ledger, almaty):
    with pytest.raises(QuotaConflict) as refused:
        quota_reserve(placements=[Placement(almaty.pk, "1")], cause=("c", "1"), actor=None, on=ON)
    assert refused.value.code == CODE_NO_CELL
    assert f"has no place for {almaty.code}, category 1" in str(refused.value.message)


@pytest.mark.parametrize("places", [0, -1, 1.5])
def test_places_must_be_positive_whole_numbers(ledger, astana, places):
    with pytest.raises(Exception) as refused:
        quota_reserve(placements=[Placement(astana.pk, "3", places=places)], cause=("c", "1"), actor=None, on=ON)
    assert refused.value.status_code == 400


def test_commit_release_and_give_back_follow_the_cause(ledger, astana, almaty, ministry_user):
    both = [Placement(astana.pk, "3"), Placement(almaty.pk, "3", country="CN")]
    quota_reserve(placements=both, cause=("permits.worker", "7"), actor=ministry_user, on=ON)
    quota_reserve(placements=[Placement(astana.pk, "3")], cause=("permits.worker", "8"), actor=ministry_user, on=ON)

    quota_commit(cause=("permits.worker", "7"), actor=ministry_user)
    assert counters(cell(region=astana, category="3")) == (5, 1, 1, 3)
    assert counters(cell(CellKind.COUNTRY, country="CN")) == (3, 0, 1, 2)

    quota_release(cause=("permits.worker", "8"), actor=ministry_user)
    assert counters(cell(region=astana, category="3")) == (5, 0, 1, 4)
    with pytest.raises(QuotaConflict) as twice:
        quota_release(cause=("permits.worker", "8"), actor=ministry_user)
    assert twice.value.code == CODE_NOTHING_HELD

    quota_give_back(cause=("permits.worker", "7"), actor=ministry_user)
    assert counters(cell(region=astana, category="3")) == (5, 0, 0, 5)
    assert counters(cell(CellKind.COUNTRY, country="CN")) == (3, 0, 0, 3)
    assert quota_ledger_verify() == []
    assert audit_trail_verify().intact
    assert AuditEvent.objects.filter(action__startswith="quota.").count() == 5


def test_closing_a_year(ledger, astana, ministry_user):
    quota_reserve(placements=[Placement(astana.pk, "3")], cause=("w", "1"), actor=None, on=ON)
    quota_reserve(placements=[Placement(astana.pk, "3")], cause=("w", "2"), actor=None, on=ON)
    quota_reserve(placements=[Placement(astana.pk, "3")], cause=("w", "3"), actor=None, on=ON)
    quota_commit(cause=("w", "3"), actor=None)
    quota_year_close(year=2026, actor=ministry_user, on=date(2027, 1, 1))

    with pytest.raises(QuotaConflict) as refused:
        quota_reserve(placements=[Placement(astana.pk, "3")], cause=("w", "4"), actor=None, on=ON)
    assert refused.value.code == CODE_YEAR_CLOSED
    with pytest.raises(QuotaConflict):
        quota_give_back(cause=("w", "3"), actor=None)
    quota_commit(cause=("w", "1"), actor=None)  # reservations already made may still be committed
    quota_release(cause=("w", "2"), actor=None)  # … or released
    assert counters(cell(region=astana, category="3")) == (5, 0, 2, 3)


def test_a_year_closes_no_earlier_than_1_january_of_the_next(ledger, ministry_user):
    with pytest.raises(QuotaConflict) as refused:
        quota_year_close(year=2026, actor=ministry_user, on=date(2026, 12, 31))
    assert refused.value.code == "quota_year_not_over"


def test_only_ministry_officials_close_a_year(ledger, official_1):
    with pytest.raises(Exception) as refused:
        quota_year_close(year=2026, actor=official_1, on=date(2027, 1, 2))
    assert getattr(refused.value, "status_code", 403) == 403


def test_the_check_constraint_holds_even_against_a_direct_update(ledger, astana):
    target = cell(region=astana, category="3")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaCell.objects.filter(pk=target.pk).update(reserved=6)
    assert counters(target)[1] == 0


def test_balance_as_of_a_past_moment(ledger, astana, ministry_user):
    target = cell(region=astana, category="3")
    quota_reserve(placements=[Placement(astana.pk, "3")], cause=("w", "1"), actor=None, on=ON)
    between = timezone.now()
    quota_reserve(placements=[Placement(astana.pk, "3")], cause=("w", "2"), actor=None, on=ON)
    assert balances_as_of(year=2026, moment=between)[target.pk] == {"allocated": 5, "reserved": 1, "used": 0}
    assert counters(target)[1] == 2
