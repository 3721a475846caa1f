"""The quota ledger (DOMAIN §5): the only way to change a balance.

- `ledger_open` creates a year's cells from its approved plan (regional cells, project reserves,
  country caps, national headroom).
- `quota_reserve` takes places for a cause (one named worker = one place per region named; a project
  worker takes the project's cell instead of the regional one; a worker of a capped country takes a
  place in the country cell as well), all or nothing.
- `quota_release`, `quota_commit`, `quota_give_back` move what a cause holds, in the cells and year
  it was charged.

Every operation first takes its cause's lock, then locks its cells in id order (the lock order of DOMAIN §5:
application → employer → cause → cells → audit chain head), reads what the cause holds only with its cells locked,
changes each cell with a conditional UPDATE that cannot take it below zero, and writes one movement per cell and one
audit event. A cause's places are reserved once and released, committed or given back once, whatever the
concurrency. A database CHECK constraint is the last line: even a bug here cannot oversubscribe a cell. Movements
are append-only in the database (common.append_only). Conflicts raise `QuotaConflict` (409); the caller's
outermost transaction retries deadlocks (`common.db.retry_on_transient`).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, models, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import record_event
from common.errors import DomainError
from common.models import Region
from common.roles import MINISTRY_OFFICIAL, user_role

from .models import CellKind, LedgerMovement, MovementKind, QuotaCell, QuotaYear

MESSAGE_NO_APPROVED_QUOTA = _("There is no approved quota for {year}: nothing can be reserved.")
MESSAGE_YEAR_CLOSED = _("The quota year {year} is closed: no new reservations or give-backs.")
MESSAGE_NO_CELL = _("The {year} quota has no place for {what}.")
MESSAGE_EXHAUSTED = _("The quota is exhausted for {cells}: {needed} needed, {available} available.")
MESSAGE_NOTHING_HELD = _("{cause} holds no {what} places to {verb}.")
MESSAGE_CAUSE_HOLDS_PLACES = _(
    "{cause} already holds places in the quota: release or give them back before reserving again."
)
MESSAGE_INVALID_PLACES = _("A request must name at least one place, each a whole positive number.")
MESSAGE_YEAR_NOT_OVER = _("The quota year {year} can be closed from 1 January {next_year}.")
MESSAGE_ALREADY_CLOSED = _("The quota year {year} is already closed.")
MESSAGE_ONLY_MINISTRY_CLOSES = _("Only a ministry official may close a quota year.")
MESSAGE_BELOW_HELD = _(
    "The amendment would take {cells} below the places already reserved or used there: nothing was changed."
)
MESSAGE_CELL_MOVED = _(
    "The allocation of {cells} changed since the amendment was proposed: return it and propose it again."
)

WHAT_REGIONAL_CELL = _("{region}, category {category}")
WHAT_PROJECT_CELL = _("project {project} in {region}, category {category}")

CODE_NO_APPROVED_QUOTA = "no_approved_quota"
CODE_YEAR_CLOSED = "quota_year_closed"
CODE_NO_CELL = "quota_cell_missing"
CODE_EXHAUSTED = "quota_exhausted"
CODE_NOTHING_HELD = "nothing_held"
CODE_CAUSE_HOLDS_PLACES = "cause_already_holds_places"
CODE_YEAR_NOT_OVER = "quota_year_not_over"
CODE_BELOW_HELD = "below_reserved_and_used"
CODE_CELL_MOVED = "amendment_stale"


class QuotaConflict(DomainError):
    """The ledger refused an operation; nothing was changed (409)."""


def quota_today() -> date:
    """Today in Kazakhstan (DOMAIN §0): the ledger charged is the one of the year the approval happens in."""
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Requests and causes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Placement:
    """Places asked for one worker in one region (DOMAIN §5 "Unit"): `places` is 1 per named worker."""

    region_id: int
    category: str
    places: int = 1
    country: str = ""  # the worker's citizenship: a capped country's cell is charged as well
    project_key: str = ""  # a priority project in reserve mode: its cell instead of the regional one


def cause_reference(cause) -> tuple[str, str]:
    """A generic reference to what moved the places: a model instance or a ("type", "id") pair."""
    if isinstance(cause, models.Model):
        return cause._meta.label_lower, str(cause.pk)
    cause_type, cause_id = cause
    return str(cause_type), str(cause_id)


# ---------------------------------------------------------------------------------------------
# Opening a year
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CellOpening:
    kind: str
    allocated: int
    region_id: int | None = None
    category: str = ""
    country: str = ""
    project_key: str = ""


@transaction.atomic
def ledger_open(*, year: int, plan, openings: Iterable[CellOpening], actor, occurred_at: datetime | None = None):
    """Create the year's cells from its approved plan, each with an `open` movement (called by plan approval)."""
    quota_year = QuotaYear.objects.create(year=year, plan=plan)
    operation, now = uuid.uuid4(), occurred_at or timezone.now()
    cells = QuotaCell.objects.bulk_create(
        [
            QuotaCell(
                quota_year=quota_year,
                year=year,
                kind=o.kind,
                region_id=o.region_id,
                category=o.category,
                country=o.country,
                project_key=o.project_key,
                allocated=o.allocated,
            )
            for o in openings
        ]
    )
    # bulk_create sets primary keys on PostgreSQL and SQLite; re-read to be independent of it.
    cells = list(QuotaCell.objects.filter(quota_year=quota_year).order_by("id"))
    LedgerMovement.objects.bulk_create(
        [
            LedgerMovement(
                cell=cell,
                kind=MovementKind.OPEN,
                allocated_delta=cell.allocated,
                operation=operation,
                cause_type=plan._meta.label_lower,
                cause_id=str(plan.pk),
                actor=actor,
                occurred_at=now,
            )
            for cell in cells
        ]
    )
    record_event(
        actor=actor,
        action="quota_year.opened",
        obj=quota_year,
        after={"year": year, "plan_id": plan.pk, "cells": len(cells), "allocated": sum(c.allocated for c in cells)},
    )
    return quota_year


def _open_year(year: int, *, allow_closed: bool = False) -> QuotaYear:
    """The year's ledger, refusing a year without an approved plan and (unless allowed) a closed year.

    Called again after the cells are locked: closing a year locks all its cells first, so a check made
    while holding them cannot be overtaken by a close (DOMAIN §5, closing a year)."""
    try:
        quota_year = QuotaYear.objects.get(year=year)
    except QuotaYear.DoesNotExist:
        raise QuotaConflict(MESSAGE_NO_APPROVED_QUOTA.format(year=year), code=CODE_NO_APPROVED_QUOTA) from None
    if not quota_year.is_open and not allow_closed:
        raise QuotaConflict(MESSAGE_YEAR_CLOSED.format(year=year), code=CODE_YEAR_CLOSED)
    return quota_year


@transaction.atomic
def quota_year_close(*, year: int, actor, on: date | None = None) -> QuotaYear:
    """Close a year (DOMAIN §5): no new reservations or give-backs; existing reservations may still be
    committed or released. From 1 January of the next year, by a ministry official."""
    if actor is not None and user_role(actor) != MINISTRY_OFFICIAL:
        raise DomainError(MESSAGE_ONLY_MINISTRY_CLOSES, code="permission_denied", status_code=403)
    on = on or quota_today()
    if on < date(year + 1, 1, 1):
        raise QuotaConflict(MESSAGE_YEAR_NOT_OVER.format(year=year, next_year=year + 1), code=CODE_YEAR_NOT_OVER)
    quota_year = _open_year(year, allow_closed=True)
    # Lock every cell of the year first: a reservation holding any of them finishes before the close,
    # and one that comes after sees the year closed when it re-checks with its cells locked.
    _lock(QuotaCell.objects.filter(year=year).values_list("id", flat=True))
    quota_year = QuotaYear.objects.select_for_update().get(pk=quota_year.pk)
    if not quota_year.is_open:
        raise QuotaConflict(MESSAGE_ALREADY_CLOSED.format(year=year), code=CODE_YEAR_CLOSED)
    quota_year.closed_at = timezone.now()
    quota_year.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    quota_year.save(update_fields=["closed_at", "closed_by"])
    record_event(actor=actor, action="quota_year.closed", obj=quota_year, after={"year": year, "closed_on": on})
    return quota_year


# ---------------------------------------------------------------------------------------------
# Moving places
# ---------------------------------------------------------------------------------------------
def _cells_for(year: int, placements: list[Placement]) -> dict[int, int]:
    """Places needed per cell id for the placements (DOMAIN §5 "Unit")."""
    if not placements or any(not isinstance(p.places, int) or p.places <= 0 for p in placements):
        raise DomainError(MESSAGE_INVALID_PLACES, code="invalid_places", field="placements", status_code=400)
    cells = QuotaCell.objects.filter(year=year)
    needed: dict[int, int] = defaultdict(int)
    for placement in placements:
        if placement.project_key:
            main = cells.filter(
                kind=CellKind.PROJECT,
                project_key=placement.project_key,
                region_id=placement.region_id,
                category=placement.category,
            )
        else:
            main = cells.filter(kind=CellKind.REGIONAL, region_id=placement.region_id, category=placement.category)
        main_id = main.values_list("id", flat=True).first()
        if main_id is None:
            raise QuotaConflict(MESSAGE_NO_CELL.format(year=year, what=_missing_cell(placement)), code=CODE_NO_CELL)
        needed[main_id] += placement.places
        if placement.country:
            country_id = cells.filter(kind=CellKind.COUNTRY, country=placement.country).values_list("id", flat=True)
            country_id = country_id.first()
            if country_id is not None:  # only capped countries have a cell
                needed[country_id] += placement.places
    return dict(needed)


def _missing_cell(placement: Placement) -> str:
    """The cell a placement asked for, in words (read only when it is missing: never on the reservation path)."""
    region = Region.objects.filter(pk=placement.region_id).values_list("code", flat=True).first()
    region = region or f"#{placement.region_id}"
    if placement.project_key:
        return WHAT_PROJECT_CELL.format(project=placement.project_key, region=region, category=placement.category)
    return WHAT_REGIONAL_CELL.format(region=region, category=placement.category)


def _lock(cell_ids: Iterable[int]) -> dict[int, QuotaCell]:
    """Lock the cells in id order, so two operations over the same cells never wait on each other in a cycle."""
    return {cell.pk: cell for cell in QuotaCell.objects.select_for_update().filter(pk__in=cell_ids).order_by("id")}


def _describe(cells: Iterable[QuotaCell]) -> str:
    return ", ".join(str(cell) for cell in cells)


@transaction.atomic
def quota_reserve(
    *, placements: Iterable[Placement], cause, actor, reason: str = "", on: date | None = None
) -> uuid.UUID:
    """Reserve places for a cause in the year of `on` (today): all the cells or none. Returns the operation id."""
    year = (on or quota_today()).year
    _open_year(year)
    needed = _cells_for(year, list(placements))
    _lock_cause(cause)
    locked = _lock(needed)
    _open_year(year)
    # Read after the locks (DOMAIN §5 "Integrity"): a cause's places are reserved once, never twice.
    if _holds_any(cause):
        raise QuotaConflict(MESSAGE_CAUSE_HOLDS_PLACES.format(cause=_cause_name(cause)), code=CODE_CAUSE_HOLDS_PLACES)
    short = [locked[cell_id] for cell_id, n in needed.items() if locked[cell_id].available < n]
    if short:
        raise QuotaConflict(
            MESSAGE_EXHAUSTED.format(
                cells=_describe(short),
                needed=sum(needed[c.pk] for c in short),
                available=sum(c.available for c in short),
            ),
            code=CODE_EXHAUSTED,
        )
    operation = uuid.uuid4()
    for cell_id, n in needed.items():
        # Conditional update: even without the lock (or on SQLite, which ignores it) a cell cannot go below zero.
        changed = QuotaCell.objects.filter(pk=cell_id, allocated__gte=F("reserved") + F("used") + n).update(
            reserved=F("reserved") + n
        )
        if not changed:
            raise QuotaConflict(
                MESSAGE_EXHAUSTED.format(cells=_describe([locked[cell_id]]), needed=n, available=0),
                code=CODE_EXHAUSTED,
            )
    _write_movements(MovementKind.RESERVE, needed, operation=operation, cause=cause, actor=actor, reason=reason)
    return operation


def _cause_name(cause) -> str:
    cause_type, cause_id = cause_reference(cause)
    return f"{cause_type} #{cause_id}"


def _lock_cause(cause) -> None:
    """Serialise every ledger operation of one cause (lock order: cause → cells → audit chain head).

    A transaction-scoped advisory lock on PostgreSQL, keyed by the cause's reference: the ledger records causes
    generically and cannot lock their rows. Two causes whose keys collide only wait for each other. SQLite takes
    its write lock when the transaction begins (transaction_mode IMMEDIATE), so operations there are serial already.
    """
    if connection.vendor != "postgresql":
        return
    cause_type, cause_id = cause_reference(cause)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LEDGER_CAUSE_LOCK_SPACE, f"{cause_type}:{cause_id}"]
        )


#: The first key of the ledger's advisory locks (the second is the cause's hash): "KVQL" in ASCII.
LEDGER_CAUSE_LOCK_SPACE = 0x4B56514C


def _held(cause, kind: str) -> dict[int, int]:
    """Places a cause still holds per cell: reserved (`reserve`) or used (`commit`)."""
    field = "reserved_delta" if kind == "reserved" else "used_delta"
    rows = (
        LedgerMovement.objects.for_cause(*cause_reference(cause))
        .exclude(kind__in=[MovementKind.OPEN, MovementKind.AMEND])
        .values("cell_id")
        .annotate(held=Sum(field))
    )
    return {row["cell_id"]: row["held"] for row in rows if row["held"] > 0}


def _holds_any(cause) -> bool:
    """Whether the cause holds any place, reserved or used, in any cell."""
    return bool(
        LedgerMovement.objects.for_cause(*cause_reference(cause))
        .exclude(kind__in=[MovementKind.OPEN, MovementKind.AMEND])
        .values("cell_id")
        .annotate(reserved=Sum("reserved_delta"), used=Sum("used_delta"))
        .filter(Q(reserved__gt=0) | Q(used__gt=0))
        .exists()
    )


def _lock_held(cause, held_kind: str) -> tuple[dict[int, int], dict[int, QuotaCell]]:
    """Lock the cells a cause holds places in, then read what it holds with them locked (DOMAIN §5 "Integrity").

    The first read only names the cells to lock; the places counted are read again after the locks, so two
    operations on one cause can never both move the same places. If the cause turned out to hold places in a cell
    not yet locked, that cell is locked too and the places read again."""
    _lock_cause(cause)
    locked: dict[int, QuotaCell] = {}
    held = _held(cause, held_kind)
    while set(held) - set(locked):
        locked = _lock(set(held) | set(locked))
        held = _held(cause, held_kind)
    return held, locked


def _move_held(*, cause, held_kind: str, movement: str, verb: str, actor, reason: str, allow_closed: bool):
    held, locked = _lock_held(cause, held_kind)
    if not held:
        raise QuotaConflict(
            MESSAGE_NOTHING_HELD.format(cause=_cause_name(cause), what=held_kind, verb=verb),
            code=CODE_NOTHING_HELD,
        )
    for year in {locked[cell_id].year for cell_id in held}:
        _open_year(year, allow_closed=allow_closed)
    for cell_id, n in held.items():
        if movement == MovementKind.RELEASE:
            update, guard = {"reserved": F("reserved") - n}, Q(reserved__gte=n)
        elif movement == MovementKind.COMMIT:
            update, guard = {"reserved": F("reserved") - n, "used": F("used") + n}, Q(reserved__gte=n)
        else:
            update, guard = {"used": F("used") - n}, Q(used__gte=n)
        if not QuotaCell.objects.filter(guard, pk=cell_id).update(**update):
            raise QuotaConflict(
                MESSAGE_NOTHING_HELD.format(cause=str(locked[cell_id]), what=held_kind, verb=verb),
                code=CODE_NOTHING_HELD,
            )
    operation = uuid.uuid4()
    _write_movements(movement, held, operation=operation, cause=cause, actor=actor, reason=reason)
    return operation


@transaction.atomic
def quota_release(*, cause, actor, reason: str = "") -> uuid.UUID:
    """Give back what a cause has reserved (refusal after approval, lapse, withdrawal); allowed after closing."""
    return _move_held(
        cause=cause,
        held_kind="reserved",
        movement=MovementKind.RELEASE,
        verb="release",
        actor=actor,
        reason=reason,
        allow_closed=True,
    )


@transaction.atomic
def quota_commit(*, cause, actor, reason: str = "") -> uuid.UUID:
    """Turn a cause's reservation into used places (permit issued); allowed after closing."""
    return _move_held(
        cause=cause,
        held_kind="reserved",
        movement=MovementKind.COMMIT,
        verb="commit",
        actor=actor,
        reason=reason,
        allow_closed=True,
    )


@transaction.atomic
def quota_give_back(*, cause, actor, reason: str = "") -> uuid.UUID:
    """Return a cause's used places (permit revoked or ended early), only while the year is open."""
    return _move_held(
        cause=cause,
        held_kind="used",
        movement=MovementKind.GIVE_BACK,
        verb="give back",
        actor=actor,
        reason=reason,
        allow_closed=False,
    )


@dataclass(frozen=True)
class Reallocation:
    """A cell's allocated places before and after an amendment."""

    cell_id: int
    before: int
    after: int


def describe_below_held(cells: Iterable[tuple[QuotaCell, int]]) -> str:
    """ "2022 KZ-71/3 (1932 < 2000 reserved + used)" for each cell an amendment would take below what it holds."""
    return ", ".join(
        _("{cell} ({after} < {held} reserved + used)").format(cell=cell, after=after, held=cell.reserved + cell.used)
        for cell, after in cells
    )


@transaction.atomic
def quota_amend(*, year: int, reallocations: Iterable[Reallocation], cause, actor, reason: str = "") -> uuid.UUID:
    """Apply an approved amendment to the year's cells (DOMAIN §5): all the cells or none, locked in id order like a
    reservation, so a reservation racing the amendment either finishes first (and is counted here) or waits and sees
    the new allocation. Refused, naming the cells, if any would go below its reserved + used places (never clamped),
    or if a cell's allocation is no longer the one the amendment was computed from."""
    reallocations = [r for r in reallocations if r.after != r.before]
    if not reallocations:
        raise DomainError(MESSAGE_INVALID_PLACES, code="invalid_places", status_code=400)
    _open_year(year)
    locked = _lock(r.cell_id for r in reallocations)
    _open_year(year)
    if len(locked) != len(reallocations) or any(cell.year != year for cell in locked.values()):
        raise QuotaConflict(MESSAGE_NO_CELL.format(year=year, what="the amendment"), code=CODE_NO_CELL)
    moved = [locked[r.cell_id] for r in reallocations if locked[r.cell_id].allocated != r.before]
    if moved:
        raise QuotaConflict(MESSAGE_CELL_MOVED.format(cells=_describe(moved)), code=CODE_CELL_MOVED)
    below = [
        (locked[r.cell_id], r.after)
        for r in reallocations
        if r.after < locked[r.cell_id].reserved + locked[r.cell_id].used
    ]
    if below:
        raise QuotaConflict(MESSAGE_BELOW_HELD.format(cells=describe_below_held(below)), code=CODE_BELOW_HELD)
    for r in reallocations:
        # Conditional update: the allocation still the one computed from, and never below what the cell holds.
        changed = QuotaCell.objects.filter(pk=r.cell_id, allocated=r.before, reserved__lte=r.after - F("used")).update(
            allocated=r.after
        )
        if not changed:
            raise QuotaConflict(MESSAGE_CELL_MOVED.format(cells=_describe([locked[r.cell_id]])), code=CODE_CELL_MOVED)
    operation = uuid.uuid4()
    deltas = {r.cell_id: r.after - r.before for r in reallocations}
    _write_movements(MovementKind.AMEND, deltas, operation=operation, cause=cause, actor=actor, reason=reason)
    return operation


_DELTAS = {
    MovementKind.AMEND: lambda n: {"allocated_delta": n},
    MovementKind.RESERVE: lambda n: {"reserved_delta": n},
    MovementKind.RELEASE: lambda n: {"reserved_delta": -n},
    MovementKind.COMMIT: lambda n: {"reserved_delta": -n, "used_delta": n},
    MovementKind.GIVE_BACK: lambda n: {"used_delta": -n},
}


def _write_movements(kind: str, places: dict[int, int], *, operation, cause, actor, reason: str) -> None:
    cause_type, cause_id = cause_reference(cause)
    now = timezone.now()
    LedgerMovement.objects.bulk_create(
        [
            LedgerMovement(
                cell_id=cell_id,
                kind=kind,
                operation=operation,
                cause_type=cause_type,
                cause_id=cause_id,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                reason=reason,
                occurred_at=now,
                **_DELTAS[kind](n),
            )
            for cell_id, n in sorted(places.items())
        ]
    )
    # The audit chain head is locked last (DOMAIN §5 lock order).
    record_event(
        actor=actor,
        action=f"quota.{kind}",
        before=None,
        after={"operation": str(operation), "cause": [cause_type, cause_id], "places": places},
        reason=reason,
    )


# ---------------------------------------------------------------------------------------------
# Reading past balances (reconciliation: quota.reconciliation)
# ---------------------------------------------------------------------------------------------
def balances_as_of(*, year: int, moment: datetime) -> dict[int, dict[str, int]]:
    """Each cell's counters at a past moment, recomputed from its movements."""
    rows = (
        LedgerMovement.objects.filter(cell__year=year, occurred_at__lte=moment)
        .values("cell_id")
        .annotate(allocated=Sum("allocated_delta"), reserved=Sum("reserved_delta"), used=Sum("used_delta"))
    )
    return {r["cell_id"]: {"allocated": r["allocated"], "reserved": r["reserved"], "used": r["used"]} for r in rows}
