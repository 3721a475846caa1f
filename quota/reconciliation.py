"""Reconciliation of the quota ledger (DOMAIN §5 "Integrity"): reports every difference, never repairs.

It compares, for each quota year:
- every cell's counters (allocated, reserved, used) with the sum of its movements;
- every cell's allocation with its approved plan plus the plan's approved amendments, and each cell's opening
  movement with the plan;
- every `amend` movement with an approved amendment of that plan (and each approved amendment's cells with the
  movements that applied it);
- what each cause holds per cell: never below zero;
- the places used by each kind of cause with the places its owner says are in use (permits and extensions issued
  and not given back). The apps that own those causes register a source (`register_used_places_source`); the
  quota app never imports them (STYLE.md).

Each difference is a `LedgerDifference` with a code and a sentence in words, listed by the
`verify_quota_ledger` command and the reconciliation page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from .ledger import Placement
from .models import AmendmentCell, CellKind, LedgerMovement, MovementKind, QuotaAmendment, QuotaCell, QuotaYear
from .services import plan_ledger_openings

COUNTER_MISMATCH = "counter_mismatch"
PLAN_NOT_APPROVED = "plan_not_approved"
CELL_NOT_IN_PLAN = "cell_not_in_plan"
PLAN_CELL_MISSING = "plan_cell_missing"
ALLOCATION_MISMATCH = "allocation_mismatch"
OPENING_MISMATCH = "opening_mismatch"
AMEND_WITHOUT_AMENDMENT = "amend_without_amendment"
AMEND_MISMATCH = "amend_mismatch"
AMENDMENT_NOT_APPLIED = "amendment_not_applied"
CAUSE_BELOW_ZERO = "cause_below_zero"
USED_MISMATCH = "used_mismatch"

MESSAGES = {
    COUNTER_MISMATCH: _("{cell}: {counter} is {value}, its movements sum to {movements}."),
    PLAN_NOT_APPROVED: _("Quota year {year}: its ledger was opened from a plan that is {status}, not approved."),
    CELL_NOT_IN_PLAN: _("{cell}: the approved plan of {year} has no such cell."),
    PLAN_CELL_MISSING: _("{cell}: the approved plan gives it {places} places, but the ledger has no such cell."),
    ALLOCATION_MISMATCH: _(
        "{cell}: {allocated} places allocated, but the approved plan and its approved amendments give {expected}."
    ),
    OPENING_MISMATCH: _("{cell}: opened with {opened} places by {cause}, but the approved plan gives {planned}."),
    AMEND_WITHOUT_AMENDMENT: _(
        "{cell}: an amendment movement of {places:+d} places names {cause}, which is not an approved amendment of "
        "the {year} plan."
    ),
    AMEND_MISMATCH: _(
        "{cell}: amendment {number} moved {moved:+d} places, but the amendment changes it by {delta:+d}."
    ),
    AMENDMENT_NOT_APPLIED: _(
        "{cell}: approved amendment {number} changes it by {delta:+d} places, but the ledger has no such movement."
    ),
    CAUSE_BELOW_ZERO: _("{cell}: {cause} holds {places} {counter} places (below zero)."),
    USED_MISMATCH: _("{cell}: {cause} uses {used} places in the ledger, but {source} accounts for {expected}."),
}

COUNTER_NAMES = {"allocated": _("allocated"), "reserved": _("reserved"), "used": _("used")}


@dataclass(frozen=True)
class LedgerDifference:
    """One difference found by reconciliation: its code, the year and cell, and the sentence that states it."""

    code: str
    year: int
    cell: str
    message: str
    cell_id: int | None = None
    details: dict = field(default_factory=dict)


def _difference(code: str, *, year: int, cell="", cell_id=None, **params) -> LedgerDifference:
    cell = str(cell) if cell else str(year)
    message = str(MESSAGES[code]).format(cell=cell, year=year, **params)
    return LedgerDifference(code, year, cell, message, cell_id, {k: str(v) for k, v in params.items()})


# ---------------------------------------------------------------------------------------------------------------------
# The used-places hook: the issuing app says which causes should hold used places, and where.
# ---------------------------------------------------------------------------------------------------------------------
#: A source answers, for a quota year, the places each of its causes should hold as used there now (a permit or
#: extension issued and not given back), as the placements it reserved: {cause_id: [Placement, …]}.
UsedPlacesSource = Callable[[int], Mapping[str, Iterable[Placement]]]


@dataclass(frozen=True)
class _RegisteredSource:
    source: UsedPlacesSource
    label: object  # what the page calls it ("issued permits")


_used_places_sources: dict[str, _RegisteredSource] = {}


def register_used_places_source(cause_type: str, source: UsedPlacesSource, *, label) -> None:
    """Register the owner of a kind of cause (`"permits.permit"`): reconciliation compares the places its causes
    use in the ledger with the places the source accounts for. Called from an AppConfig.ready()."""
    _used_places_sources[cause_type] = _RegisteredSource(source, label)


def unregister_used_places_source(cause_type: str) -> None:
    _used_places_sources.pop(cause_type, None)


# ---------------------------------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------------------------------
def quota_ledger_verify(*, year: int | None = None) -> list[LedgerDifference]:
    """Every difference in the ledger of one year, or of every year, in a stable order. Reports; never repairs."""
    years = QuotaYear.objects.select_related("plan").order_by("year")
    if year is not None:
        years = years.filter(year=year)
    found: list[LedgerDifference] = []
    for quota_year in years:
        cells = {cell.pk: cell for cell in QuotaCell.objects.filter(year=quota_year.year).select_related("region")}
        found += _counters_vs_movements(quota_year.year, cells)
        found += _allocation_vs_plan(quota_year, cells)
        found += _amend_movements_vs_amendments(quota_year, cells)
        found += _causes_below_zero(quota_year.year, cells)
        found += _used_vs_sources(quota_year.year, cells)
    return found


def _counters_vs_movements(year: int, cells: dict[int, QuotaCell]) -> list[LedgerDifference]:
    sums = {
        row["cell_id"]: row
        for row in LedgerMovement.objects.filter(cell__year=year)
        .values("cell_id")
        .annotate(allocated=Sum("allocated_delta"), reserved=Sum("reserved_delta"), used=Sum("used_delta"))
    }
    found = []
    for cell_id, cell in sorted(cells.items()):
        row = sums.get(cell_id, {})
        for name in ("allocated", "reserved", "used"):
            counter, total = getattr(cell, name), row.get(name) or 0
            if counter != total:
                found.append(
                    _difference(
                        COUNTER_MISMATCH,
                        year=year,
                        cell=cell,
                        cell_id=cell_id,
                        counter=COUNTER_NAMES[name],
                        value=counter,
                        movements=total,
                    )
                )
    return found


def _cell_key(kind, region_id, category, country, project_key) -> tuple:
    return (kind, region_id or None, category or "", country or "", project_key or "")


def _allocation_vs_plan(quota_year: QuotaYear, cells: dict[int, QuotaCell]) -> list[LedgerDifference]:
    """Each cell's allocation against the approved plan it was opened from plus the plan's approved amendments."""
    year, plan = quota_year.year, quota_year.plan
    if plan.status != plan.Status.APPROVED:
        return [_difference(PLAN_NOT_APPROVED, year=year, status=plan.get_status_display())]
    planned = {
        _cell_key(o.kind, o.region_id, o.category, o.country, o.project_key): o for o in plan_ledger_openings(plan)
    }
    by_key = {_cell_key(c.kind, c.region_id, c.category, c.country, c.project_key): c for c in cells.values()}
    found = []
    for key, opening in planned.items():
        if key not in by_key:
            found.append(
                _difference(PLAN_CELL_MISSING, year=year, cell=_opening_name(year, opening), places=opening.allocated)
            )
    opened = {
        row["cell_id"]: row
        for row in LedgerMovement.objects.filter(cell__year=year, kind=MovementKind.OPEN)
        .values("cell_id", "cause_type", "cause_id")
        .annotate(places=Sum("allocated_delta"))
    }
    amended = defaultdict(int)
    for amendment_cell in AmendmentCell.objects.filter(
        amendment__plan=plan, amendment__status=QuotaAmendment.Status.APPROVED
    ).only("cell_id", "allocated_before", "allocated_after"):
        amended[amendment_cell.cell_id] += amendment_cell.delta
    plan_cause = (plan._meta.label_lower, str(plan.pk))
    for cell_id, cell in sorted(cells.items()):
        opening = planned.get(_cell_key(cell.kind, cell.region_id, cell.category, cell.country, cell.project_key))
        if opening is None:
            found.append(_difference(CELL_NOT_IN_PLAN, year=year, cell=cell, cell_id=cell_id))
            continue
        row = opened.get(cell_id)
        opened_places = row["places"] if row else 0
        cause = (row["cause_type"], row["cause_id"]) if row else None
        if opened_places != opening.allocated or cause != plan_cause:
            found.append(
                _difference(
                    OPENING_MISMATCH,
                    year=year,
                    cell=cell,
                    cell_id=cell_id,
                    opened=opened_places,
                    cause=f"{cause[0]} #{cause[1]}" if cause else "—",
                    planned=opening.allocated,
                )
            )
        expected = opening.allocated + amended[cell_id]
        if cell.allocated != expected:
            found.append(
                _difference(
                    ALLOCATION_MISMATCH,
                    year=year,
                    cell=cell,
                    cell_id=cell_id,
                    allocated=cell.allocated,
                    expected=expected,
                )
            )
    return found


def _opening_name(year: int, opening) -> str:
    """A planned cell that the ledger lacks, in the words a cell uses for itself."""
    return str(
        QuotaCell(
            year=year,
            kind=opening.kind,
            region_id=opening.region_id,
            category=opening.category,
            country=opening.country,
            project_key=opening.project_key,
            allocated=opening.allocated,
        )
    )


def _amend_movements_vs_amendments(quota_year: QuotaYear, cells: dict[int, QuotaCell]) -> list[LedgerDifference]:
    """Every amend movement against an approved amendment of the year's plan, both ways."""
    year, plan = quota_year.year, quota_year.plan
    approved = {
        str(a.pk): a
        for a in QuotaAmendment.objects.filter(plan=plan, status=QuotaAmendment.Status.APPROVED).prefetch_related(
            "cells"
        )
    }
    amendment_type = QuotaAmendment._meta.label_lower
    moved: dict[tuple[str, int], int] = {}
    found = []
    for row in (
        LedgerMovement.objects.filter(cell__year=year, kind=MovementKind.AMEND)
        .values("cause_type", "cause_id", "cell_id")
        .annotate(places=Sum("allocated_delta"))
        .order_by("cell_id", "cause_type", "cause_id")
    ):
        if row["cause_type"] != amendment_type or row["cause_id"] not in approved:
            found.append(
                _difference(
                    AMEND_WITHOUT_AMENDMENT,
                    year=year,
                    cell=cells.get(row["cell_id"], row["cell_id"]),
                    cell_id=row["cell_id"],
                    places=row["places"],
                    cause=f"{row['cause_type']} #{row['cause_id']}",
                )
            )
            continue
        moved[(row["cause_id"], row["cell_id"])] = row["places"]
    for amendment_id, amendment in approved.items():
        for amendment_cell in amendment.cells.all():
            key = (amendment_id, amendment_cell.cell_id)
            cell = cells.get(amendment_cell.cell_id, amendment_cell.cell_id)
            if key not in moved:
                found.append(
                    _difference(
                        AMENDMENT_NOT_APPLIED,
                        year=year,
                        cell=cell,
                        cell_id=amendment_cell.cell_id,
                        number=amendment.number,
                        delta=amendment_cell.delta,
                    )
                )
                continue
            places = moved.pop(key)
            if places != amendment_cell.delta:
                found.append(
                    _difference(
                        AMEND_MISMATCH,
                        year=year,
                        cell=cell,
                        cell_id=amendment_cell.cell_id,
                        number=amendment.number,
                        moved=places,
                        delta=amendment_cell.delta,
                    )
                )
    for (amendment_id, cell_id), places in sorted(moved.items()):  # moved a cell the amendment does not change
        found.append(
            _difference(
                AMEND_MISMATCH,
                year=year,
                cell=cells.get(cell_id, cell_id),
                cell_id=cell_id,
                number=approved[amendment_id].number,
                moved=places,
                delta=0,
            )
        )
    return found


def _cause_holdings(year: int, cause_type: str | None = None):
    """Places held per (cell, cause): reserved and used, from reserve, release, commit and give-back movements."""
    movements = LedgerMovement.objects.filter(cell__year=year).exclude(kind__in=[MovementKind.OPEN, MovementKind.AMEND])
    if cause_type is not None:
        movements = movements.filter(cause_type=cause_type)
    return movements.values("cell_id", "cause_type", "cause_id").annotate(
        reserved=Sum("reserved_delta"), used=Sum("used_delta")
    )


def _causes_below_zero(year: int, cells: dict[int, QuotaCell]) -> list[LedgerDifference]:
    found = []
    rows = _cause_holdings(year).filter(Q(reserved__lt=0) | Q(used__lt=0)).order_by("cell_id", "cause_type", "cause_id")
    for row in rows:
        for name in ("reserved", "used"):
            if row[name] < 0:
                found.append(
                    _difference(
                        CAUSE_BELOW_ZERO,
                        year=year,
                        cell=cells.get(row["cell_id"], row["cell_id"]),
                        cell_id=row["cell_id"],
                        cause=f"{row['cause_type']} #{row['cause_id']}",
                        places=row[name],
                        counter=COUNTER_NAMES[name],
                    )
                )
    return found


class _CellIndex:
    """The year's cells by what a placement names, to turn a source's placements into cells without a query each."""

    def __init__(self, cells: Iterable[QuotaCell]):
        self.regional, self.project, self.country = {}, {}, {}
        for cell in cells:
            if cell.kind == CellKind.REGIONAL:
                self.regional[(cell.region_id, cell.category)] = cell
            elif cell.kind == CellKind.PROJECT:
                self.project[(cell.project_key, cell.region_id, cell.category)] = cell
            elif cell.kind == CellKind.COUNTRY:
                self.country[cell.country] = cell

    def places(self, placements: Iterable[Placement]) -> tuple[dict[int, int], list[Placement]]:
        """Places per cell id for the placements (DOMAIN §5 "Unit"), and the placements naming no cell."""
        needed: dict[int, int] = defaultdict(int)
        missing = []
        for placement in placements:
            if placement.project_key:
                main = self.project.get((placement.project_key, placement.region_id, placement.category))
            else:
                main = self.regional.get((placement.region_id, placement.category))
            if main is None:
                missing.append(placement)
                continue
            needed[main.pk] += placement.places
            country = self.country.get(placement.country) if placement.country else None
            if country is not None:
                needed[country.pk] += placement.places
        return dict(needed), missing


def _used_vs_sources(year: int, cells: dict[int, QuotaCell]) -> list[LedgerDifference]:
    """The used places of each registered kind of cause against what its owner says is issued and not given back."""
    found = []
    index = _CellIndex(cells.values())
    for cause_type, registered in sorted(_used_places_sources.items()):
        in_ledger = {
            (row["cause_id"], row["cell_id"]): row["used"]
            for row in _cause_holdings(year, cause_type)
            if row["used"] != 0
        }
        expected: dict[tuple[str, int], int] = {}
        for cause_id, placements in registered.source(year).items():
            needed, missing = index.places(placements)
            for cell_id, places in needed.items():
                expected[(str(cause_id), cell_id)] = places
            for placement in missing:
                found.append(
                    _difference(
                        USED_MISMATCH,
                        year=year,
                        cell=f"{year} region #{placement.region_id}/{placement.category}",
                        cause=f"{cause_type} #{cause_id}",
                        used=0,
                        source=registered.label,
                        expected=placement.places,
                    )
                )
        for key in sorted(set(in_ledger) | set(expected), key=lambda k: (k[1], k[0])):
            used, wanted = in_ledger.get(key, 0), expected.get(key, 0)
            if used != wanted:
                cause_id, cell_id = key
                found.append(
                    _difference(
                        USED_MISMATCH,
                        year=year,
                        cell=cells[cell_id],
                        cell_id=cell_id,
                        cause=f"{cause_type} #{cause_id}",
                        used=used,
                        source=registered.label,
                        expected=wanted,
                    )
                )
    return found
