"""The audit trail: every decision and state change, append-only and hash-chained.

`record_event` is called by every service that changes state, inside the service's own transaction,
so an event exists exactly when its change does. Each event stores the SHA-256 of its content and
the previous event's hash; the chain head row is locked for each append, last in the lock order of
DOMAIN §5 (application → employer → cells → audit chain head). `audit_trail_verify` recomputes the
chain and names the first broken link. Events hold identifiers, never copies of personal data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64

BROKEN_SEQUENCE = "sequence_gap"
BROKEN_PREVIOUS_HASH = "previous_hash_mismatch"
BROKEN_CONTENT_HASH = "content_hash_mismatch"
BROKEN_HEAD = "head_mismatch"

BROKEN_MESSAGES = {
    BROKEN_SEQUENCE: "Event {sequence} is missing: the chain jumps from {previous} to {sequence_found}.",
    BROKEN_PREVIOUS_HASH: "Event {sequence} does not link to event {previous}: its previous hash differs.",
    BROKEN_CONTENT_HASH: "Event {sequence} was changed after it was recorded: its content no longer matches its hash.",
    BROKEN_HEAD: "The chain head names event {head_sequence}, but the last event is {sequence}.",
}


def normalise(value: Any) -> Any:
    """The JSON form a value takes in the database (Decimal → str, date → ISO), so hashes survive a round trip."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def object_reference(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def event_content(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    reason: str,
    previous_hash: str,
) -> dict:
    return {
        "sequence": sequence,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "reason": reason,
        "previous_hash": previous_hash,
    }


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _event_hash(event: AuditEvent) -> str:
    return content_hash(
        event_content(
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            before=event.before,
            after=event.after,
            reason=event.reason,
            previous_hash=event.previous_hash,
        )
    )


@transaction.atomic
def record_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain. Call it inside the transaction of the change it records.

    `actor` is a user or None for the system (beat tasks, loaders); `before`/`after` hold identifiers
    and values, never copies of personal data.
    """
    head = AuditChainHead.objects.select_for_update().get_or_create(pk=1)[0]
    # get_or_create on a fresh database may not lock the new row on every backend: lock it again.
    head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
    object_type, object_id = object_reference(obj)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        sequence=head.sequence + 1,
        occurred_at=timezone.now(),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=normalise(before),
        after=normalise(after),
        reason=reason or "",
        previous_hash=head.hash or GENESIS_HASH,
    )
    event.hash = _event_hash(event)
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=head.pk).update(sequence=event.sequence, hash=event.hash)
    return event


@dataclass(frozen=True)
class AuditVerification:
    intact: bool
    checked: int
    first_broken_sequence: int | None = None
    code: str | None = None
    message: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def audit_trail_verify() -> AuditVerification:
    """Recompute the whole chain in order; report "intact" or the first broken link. Never repairs."""
    previous_sequence, previous_hash, checked = 0, GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        broken = None
        if event.sequence != previous_sequence + 1:
            broken = (BROKEN_SEQUENCE, previous_sequence + 1, {"sequence_found": event.sequence})
        elif event.previous_hash != previous_hash:
            broken = (BROKEN_PREVIOUS_HASH, event.sequence, {})
        elif _event_hash(event) != event.hash:
            broken = (BROKEN_CONTENT_HASH, event.sequence, {})
        if broken:
            code, sequence, extra = broken
            message = BROKEN_MESSAGES[code].format(sequence=sequence, previous=previous_sequence, **extra)
            return AuditVerification(False, checked, sequence, code, message)
        previous_sequence, previous_hash, checked = event.sequence, event.hash, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_sequence = head.sequence if head else 0
    if head_sequence != previous_sequence or (head and head_sequence and head.hash != previous_hash):
        # Events cut from the end leave the head pointing past the last one.
        message = BROKEN_MESSAGES[BROKEN_HEAD].format(head_sequence=head_sequence, sequence=previous_sequence)
        return AuditVerification(False, checked, previous_sequence + 1, BROKEN_HEAD, message)
    return AuditVerification(True, checked, message="intact")
