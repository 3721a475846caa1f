"""What the ledger promises before permits call it (DOMAIN §5 "Integrity"): a cause's places move once, and
movements and audit events are append-only — in the models on every database, and in PostgreSQL itself."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from common.audit import record_event
from common.models import AppendOnlyViolation, AuditEvent, AuditTrailImmutable
from quota.ledger import (
    CODE_CAUSE_HOLDS_PLACES,
    CODE_NOTHING_HELD,
    Placement,
    QuotaConflict,
    quota_commit,
    quota_give_back,
    quota_release,
    quota_reserve,
)
from quota.models import LedgerMovement, QuotaCell
from tests.quota.ledger_fixtures import open_ledger

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 10)


@pytest.fixture
def ledger(astana, almaty):
    return open_ledger(regional=[(astana, "3", 10), (almaty, "3", 10)])


def reserve(region, cause, places=1):
    return quota_reserve(placements=[Placement(region.pk, "3", places=places)], cause=cause, actor=None, on=ON)


# ---------------------------------------------------------------------------------------------------------------------
# One cause, one reservation
# ---------------------------------------------------------------------------------------------------------------------
def test_a_cause_that_holds_reserved_places_cannot_reserve_again(ledger, astana, almaty):
    reserve(astana, ("worker", "1"))
    with pytest.raises(QuotaConflict) as refused:
        reserve(almaty, ("worker", "1"))
    assert refused.value.code == CODE_CAUSE_HOLDS_PLACES
    assert refused.value.message == (
        "worker #1 already holds places in the quota: release or give them back before reserving again."
    )
    assert QuotaCell.objects.get(region=almaty).reserved == 0


def test_a_cause_that_holds_used_places_cannot_reserve_again(ledger, astana):
    reserve(astana, ("worker", "1"))
    quota_commit(cause=("worker", "1"), actor=None)
    with pytest.raises(QuotaConflict) as refused:
        reserve(astana, ("worker", "1"))
    assert refused.value.code == CODE_CAUSE_HOLDS_PLACES


def test_a_cause_whose_places_were_released_may_reserve_again(ledger, astana):
    reserve(astana, ("worker", "1"))
    quota_release(cause=("worker", "1"), actor=None)
    reserve(astana, ("worker", "1"))
    assert QuotaCell.objects.get(region=astana).reserved == 1


@pytest.mark.parametrize("operation", [quota_release, quota_commit])
def test_a_second_move_of_the_same_places_is_refused(ledger, astana, operation):
    reserve(astana, ("worker", "A"))
    reserve(astana, ("worker", "B"), places=5)
    operation(cause=("worker", "A"), actor=None)
    with pytest.raises(QuotaConflict) as refused:
        operation(cause=("worker", "A"), actor=None)
    assert refused.value.code == CODE_NOTHING_HELD
    quota_commit(cause=("worker", "B"), actor=None)  # B's places are all still there


def test_a_second_give_back_is_refused(ledger, astana):
    reserve(astana, ("worker", "A"))
    quota_commit(cause=("worker", "A"), actor=None)
    quota_give_back(cause=("worker", "A"), actor=None)
    with pytest.raises(QuotaConflict) as refused:
        quota_give_back(cause=("worker", "A"), actor=None)
    assert refused.value.code == CODE_NOTHING_HELD


# ---------------------------------------------------------------------------------------------------------------------
# Append-only, in the models (every database) and in PostgreSQL
# ---------------------------------------------------------------------------------------------------------------------
def test_movements_cannot_be_changed_or_deleted_through_the_orm(ledger, astana):
    reserve(astana, ("worker", "1"))
    movement = LedgerMovement.objects.filter(kind="reserve").get()
    movement.reserved_delta = 5
    with pytest.raises(AppendOnlyViolation, match="Ledger movements are never updated"):
        movement.save()
    with pytest.raises(AppendOnlyViolation, match="never deleted"):
        movement.delete()
    with pytest.raises(AppendOnlyViolation):
        LedgerMovement.objects.filter(pk=movement.pk).update(reserved_delta=5)
    with pytest.raises(AppendOnlyViolation):
        LedgerMovement.objects.filter(pk=movement.pk).delete()
    movement.refresh_from_db()
    assert movement.reserved_delta == 1


def test_audit_events_refuse_the_orm_with_their_own_error(ledger):
    event = AuditEvent.objects.first()
    with pytest.raises(AuditTrailImmutable, match="Audit events are never updated"):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE quota_ledgermovement SET reserved_delta = 5 WHERE id = %s",
        "DELETE FROM quota_ledgermovement WHERE id = %s",
    ],
)
def test_postgresql_refuses_a_tampered_movement(ledger, astana, sql):
    reserve(astana, ("worker", "1"))
    movement = LedgerMovement.objects.filter(kind="reserve").get()
    with pytest.raises(IntegrityError, match="quota_ledgermovement is append-only"):
        raw(sql, [movement.pk])
    movement.refresh_from_db()
    assert movement.reserved_delta == 1


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE common_auditevent SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM common_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_a_tampered_audit_event(sql):
    event = record_event(actor=None, action="test.recorded", after={"at": timezone.now()})
    with pytest.raises(IntegrityError, match="common_auditevent is append-only"):
        raw(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.postgres
def test_postgresql_still_takes_new_rows(ledger, astana):
    """The triggers refuse changes, never inserts: the ledger and the trail go on."""
    reserve(astana, ("worker", "1"))
    record_event(actor=None, action="test.recorded")
    assert LedgerMovement.objects.filter(kind="reserve").count() == 1
