"""Amendments of an approved quota plan (DOMAIN §5): every write, and the outcome an amendment would have.

An amendment is a new version of the plan with an effective date and a reason: ordered changes — a category's new
total (a target including its project reserves, or a factor applied to its regional cells, the reserves untouched)
spread in proportion to the current cells, or exact places moved between cells and the national headroom — computed
by quota.calculation.amend_cells on the year's ledger cells. One ministry official proposes it, another approves it;
approval applies it through quota.ledger.quota_amend, which locks the cells like a reservation and refuses, naming
the cells, to take any below its reserved + used places.

Checks (`amendment_outcome`): the changes apply; some cell changes; no cell goes below reserved + used; the
effective date lies in the plan year and not before the last approved amendment's; a raise of the total stays within
the ceiling in force on the effective date (`ceiling_in_force`: floor(rate × the plan's labour force) when the
quota-rate period in force that day starts inside the plan year, up or down, else the plan's own ceiling — DOMAIN §5,
§9: an amendment's rate and numbers are those of its effective date), a cut needs no check; the
managers/specialists rule holds with the policy of the effective date, or an override is confirmed by a second
official.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import record_event
from common.db import retry_on_transient
from common.errors import DomainError
from common.models import Region
from common.policy import P, PolicyNotDefined, period_reference, policy_period, policy_value, typed_value
from common.roles import MINISTRY_OFFICIAL
from common.workflow import (
    NO_OVERRIDE,
    NOT_FLAGGED,
    NOT_GIVEN,
    OVERRIDE_CONFIRMED,
    OVERRIDE_EXISTS,
    Refusal,
    lock_for_step,
    override_clear,
    override_confirm,
    override_record,
    override_refusal,
    refused,
    require_role,
)

from . import workflow
from .calculation import (
    CATEGORIES,
    INVALID_FACTOR,
    INVALID_MOVE,
    INVALID_TARGET,
    MOVE_EXCEEDS_PLACES,
    NOTHING_TO_SCALE,
    TARGET_BELOW_RESERVES,
    UNKNOWN_CELL,
    AmendmentResult,
    CalculationError,
    CapChange,
    MoveChange,
    ReserveChange,
    ScaleChange,
    ShareResult,
    amend_cells,
    managers_specialists_share,
    national_totals,
    quota_ceiling,
)
from .inputs import (
    MAX_FACTOR,
    MAX_PLACES,
    MESSAGE_MOVE_PLACES,
    MESSAGE_TARGET,
    factor_error,
    factor_in,
    reason_given,
    whole_in,
)
from .ledger import MESSAGE_BELOW_HELD, Reallocation, describe_below_held, quota_amend, quota_today
from .models import (
    AmendmentCell,
    AmendmentChange,
    AmendmentChangeKind,
    CellKind,
    QuotaAmendment,
    QuotaCell,
    QuotaPlan,
    QuotaYear,
)

MAX_CHANGES = 100

CODE_PLAN_NOT_APPROVED = "plan_not_approved"
CODE_YEAR_CLOSED = "quota_year_closed"
CODE_AMENDMENT_APPROVED = workflow.REFUSED_AMENDMENT_APPROVED
CODE_INVALID_TRANSITION = workflow.REFUSED_STATUS
CODE_SAME_OFFICIAL = workflow.REFUSED_SAME_OFFICIAL
CODE_CHECKS_FAILED = "amendment_checks_failed"
CODE_STALE = "amendment_stale"
CODE_NOT_YET_EFFECTIVE = "amendment_not_yet_effective"
CODE_NOT_FLAGGED = NOT_FLAGGED
CODE_OVERRIDE_EXISTS = OVERRIDE_EXISTS
CODE_NO_OVERRIDE = NO_OVERRIDE
CODE_OVERRIDE_CONFIRMED = OVERRIDE_CONFIRMED

# The checks an outcome reports (`AmendmentOutcome.problems`), by code.
CHECK_CHANGES_APPLY = "changes_apply"
CHECK_CHANGES_SOMETHING = "changes_something"
CHECK_EFFECTIVE_DATE = "effective_date"
CHECK_ABOVE_HELD = "cells_above_reserved_and_used"
CHECK_CEILING = "within_ceiling"
CHECK_CAPS_WITHIN_TOTAL = "caps_within_total"
CHECK_MANAGERS_SPECIALISTS = "managers_specialists"

MESSAGE_MINISTRY_ONLY = _("Only a ministry official may write amendments of the quota plan.")
MESSAGE_PLAN_NOT_APPROVED = _("The plan for %(year)s is not approved: only an approved plan is amended.")
MESSAGE_YEAR_CLOSED = _("The quota year %(year)s is closed: its plan can no longer be amended.")
MESSAGE_AMENDMENT_APPROVED = _("Amendment %(number)s is approved: it never changes again.")
MESSAGE_INVALID_TRANSITION = _("Amendment %(number)s is %(status)s: it cannot be %(step)s now.")
MESSAGE_SAME_OFFICIAL_APPROVE = _(
    "Four eyes: the official who proposed the amendment cannot approve it; another ministry official must."
)
MESSAGE_SAME_OFFICIAL_OVERRIDE = _(
    "Four eyes: the official who recorded the override cannot confirm it; another ministry official must."
)
MESSAGE_CHECKS_FAILED = _("The amendment cannot be proposed: %(problems)s")
MESSAGE_STALE = _(
    "The plan is at version %(current)s, but the amendment was proposed on version %(based_on)s: return it and "
    "propose it again on the current numbers."
)
MESSAGE_NOT_YET_EFFECTIVE = _(
    "Amendment %(number)s takes effect on %(date)s: it can be approved, and applied to the ledger, from that day."
)
MESSAGE_NOT_FLAGGED = _("The amendment keeps the managers/specialists rule: there is nothing to override.")
MESSAGE_OVERRIDE_EXISTS = _("An override is already recorded on this amendment.")
MESSAGE_NO_OVERRIDE = _("No override is recorded on this amendment: there is nothing to confirm.")
MESSAGE_OVERRIDE_CONFIRMED = _("The override of this amendment is already confirmed.")
MESSAGE_EFFECTIVE_DATE = _("Enter a date.")
MESSAGE_EFFECTIVE_DATE_YEAR = _("The effective date must lie in %(year)s, the plan year.")
MESSAGE_EFFECTIVE_DATE_ORDER = _(
    "The effective date cannot be before %(date)s, the effective date of amendment %(number)s."
)
MESSAGE_NO_CHANGES = _("Give at least one change (at most %(limit)s).")
MESSAGE_CHANGE_KIND = _("Choose scale (a new total for a category) or move (exact places).")
MESSAGE_CATEGORY = _("Choose a category: 1, 2, 3, 4 or S.")
MESSAGE_TARGET_OR_FACTOR = _("Give either a target total or a factor, not both.")
MESSAGE_MOVE_END = _("Give both the region and the category, or neither for the national headroom.")
MESSAGE_MOVE_SAME = _("A move needs two different ends.")
MESSAGE_REGION = _("%(region)s has no cell in the %(year)s quota.")
MESSAGE_NOTHING_CHANGES = _("The changes leave every cell as it is.")
MESSAGE_CEILING_PLAN_EXCEEDED = _(
    "The total %(total)s would exceed the plan's ceiling %(ceiling)s, in force on %(date)s: the quota rate of "
    "%(rate)s%% in force that day applies from %(start)s, before the plan year; a higher ceiling needs a quota-rate "
    "period starting in %(year)s."
)
MESSAGE_CEILING_RATE_EXCEEDED = _(
    "The total %(total)s would exceed the ceiling %(ceiling)s in force on %(date)s: the quota rate of %(rate)s%% in "
    "force from %(start)s × the plan's labour force of %(labour_force)s."
)
MESSAGE_CEILING_NO_RATE_EXCEEDED = _(
    "The total %(total)s would exceed the plan's ceiling %(ceiling)s: no quota rate is in force on %(date)s to raise "
    "it."
)
MESSAGE_CAP_EXCEEDS_TOTAL = _(
    "A country cap lies inside the quota total and cannot exceed it: %(countries)s above %(total)s places."
)
MESSAGE_RESERVE_UNKNOWN = _("The %(year)s quota has no reserve for this project in that region and category.")
MESSAGE_CAP_UNKNOWN = _("The %(year)s quota has no cap on this country.")
MESSAGE_SHARE_FAILS = _(
    "Managers and specialists (categories 1–3) would be %(percent)s%% of the counted places, below %(threshold)s%%: "
    "the amendment needs an override confirmed by a second official."
)
MESSAGE_TARGET_BELOW_RESERVES = _(
    "The target %(target)s for category %(category)s is below the %(reserved)s places its project reserves hold: "
    "%(reserves)s."
)
CALCULATION_MESSAGES = {
    INVALID_FACTOR: _("Enter a factor above 0 and at most %(maximum)s, with at most four decimals (e.g. 0.8)."),
    INVALID_TARGET: _("Give either a target total or a factor, not both."),
    TARGET_BELOW_RESERVES: MESSAGE_TARGET_BELOW_RESERVES,
    NOTHING_TO_SCALE: _("%(scope)s has no places to spread %(places)s places over in proportion: give them by moves."),
    UNKNOWN_CELL: _("The plan has no cell %(cell)s."),
    INVALID_MOVE: MESSAGE_MOVE_SAME,
    MOVE_EXCEEDS_PLACES: _("%(source)s has %(available)s places: %(places)s cannot be moved from it."),
}
STEP_NAMES = {
    "change": _("changed"),
    "override": _("overridden"),
    "confirm_override": _("confirmed"),
    "propose": _("proposed"),
    "approve": _("approved"),
    "return": _("returned"),
}


def _require_ministry(actor) -> None:
    """403 unless a ministry official writes: unlike a plan's inputs, an amendment is never written by the system."""
    require_role(actor, {MINISTRY_OFFICIAL}, message=MESSAGE_MINISTRY_ONLY)


# ---------------------------------------------------------------------------------------------------------------------
# Reading: versions, ceilings and the outcome of an amendment
# ---------------------------------------------------------------------------------------------------------------------
def plan_version(plan: QuotaPlan) -> int:
    """The plan's current version: 1 when approved, +1 per approved amendment."""
    return 1 + QuotaAmendment.objects.filter(plan=plan).approved().count()


def plan_last_amendment(plan: QuotaPlan) -> QuotaAmendment | None:
    """The plan's last approved amendment (the one its current version and ceiling come from), or None."""
    return QuotaAmendment.objects.filter(plan=plan).approved().order_by("-number").first()


@dataclass(frozen=True)
class CeilingInForce:
    """The ceiling of an approved plan in force on a day (DOMAIN §5): floor(rate × the plan's labour force) when the
    quota-rate period in force that day starts inside the plan year — a raise of the rate or a cut — else the plan's
    own ceiling. ``rate_period`` is the rate's period reference (None when no rate is in force that day)."""

    ceiling: int
    on: date
    rate: Decimal | None = None
    rate_period: dict | None = None

    @property
    def from_rate_period(self) -> bool:
        return self.rate_period is not None and self.rate_period["in_plan_year"]

    def message_params(self, total: int) -> dict:
        params = {"total": total, "ceiling": self.ceiling, "date": self.on.isoformat()}
        if self.rate_period is not None:
            params.update(
                rate=self.rate,
                start=self.rate_period["valid_from"],
                labour_force=self.rate_period["labour_force"],
                year=self.on.year,
            )
        return params


def ceiling_in_force(plan: QuotaPlan, *, on: date) -> CeilingInForce:
    """The plan's ceiling in force on `on` (a day of the plan year), see `CeilingInForce`."""
    try:
        period = policy_period(P.QUOTA_RATE_PERCENT, on=on)
    except PolicyNotDefined:
        return CeilingInForce(ceiling=plan.ceiling, on=on)
    rate = typed_value(period.parameter.value_type, period.value)
    labour_force = (plan.computation_snapshot or {}).get("result", {}).get("labour_force")
    in_plan_year = period.valid_from.year == plan.year and labour_force is not None
    ceiling = quota_ceiling(rate_percent=rate, labour_force=labour_force) if in_plan_year else plan.ceiling
    reference = {
        **period_reference(period),
        "labour_force": labour_force,
        "ceiling": ceiling,
        "in_plan_year": in_plan_year,
    }
    return CeilingInForce(ceiling=ceiling, on=on, rate=rate, rate_period=reference)


def plan_ceiling(plan: QuotaPlan, *, on: date | None = None) -> int:
    """The plan's ceiling in force on `on` — by default today in Kazakhstan, kept inside the plan year (a past year
    shows its ceiling of 31 December, a future one its ceiling of 1 January)."""
    if on is None:
        on = min(max(timezone.localdate(), date(plan.year, 1, 1)), date(plan.year, 12, 31))
    return ceiling_in_force(plan, on=on).ceiling


@dataclass(frozen=True)
class CellOutcome:
    cell: QuotaCell
    before: int
    after: int

    @property
    def held(self) -> int:
        return self.cell.reserved + self.cell.used

    @property
    def below_held(self) -> bool:
        return self.after < self.held


@dataclass
class AmendmentOutcome:
    """What an amendment does to the plan, and whether it may be proposed (`problems` empty)."""

    cells: list[CellOutcome] = field(default_factory=list)
    totals_before: dict[str, int] = field(default_factory=dict)
    totals_after: dict[str, int] = field(default_factory=dict)
    headroom_before: int = 0
    headroom_after: int = 0
    total_before: int = 0
    total_after: int = 0
    ceiling_before: int = 0
    ceiling_after: int = 0
    targets: tuple = ()
    share: ShareResult | None = None
    rate_period: dict | None = None
    problems: list[dict] = field(default_factory=list)

    @property
    def can_propose(self) -> bool:
        return not self.problems

    def problem(self, check: str, message, *, field_name: str | None = None) -> None:
        self.problems.append({"check": check, "field": field_name, "message": str(message)})

    def rule_results(self) -> dict:
        return {
            "managers_specialists": None if self.share is None else self.share.as_dict(),
            "ceiling": {
                "before": self.ceiling_before,
                "after": self.ceiling_after,
                "total": self.total_after,
                "rate_period": self.rate_period,
            },
            "totals_before": self.totals_before,
            "totals_after": self.totals_after,
            "headroom_before": self.headroom_before,
            "headroom_after": self.headroom_after,
            "targets": list(self.targets),
            "problems": self.problems,
        }


def _as_calculation_change(change: AmendmentChange) -> ScaleChange | MoveChange | ReserveChange | CapChange:
    if change.kind == AmendmentChangeKind.RESERVE:
        return ReserveChange(
            project=change.project_key, region=change.region.code, category=change.category, places=change.target
        )
    if change.kind == AmendmentChangeKind.CAP:
        return CapChange(country=change.country, places=change.target)
    if change.kind == AmendmentChangeKind.SCALE:
        return ScaleChange(
            category=change.category,
            region=change.region.code if change.region_id else None,
            target=change.target,
            factor=change.factor,
        )
    return MoveChange(
        places=change.places,
        source=(change.from_region.code, change.from_category) if change.from_region_id else None,
        destination=(change.to_region.code, change.to_category) if change.to_region_id else None,
    )


def _calculation_message(error: CalculationError) -> str:
    template = CALCULATION_MESSAGES.get(error.code)
    if template is None:
        return error.message
    return str(template) % {"maximum": MAX_FACTOR, **error.details}


@dataclass
class OutcomeContext:
    """What `amendment_outcome` reads once — the year's ledger cells by kind, the plan's last approved amendment and
    the amendment's changes — and, once they apply, quota.calculation's result; every check reads it."""

    amendment: QuotaAmendment
    plan: QuotaPlan
    regional: dict[tuple[str, str], QuotaCell]
    projects: dict[tuple[str, str, str], QuotaCell]
    countries: dict[str, QuotaCell]
    headroom: QuotaCell | None
    last: QuotaAmendment | None
    changes: list[AmendmentChange]
    result: AmendmentResult | None = None

    @property
    def cells_before(self) -> dict[tuple[str, str], int]:
        return {key: cell.allocated for key, cell in self.regional.items()}


def _outcome_context(amendment: QuotaAmendment) -> OutcomeContext:
    """Read the year's ledger cells, the plan's last approved amendment and the amendment's ordered changes."""
    plan = amendment.plan
    ledger_cells = list(QuotaCell.objects.filter(year=plan.year).select_related("region").order_by("id"))
    return OutcomeContext(
        amendment=amendment,
        plan=plan,
        regional={(c.region.code, c.category): c for c in ledger_cells if c.kind == CellKind.REGIONAL},
        projects={(c.project_key, c.region.code, c.category): c for c in ledger_cells if c.kind == CellKind.PROJECT},
        countries={c.country: c for c in ledger_cells if c.kind == CellKind.COUNTRY},
        headroom=next((c for c in ledger_cells if c.kind == CellKind.HEADROOM), None),
        last=plan_last_amendment(plan),
        changes=list(amendment.changes.select_related("region", "from_region", "to_region").order_by("position")),
    )


def _outcome_before(context: OutcomeContext) -> AmendmentOutcome:
    """The plan's totals, headroom and ceiling before the amendment (after them too, until its changes apply)."""
    outcome = AmendmentOutcome()
    reserves = [(region, category, c.allocated) for (_key, region, category), c in context.projects.items()]
    outcome.headroom_before = context.headroom.allocated if context.headroom else 0
    outcome.totals_before = national_totals(cells=context.cells_before, reserves=reserves)
    outcome.total_before = sum(outcome.totals_before.values()) + outcome.headroom_before
    outcome.ceiling_before = context.last.ceiling_after if context.last is not None else context.plan.ceiling
    outcome.ceiling_after = outcome.ceiling_before
    outcome.totals_after, outcome.headroom_after, outcome.total_after = (
        outcome.totals_before,
        outcome.headroom_before,
        outcome.total_before,
    )
    return outcome


def _changed_cells(context: OutcomeContext, result: AmendmentResult, outcome: AmendmentOutcome) -> list[CellOutcome]:
    """Every ledger cell whose places the amendment changes, before and after, in the ledger's order."""
    cells_before = context.cells_before
    changed = [
        CellOutcome(context.regional[key], cells_before[key], after)
        for key, after in result.cells.items()
        if after != cells_before[key]
    ]
    changed += [
        CellOutcome(context.projects[key], context.projects[key].allocated, after)
        for key, after in result.project_cells.items()
        if after != context.projects[key].allocated
    ]
    changed += [
        CellOutcome(context.countries[country], context.countries[country].allocated, after)
        for country, after in result.country_caps.items()
        if after != context.countries[country].allocated
    ]
    if context.headroom is not None and outcome.headroom_after != outcome.headroom_before:
        changed.append(CellOutcome(context.headroom, outcome.headroom_before, outcome.headroom_after))
    changed.sort(key=lambda c: c.cell.pk)
    return changed


# A check returns STOP when the checks after it cannot run: the changes do not apply, the effective date lies
# outside the plan year, or no managers/specialists policy is in force on it.
STOP = True


def _check_changes_apply(outcome: AmendmentOutcome, context: OutcomeContext) -> bool | None:
    """Apply the changes in order (quota.calculation.amend_cells, pure); a refusal names the change's field."""
    try:
        result = amend_cells(
            cells=context.cells_before,
            project_cells={key: cell.allocated for key, cell in context.projects.items()},
            country_caps={country: cell.allocated for country, cell in context.countries.items()},
            national_headroom=outcome.headroom_before,
            changes=[_as_calculation_change(change) for change in context.changes],
        )
    except CalculationError as error:
        position = error.details.get("change")
        outcome.problem(
            CHECK_CHANGES_APPLY,
            _calculation_message(error),
            field_name=None if position is None else f"changes.{position}",
        )
        return STOP
    context.result = result
    outcome.targets = result.targets
    outcome.headroom_after = result.national_headroom
    reserves_after = [(region, category, places) for (_key, region, category), places in result.project_cells.items()]
    outcome.totals_after = national_totals(cells=result.cells, reserves=reserves_after)
    outcome.total_after = sum(outcome.totals_after.values()) + outcome.headroom_after
    outcome.cells = _changed_cells(context, result, outcome)
    return None


def _check_changes_something(outcome: AmendmentOutcome, context: OutcomeContext) -> None:
    if not outcome.cells:
        outcome.problem(CHECK_CHANGES_SOMETHING, MESSAGE_NOTHING_CHANGES, field_name="changes")


def _check_caps_within_total(outcome: AmendmentOutcome, context: OutcomeContext) -> None:
    over = sorted(country for country, places in context.result.country_caps.items() if places > outcome.total_after)
    if over:
        outcome.problem(
            CHECK_CAPS_WITHIN_TOTAL,
            MESSAGE_CAP_EXCEEDS_TOTAL % {"countries": ", ".join(over), "total": outcome.total_after},
        )


def _check_above_held(outcome: AmendmentOutcome, context: OutcomeContext) -> None:
    below = [(c.cell, c.after) for c in outcome.cells if c.below_held]
    if below:
        outcome.problem(CHECK_ABOVE_HELD, MESSAGE_BELOW_HELD.format(cells=describe_below_held(below)))


def _check_effective_date(outcome: AmendmentOutcome, context: OutcomeContext) -> bool | None:
    """In the plan year (else no later check: the policy of another year does not apply), and not before the last
    approved amendment's."""
    day, plan, last = context.amendment.effective_date, context.plan, context.last
    if day.year != plan.year:
        outcome.problem(
            CHECK_EFFECTIVE_DATE, MESSAGE_EFFECTIVE_DATE_YEAR % {"year": plan.year}, field_name="effective_date"
        )
        return STOP
    if last is not None and last.pk != context.amendment.pk and day < last.effective_date:
        outcome.problem(
            CHECK_EFFECTIVE_DATE,
            MESSAGE_EFFECTIVE_DATE_ORDER % {"date": last.effective_date.isoformat(), "number": last.number},
            field_name="effective_date",
        )
    return None


def _check_within_ceiling(outcome: AmendmentOutcome, context: OutcomeContext) -> None:
    _check_ceiling(outcome, context.plan, context.amendment.effective_date)


def _check_managers_specialists(outcome: AmendmentOutcome, context: OutcomeContext) -> bool | None:
    """The rule with the policy of the effective date (DOMAIN §9), unless an override is confirmed."""
    day = context.amendment.effective_date
    try:
        threshold = policy_value(P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT, on=day)
        seasonal = policy_value(P.MANAGERS_SPECIALISTS_INCLUDES_SEASONAL, on=day)
    except PolicyNotDefined as missing:
        outcome.problem(CHECK_MANAGERS_SPECIALISTS, missing.message, field_name="effective_date")
        return STOP
    outcome.share = managers_specialists_share(
        totals=outcome.totals_after, threshold_percent=threshold, seasonal_included=seasonal
    )
    if not outcome.share.passes and not context.amendment.override_confirmed:
        outcome.problem(
            CHECK_MANAGERS_SPECIALISTS,
            MESSAGE_SHARE_FAILS % {"percent": outcome.share.percent, "threshold": outcome.share.threshold_percent},
        )
    return None


#: The checks of an amendment's outcome, in order (DOMAIN §5); each adds its problems, and STOP ends the list.
OUTCOME_CHECKS = (
    _check_changes_apply,
    _check_changes_something,
    _check_caps_within_total,
    _check_above_held,
    _check_effective_date,
    _check_within_ceiling,
    _check_managers_specialists,
)


def amendment_outcome(amendment: QuotaAmendment) -> AmendmentOutcome:
    """Compute what the amendment does to the year's ledger cells as they are now, and every check (DOMAIN §5).
    Used live for a draft; proposing stores it. Read once (`OutcomeContext`), then `OUTCOME_CHECKS` in order — the
    first applies the changes (quota.calculation.amend_cells, pure)."""
    context = _outcome_context(amendment)
    outcome = _outcome_before(context)
    for check in OUTCOME_CHECKS:
        if check(outcome, context) is STOP:
            break
    return outcome


def _check_ceiling(outcome: AmendmentOutcome, plan: QuotaPlan, day: date) -> None:
    """The amendment's ceiling is the one in force on its effective date (DOMAIN §5): a rate period starting inside
    the plan year raises or lowers it from its start, so a later amendment may not raise the total above a lowered
    ceiling. A raise of the total above it is refused; a cut (or an unchanged total) needs no check."""
    in_force = ceiling_in_force(plan, on=day)
    outcome.ceiling_after = in_force.ceiling
    outcome.rate_period = in_force.rate_period
    if outcome.total_after <= outcome.total_before or outcome.total_after <= in_force.ceiling:
        return
    if in_force.rate_period is None:
        message = MESSAGE_CEILING_NO_RATE_EXCEEDED
    elif in_force.from_rate_period:
        message = MESSAGE_CEILING_RATE_EXCEEDED
    else:
        message = MESSAGE_CEILING_PLAN_EXCEEDED
    outcome.problem(CHECK_CEILING, message % in_force.message_params(outcome.total_after))


# ---------------------------------------------------------------------------------------------------------------------
# Writing: create and change a draft
# ---------------------------------------------------------------------------------------------------------------------
def _plan_refusal(plan: QuotaPlan) -> Refusal | None:
    """Why the plan cannot be amended now — not approved, or its year closed — or None."""
    quota_year = QuotaYear.objects.filter(year=plan.year, plan=plan).first()
    if plan.status != QuotaPlan.Status.APPROVED or quota_year is None:
        return refused(CODE_PLAN_NOT_APPROVED, MESSAGE_PLAN_NOT_APPROVED % {"year": plan.year})
    if not quota_year.is_open:
        return refused(CODE_YEAR_CLOSED, MESSAGE_YEAR_CLOSED % {"year": plan.year})
    return None


def amendment_refusal(plan: QuotaPlan) -> DomainError | None:
    """Why the plan cannot be amended now — not approved, or its year closed — or None (pages show it instead of
    their controls; every write checks it again)."""
    refusal = _plan_refusal(plan)
    return None if refusal is None else refusal.exception()


def _approved_plan(plan: QuotaPlan) -> QuotaYear:
    refusal = _plan_refusal(plan)
    if refusal is not None:
        raise refusal.exception()
    return QuotaYear.objects.get(year=plan.year, plan=plan)


def _effective_date(value) -> date:
    if not isinstance(value, date):
        raise ValidationError({"effective_date": MESSAGE_EFFECTIVE_DATE})
    return value


def _region_in_year(region, regions: dict[str, Region]):
    """A region with cells in the year's ledger, given by its code (or as a Region); None stays None."""
    if region is None or region == "":
        return None
    code = region.code if isinstance(region, Region) else region
    if not isinstance(code, str) or code not in regions:
        raise LookupError(region)
    return regions[code]


@dataclass(frozen=True)
class _YearCells:
    """What a change row is checked against: the plan year, its regions with cells, its reserves and capped
    countries."""

    year: int
    regions: dict[str, Region]
    reserve_cells: set
    capped: set


def _year_cells(year: int) -> _YearCells:
    regions = {
        region.code: region
        for region in Region.objects.filter(
            pk__in=QuotaCell.objects.filter(year=year, kind=CellKind.REGIONAL).values("region_id")
        )
    }
    year_cells = QuotaCell.objects.filter(year=year)
    return _YearCells(
        year=year,
        regions=regions,
        reserve_cells=set(
            year_cells.filter(kind=CellKind.PROJECT).values_list("project_key", "region__code", "category")
        ),
        capped=set(year_cells.filter(kind=CellKind.COUNTRY).values_list("country", flat=True)),
    )


def _build_changes(amendment: QuotaAmendment, changes) -> list[AmendmentChange]:
    """Validate the changes field by field ("changes.2.target") and build their rows (not saved)."""
    if not isinstance(changes, list | tuple) or not 1 <= len(changes) <= MAX_CHANGES:
        raise ValidationError({"changes": MESSAGE_NO_CHANGES % {"limit": MAX_CHANGES}})
    known = _year_cells(amendment.plan.year)
    errors, rows = {}, []
    for position, data in enumerate(changes):
        prefix = f"changes.{position}"
        data = data if isinstance(data, dict) else {}
        kind = data.get("kind")
        row = AmendmentChange(amendment=amendment, position=position, kind=kind or "")
        build = _ROW_BUILDERS.get(kind) if isinstance(kind, str) else None
        if build is None:
            errors[f"{prefix}.kind"] = MESSAGE_CHANGE_KIND
        else:
            errors.update(build(row, data, prefix, known))
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    return rows


def _region_row(row: AmendmentChange, data: dict, prefix: str, known: _YearCells) -> dict:
    """The row's region (optional): one with cells in the year's ledger."""
    try:
        row.region = _region_in_year(data.get("region"), known.regions)
    except LookupError:
        return {f"{prefix}.region": MESSAGE_REGION % {"region": data.get("region"), "year": known.year}}
    return {}


def _target_row(row: AmendmentChange, data: dict, prefix: str) -> dict:
    row.target = whole_in(data.get("target"), 0, MAX_PLACES)
    return {f"{prefix}.target": MESSAGE_TARGET % {"maximum": MAX_PLACES}} if row.target is None else {}


def _scale_row(row: AmendmentChange, data: dict, prefix: str, known: _YearCells) -> dict:
    """A scale row: a category (in one region, or all), and a target or a factor — one of them."""
    errors = {}
    if data.get("category") not in CATEGORIES:
        errors[f"{prefix}.category"] = MESSAGE_CATEGORY
    row.category = data.get("category") or ""
    errors.update(_region_row(row, data, prefix, known))
    target, factor = data.get("target"), data.get("factor")
    if (target is None) == (factor is None):
        errors[f"{prefix}.target"] = MESSAGE_TARGET_OR_FACTOR
    elif target is not None:
        errors.update(_target_row(row, data, prefix))
    else:
        row.factor = factor_in(factor)
        if row.factor is None:
            errors[f"{prefix}.factor"] = factor_error()
    return errors


def _move_end(row: AmendmentChange, data: dict, prefix: str, end: str, known: _YearCells, errors: dict):
    """One end of a move ("from" or "to"): a region with a category, or neither (the national headroom). Sets it on
    the row and returns (region id, category), or adds its error and returns None."""
    region, category = data.get(f"{end}_region") or None, data.get(f"{end}_category") or ""
    if (region is None) != (not category):
        errors[f"{prefix}.{end}_region"] = MESSAGE_MOVE_END
        return None
    if category and category not in CATEGORIES:
        errors[f"{prefix}.{end}_category"] = MESSAGE_CATEGORY
        return None
    try:
        region = _region_in_year(region, known.regions)
    except LookupError:
        errors[f"{prefix}.{end}_region"] = MESSAGE_REGION % {"region": region, "year": known.year}
        return None
    setattr(row, f"{end}_region", region)
    setattr(row, f"{end}_category", category)
    return (region.pk if region else None, category)


def _move_row(row: AmendmentChange, data: dict, prefix: str, known: _YearCells) -> dict:
    """A move row: exact places from one end to another, the two ends different."""
    errors = {}
    row.places = whole_in(data.get("places"), 1, MAX_PLACES)
    if row.places is None:
        errors[f"{prefix}.places"] = MESSAGE_MOVE_PLACES % {"maximum": MAX_PLACES}
    ends = [_move_end(row, data, prefix, end, known, errors) for end in ("from", "to")]
    if None not in ends and ends[0] == ends[1]:
        errors[f"{prefix}.to_region"] = MESSAGE_MOVE_SAME
    return errors


def _reserve_row(row: AmendmentChange, data: dict, prefix: str, known: _YearCells) -> dict:
    """A reserve row: an existing reserve of the year (project, region, category) and its new places."""
    errors = {}
    project, category = data.get("project"), data.get("category")
    row.project_key = project if isinstance(project, str) else ""
    row.category = category if category in CATEGORIES else ""
    if not row.category:
        errors[f"{prefix}.category"] = MESSAGE_CATEGORY
    errors.update(_region_row(row, data, prefix, known))
    if not errors and (
        row.region is None or (row.project_key, row.region.code, row.category) not in known.reserve_cells
    ):
        errors[f"{prefix}.project"] = MESSAGE_RESERVE_UNKNOWN % {"year": known.year}
    errors.update(_target_row(row, data, prefix))
    return errors


def _cap_row(row: AmendmentChange, data: dict, prefix: str, known: _YearCells) -> dict:
    """A cap row: a country capped in the year's ledger and its new places."""
    errors = {}
    country = data.get("country")
    row.country = country if isinstance(country, str) else ""
    if row.country not in known.capped:
        errors[f"{prefix}.country"] = MESSAGE_CAP_UNKNOWN % {"year": known.year}
    errors.update(_target_row(row, data, prefix))
    return errors


#: Each change kind's row: fills the row from the data and returns its errors by field ("changes.2.target").
_ROW_BUILDERS = {
    AmendmentChangeKind.SCALE: _scale_row,
    AmendmentChangeKind.MOVE: _move_row,
    AmendmentChangeKind.RESERVE: _reserve_row,
    AmendmentChangeKind.CAP: _cap_row,
}


def _record(amendment: QuotaAmendment) -> dict:
    return QuotaAmendment.objects.select_related("plan").get(pk=amendment.pk).as_record()


@transaction.atomic
def amendment_create(*, plan: QuotaPlan, effective_date, reason: str, changes, actor) -> QuotaAmendment:
    """Draft an amendment of an approved plan whose year is open: its effective date, reason and ordered changes
    (dicts: kind "scale" with category, region (optional), target or factor; kind "move" with places, from_region +
    from_category, to_region + to_category — an end without both is the national headroom). Numbered next for the
    plan; checked only when its outcome is computed (`amendment_outcome`, live on the draft, stored on propose)."""
    _require_ministry(actor)
    plan = QuotaPlan.objects.select_for_update().get(pk=plan.pk)
    _approved_plan(plan)
    number = (QuotaAmendment.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = QuotaAmendment(
        plan=plan,
        number=number,
        effective_date=_effective_date(effective_date),
        reason=reason_given(reason),
        created_by=actor,
    )
    rows = _build_changes(amendment, changes)
    amendment.save()
    AmendmentChange.objects.bulk_create(rows)
    record_event(actor=actor, action="quota_amendment.created", obj=amendment, after=_record(amendment))
    return amendment


def _describe_amendment_refusal(amendment: QuotaAmendment):
    """The amendment's words for a refusal of the transition table (common.workflow codes)."""

    def describe(code: str, step: str) -> Refusal:
        if code == workflow.REFUSED_ROLE:
            return refused(code, MESSAGE_MINISTRY_ONLY)
        if code == workflow.REFUSED_AMENDMENT_APPROVED:
            return refused(CODE_AMENDMENT_APPROVED, MESSAGE_AMENDMENT_APPROVED % {"number": amendment.number})
        if code == workflow.REFUSED_SAME_OFFICIAL:
            return refused(
                CODE_SAME_OFFICIAL,
                MESSAGE_SAME_OFFICIAL_APPROVE if step == "approve" else MESSAGE_SAME_OFFICIAL_OVERRIDE,
            )
        return refused(
            CODE_INVALID_TRANSITION,
            MESSAGE_INVALID_TRANSITION
            % {"number": amendment.number, "status": amendment.get_status_display(), "step": STEP_NAMES[step]},
        )

    return describe


_AMENDMENT_OVERRIDE_MESSAGES = {
    CODE_NOT_FLAGGED: MESSAGE_NOT_FLAGGED,
    CODE_OVERRIDE_EXISTS: MESSAGE_OVERRIDE_EXISTS,
    CODE_NO_OVERRIDE: MESSAGE_NO_OVERRIDE,
    CODE_OVERRIDE_CONFIRMED: MESSAGE_OVERRIDE_CONFIRMED,
}


def _checks_failed(outcome: AmendmentOutcome) -> Refusal:
    return refused(
        CODE_CHECKS_FAILED,
        MESSAGE_CHECKS_FAILED % {"problems": " ".join(p["message"] for p in outcome.problems)},
        field=outcome.problems[0]["field"],
    )


def _amendment_rule_refusal(
    amendment: QuotaAmendment, step: str, *, outcome: AmendmentOutcome | None, on: date | None
) -> Refusal | None:
    """The amendment's own rules for `step`, once the transition table and the written reason allow it."""
    if step == "override":
        outcome = outcome or amendment_outcome(amendment)
        flagged = outcome.share is not None and not outcome.share.passes
        return override_refusal(amendment, step, flagged=flagged, messages=_AMENDMENT_OVERRIDE_MESSAGES)
    if step == "confirm_override":
        return override_refusal(amendment, step, flagged=True, messages=_AMENDMENT_OVERRIDE_MESSAGES)
    if step == "propose":
        outcome = outcome or amendment_outcome(amendment)
        return _checks_failed(outcome) if outcome.problems else None
    if step == "approve":
        # The ledger changes when the amendment is in force, never before: reservations until then use the old numbers.
        if amendment.effective_date > (on or quota_today()):
            return refused(
                CODE_NOT_YET_EFFECTIVE,
                MESSAGE_NOT_YET_EFFECTIVE % {"number": amendment.number, "date": amendment.effective_date.isoformat()},
            )
        current = plan_version(amendment.plan)
        if amendment.based_on_version != current:
            return refused(CODE_STALE, MESSAGE_STALE % {"current": current, "based_on": amendment.based_on_version})
    return None


def amendment_step_refusal(
    amendment: QuotaAmendment,
    step: str,
    user,
    *,
    reason=NOT_GIVEN,
    outcome: AmendmentOutcome | None = None,
    on: date | None = None,
) -> Refusal | None:
    """Why `user` may not make `step` on `amendment` now — the transition table (role, status, four eyes), an
    approved plan whose year is open (every step but return), the written reason when the service passes one
    (400 on `reason`), then the amendment's own rules: override needs a breaking rule and none recorded; propose
    needs every check of its outcome to pass; approve needs the effective date reached (`on`: today in Kazakhstan)
    and the plan still at the version it was proposed on — or None. `outcome`: the live outcome, if already
    computed."""
    generic = workflow.AMENDMENT_WORKFLOW.refusal_for(
        step, amendment, user, describe=_describe_amendment_refusal(amendment)
    )
    if generic is not None:
        return generic
    if step != "return":
        plan_refusal = _plan_refusal(amendment.plan)
        if plan_refusal is not None:
            return plan_refusal
    if reason is not NOT_GIVEN and workflow.AMENDMENT_WORKFLOW[step].reason_required:
        reason_given(reason)
    return _amendment_rule_refusal(amendment, step, outcome=outcome, on=on)


def amendment_step_refusals(
    amendment: QuotaAmendment, user, *, outcome: AmendmentOutcome | None = None
) -> dict[str, Refusal | None]:
    """For each step of the amendment workflow, why `user` may not make it now, or None: what pages show and the
    API may expose (`allowed_steps`); each service raises the same refusal under its row lock."""
    return {
        step: amendment_step_refusal(amendment, step, user, outcome=outcome)
        for step in workflow.AMENDMENT_WORKFLOW.steps
    }


def _lock_for(amendment: QuotaAmendment, step: str, actor, **facts) -> QuotaAmendment:
    """The amendment's row, locked, once `amendment_step_refusal` allows `step` by `actor` (four eyes, the plan and
    the amendment's rules included); refused otherwise."""
    return lock_for_step(
        QuotaAmendment.objects.select_related("plan"),
        amendment.pk,
        lambda locked: amendment_step_refusal(locked, step, actor, **facts),
    )


@transaction.atomic
def amendment_update(*, amendment: QuotaAmendment, actor, **changes_to_make) -> QuotaAmendment:
    """Change a draft's effective date, reason or changes (the list replaces the old one). An override recorded on
    the old numbers is cleared: it was given for them."""
    _require_ministry(actor)
    unknown = set(changes_to_make) - {"effective_date", "reason", "changes"}
    if unknown:
        raise TypeError(f"amendment_update() cannot change {', '.join(sorted(unknown))}")
    amendment = _lock_for(amendment, "change", actor)  # a draft of an approved plan whose year is open
    if not changes_to_make:
        return amendment  # nothing asked, nothing changed: no event, and the override stays
    before = _record(amendment)
    if "effective_date" in changes_to_make:
        amendment.effective_date = _effective_date(changes_to_make["effective_date"])
    if "reason" in changes_to_make:
        amendment.reason = reason_given(changes_to_make["reason"])
    if "changes" in changes_to_make:
        rows = _build_changes(amendment, changes_to_make["changes"])
        amendment.changes.all().delete()
        AmendmentChange.objects.bulk_create(rows)
    override_clear(amendment)
    amendment.save()
    record_event(actor=actor, action="quota_amendment.changed", obj=amendment, before=before, after=_record(amendment))
    return amendment


# ---------------------------------------------------------------------------------------------------------------------
# The override of a breaking managers/specialists rule (like a plan's: one official records, another confirms)
# ---------------------------------------------------------------------------------------------------------------------
@transaction.atomic
def amendment_override(*, amendment: QuotaAmendment, reason: str, actor) -> QuotaAmendment:
    _require_ministry(actor)
    amendment = _lock_for(amendment, "override", actor, reason=reason)  # the rule breaks, no override yet
    reason = reason_given(reason)
    outcome = amendment_outcome(amendment)
    override_record(amendment, reason=reason, actor=actor)
    amendment.save()
    record_event(
        actor=actor,
        action="quota_amendment.override_recorded",
        obj=amendment,
        after={"share": outcome.share.as_dict()},
        reason=reason,
    )
    return amendment


@transaction.atomic
def amendment_confirm_override(*, amendment: QuotaAmendment, actor) -> QuotaAmendment:
    _require_ministry(actor)
    amendment = _lock_for(amendment, "confirm_override", actor)  # another official's override, unconfirmed
    override_confirm(amendment, actor=actor)
    amendment.save()
    record_event(
        actor=actor,
        action="quota_amendment.override_confirmed",
        obj=amendment,
        after={"overridden_by": amendment.overridden_by_id},
        reason=amendment.override_reason,
    )
    return amendment


# ---------------------------------------------------------------------------------------------------------------------
# The lifecycle: propose (stores the outcome), approve (another official; applies it to the ledger), return
# ---------------------------------------------------------------------------------------------------------------------
@transaction.atomic
def amendment_propose(*, amendment: QuotaAmendment, actor) -> QuotaAmendment:
    """Propose a draft whose checks all pass: its outcome — cells before and after, totals, ceiling, rule results,
    the plan version it is based on — is stored, and approval applies exactly that. 409 naming the failed checks."""
    _require_ministry(actor)
    amendment = _lock_for(amendment, "propose", actor)  # every check of its outcome passes
    outcome = amendment_outcome(amendment)
    AmendmentCell.objects.filter(amendment=amendment).delete()
    AmendmentCell.objects.bulk_create(
        AmendmentCell(amendment=amendment, cell=c.cell, allocated_before=c.before, allocated_after=c.after)
        for c in outcome.cells
    )
    amendment.status = QuotaAmendment.Status.PROPOSED
    amendment.based_on_version = plan_version(amendment.plan)
    amendment.total_before, amendment.total_after = outcome.total_before, outcome.total_after
    amendment.ceiling_before, amendment.ceiling_after = outcome.ceiling_before, outcome.ceiling_after
    amendment.rule_results = outcome.rule_results()
    amendment.proposed_at, amendment.proposed_by = timezone.now(), actor
    amendment.returned_at, amendment.returned_by, amendment.return_reason = None, None, ""
    amendment.save()
    record_event(
        actor=actor,
        action="quota_amendment.proposed",
        obj=amendment,
        after={
            **_record(amendment),
            "based_on_version": amendment.based_on_version,
            "cells": {str(c.cell.pk): [c.before, c.after] for c in outcome.cells},
        },
    )
    return amendment


@retry_on_transient  # the outermost transaction: a deadlock with a racing reservation is retried, bounded
@transaction.atomic
def amendment_approve(*, amendment: QuotaAmendment, actor, on: date | None = None) -> QuotaAmendment:
    """Approve a proposed amendment (four eyes: not its proposer) and apply it to the ledger in the same transaction
    (quota.ledger.quota_amend): refused if the plan moved to another version since it was proposed, or — checked with
    the cells locked, so racing reservations cannot slip between — if any cell would go below reserved + used.
    Not before its effective date (`on`: today in Kazakhstan). Lock order: plan → amendment → cells (by id) → audit
    chain head."""
    _require_ministry(actor)
    plan = QuotaPlan.objects.select_for_update().get(pk=amendment.plan_id)  # one amendment of a plan at a time
    # Four eyes, an open year, the effective date reached and the plan still at the version it was proposed on.
    amendment = _lock_for(amendment, "approve", actor, on=on)
    quota_year = QuotaYear.objects.get(year=plan.year, plan=plan)
    current = plan_version(plan)
    reallocations = [
        Reallocation(row.cell_id, row.allocated_before, row.allocated_after) for row in amendment.cells.all()
    ]
    now = timezone.now()
    amendment.operation = quota_amend(
        year=quota_year.year,
        reallocations=reallocations,
        cause=amendment,
        actor=actor,
        reason=_("Amendment %(number)s: %(reason)s") % {"number": amendment.number, "reason": amendment.reason},
    )
    amendment.status = QuotaAmendment.Status.APPROVED
    amendment.version = current + 1
    amendment.approved_at, amendment.approved_by = now, actor
    amendment.save()
    record_event(
        actor=actor,
        action="quota_amendment.approved",
        obj=amendment,
        before={"status": QuotaAmendment.Status.PROPOSED, "proposed_by": amendment.proposed_by_id},
        after={**_record(amendment), "version": amendment.version, "operation": str(amendment.operation)},
    )
    return amendment


@transaction.atomic
def amendment_return(*, amendment: QuotaAmendment, reason: str, actor) -> QuotaAmendment:
    """Return a proposed amendment to draft with a reason: its stored outcome is cleared (it is recomputed live),
    its changes stay for editing."""
    _require_ministry(actor)
    amendment = _lock_for(amendment, "return", actor, reason=reason)
    reason = reason_given(reason)
    before = _record(amendment)
    AmendmentCell.objects.filter(amendment=amendment).delete()
    amendment.status = QuotaAmendment.Status.DRAFT
    amendment.based_on_version = None
    amendment.total_before = amendment.total_after = None
    amendment.ceiling_before = amendment.ceiling_after = None
    amendment.rule_results = {}
    amendment.proposed_at = amendment.proposed_by = None
    amendment.returned_at, amendment.returned_by, amendment.return_reason = timezone.now(), actor, reason
    amendment.save()
    record_event(
        actor=actor,
        action="quota_amendment.returned",
        obj=amendment,
        before=before,
        after={"status": amendment.status},
        reason=reason,
    )
    return amendment
