"""Every write of the quota app (STYLE.md): labour-force statistics and the annual quota plan.

Ministry officials write quota data (DOMAIN §10); services re-check the actor because commands call them too
(`actor=None` is the system itself: loaders and seeders). Each change records its audit event in its own
transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import workflow as common_workflow
from common.audit import record_event
from common.errors import DomainError
from common.models import Region
from common.policy import P, policy_reference, policy_value
from common.roles import MINISTRY_OFFICIAL
from common.workflow import (
    NOT_GIVEN,
    Refusal,
    lock_for_step,
    override_confirm,
    override_record,
    override_refusal,
    refused,
    require_role,
)

from . import workflow
from .calculation import (
    CATEGORIES,
    LABOUR_FORCE_MISSING,
    NO_FIX_EXISTS,
    CalculationError,
    PlanResult,
    compute_plan,
    managers_specialists_fix,
)
from .imports import FigureRow, parse_demand, parse_labour_force

# Input bounds, messages and the reason check: quota.inputs (the `X as X` names are re-exported for the façade).
from .inputs import FIRST_PLAN_YEAR as FIRST_PLAN_YEAR
from .inputs import LAST_PLAN_YEAR as LAST_PLAN_YEAR
from .inputs import MAX_REASON_LENGTH as MAX_REASON_LENGTH
from .inputs import MAX_SOURCE_LENGTH, persons_error, plan_year_error, statistics_year_error
from .inputs import MESSAGE_PLACES_RANGE as MESSAGE_PLACES_RANGE
from .inputs import MESSAGE_REASON_REQUIRED_FOR as MESSAGE_REASON_REQUIRED_FOR
from .inputs import places as _places
from .inputs import reason_given as reason_given
from .ledger import CellOpening, ledger_open
from .models import (
    CellKind,
    CountryCap,
    LabourForceFigure,
    PlanCell,
    PlanDemand,
    PriorityProject,
    ProjectMode,
    ProjectReserve,
    QuotaPlan,
    QuotaYear,
)
from .selectors import national_labour_force, regional_labour_force

SHIPPED_LABOUR_FORCE = Path(__file__).resolve().parent / "data" / "labour_force.csv"

MESSAGE_MINISTRY_ONLY = _("Only a ministry official may change labour-force statistics and quota plans.")
MESSAGE_SOURCE_REQUIRED = _("Name the source of the figure.")
MESSAGE_SOURCE_TOO_LONG = _("The source is longer than %(limit)s characters.")
MESSAGE_REASON_REQUIRED = _("Give the reason for the correction.")
MESSAGE_UNKNOWN_STATUS = _("Choose official or illustrative.")


def _require_ministry(actor) -> None:
    """403 unless a ministry official writes, or the system itself (actor None: loaders, seeders)."""
    require_role(actor, {MINISTRY_OFFICIAL}, message=MESSAGE_MINISTRY_ONLY, by_system=True)


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
    if persons_error(persons):
        errors["persons"] = persons_error(persons)
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
CODE_PLAN_APPROVED = workflow.REFUSED_APPROVED
CODE_INVALID_TRANSITION = workflow.REFUSED_STATUS
CODE_SAME_OFFICIAL = workflow.REFUSED_SAME_OFFICIAL
CODE_NOT_FLAGGED = common_workflow.NOT_FLAGGED
CODE_NO_FIX_EXISTS = NO_FIX_EXISTS
CODE_OVERRIDE_EXISTS = common_workflow.OVERRIDE_EXISTS
CODE_NO_OVERRIDE = common_workflow.NO_OVERRIDE
CODE_OVERRIDE_CONFIRMED = common_workflow.OVERRIDE_CONFIRMED
CODE_RULES_NOT_MET = "rules_not_met"
CODE_QUOTA_YEAR_EXISTS = "quota_year_exists"
CODE_PROJECT_EXEMPT = "project_exempt"


MESSAGE_PLAN_EXISTS = _("There is already a quota plan for %(year)s: open it and revise its inputs.")
MESSAGE_PLAN_NOT_EDITABLE = _("The plan for %(year)s is %(status)s: its inputs can no longer change.")
MESSAGE_PLAN_APPROVED = _(
    "The plan for %(year)s is approved and can no longer change: every change is an amendment of the year's quota."
)
MESSAGE_INVALID_TRANSITION = _("The plan for %(year)s is %(status)s: it cannot be %(step)s now.")
MESSAGE_SAME_OFFICIAL_APPROVE = _(
    "You proposed this plan: another ministry official must approve it (four eyes, DOMAIN §3)."
)
MESSAGE_SAME_OFFICIAL_OVERRIDE = _(
    "You recorded this override: another ministry official must confirm it (four eyes, DOMAIN §3)."
)
MESSAGE_NOT_FLAGGED = _("The plan meets the managers/specialists rule: there is nothing to fix or override.")
MESSAGE_OVERRIDE_EXISTS = _(
    "An override is already recorded on this plan; recompute the plan to record a different one."
)
MESSAGE_NO_OVERRIDE = _("No override is recorded on this plan: there is nothing to confirm.")
MESSAGE_OVERRIDE_CONFIRMED = _("The override of this plan is already confirmed.")
MESSAGE_NO_FIX = _(
    "No fix exists for this plan: record an override of the managers/specialists rule and have another ministry "
    "official confirm it."
)
MESSAGE_RULES_NOT_MET = _(
    "The plan cannot be proposed: %(rules)s not met. Apply the fix, or record an override and have another ministry "
    "official confirm it."
)
MESSAGE_OVERRIDE_NOT_CONFIRMED = _(
    "The plan cannot be proposed: its override of the managers/specialists rule awaits confirmation by another "
    "ministry official."
)
MESSAGE_QUOTA_YEAR_EXISTS = _(
    "The quota ledger of %(year)s is already open: a year has one approved plan, changed only by amendments."
)
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
MESSAGE_EXEMPT_RESERVES = _(
    "Priority projects in exempt mode use no quota, so they have no reserves: remove the reserves of %(projects)s."
)

#: How a refused step is named in messages.
STEP_NAMES = {
    "change_inputs": _("changed"),
    "compute": _("computed"),
    "apply_fix": _("fixed"),
    "override": _("overridden"),
    "confirm_override": _("confirmed"),
    "propose": _("proposed"),
    "approve": _("approved"),
    "return": _("returned"),
}

#: Inputs of a plan that quota_plan_update may change (the year is the plan's identity).
PLAN_INPUT_FIELDS = ("statistics_year", "entered_labour_force", "entered_labour_force_source")
#: A plan's result and its remedies: cleared when the plan returns to draft (and by each new computation).
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
    "fix_applied_at": None,
    "fix_applied_by": None,
    "override_reason": "",
    "overridden_at": None,
    "overridden_by": None,
    "override_confirmed_at": None,
    "override_confirmed_by": None,
}


def _plan_inputs(plan: QuotaPlan) -> dict:
    return {
        "year": plan.year,
        "statistics_year": plan.statistics_year,
        "entered_labour_force": plan.entered_labour_force,
        "entered_labour_force_source": plan.entered_labour_force_source,
    }


def _reserve_rows(plan: QuotaPlan) -> list[dict]:
    reserves = plan.project_reserves.select_related("project", "region").order_by(
        "project__code", "region__code", "category"
    )
    return [{**reserve.as_record(), "mode": reserve.project.mode} for reserve in reserves]


def _cap_rows(plan: QuotaPlan) -> dict[str, int]:
    return {cap.country.alpha_2: cap.places for cap in plan.country_caps.select_related("country")}


def _plan_record(plan: QuotaPlan) -> dict:
    """What every workflow event stores (DOMAIN §0: a decision keeps what it was based on): the plan's inputs —
    figures, demand total, reserves, caps — the policy versions of its computation and its result's key numbers."""
    snapshot = plan.computation_snapshot or {}
    return {
        "status": plan.status,
        "inputs": {
            **_plan_inputs(plan),
            "national_labour_force": (snapshot.get("inputs") or {}).get("national_labour_force"),
            "demand_total": sum(row.places for row in plan.demand_rows.all()),
            "reserves": _reserve_rows(plan),
            "country_caps": _cap_rows(plan),
        },
        "policy_periods": {name: ref["period_id"] for name, ref in (snapshot.get("policy") or {}).items()},
        "result": None
        if plan.ceiling is None
        else {
            "ceiling": plan.ceiling,
            "pool": plan.pool,
            "national_headroom": plan.national_headroom,
            "share": f"{plan.share_numerator}/{plan.share_denominator}",
            "flagged": plan.is_flagged,
            "fix_applied": plan.fix_applied_at is not None,
            "override_confirmed": plan.override_confirmed,
        },
    }


def _check_plan_inputs(plan: QuotaPlan) -> None:
    """Validate a plan's inputs together; ValidationError by field."""
    errors = {}
    if plan_year_error(plan.year):
        raise ValidationError({"year": plan_year_error(plan.year)})
    if statistics_year_error(plan.statistics_year, year=plan.year):
        errors["statistics_year"] = statistics_year_error(plan.statistics_year, year=plan.year)
    entered = plan.entered_labour_force
    plan.entered_labour_force_source = (plan.entered_labour_force_source or "").strip()
    if entered is None:
        plan.entered_labour_force_source = ""
    elif persons_error(entered):
        errors["entered_labour_force"] = persons_error(entered)
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


def _describe_plan_refusal(plan: QuotaPlan):
    """The plan's words for a refusal of the transition table (common.workflow codes)."""

    def describe(code: str, step: str) -> Refusal:
        if code == workflow.REFUSED_ROLE:
            return refused(code, MESSAGE_MINISTRY_ONLY)
        if code == workflow.REFUSED_APPROVED:
            return refused(CODE_PLAN_APPROVED, MESSAGE_PLAN_APPROVED % {"year": plan.year})
        if code == workflow.REFUSED_SAME_OFFICIAL:
            return refused(
                CODE_SAME_OFFICIAL,
                MESSAGE_SAME_OFFICIAL_APPROVE if step == "approve" else MESSAGE_SAME_OFFICIAL_OVERRIDE,
            )
        status = plan.get_status_display()
        if step in ("change_inputs", "compute"):
            return refused(CODE_PLAN_NOT_EDITABLE, MESSAGE_PLAN_NOT_EDITABLE % {"year": plan.year, "status": status})
        return refused(
            CODE_INVALID_TRANSITION,
            MESSAGE_INVALID_TRANSITION % {"year": plan.year, "status": status, "step": STEP_NAMES[step]},
        )

    return describe


_PLAN_OVERRIDE_MESSAGES = {
    CODE_NOT_FLAGGED: MESSAGE_NOT_FLAGGED,
    CODE_OVERRIDE_EXISTS: MESSAGE_OVERRIDE_EXISTS,
    CODE_NO_OVERRIDE: MESSAGE_NO_OVERRIDE,
    CODE_OVERRIDE_CONFIRMED: MESSAGE_OVERRIDE_CONFIRMED,
}


def _plan_rule_refusal(plan: QuotaPlan, step: str) -> Refusal | None:
    """The plan's own rules for `step`, once the transition table allows it."""
    if step == "apply_fix":
        rule = plan.managers_specialists
        if not plan.is_flagged or rule is None:
            return refused(CODE_NOT_FLAGGED, MESSAGE_NOT_FLAGGED)
        if not rule.get("fix"):  # the computation found no fix (the reserves alone exceed the kept total)
            return refused(
                rule.get("fix_error_code") or CODE_NO_FIX_EXISTS, rule.get("fix_error_message") or MESSAGE_NO_FIX
            )
        return None
    if step in ("override", "confirm_override"):
        return override_refusal(plan, step, flagged=plan.is_flagged, messages=_PLAN_OVERRIDE_MESSAGES)
    if step == "propose":
        failing = _failing_rules(plan)
        if failing == ["managers_specialists"] and plan.override_pending:
            return refused(CODE_RULES_NOT_MET, MESSAGE_OVERRIDE_NOT_CONFIRMED)
        if failing:
            return refused(CODE_RULES_NOT_MET, MESSAGE_RULES_NOT_MET % {"rules": ", ".join(failing)})
        return None
    if step == "approve" and QuotaYear.objects.filter(year=plan.year).exists():
        return refused(CODE_QUOTA_YEAR_EXISTS, MESSAGE_QUOTA_YEAR_EXISTS % {"year": plan.year})
    return None


def plan_step_refusal(plan: QuotaPlan, step: str, user, *, reason=NOT_GIVEN) -> Refusal | None:
    """Why `user` (None: the system) may not make `step` on `plan` now — the transition table (role, status, four
    eyes), then the plan's own rules — or None. Services pass the `reason` they were given: a step that needs one
    answers 400 on `reason` between the two (as it always has); pages leave it out."""
    generic = workflow.PLAN_WORKFLOW.refusal_for(step, plan, _user(user), describe=_describe_plan_refusal(plan))
    if generic is not None:
        return generic
    if reason is not NOT_GIVEN and workflow.PLAN_WORKFLOW[step].reason_required:
        reason_given(reason)
    return _plan_rule_refusal(plan, step)


def plan_step_refusals(plan: QuotaPlan, user) -> dict[str, Refusal | None]:
    """For each step of the plan workflow, why `user` may not make it now, or None: what pages show and the API may
    expose (`allowed_steps`); each service raises the same refusal under its row lock."""
    return {step: plan_step_refusal(plan, step, user) for step in workflow.PLAN_WORKFLOW.steps}


def _lock_for(plan: QuotaPlan, step: str, actor, *, reason=NOT_GIVEN) -> QuotaPlan:
    """The plan's row, locked for the rest of the transaction, once `plan_step_refusal` allows `step` by `actor`
    (four eyes and the plan's rules included); refused otherwise. Every write on a plan and its inputs starts here,
    so an approved plan refuses them all (409 plan_approved)."""
    return lock_for_step(
        QuotaPlan.objects, plan.pk, lambda locked: plan_step_refusal(locked, step, actor, reason=reason)
    )


def _lock_editable(plan: QuotaPlan, actor=None) -> QuotaPlan:
    """The plan's row, locked; refused unless its inputs may still change (draft or computed)."""
    return _lock_for(plan, "change_inputs", actor)


def _clear_result(plan: QuotaPlan) -> None:
    PlanCell.objects.filter(plan=plan).delete()
    for name, value in _RESULT_DEFAULTS.items():
        setattr(plan, name, value)


def _return_to_draft(plan: QuotaPlan) -> bool:
    """An input changed: a computed plan goes back to draft and loses its result, fix and override. True if it was
    computed."""
    if plan.status != QuotaPlan.Status.COMPUTED:
        return False
    _clear_result(plan)
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
    plan = _lock_editable(plan, actor)
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
    plan = _lock_editable(plan, actor)  # a frozen plan refuses before its file is read
    parsed = parse_demand(file=file, rows=rows, day=date(plan.year, 1, 1), year=plan.year)
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


#: What the plan computation reads on the plan's relevant date (DOMAIN §9); the default shares only without demand.
_PLAN_COMPUTE_POLICY = (
    P.QUOTA_RATE_PERCENT,
    P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT,
    P.MANAGERS_SPECIALISTS_INCLUDES_SEASONAL,
)


@dataclass
class PlanComputeInputs:
    """Everything `quota_plan_compute` reads, once: the policy in force on the relevant date (values and references),
    the national labour force, the regions and demand, the reserves and caps, and — with no demand — the labour-force
    fallback's inputs."""

    day: date
    policy: dict
    rate: Decimal
    threshold: Decimal
    seasonal_included: bool
    labour_force: int
    national_input: dict
    valid_regions: list
    regions: dict
    demand_rows: list
    demand: dict
    reserves: list[dict]
    caps: list
    fallback: dict = field(default_factory=dict)
    regional_input: dict | None = None
    illustrative: list[str] = field(default_factory=list)


def _plan_compute_inputs(plan: QuotaPlan) -> PlanComputeInputs:
    """Read the plan's inputs and the policy of its relevant date; 409 when a reserve's project is exempt."""
    day = plan.relevant_date
    policy = {name: policy_reference(name, on=day) for name in _PLAN_COMPUTE_POLICY}
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

    reserves = _reserve_rows(plan)
    exempt = sorted({r["project"] for r in reserves if r["mode"] == ProjectMode.EXEMPT})
    if exempt:
        raise DomainError(MESSAGE_EXEMPT_RESERVES % {"projects": ", ".join(exempt)}, code=CODE_PROJECT_EXEMPT)
    inputs = PlanComputeInputs(
        day=day,
        policy=policy,
        rate=rate,
        threshold=threshold,
        seasonal_included=seasonal_included,
        labour_force=labour_force,
        national_input=national_input,
        valid_regions=valid_regions,
        regions=regions,
        demand_rows=demand_rows,
        demand=demand,
        reserves=reserves,
        caps=_cap_rows(plan),
    )
    if not any(demand.values()):
        _read_fallback_inputs(plan, inputs)
    return inputs


def _read_fallback_inputs(plan: QuotaPlan, inputs: PlanComputeInputs) -> None:
    """No demand at all: each region's labour force of the statistics year and the default category shares."""
    day = inputs.day
    inputs.policy[P.DEFAULT_CATEGORY_SHARES] = policy_reference(P.DEFAULT_CATEGORY_SHARES, on=day)
    figures = regional_labour_force(year=plan.statistics_year, regions=inputs.valid_regions)
    inputs.regional_input = {
        code: None
        if figure is None
        else {"persons": figure.persons, "period": figure.period, "status": figure.status, "figure_id": figure.pk}
        for code, figure in figures.items()
    }
    inputs.illustrative = [
        f"{code}/{plan.statistics_year}/{f['period']}"
        for code, f in inputs.regional_input.items()
        if f and f["status"] == "illustrative"
    ]
    inputs.fallback = {
        "regional_labour_force": {code: (f and f.persons) for code, f in figures.items()},
        "default_category_shares": policy_value(P.DEFAULT_CATEGORY_SHARES, on=day),
        "regions": list(figures),
    }


def _compute(plan: QuotaPlan, inputs: PlanComputeInputs) -> PlanResult:
    """quota.calculation.compute_plan (pure) over the inputs; its refusal as the API's 409."""
    try:
        return compute_plan(
            rate_percent=inputs.rate,
            labour_force=inputs.labour_force,
            reserves=[(r["region"], r["category"], r["places"]) for r in inputs.reserves],
            demand=inputs.demand,
            threshold_percent=inputs.threshold,
            seasonal_included=inputs.seasonal_included,
            country_caps=inputs.caps,
            **inputs.fallback,
        )
    except CalculationError as error:
        raise _calculation_refused(error, plan) from error


def _computation_snapshot(plan: QuotaPlan, inputs: PlanComputeInputs, result: PlanResult, now) -> dict:
    """Every input and policy version of the computation, and its result (DOMAIN §0)."""
    return {
        "plan": {"id": plan.pk, "year": plan.year, "statistics_year": plan.statistics_year},
        "relevant_date": inputs.day.isoformat(),
        "computed_at": now.isoformat(),
        "computed_by": plan.computed_by_id,
        "inputs": {
            "national_labour_force": inputs.national_input,
            "regions": sorted(inputs.regions),
            "demand": _demand_table((r.region.code, r.category, r.places) for r in inputs.demand_rows),
            "demand_total": sum(row.places for row in inputs.demand_rows),
            "regional_labour_force": inputs.regional_input,
            "reserves": inputs.reserves,
            "country_caps": inputs.caps,
        },
        "policy": inputs.policy,
        "illustrative_figures": inputs.illustrative,
        "result": result.as_dict(),
        "fix_applied": None,
    }


def _store_plan_result(plan: QuotaPlan, inputs: PlanComputeInputs, result: PlanResult, actor) -> None:
    """Replace the plan's cells and figures with the result; the plan becomes computed (earlier fix and override
    gone with the earlier result)."""
    now = timezone.now()
    _clear_result(plan)
    PlanCell.objects.bulk_create(
        PlanCell(plan=plan, region=inputs.regions[code], category=category, places=places)
        for (code, category), places in result.cells.items()
    )
    plan.status = QuotaPlan.Status.COMPUTED
    plan.ceiling, plan.pool, plan.national_headroom = result.ceiling, result.pool, result.national_headroom
    plan.method = result.method
    plan.share_numerator, plan.share_denominator = result.share.numerator, result.share.denominator
    plan.rule_results = result.rule_results()
    plan.uses_illustrative_figures = bool(inputs.illustrative)
    plan.computed_at, plan.computed_by = now, _user(actor)
    plan.computation_snapshot = _computation_snapshot(plan, inputs, result, now)
    plan.save()


def _record_plan_computed(plan: QuotaPlan, inputs: PlanComputeInputs, result: PlanResult, actor) -> None:
    record_event(
        actor=_user(actor),
        action="quota_plan.computed",
        obj=plan,
        after={
            "ceiling": result.ceiling,
            "pool": result.pool,
            "reserves_total": result.reserves_total,
            "national_headroom": result.national_headroom,
            "method": result.method,
            "flagged": result.flagged,
            "labour_force": inputs.national_input,
            "reserves": inputs.reserves,
            "country_caps": inputs.caps,
            "policy_periods": {name: reference["period_id"] for name, reference in inputs.policy.items()},
            "illustrative_figures": inputs.illustrative,
        },
    )


@transaction.atomic
def quota_plan_compute(*, plan: QuotaPlan, actor) -> QuotaPlan:
    """Compute a plan (DOMAIN §3 steps 1-5 through quota.calculation.compute_plan) and store the result.

    Inputs: the rate, the managers/specialists threshold, the seasonal switch (and, for the fallback, the default
    category shares) in force on 1 January of the plan year (DOMAIN §9); the national labour force (official figure
    of the statistics year, else the entered one); the plan's project reserves (Σ ≤ ceiling; the pool is what they
    leave) and country caps (each within the ceiling); the accepted demand over the regions in force on 1 January;
    with no demand at all, each of those regions' labour force of the statistics year. Stores the cells, the figures,
    each rule's result (`PlanResult.rule_results`) and a snapshot of every input and policy version; the plan becomes
    computed, and an earlier fix or override is gone with the earlier result. A refusal of the maths answers 409 with
    its code. Read (`_plan_compute_inputs`) → compute (pure) → store → audit.
    """
    _require_ministry(actor)
    plan = _lock_for(plan, "compute", actor)
    inputs = _plan_compute_inputs(plan)
    result = _compute(plan, inputs)
    _store_plan_result(plan, inputs, result, actor)
    _record_plan_computed(plan, inputs, result, actor)
    return plan


# ---------------------------------------------------------------------------------------------------------------------
# The managers/specialists rule's remedies (DOMAIN §3 step 4): the fix, or an override confirmed by another official
# ---------------------------------------------------------------------------------------------------------------------
@transaction.atomic
def quota_plan_apply_fix(*, plan: QuotaPlan, actor) -> QuotaPlan:
    """Apply the managers/specialists fix to the stored cells (DOMAIN §3 step 4, quota.calculation's
    `managers_specialists_fix`): keep floor(m × (1 − t) / t) less the places reserved in category 4 (and S when the
    seasonal switch includes it) in the non-reserved cells of those categories, spread by largest remainder in
    proportion to their values; the cut places go to national headroom and the share is checked again. The threshold,
    the switch and the reserves are those of the plan's computation (its snapshot). 409 `no_fix_exists` when the
    reserves alone exceed the kept total, `not_flagged` when the plan meets the rule."""
    _require_ministry(actor)
    plan = _lock_for(plan, "apply_fix", actor)
    rule = plan.managers_specialists
    snapshot = plan.computation_snapshot
    reserves = [(r["region"], r["category"], r["places"]) for r in snapshot["result"]["reserves"]]
    cells = list(plan.cells.select_related("region"))
    try:
        fix = managers_specialists_fix(
            cells={(cell.region.code, cell.category): cell.places for cell in cells},
            reserves=reserves,
            threshold_percent=Decimal(rule["threshold_percent"]),
            seasonal_included=rule["seasonal_included"],
        )
    except CalculationError as error:
        raise _calculation_refused(error, plan) from error
    changed, before_cells, after_cells = [], {}, {}
    for cell in cells:
        places = fix.cells[(cell.region.code, cell.category)]
        if places != cell.places:
            key = f"{cell.region.code}/{cell.category}"
            before_cells[key], after_cells[key] = cell.places, places
            cell.places = places
            changed.append(cell)
    PlanCell.objects.bulk_update(changed, ["places"])
    before = {
        "cells": before_cells,
        "national_headroom": plan.national_headroom,
        "share": f"{plan.share_numerator}/{plan.share_denominator}",
    }
    now = timezone.now()
    applied = {**fix.as_dict(), "applied_at": now.isoformat(), "applied_by": actor.pk, "share_before": rule["share"]}
    plan.national_headroom += fix.moved_to_headroom
    plan.share_numerator, plan.share_denominator = fix.share.numerator, fix.share.denominator
    rule_results = dict(plan.rule_results)
    rule_results["managers_specialists"] = {
        **fix.share.as_dict(),
        "flagged": not fix.share.passes,
        "fix": rule["fix"],
        "fix_error_code": None,
        "fix_error_message": None,
        "fix_applied": {
            key: applied[key] for key in ("kept_total", "kept_in_cells", "moved_to_headroom", "share_before")
        },
    }
    cells_total = sum(fix.cells.values())
    rule_results["cells_sum_to_pool"] = {
        "passes": cells_total + plan.national_headroom == plan.pool,
        "cells": cells_total,
        "national_headroom": plan.national_headroom,
        "pool": plan.pool,
    }
    plan.rule_results = rule_results
    plan.computation_snapshot = {**snapshot, "fix_applied": applied}
    plan.fix_applied_at, plan.fix_applied_by = now, actor
    plan.save()
    record_event(
        actor=actor,
        action="quota_plan.fix_applied",
        obj=plan,
        before=before,
        after={
            "cells": after_cells,
            "moved_to_headroom": fix.moved_to_headroom,
            "kept_total": fix.kept_total,
            **_plan_record(plan),
        },
    )
    return plan


@transaction.atomic
def quota_plan_override(*, plan: QuotaPlan, reason: str, actor) -> QuotaPlan:
    """Record a reasoned override of the broken managers/specialists rule (DOMAIN §3 step 4). It counts only once a
    different ministry official confirms it (`quota_plan_confirm_override`); recomputing or changing an input clears
    it."""
    _require_ministry(actor)
    plan = _lock_for(plan, "override", actor, reason=reason)
    reason = reason_given(reason)
    override_record(plan, reason=reason, actor=actor)
    plan.save()
    record_event(actor=actor, action="quota_plan.override_recorded", obj=plan, after=_plan_record(plan), reason=reason)
    return plan


@transaction.atomic
def quota_plan_confirm_override(*, plan: QuotaPlan, actor) -> QuotaPlan:
    """Confirm another official's override (four eyes: the official who recorded it cannot, 409 `same_official`)."""
    _require_ministry(actor)
    plan = _lock_for(plan, "confirm_override", actor)
    override_confirm(plan, actor=actor)
    plan.save()
    record_event(
        actor=actor,
        action="quota_plan.override_confirmed",
        obj=plan,
        after={**_plan_record(plan), "overridden_by": plan.overridden_by_id},
        reason=plan.override_reason,
    )
    return plan


# ---------------------------------------------------------------------------------------------------------------------
# The lifecycle (DOMAIN §3 step 6): propose, approve (another official; opens the ledger), return
# ---------------------------------------------------------------------------------------------------------------------
def _failing_rules(plan: QuotaPlan) -> list[str]:
    """The rules that fail on the stored result and are not covered by a confirmed override."""
    failing = []
    for name, rule in (plan.rule_results or {}).items():
        if rule.get("passes", True):
            continue
        if name == "managers_specialists" and plan.override_confirmed:
            continue
        failing.append(name)
    return failing


@transaction.atomic
def quota_plan_propose(*, plan: QuotaPlan, actor) -> QuotaPlan:
    """Propose a computed plan for approval: only when every rule passes or its override is confirmed. Its inputs —
    figures, demand, project reserves, country caps — are frozen from now on."""
    _require_ministry(actor)
    plan = _lock_for(plan, "propose", actor)  # every rule passes, or its override is confirmed
    before = {"status": plan.status}
    plan.status = QuotaPlan.Status.PROPOSED
    plan.proposed_at, plan.proposed_by = timezone.now(), actor
    plan.returned_at, plan.returned_by, plan.return_reason = None, None, ""
    plan.save()
    record_event(actor=actor, action="quota_plan.proposed", obj=plan, before=before, after=_plan_record(plan))
    return plan


def plan_ledger_openings(plan: QuotaPlan) -> list[CellOpening]:
    """The year's ledger cells from the approved plan (DOMAIN §5): every region × category cell of the plan (zero
    ones too), one cell per project reserve, one per country cap, and the national headroom. Regional cells, reserves
    and headroom add up to the ceiling; country caps lie inside it."""
    openings = [
        CellOpening(CellKind.REGIONAL, cell.places, region_id=cell.region_id, category=cell.category)
        for cell in plan.cells.order_by("region__code", "category")
    ]
    openings += [
        CellOpening(
            CellKind.PROJECT,
            reserve.places,
            region_id=reserve.region_id,
            category=reserve.category,
            project_key=reserve.project.code,
        )
        for reserve in plan.project_reserves.select_related("project")
    ]
    openings += [
        CellOpening(CellKind.COUNTRY, cap.places, country=cap.country.alpha_2)
        for cap in plan.country_caps.select_related("country")
    ]
    openings.append(CellOpening(CellKind.HEADROOM, plan.national_headroom))
    return openings


@transaction.atomic
def quota_plan_approve(*, plan: QuotaPlan, actor) -> QuotaPlan:
    """Approve a proposed plan: by a ministry official other than its proposer (409 `same_official`). In the same
    transaction the year's quota ledger opens (quota.ledger.ledger_open) with the plan's cells, project reserves,
    country caps and national headroom. A year has one approved plan (409 `quota_year_exists`); an approved plan
    never changes again."""
    _require_ministry(actor)
    plan = _lock_for(plan, "approve", actor)  # four eyes, and no ledger for the year yet
    before = {"status": plan.status, "proposed_by": plan.proposed_by_id}
    plan.status = QuotaPlan.Status.APPROVED
    plan.approved_at, plan.approved_by = timezone.now(), actor
    plan.save()
    openings = plan_ledger_openings(plan)
    record_event(
        actor=actor,
        action="quota_plan.approved",
        obj=plan,
        before=before,
        after={
            **_plan_record(plan),
            "ledger": {
                "cells": len(openings),
                "allocated_within_ceiling": sum(o.allocated for o in openings if o.kind != CellKind.COUNTRY),
            },
        },
    )
    try:
        with transaction.atomic():
            ledger_open(year=plan.year, plan=plan, openings=openings, actor=actor, occurred_at=plan.approved_at)
    except IntegrityError:  # another plan's ledger for the year appeared meanwhile
        raise DomainError(MESSAGE_QUOTA_YEAR_EXISTS % {"year": plan.year}, code=CODE_QUOTA_YEAR_EXISTS) from None
    return plan


@transaction.atomic
def quota_plan_return(*, plan: QuotaPlan, reason: str, actor) -> QuotaPlan:
    """Return a proposed plan to draft with a reason (DOMAIN §3 step 6): its inputs are editable again, its result,
    fix and override are cleared, and the reason is kept on the plan (until it is proposed again) and in the audit
    trail."""
    _require_ministry(actor)
    plan = _lock_for(plan, "return", actor, reason=reason)
    reason = reason_given(reason)
    before = _plan_record(plan)
    _clear_result(plan)
    plan.status = QuotaPlan.Status.DRAFT
    plan.proposed_at, plan.proposed_by = None, None
    plan.returned_at, plan.returned_by, plan.return_reason = timezone.now(), actor, reason
    plan.save()
    record_event(
        actor=actor, action="quota_plan.returned", obj=plan, before=before, after={"status": plan.status}, reason=reason
    )
    return plan


# ---------------------------------------------------------------------------------------------------------------------
# Priority projects (DOMAIN §3 step 2)
# ---------------------------------------------------------------------------------------------------------------------
CODE_PROJECT_EXISTS = "project_exists"
CODE_PROJECT_HAS_RESERVES = "project_has_reserves"
CODE_PROJECT_RESERVE_EXISTS = "project_reserve_exists"
CODE_COUNTRY_CAP_EXISTS = "country_cap_exists"

PROJECT_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_PROJECT_CODE, MAX_PROJECT_NAME = 64, 300
PROJECT_FIELDS = ("name", "operator", "mode")

MESSAGE_PROJECT_CODE = _(
    "The code is lower-case letters and digits in words joined by single hyphens, at most %(limit)s characters "
    "(e.g. atyrau-refinery)."
)
MESSAGE_PROJECT_NAME = _("Name the project (at most %(limit)s characters).")
MESSAGE_PROJECT_MODE = _("Choose reserve or exempt.")
MESSAGE_PROJECT_OPERATOR = _("Choose the employer that operates the project.")
MESSAGE_PROJECT_EXISTS = _("A priority project with the code %(code)s already exists.")
MESSAGE_PROJECT_HAS_RESERVES = _(
    "The project has reserves in the plans of %(years)s, which are not approved yet: remove them before making it "
    "exempt (an exempt project uses no quota)."
)
MESSAGE_PROJECT_EXEMPT_NO_RESERVE = _(
    "%(project)s is in exempt mode: its listed staff need no permit and use no quota, so it has no reserve."
)
MESSAGE_REGION_NOT_IN_PLAN = _("%(region)s is not a region in force on 1 January %(year)s.")
MESSAGE_UNKNOWN_CATEGORY = _("Choose a category: 1, 2, 3, 4 or S.")
MESSAGE_PROJECT_RESERVE_EXISTS = _(
    "The plan already reserves places for %(project)s in %(region)s, category %(category)s: change its places instead."
)
MESSAGE_EAEU_COUNTRY = _(
    "%(country)s is a member of the EAEU: its citizens need no permit, so a cap on them would mean nothing."
)
MESSAGE_COUNTRY_CAP_EXISTS = _("The plan already caps %(country)s: change its places instead.")


def _check_project(project: PriorityProject) -> None:
    errors = {}
    project.code = (project.code or "").strip() if isinstance(project.code, str) else ""
    if not PROJECT_CODE.fullmatch(project.code) or len(project.code) > MAX_PROJECT_CODE:
        errors["code"] = MESSAGE_PROJECT_CODE % {"limit": MAX_PROJECT_CODE}
    project.name = (project.name or "").strip() if isinstance(project.name, str) else ""
    if not project.name or len(project.name) > MAX_PROJECT_NAME:
        errors["name"] = MESSAGE_PROJECT_NAME % {"limit": MAX_PROJECT_NAME}
    if project.mode not in ProjectMode.values:
        errors["mode"] = MESSAGE_PROJECT_MODE
    if project.operator_id is None:
        errors["operator"] = MESSAGE_PROJECT_OPERATOR
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def priority_project_create(*, code: str, name: str, operator, mode: str, actor) -> PriorityProject:
    """Register a priority project (persists across years; each plan gives it its own numbers)."""
    _require_ministry(actor)
    project = PriorityProject(code=code, name=name, operator=operator, mode=mode, created_by=_user(actor))
    _check_project(project)
    if PriorityProject.objects.filter(code=project.code).exists():
        raise DomainError(MESSAGE_PROJECT_EXISTS % {"code": project.code}, code=CODE_PROJECT_EXISTS, field="code")
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise DomainError(
            MESSAGE_PROJECT_EXISTS % {"code": project.code}, code=CODE_PROJECT_EXISTS, field="code"
        ) from None
    record_event(actor=_user(actor), action="priority_project.created", obj=project, after=project.as_record())
    return project


@transaction.atomic
def priority_project_update(*, project: PriorityProject, actor, **changes) -> PriorityProject:
    """Change a project's name, operator or mode (its code keys the ledger and never changes). Making it exempt is
    refused while plans that are not approved yet reserve places for it."""
    _require_ministry(actor)
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"priority_project_update() cannot change {', '.join(sorted(unknown))}")
    project = PriorityProject.objects.select_for_update().get(pk=project.pk)
    before = project.as_record()
    for name, value in changes.items():
        setattr(project, name, value)
    _check_project(project)
    if project.as_record() == before:
        return project
    if project.mode == ProjectMode.EXEMPT and before["mode"] != ProjectMode.EXEMPT:
        years = sorted(
            set(project.reserves.exclude(plan__status=QuotaPlan.Status.APPROVED).values_list("plan__year", flat=True))
        )
        if years:
            raise DomainError(
                MESSAGE_PROJECT_HAS_RESERVES % {"years": ", ".join(map(str, years))},
                code=CODE_PROJECT_HAS_RESERVES,
                field="mode",
            )
    project.save()
    record_event(
        actor=_user(actor), action="priority_project.updated", obj=project, before=before, after=project.as_record()
    )
    return project


# ---------------------------------------------------------------------------------------------------------------------
# A plan's project reserves and country caps: inputs like the demand (a computed plan returns to draft)
# ---------------------------------------------------------------------------------------------------------------------
def _input_changed(plan: QuotaPlan, *, action: str, actor, before=None, after=None) -> None:
    """A reserve or a cap changed: a computed plan returns to draft; one audit event on the plan (its history)."""
    was_computed = _return_to_draft(plan)
    plan.save()
    record_event(
        actor=_user(actor),
        action=action,
        obj=plan,
        before=before,
        after={**(after or {}), "returned_to_draft": was_computed, "status": plan.status},
    )


@transaction.atomic
def project_reserve_add(
    *, plan: QuotaPlan, project: PriorityProject, region: Region, category: str, places: int, actor
) -> ProjectReserve:
    """Reserve places of a plan for a priority project in reserve mode, in a region in force on 1 January of the plan
    year and a category (DOMAIN §3 step 2). Σ reserves ≤ ceiling is checked when the plan is computed."""
    _require_ministry(actor)
    plan = _lock_editable(plan, actor)
    errors = {}
    if project.is_exempt:
        errors["project"] = MESSAGE_PROJECT_EXEMPT_NO_RESERVE % {"project": project.code}
    if not Region.objects.valid_on(plan.relevant_date).filter(pk=region.pk).exists():
        errors["region"] = MESSAGE_REGION_NOT_IN_PLAN % {"region": region.code, "year": plan.year}
    if category not in CATEGORIES:
        errors["category"] = MESSAGE_UNKNOWN_CATEGORY
    if errors:
        raise ValidationError(errors)
    places = _places(places, minimum=1)
    if ProjectReserve.objects.filter(plan=plan, project=project, region=region, category=category).exists():
        raise DomainError(
            MESSAGE_PROJECT_RESERVE_EXISTS % {"project": project.code, "region": region.code, "category": category},
            code=CODE_PROJECT_RESERVE_EXISTS,
        )
    reserve = ProjectReserve.objects.create(plan=plan, project=project, region=region, category=category, places=places)
    _input_changed(plan, action="quota_plan.project_reserve_added", actor=actor, after=reserve.as_record())
    return reserve


@transaction.atomic
def project_reserve_change(*, reserve: ProjectReserve, places: int, actor) -> ProjectReserve:
    _require_ministry(actor)
    _lock_editable(reserve.plan, actor)
    reserve = ProjectReserve.objects.select_related("plan", "project", "region").get(pk=reserve.pk)
    places = _places(places, minimum=1)
    if places == reserve.places:
        return reserve
    before = reserve.as_record()
    reserve.places = places
    reserve.save(update_fields=["places", "updated_at"])
    _input_changed(
        reserve.plan, action="quota_plan.project_reserve_changed", actor=actor, before=before, after=reserve.as_record()
    )
    return reserve


@transaction.atomic
def project_reserve_remove(*, reserve: ProjectReserve, actor) -> None:
    _require_ministry(actor)
    plan = _lock_editable(reserve.plan, actor)
    reserve = ProjectReserve.objects.select_related("project", "region").get(pk=reserve.pk)
    before = reserve.as_record()
    reserve.delete()
    _input_changed(plan, action="quota_plan.project_reserve_removed", actor=actor, before=before)


@transaction.atomic
def country_cap_add(*, plan: QuotaPlan, country, places: int, actor) -> CountryCap:
    """Cap the permits of one country's citizens across all regions for the plan's year (DOMAIN §3 step 5). A cap of
    zero admits none; EAEU members need no permit and get no cap. Caps within the ceiling are checked on compute."""
    _require_ministry(actor)
    plan = _lock_editable(plan, actor)
    if country.eaeu_member:
        raise ValidationError({"country": MESSAGE_EAEU_COUNTRY % {"country": country.alpha_2}})
    places = _places(places, minimum=0)
    if CountryCap.objects.filter(plan=plan, country=country).exists():
        raise DomainError(MESSAGE_COUNTRY_CAP_EXISTS % {"country": country.alpha_2}, code=CODE_COUNTRY_CAP_EXISTS)
    cap = CountryCap.objects.create(plan=plan, country=country, places=places)
    _input_changed(plan, action="quota_plan.country_cap_added", actor=actor, after=cap.as_record())
    return cap


@transaction.atomic
def country_cap_change(*, cap: CountryCap, places: int, actor) -> CountryCap:
    _require_ministry(actor)
    _lock_editable(cap.plan, actor)
    cap = CountryCap.objects.select_related("plan", "country").get(pk=cap.pk)
    places = _places(places, minimum=0)
    if places == cap.places:
        return cap
    before = cap.as_record()
    cap.places = places
    cap.save(update_fields=["places", "updated_at"])
    _input_changed(cap.plan, action="quota_plan.country_cap_changed", actor=actor, before=before, after=cap.as_record())
    return cap


@transaction.atomic
def country_cap_remove(*, cap: CountryCap, actor) -> None:
    _require_ministry(actor)
    plan = _lock_editable(cap.plan, actor)
    cap = CountryCap.objects.select_related("country").get(pk=cap.pk)
    before = cap.as_record()
    cap.delete()
    _input_changed(plan, action="quota_plan.country_cap_removed", actor=actor, before=before)
