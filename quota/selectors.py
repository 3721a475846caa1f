"""Reads of the quota app that add value: scoping, prefetching, choosing a figure (STYLE.md)."""

from __future__ import annotations

from collections.abc import Iterable

from common.models import Region

from .models import LabourForceFigure


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
