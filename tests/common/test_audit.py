"""The audit trail: append-only, hash-chained, tamper found and named (Step 3, item 1)."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from common.audit import (
    BROKEN_CONTENT_HASH,
    BROKEN_HEAD,
    BROKEN_PREVIOUS_HASH,
    BROKEN_SEQUENCE,
    audit_trail_verify,
    record_event,
)
from common.models import AuditEvent, AuditTrailImmutable, Region
from tests.common.tampering import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return Region.objects.create(code="KZ-99", kind="region", name_kk="Сынақ", name_ru="Тест", name_en="Test")


@pytest.fixture
def three_events(django_user_model, region):
    actor = django_user_model.objects.create_user("ministry.one", password="x-long-password-1")
    return [
        record_event(
            actor=actor, action="region.renamed", obj=region, before={"name_en": "Test"}, after={"name_en": "T"}
        ),
        record_event(actor=None, action="system.loaded", after={"rows": 3, "rate": Decimal("0.250")}),
        record_event(actor=actor, action="region.renamed", obj=region, reason="typo", after={"on": "2026-01-01"}),
    ]


def raw_sql(sql, params=()):
    """Tampering by the database's owner, who can switch the append-only trigger off (tests.common.tampering)."""
    tamper(sql, params)


def test_events_chain_and_verify_intact(three_events):
    first, second, third = three_events
    assert [e.sequence for e in three_events] == [1, 2, 3]
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    assert second.after == {"rows": 3, "rate": "0.250"}
    result = audit_trail_verify()
    assert result.intact and result.checked == 3 and result.message == "intact"


def test_empty_trail_is_intact():
    assert audit_trail_verify().intact


def test_events_cannot_be_updated_or_deleted_through_the_orm(three_events):
    event = AuditEvent.objects.get(sequence=2)
    event.reason = "edited"
    with pytest.raises(AuditTrailImmutable):
        event.save()
    with pytest.raises(AuditTrailImmutable):
        event.delete()
    with pytest.raises(AuditTrailImmutable):
        AuditEvent.objects.filter(sequence=2).update(reason="edited")
    with pytest.raises(AuditTrailImmutable):
        AuditEvent.objects.all().delete()
    assert audit_trail_verify().intact


def test_a_tampered_event_is_found_and_named(three_events):
    raw_sql("UPDATE common_auditevent SET reason = %s WHERE sequence = 2", ["forged"])
    result = audit_trail_verify()
    assert not result.intact
    assert (result.first_broken_sequence, result.code, result.checked) == (2, BROKEN_CONTENT_HASH, 1)
    assert "Event 2 was changed" in result.message


def test_a_deleted_event_is_found_and_named(three_events):
    raw_sql("DELETE FROM common_auditevent WHERE sequence = 2")
    result = audit_trail_verify()
    assert (result.intact, result.first_broken_sequence, result.code) == (False, 2, BROKEN_SEQUENCE)
    assert "Event 2 is missing" in result.message


def test_a_deleted_last_event_is_found_through_the_head(three_events):
    raw_sql("DELETE FROM common_auditevent WHERE sequence = 3")
    result = audit_trail_verify()
    assert (result.intact, result.first_broken_sequence, result.code) == (False, 3, BROKEN_HEAD)


def test_a_rehashed_forgery_breaks_the_next_link(three_events):
    """Recomputing a forged event's own hash does not help: the next event still links to the old one."""
    from common.audit import _event_hash

    event = AuditEvent.objects.get(sequence=2)
    event.reason = "forged"
    raw_sql(
        "UPDATE common_auditevent SET reason = %s, hash = %s WHERE sequence = 2",
        ["forged", _event_hash(event)],
    )
    result = audit_trail_verify()
    assert (result.first_broken_sequence, result.code) == (3, BROKEN_PREVIOUS_HASH)


def test_verify_command_reports_intact_and_broken(three_events, capsys):
    call_command("verify_audit_trail")
    assert "intact" in capsys.readouterr().out
    raw_sql("UPDATE common_auditevent SET action = %s WHERE sequence = 1", ["forged"])
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit_trail")
    assert exit_info.value.code == 1
    assert "Event 1 was changed" in capsys.readouterr().err
