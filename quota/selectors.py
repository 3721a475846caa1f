"""Reads of the quota app that add value: scoping, prefetching, choosing a figure (STYLE.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from common.models import AuditEvent, Region
from common.policy import P
from common.registry import PolicyDecision

from .calculation import CATEGORIES
from .models import (
    CellKind,
    CountryCap,
    LabourForceFigure,
    PriorityProject,
    ProjectReserve,
    QuotaAmendment,
    QuotaCell,
    QuotaPlan,
)


def labour_force_list(*, user):
    """Labour-force figures visible to `user`, with what lists show."""
    return LabourForceFigure.objects.visible_to(user).select_related("region")


def _preferred(figures: Iterable[LabourForceFigure]) -> LabourForceFigure | None:
    """The figure that stands for the year: annual, else the latest quarter."""
    by_period = {figure.period: figure for figure in figures}
    return next((by_period[p] for p in LabourForceFigure.PERIOD_PREFERENCE if p in by_period), None)


def national_labour_force(*, year: int) -> LabourForceFigure | None:
    """The official national labour force of `year` (annual, else the latest quarter), or None (DOMAIN §3)."""
    return _preferred(LabourForceFigure.objects.national().official().for_year(year))


def regional_labour_force(*, year: int, regions: Iterable[Region]) -> dict[str, LabourForceFigure | None]:
    """Each region's labour force of `year` (annual, else the latest quarter; official or illustrative), None where
    the region has no figure — the inputs of the no-demand fallback (DOMAIN §3 step 3)."""
    regions = list(regions)
    figures: dict[int, list[LabourForceFigure]] = {}
    for figure in LabourForceFigure.objects.for_year(year).filter(region__in=regions).select_related("region"):
        figures.setdefault(figure.region_id, []).append(figure)
    return {region.code: _preferred(figures.get(region.pk, [])) for region in sorted(regions, key=lambda r: r.code)}


# ---------------------------------------------------------------------------------------------------------------------
# Quota plans
# ---------------------------------------------------------------------------------------------------------------------
def quota_plan_list(*, user):
    """Plans visible to `user` (newest year first): every plan for quota-data readers, approved ones for employers."""
    return QuotaPlan.objects.visible_to(user).select_related(
        "created_by",
        "computed_by",
        "fix_applied_by",
        "overridden_by",
        "override_confirmed_by",
        "proposed_by",
        "approved_by",
        "returned_by",
    )


def published_plans(*, user):
    """The approved plans `user` may read (DOMAIN §10 "Quota data": every signed-in role but administrators)."""
    return QuotaPlan.objects.visible_to(user).approved().select_related("approved_by")


def plan_reserves(plan: QuotaPlan):
    """A plan's project reserves with their project and region."""
    return ProjectReserve.objects.filter(plan=plan).select_related("project", "project__operator", "region")


def plan_country_caps(plan: QuotaPlan):
    return CountryCap.objects.filter(plan=plan).select_related("country")


def priority_project_list(*, user):
    return PriorityProject.objects.visible_to(user).select_related("operator")


def plan_history(plan: QuotaPlan):
    """Every audit event of the plan, oldest first: creation, inputs, computations, fixes, overrides, proposals,
    returns, approval (its reserves and caps are recorded on the plan too)."""
    return AuditEvent.objects.for_object(plan).select_related("actor").order_by("sequence")


@dataclass(frozen=True)
class PlanTable:
    """A region × category table with totals: `rows` are (region, [places per category], row total)."""

    rows: list[tuple[Region, list[int], int]]
    category_totals: list[int]
    total: int

    def as_dict(self) -> dict:
        return {
            "rows": [
                {"region": region.code, "cells": dict(zip(CATEGORIES, cells, strict=True)), "total": total}
                for region, cells, total in self.rows
            ],
            "category_totals": dict(zip(CATEGORIES, self.category_totals, strict=True)),
            "total": self.total,
        }


def _table(regions: Iterable[Region], values: dict[tuple[int, str], int]) -> PlanTable:
    rows = []
    for region in sorted(regions, key=lambda r: r.code):
        cells = [values.get((region.pk, category), 0) for category in CATEGORIES]
        rows.append((region, cells, sum(cells)))
    category_totals = [sum(row[1][index] for row in rows) for index in range(len(CATEGORIES))]
    return PlanTable(rows=rows, category_totals=category_totals, total=sum(category_totals))


def plan_regions(plan: QuotaPlan) -> list[Region]:
    """The regions of a plan: those in force on 1 January of its year (DOMAIN §1)."""
    return list(Region.objects.valid_on(plan.relevant_date).order_by("code"))


def plan_demand_table(plan: QuotaPlan, *, regions: list[Region] | None = None) -> PlanTable:
    """The accepted demand D[region, category] over the plan's regions, zeros where none was entered."""
    rows = list(plan.demand_rows.select_related("region"))
    regions = {r.pk: r for r in (plan_regions(plan) if regions is None else regions)}
    regions.update({row.region_id: row.region for row in rows})
    return _table(regions.values(), {(row.region_id, row.category): row.places for row in rows})


def plan_result_table(plan: QuotaPlan) -> PlanTable | None:
    """The computed distribution by region × category with totals, or None for a draft."""
    if not plan.is_computed:
        return None
    cells = list(plan.cells.select_related("region"))
    regions = {cell.region_id: cell.region for cell in cells}
    return _table(regions.values(), {(cell.region_id, cell.category): cell.places for cell in cells})


def plan_current_table(plan: QuotaPlan) -> PlanTable | None:
    """The approved plan's distribution as it stands now, amendments included: the allocated places of the year's
    regional ledger cells (DOMAIN §5). None when the year's ledger is not open (not approved)."""
    cells = list(
        QuotaCell.objects.filter(year=plan.year, quota_year__plan=plan, kind=CellKind.REGIONAL).select_related("region")
    )
    if not cells:
        return None
    regions = {cell.region_id: cell.region for cell in cells}
    return _table(regions.values(), {(cell.region_id, cell.category): cell.allocated for cell in cells})


def plan_current_reserve_totals(plan: QuotaPlan) -> list[int]:
    """Places of the approved plan's project-reserve cells per category 1, 2, 3, 4, S, as they stand now."""
    totals = dict.fromkeys(CATEGORIES, 0)
    cells = QuotaCell.objects.filter(year=plan.year, quota_year__plan=plan, kind=CellKind.PROJECT)
    for category, places in cells.values_list("category", "allocated"):
        totals[category] += places
    return [totals[category] for category in CATEGORIES]


def plan_current_headroom(plan: QuotaPlan) -> int | None:
    """The national headroom of the approved plan as it stands now (amendments may move places to or from it)."""
    cell = QuotaCell.objects.filter(year=plan.year, quota_year__plan=plan, kind=CellKind.HEADROOM).first()
    return None if cell is None else cell.allocated


def plan_reserve_totals(plan: QuotaPlan) -> list[int]:
    """Places reserved for priority projects per category 1, 2, 3, 4, S."""
    totals = dict.fromkeys(CATEGORIES, 0)
    for category, places in ProjectReserve.objects.filter(plan=plan).values_list("category", "places"):
        totals[category] += places
    return [totals[category] for category in CATEGORIES]


@dataclass(frozen=True)
class RegionBar:
    """One bar of the chart by region: its places and the bar's length in the chart's units (0-100)."""

    region: Region
    places: int
    length: int


def plan_region_bars(table: PlanTable | None) -> list[RegionBar]:
    """Bars for the places of each region, the longest region at 100 (for an SVG chart without inline styles)."""
    if table is None:
        return []
    longest = max((total for _region, _cells, total in table.rows), default=0)
    return [
        RegionBar(region=region, places=total, length=round(100 * total / longest) if longest else 0)
        for region, _cells, total in table.rows
    ]


def plan_national_labour_force(plan: QuotaPlan) -> dict | None:
    """What the plan would use now: the official national figure of its statistics year, else the entered one."""
    official = national_labour_force(year=plan.statistics_year)
    if official is not None:
        return {"origin": "official", "persons": official.persons, "period": official.period, "source": official.source}
    if plan.entered_labour_force is not None:
        return {
            "origin": "entered",
            "persons": plan.entered_labour_force,
            "period": None,
            "source": plan.entered_labour_force_source,
        }
    return None


# ---------------------------------------------------------------------------------------------------------------------
# Decisions taken under a policy parameter (common.registry: the policy page lists them when a period is added in the
# past; they keep the value they were decided with, DOMAIN §9)
# ---------------------------------------------------------------------------------------------------------------------
def _amendment_value(amendment: QuotaAmendment, name: str):
    """The value of `name` an approved amendment recorded when proposed (its rule results), or None."""
    results = amendment.rule_results or {}
    if name == P.QUOTA_RATE_PERCENT:
        period = (results.get("ceiling") or {}).get("rate_period") or {}
        return period.get("value")
    share = results.get("managers_specialists") or {}
    if name == P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT:
        return share.get("threshold_percent")
    if name == P.MANAGERS_SPECIALISTS_INCLUDES_SEASONAL:
        return share.get("seasonal_included")
    return None


#: The parameters an amendment reads on its effective date (DOMAIN §9).
AMENDMENT_PARAMETERS = frozenset(
    {P.QUOTA_RATE_PERCENT, P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT, P.MANAGERS_SPECIALISTS_INCLUDES_SEASONAL}
)


def decisions_under_policy(
    *, name: str, key: str | None, date_from: date, date_to: date | None
) -> list[PolicyDecision]:
    """Approved quota plans whose computation used (name, key) with 1 January of their year in [date_from, date_to],
    and approved amendments that read it on an effective date in that range, each with the value it used."""
    if key:
        return []  # the quota reads only parameters without keys
    decisions = []
    plans = QuotaPlan.objects.filter(status=QuotaPlan.Status.APPROVED, year__gte=date_from.year)
    if date_to is not None:
        plans = plans.filter(year__lte=date_to.year)
    for plan in plans.order_by("year"):
        used = ((plan.computation_snapshot or {}).get("policy") or {}).get(name)
        if used is None or plan.relevant_date < date_from or (date_to is not None and plan.relevant_date > date_to):
            continue
        url = reverse("quota-plan-detail-page", args=[plan.pk])
        decisions.append(PolicyDecision(label=str(plan), on=plan.relevant_date, value=used.get("value"), url=url))
    if name in AMENDMENT_PARAMETERS:
        amendments = QuotaAmendment.objects.filter(
            status=QuotaAmendment.Status.APPROVED, effective_date__gte=date_from
        ).select_related("plan")
        if date_to is not None:
            amendments = amendments.filter(effective_date__lte=date_to)
        for amendment in amendments.order_by("effective_date", "pk"):
            url = reverse("quota-amendment-detail-page", args=[amendment.pk])
            value = _amendment_value(amendment, name)
            decisions.append(PolicyDecision(label=str(amendment), on=amendment.effective_date, value=value, url=url))
    return decisions
