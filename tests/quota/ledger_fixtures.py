"""Opening a quota year's ledger for tests, the way plan approval does (one cell per region and category)."""

from django.utils import timezone

from quota.ledger import CellOpening, ledger_open
from quota.models import CellKind, CountryCap, PlanCell, ProjectReserve, QuotaCell, QuotaPlan


def open_ledger(*, year=2026, regional=(), countries=(), projects=(), headroom=0, actor=None, plan=None):
    """regional: [(region, category, places)], countries: [(code, places)], projects: [(key, region, cat, places)].

    Without a `plan`, an approved plan with exactly these cells, reserves, caps and headroom is written first, so
    reconciliation finds the ledger consistent with its plan (DOMAIN §5 "Integrity")."""
    plan = plan or approved_plan_for(
        year=year, regional=regional, countries=countries, projects=projects, headroom=headroom
    )
    openings = [CellOpening(CellKind.REGIONAL, places, region_id=r.pk, category=c) for r, c, places in regional]
    openings += [CellOpening(CellKind.COUNTRY, places, country=code) for code, places in countries]
    openings += [
        CellOpening(CellKind.PROJECT, places, region_id=r.pk, category=c, project_key=key)
        for key, r, c, places in projects
    ]
    openings.append(CellOpening(CellKind.HEADROOM, headroom))
    return ledger_open(year=year, plan=plan, openings=openings, actor=actor)


def approved_plan_for(*, year, regional=(), countries=(), projects=(), headroom=0) -> QuotaPlan:
    """An approved plan of `year` whose result is exactly these cells (not computed: the ledger is the subject)."""
    from common.models import Country
    from quota.models import PriorityProject
    from tests.common.factories import UserFactory
    from tests.common.reference_factories import make_country
    from tests.employers.factories import EmployerFactory
    from tests.quota.factories import PriorityProjectFactory

    now = timezone.now()
    ceiling = sum(places for _r, _c, places in regional) + sum(p[3] for p in projects) + headroom
    plan = QuotaPlan.objects.create(
        year=year,
        statistics_year=year - 1,
        status=QuotaPlan.Status.APPROVED,
        ceiling=ceiling,
        pool=ceiling - headroom,
        national_headroom=headroom,
        computed_at=now,
        proposed_at=now,
        proposed_by=UserFactory(),
        approved_at=now,
        approved_by=UserFactory(),
    )
    PlanCell.objects.bulk_create(
        [PlanCell(plan=plan, region=region, category=category, places=places) for region, category, places in regional]
    )
    for key, region, category, places in projects:
        project = PriorityProject.objects.filter(code=key).first() or PriorityProjectFactory(
            code=key, operator=EmployerFactory()
        )
        ProjectReserve.objects.create(plan=plan, project=project, region=region, category=category, places=places)
    for number, (code, places) in enumerate(countries):
        country = Country.objects.filter(alpha_2=code).first() or make_country(
            code, f"X{code}", f"{900 + number}", f"Country {code}", eaeu_member=False
        )
        CountryCap.objects.create(plan=plan, country=country, places=places)
    return plan


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
