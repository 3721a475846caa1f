"""Opening a quota year's ledger for tests, the way plan approval does (one cell per region and category)."""

from quota.ledger import CellOpening, ledger_open
from quota.models import CellKind, QuotaCell, QuotaPlan


def open_ledger(*, year=2026, regional=(), countries=(), projects=(), headroom=0, actor=None, plan=None):
    """regional: [(region, category, places)], countries: [(code, places)], projects: [(key, region, cat, places)]."""
    plan = plan or QuotaPlan.objects.create(year=year, statistics_year=year - 1)
    openings = [CellOpening(CellKind.REGIONAL, places, region_id=r.pk, category=c) for r, c, places in regional]
    openings += [CellOpening(CellKind.COUNTRY, places, country=code) for code, places in countries]
    openings += [
        CellOpening(CellKind.PROJECT, places, region_id=r.pk, category=c, project_key=key)
        for key, r, c, places in projects
    ]
    openings.append(CellOpening(CellKind.HEADROOM, headroom))
    return ledger_open(year=year, plan=plan, openings=openings, actor=actor)


def world_quota_ledger(plan, region_1, region_2):
    """The permission matrix's open ledger, in the year of the world's plan; returns a cell of region 1."""
    open_ledger(
        year=plan.year,
        plan=plan,
        regional=[(region_1, "3", 10), (region_2, "3", 20)],
        countries=[("CN", 5)],
        headroom=3,
    )
    return QuotaCell.objects.get(year=plan.year, region=region_1, category="3")
