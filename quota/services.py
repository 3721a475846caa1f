"""Every write of the quota app (STYLE.md): labour-force statistics and the annual quota plan.

Ministry officials write quota data (DOMAIN §10); services re-check the actor because commands call them too
(`actor=None` is the system itself: loaders and seeders). Each change records its audit event in its own
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import record_event
from common.errors import DomainError
from common.models import Region
from common.policy import P, policy_reference, policy_value
from common.roles import MINISTRY_OFFICIAL, user_role

from .calculation import CATEGORIES, LABOUR_FORCE_MISSING, CalculationError, compute_plan
from .imports import (
    FIRST_STATISTICS_YEAR,
    MAX_PERSONS,
    MAX_SOURCE_LENGTH,
    FigureRow,
    parse_demand,
    parse_labour_force,
)
from .models import LabourForceFigure, PlanCell, PlanDemand, QuotaPlan
from .selectors import national_labour_force, regional_labour_force

SHIPPED_LABOUR_FORCE = Path(__file__).resolve().parent / "data" / "labour_force.csv"

MESSAGE_MINISTRY_ONLY = _("Only a ministry official may change labour-force statistics and quota plans.")
MESSAGE_PERSONS_RANGE = _("The labour force must be a whole number of persons from 1 to %(maximum)s.")
MESSAGE_SOURCE_REQUIRED = _("Name the source of the figure.")
MESSAGE_SOURCE_TOO_LONG = _("The source is longer than %(limit)s characters.")
MESSAGE_REASON_REQUIRED = _("Give the reason for the correction.")
MESSAGE_UNKNOWN_STATUS = _("Choose official or illustrative.")


def _require_ministry(actor) -> None:
    if actor is not None and user_role(actor) != MINISTRY_OFFICIAL:
        raise PermissionDenied(MESSAGE_MINISTRY_ONLY)


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


# ---------------------------------------------------------------------------------------------------------------------
# Labour-force statistics (DOMAIN §1)
# ---------------------------------------------------------------------------------------------------------------------
@dataclass
class LabourForceImportReport:
    """What an import or load did; keys look like "KZ-71/2019/Q2"."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # loads only: stored figures that differ from the file

    def as_dict(self) -> dict:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "kept": len(self.kept),
            "created_keys": self.created,
            "updated_keys": self.updated,
        }

    def summary(self) -> str:
        return (
            f"labour force: {len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.kept)} kept as edited (differ from the file)"
        )


def _stored_figures(rows: list[FigureRow]) -> dict[tuple, LabourForceFigure]:
    years = {row.year for row in rows}
    # of=self: a national figure has no region, and PostgreSQL cannot lock the nullable side of an outer join.
    stored = LabourForceFigure.objects.filter(year__in=years).select_for_update(of=("self",))
    return {(figure.region_id, figure.year, figure.period): figure for figure in stored}


def _new_figure(row: FigureRow, actor) -> LabourForceFigure:
    figure = LabourForceFigure(
        region=row.region,
        year=row.year,
        period=row.period,
        persons=row.persons,
        status=row.status,
        source=row.source,
        created_by=actor,
        updated_by=actor,
    )
    figure.full_clean(validate_unique=False, validate_constraints=False)  # the database holds uniqueness
    return figure


def _differs(figure: LabourForceFigure, row: FigureRow) -> bool:
    return (figure.persons, figure.status, figure.source) != (row.persons, row.status, row.source)


@transaction.atomic
def labour_force_import(
    *, file=None, rows=None, source: str = "", filename: str = "", actor
) -> LabourForceImportReport:
    """Import labour-force figures from a CSV file or JSON rows (quota.imports.parse_labour_force): every row is
    validated first and any problem rejects the whole import (FileRejected, nothing written); then each figure is
    created, or updated when (region, year, period) exists. One audit event per import, with its counts and the
    before/after of every updated figure."""
    _require_ministry(actor)
    parsed = parse_labour_force(file=file, rows=rows, source=source)
    actor = _user(actor)
    stored = _stored_figures(parsed)
    report = LabourForceImportReport()
    new, changed, changes = [], [], []
    now = timezone.now()
    for row in parsed:
        figure = stored.get(row.key)
        if figure is None:
            new.append(_new_figure(row, actor))
            report.created.append(row.label)
        elif _differs(figure, row):
            changes.append({"key": row.label, "before": figure.as_record()})
            figure.persons, figure.status, figure.source = row.persons, row.status, row.source
            figure.updated_by, figure.updated_at = actor, now
            figure.full_clean(validate_unique=False, validate_constraints=False)
            changes[-1]["after"] = figure.as_record()
            changed.append(figure)
            report.updated.append(row.label)
        else:
            report.unchanged.append(row.label)
    LabourForceFigure.objects.bulk_create(new)
    LabourForceFigure.objects.bulk_update(changed, ["persons", "status", "source", "updated_by", "updated_at"])
    record_event(
        actor=actor,
        action="labour_force.imported",
        before={"updated": [{"key": c["key"], **c["before"]} for c in changes]},
        after={
            "rows": len(parsed),
            "created": len(report.created),
            "updated": len(report.updated),
            "unchanged": len(report.unchanged),
            "created_keys": report.created,
            "updated_figures": [{"key": c["key"], **c["after"]} for c in changes],
            "filename": filename or None,
        },
        reason=filename,
    )
    return report


@transaction.atomic
def labour_force_correct(
    *, figure: LabourForceFigure, persons: int, source: str, reason: str, status: str | None = None, actor
) -> LabourForceFigure:
    """Correct one figure (persons, its source, optionally its status), with a reason; audited before/after."""
    _require_ministry(actor)
    figure = LabourForceFigure.objects.select_for_update(of=("self",)).select_related("region").get(pk=figure.pk)
    errors = {}
    if isinstance(persons, bool) or not isinstance(persons, int) or not 1 <= persons <= MAX_PERSONS:
        errors["persons"] = MESSAGE_PERSONS_RANGE % {"maximum": MAX_PERSONS}
    source = (source or "").strip()
    if not source:
        errors["source"] = MESSAGE_SOURCE_REQUIRED
    elif len(source) > MAX_SOURCE_LENGTH:
        errors["source"] = MESSAGE_SOURCE_TOO_LONG % {"limit": MAX_SOURCE_LENGTH}
    status = figure.status if status in (None, "") else status
    if status not in LabourForceFigure.Status.values:
        errors["status"] = MESSAGE_UNKNOWN_STATUS
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = MESSAGE_REASON_REQUIRED
    if errors:
        raise ValidationError(errors)
    before = figure.as_record()
    figure.persons, figure.source, figure.status = persons, source, status
    if figure.as_record() == before:
        return figure
    figure.updated_by = _user(actor)
    figure.full_clean(validate_unique=False, validate_constraints=False)
    figure.save()
    record_event(
        actor=_user(actor),
        action="labour_force.corrected",
        obj=figure,
        before={"key": figure.key, **before},
        after={"key": figure.key, **figure.as_record()},
        reason=reason,
    )
    return figure


@transaction.atomic
def labour_force_load_shipped(*, path: Path | None = None) -> LabourForceImportReport:
    """Load the published figures shipped in quota/data/labour_force.csv (idempotent, by the system): create the
    missing ones, never overwrite a stored figure (an official may have corrected it) and report how it differs. A
    malformed file changes nothing (FileRejected). Needs the regions loaded first (`load_reference_data`)."""
    with open(path or SHIPPED_LABOUR_FORCE, "rb") as handle:
        parsed = parse_labour_force(file=handle)
    stored = _stored_figures(parsed)
    report = LabourForceImportReport()
    new = []
    for row in parsed:
        figure = stored.get(row.key)
        if figure is None:
            new.append(_new_figure(row, None))
            report.created.append(row.label)
        elif _differs(figure, row):
            report.kept.append(row.label)
        else:
            report.unchanged.append(row.label)
    LabourForceFigure.objects.bulk_create(new)
    if new:
        record_event(
            actor=None, action="labour_force.loaded", after=report.as_dict(), reason="quota/data/labour_force.csv"
        )
    return report


# ---------------------------------------------------------------------------------------------------------------------
# Quota plans (DOMAIN §3)
# ---------------------------------------------------------------------------------------------------------------------
CODE_PLAN_EXISTS = "plan_exists"
CODE_PLAN_NOT_EDITABLE = "plan_not_editable"
CODE_NATIONAL_LABOUR_FORCE_MISSING = "national_labour_force_missing"

FIRST_PLAN_YEAR, LAST_PLAN_YEAR = 2000, 2100

MESSAGE_PLAN_EXISTS = _("There is already a quota plan for %(year)s: open it and revise its inputs.")
MESSAGE_PLAN_NOT_EDITABLE = _("The plan for %(year)s is %(status)s: its inputs can no longer change.")
MESSAGE_PLAN_YEAR = _("Enter a quota year from %(first)s to %(last)s.")
MESSAGE_STATISTICS_YEAR = _("The statistics year must be from %(first)s to the plan year %(year)s.")
MESSAGE_OFFICIAL_FIGURE_EXISTS = _(
    "The statistics year %(year)s has an official national labour force (%(persons)s persons, %(period)s): the plan "
    "uses it, so no other figure can be entered."
)
MESSAGE_ENTERED_SOURCE_REQUIRED = _("Name the source of the entered labour force.")
MESSAGE_NATIONAL_LABOUR_FORCE_MISSING = _(
    "The statistics year %(year)s has no official national labour force: enter the figure the plan should use, with "
    "its source, before computing."
)
MESSAGE_FALLBACK_LABOUR_FORCE_MISSING = _(
    "There is no accepted demand, and the labour-force fallback is refused: the statistics year %(year)s has no "
    "labour-force figure for %(regions)s. Import the figures or enter demand."
)

#: Inputs of a plan that quota_plan_update may change (the year is the plan's identity).
PLAN_INPUT_FIELDS = ("statistics_year", "entered_labour_force", "entered_labour_force_source")
_RESULT_DEFAULTS = {
    "ceiling": None,
    "pool": None,
    "national_headroom": None,
    "method": "",
    "share_numerator": None,
    "share_denominator": None,
    "rule_results": {},
    "uses_illustrative_figures": False,
    "computed_at": None,
    "computed_by": None,
    "computation_snapshot": None,
}


def _plan_inputs(plan: QuotaPlan) -> dict:
    return {
        "year": plan.year,
        "statistics_year": plan.statistics_year,
        "entered_labour_force": plan.entered_labour_force,
        "entered_labour_force_source": plan.entered_labour_force_source,
    }


def _check_plan_inputs(plan: QuotaPlan) -> None:
    """Validate a plan's inputs together; ValidationError by field."""
    errors = {}
    if not isinstance(plan.year, int) or not FIRST_PLAN_YEAR <= plan.year <= LAST_PLAN_YEAR:
        raise ValidationError({"year": MESSAGE_PLAN_YEAR % {"first": FIRST_PLAN_YEAR, "last": LAST_PLAN_YEAR}})
    if not isinstance(plan.statistics_year, int) or not FIRST_STATISTICS_YEAR <= plan.statistics_year <= plan.year:
        errors["statistics_year"] = MESSAGE_STATISTICS_YEAR % {"first": FIRST_STATISTICS_YEAR, "year": plan.year}
    entered = plan.entered_labour_force
    plan.entered_labour_force_source = (plan.entered_labour_force_source or "").strip()
    if entered is None:
        plan.entered_labour_force_source = ""
    elif isinstance(entered, bool) or not isinstance(entered, int) or not 1 <= entered <= MAX_PERSONS:
        errors["entered_labour_force"] = MESSAGE_PERSONS_RANGE % {"maximum": MAX_PERSONS}
    else:
        if not plan.entered_labour_force_source:
            errors["entered_labour_force_source"] = MESSAGE_ENTERED_SOURCE_REQUIRED
        elif len(plan.entered_labour_force_source) > MAX_SOURCE_LENGTH:
            errors["entered_labour_force_source"] = MESSAGE_SOURCE_TOO_LONG % {"limit": MAX_SOURCE_LENGTH}
        official = None if "statistics_year" in errors else national_labour_force(year=plan.statistics_year)
        if official is not None:
            errors["entered_labour_force"] = MESSAGE_OFFICIAL_FIGURE_EXISTS % {
                "year": plan.statistics_year,
                "persons": official.persons,
                "period": official.period,
            }
    if errors:
        raise ValidationError(errors)


def _lock_editable(plan: QuotaPlan) -> QuotaPlan:
    """The plan's row, locked; refused unless its inputs may still change (draft or computed)."""
    plan = QuotaPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_editable:
        raise DomainError(
            MESSAGE_PLAN_NOT_EDITABLE % {"year": plan.year, "status": plan.get_status_display()},
            code=CODE_PLAN_NOT_EDITABLE,
        )
    return plan


def _return_to_draft(plan: QuotaPlan) -> bool:
    """An input changed: a computed plan goes back to draft and loses its result. True if it was computed."""
    if plan.status != QuotaPlan.Status.COMPUTED:
        return False
    PlanCell.objects.filter(plan=plan).delete()
    for name, value in _RESULT_DEFAULTS.items():
        setattr(plan, name, value)
    plan.status = QuotaPlan.Status.DRAFT
    return True


@transaction.atomic
def quota_plan_create(
    *,
    year: int,
    statistics_year: int | None = None,
    entered_labour_force: int | None = None,
    entered_labour_force_source: str = "",
    actor,
) -> QuotaPlan:
    """Create the draft plan of a quota year (one per year); the statistics year defaults to the year before."""
    _require_ministry(actor)
    if isinstance(year, int) and QuotaPlan.objects.filter(year=year).exists():
        raise DomainError(MESSAGE_PLAN_EXISTS % {"year": year}, code=CODE_PLAN_EXISTS, field="year")
    plan = QuotaPlan(
        year=year,
        statistics_year=year - 1 if statistics_year is None and isinstance(year, int) else statistics_year,
        entered_labour_force=entered_labour_force,
        entered_labour_force_source=entered_labour_force_source,
        created_by=_user(actor),
    )
    _check_plan_inputs(plan)
    plan.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # another official created the year's plan a moment ago
        raise DomainError(MESSAGE_PLAN_EXISTS % {"year": year}, code=CODE_PLAN_EXISTS, field="year") from None
    record_event(actor=_user(actor), action="quota_plan.created", obj=plan, after=_plan_inputs(plan))
    return plan


@transaction.atomic
def quota_plan_update(*, plan: QuotaPlan, actor, **changes) -> QuotaPlan:
    """Change a plan's inputs (statistics year, entered national labour force and its source). A computed plan
    returns to draft and loses its result (DOMAIN §3 step 6: inputs are editable in draft)."""
    _require_ministry(actor)
    unknown = set(changes) - set(PLAN_INPUT_FIELDS)
    if unknown:
        raise TypeError(f"quota_plan_update() cannot change {', '.join(sorted(unknown))}")
    plan = _lock_editable(plan)
    before = _plan_inputs(plan)
    for name, value in changes.items():
        setattr(plan, name, value)
    _check_plan_inputs(plan)
    if _plan_inputs(plan) == before:
        return plan
    before["status"] = plan.status
    _return_to_draft(plan)
    plan.full_clean(validate_unique=False, validate_constraints=False)
    plan.save()
    record_event(
        actor=_user(actor),
        action="quota_plan.updated",
        obj=plan,
        before=before,
        after={**_plan_inputs(plan), "status": plan.status},
    )
    return plan


def _demand_table(rows) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for region_code, category, places in sorted(rows, key=lambda r: (r[0], CATEGORIES.index(r[1]))):
        table.setdefault(region_code, {})[category] = places
    return table


@transaction.atomic
def quota_plan_demand_replace(*, plan: QuotaPlan, file=None, rows=None, filename: str = "", actor) -> QuotaPlan:
    """Replace the plan's accepted-demand table D[region, category] with a CSV file or JSON rows
    (quota.imports.parse_demand: all or nothing, row by row). Zero cells are not stored. A computed plan returns to
    draft; the change is audited with the table before and after."""
    _require_ministry(actor)
    parsed = parse_demand(file=file, rows=rows, day=date(plan.year, 1, 1), year=plan.year)
    plan = _lock_editable(plan)
    stored = plan.demand_rows.select_related("region")
    before = _demand_table((row.region.code, row.category, row.places) for row in stored)
    after = _demand_table((row.region.code, row.category, row.places) for row in parsed if row.places)
    if before == after:
        return plan
    PlanDemand.objects.filter(plan=plan).delete()
    PlanDemand.objects.bulk_create(
        PlanDemand(plan=plan, region=row.region, category=row.category, places=row.places)
        for row in parsed
        if row.places
    )
    was_computed = _return_to_draft(plan)
    plan.save()
    record_event(
        actor=_user(actor),
        action="quota_plan.demand_replaced",
        obj=plan,
        before={"demand": before, "total": sum(sum(r.values()) for r in before.values())},
        after={
            "demand": after,
            "total": sum(sum(r.values()) for r in after.values()),
            "returned_to_draft": was_computed,
        },
        reason=filename,
    )
    return plan


def _national_input(plan: QuotaPlan) -> tuple[int, dict]:
    """The national labour force the plan uses: the official figure of its statistics year, else the entered one."""
    official = national_labour_force(year=plan.statistics_year)
    if official is not None:
        return official.persons, {
            "origin": "official",
            "persons": official.persons,
            "year": official.year,
            "period": official.period,
            "figure_id": official.pk,
            "source": official.source,
        }
    if plan.entered_labour_force is not None:
        return plan.entered_labour_force, {
            "origin": "entered",
            "persons": plan.entered_labour_force,
            "year": plan.statistics_year,
            "period": None,
            "figure_id": None,
            "source": plan.entered_labour_force_source,
        }
    raise DomainError(
        MESSAGE_NATIONAL_LABOUR_FORCE_MISSING % {"year": plan.statistics_year},
        code=CODE_NATIONAL_LABOUR_FORCE_MISSING,
        field="entered_labour_force",
    )


def _calculation_refused(error: CalculationError, plan: QuotaPlan) -> DomainError:
    """A refusal of quota.calculation as the API's 409, in the user's language where we have the words."""
    if error.code == LABOUR_FORCE_MISSING:
        regions = ", ".join(error.details.get("regions", []))
        message = MESSAGE_FALLBACK_LABOUR_FORCE_MISSING % {"year": plan.statistics_year, "regions": regions}
    else:
        message = error.message
    return DomainError(message, code=error.code)


@transaction.atomic
def quota_plan_compute(*, plan: QuotaPlan, actor) -> QuotaPlan:
    """Compute a plan (DOMAIN §3 steps 1-4 through quota.calculation.compute_plan) and store the result.

    Inputs: the rate, the managers/specialists threshold, the seasonal switch (and, for the fallback, the default
    category shares) in force on 1 January of the plan year (DOMAIN §9); the national labour force (official figure
    of the statistics year, else the entered one); the accepted demand over the regions in force on 1 January; with
    no demand at all, each of those regions' labour force of the statistics year. Project reserves and country caps
    come with the next step (empty here). Stores the cells, the figures, each rule's result and a snapshot of every
    input and policy version; the plan becomes computed. A refusal of the maths answers 409 with its code.
    """
    _require_ministry(actor)
    plan = _lock_editable(plan)
    day = plan.relevant_date
    policy = {
        name: policy_reference(name, on=day)
        for name in (
            P.QUOTA_RATE_PERCENT,
            P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT,
            P.MANAGERS_SPECIALISTS_INCLUDES_SEASONAL,
        )
    }
    rate = policy_value(P.QUOTA_RATE_PERCENT, on=day)
    threshold = policy_value(P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT, on=day)
    seasonal_included = policy_value(P.MANAGERS_SPECIALISTS_INCLUDES_SEASONAL, on=day)
    labour_force, national_input = _national_input(plan)

    valid_regions = list(Region.objects.valid_on(day))
    regions = {region.code: region for region in valid_regions}
    demand_rows = list(plan.demand_rows.select_related("region"))
    regions.update({row.region.code: row.region for row in demand_rows})  # never drop a cell that has demand
    demand = {(code, category): 0 for code in regions for category in CATEGORIES}
    demand.update({(row.region.code, row.category): row.places for row in demand_rows})

    fallback_inputs, regional_input, illustrative = {}, None, []
    if not any(demand.values()):
        policy[P.DEFAULT_CATEGORY_SHARES] = policy_reference(P.DEFAULT_CATEGORY_SHARES, on=day)
        figures = regional_labour_force(year=plan.statistics_year, regions=valid_regions)
        regional_input = {
            code: None
            if figure is None
            else {"persons": figure.persons, "period": figure.period, "status": figure.status, "figure_id": figure.pk}
            for code, figure in figures.items()
        }
        illustrative = [
            f"{code}/{plan.statistics_year}/{f['period']}"
            for code, f in regional_input.items()
            if f and f["status"] == "illustrative"
        ]
        fallback_inputs = {
            "regional_labour_force": {code: (f and f.persons) for code, f in figures.items()},
            "default_category_shares": policy_value(P.DEFAULT_CATEGORY_SHARES, on=day),
            "regions": list(figures),
        }
    try:
        result = compute_plan(
            rate_percent=rate,
            labour_force=labour_force,
            reserves=(),
            demand=demand,
            threshold_percent=threshold,
            seasonal_included=seasonal_included,
            country_caps=(),
            **fallback_inputs,
        )
    except CalculationError as error:
        raise _calculation_refused(error, plan) from error

    now = timezone.now()
    PlanCell.objects.filter(plan=plan).delete()
    PlanCell.objects.bulk_create(
        PlanCell(plan=plan, region=regions[code], category=category, places=places)
        for (code, category), places in result.cells.items()
    )
    rule_results = {
        "reserves_within_ceiling": {"passes": True, "reserved": result.reserves_total, "ceiling": result.ceiling},
        "cells_sum_to_pool": {
            "passes": sum(result.cells.values()) + result.national_headroom == result.pool,
            "cells": sum(result.cells.values()),
            "national_headroom": result.national_headroom,
            "pool": result.pool,
        },
        "managers_specialists": {
            **result.share.as_dict(),
            "flagged": result.flagged,
            "fix": None if result.fix is None else result.fix.as_dict(),
            "fix_error_code": result.fix_error_code,
            "fix_error_message": result.fix_error_message,
        },
    }
    plan.status = QuotaPlan.Status.COMPUTED
    plan.ceiling, plan.pool, plan.national_headroom = result.ceiling, result.pool, result.national_headroom
    plan.method = result.method
    plan.share_numerator, plan.share_denominator = result.share.numerator, result.share.denominator
    plan.rule_results = rule_results
    plan.uses_illustrative_figures = bool(illustrative)
    plan.computed_at, plan.computed_by = now, _user(actor)
    plan.computation_snapshot = {
        "plan": {"id": plan.pk, "year": plan.year, "statistics_year": plan.statistics_year},
        "relevant_date": day.isoformat(),
        "computed_at": now.isoformat(),
        "computed_by": plan.computed_by_id,
        "inputs": {
            "national_labour_force": national_input,
            "regions": sorted(regions),
            "demand": _demand_table((r.region.code, r.category, r.places) for r in demand_rows),
            "demand_total": sum(row.places for row in demand_rows),
            "regional_labour_force": regional_input,
            "reserves": [],
            "country_caps": {},
        },
        "policy": policy,
        "illustrative_figures": illustrative,
        "result": result.as_dict(),
    }
    plan.save()
    record_event(
        actor=_user(actor),
        action="quota_plan.computed",
        obj=plan,
        after={
            "ceiling": result.ceiling,
            "pool": result.pool,
            "national_headroom": result.national_headroom,
            "method": result.method,
            "flagged": result.flagged,
            "labour_force": national_input,
            "policy_periods": {name: reference["period_id"] for name, reference in policy.items()},
            "illustrative_figures": illustrative,
        },
    )
    return plan
