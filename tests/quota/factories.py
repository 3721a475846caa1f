"""Factories of the quota app."""

from datetime import date

import factory

from quota.models import CountryCap, LabourForceFigure, PlanDemand, PriorityProject, ProjectReserve, QuotaPlan
from tests.common.factories import RegionFactory


class LabourForceFigureFactory(factory.django.DjangoModelFactory):
    """`LabourForceFigureFactory(region=region, year=2024, persons=1_000_000)`; `region=None` is national."""

    class Meta:
        model = LabourForceFigure

    region = factory.SubFactory(RegionFactory)
    year = 2024
    period = LabourForceFigure.Period.ANNUAL
    persons = 1_000_000
    status = LabourForceFigure.Status.OFFICIAL
    source = "https://stat.gov.kz/ (test)"


class QuotaPlanFactory(factory.django.DjangoModelFactory):
    """A draft plan: `QuotaPlanFactory(year=2016, entered_labour_force=1_000_000)`."""

    class Meta:
        model = QuotaPlan

    year = 2016
    statistics_year = factory.LazyAttribute(lambda plan: plan.year - 1)
    entered_labour_force = None
    entered_labour_force_source = factory.LazyAttribute(lambda plan: "test figure" if plan.entered_labour_force else "")


# The 2024 official split, the seeded default category shares (DOMAIN §3 step 3).
SHARES_2024 = {"1": 906, "2": 5054, "3": 10786, "4": 2888, "S": 2366}


def quota_policy(
    *,
    rate: str = "0.700",
    threshold: str = "70.000",
    seasonal_included: bool = False,
    shares: dict | None = None,
    valid_from: date = date(2000, 1, 1),
) -> None:
    """The four policy parameters a plan computation reads, each with one open period from `valid_from` (tests that
    want the shipped values use the `policy_parameters` fixture instead)."""
    from common.policy import P
    from tests.common.reference_factories import make_policy_parameter

    make_policy_parameter(P.QUOTA_RATE_PERCENT, (valid_from, None, rate), value_type="percent")
    make_policy_parameter(P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT, (valid_from, None, threshold), value_type="percent")
    make_policy_parameter(
        P.MANAGERS_SPECIALISTS_INCLUDES_SEASONAL, (valid_from, None, seasonal_included), value_type="switch"
    )
    make_policy_parameter(P.DEFAULT_CATEGORY_SHARES, (valid_from, None, shares or SHARES_2024), value_type="structure")


def demand_rows(table: dict[str, tuple[int, ...]]) -> list[dict]:
    """{region code: (places in categories 1, 2, 3, 4, S)} -> JSON rows for quota_plan_demand_replace."""
    return [
        {"region": code, "category": category, "places": places}
        for code, values in table.items()
        for category, places in zip(("1", "2", "3", "4", "S"), values, strict=True)
        if places
    ]


def world_quota_plan(region) -> QuotaPlan:
    """The permission matrix's plan: 2012, an entered national labour force, demand of 100 places in `region`.
    (Computing it needs the quota policy: tests/permission_expectations.py creates it per call.)"""
    plan = QuotaPlanFactory(year=2012, entered_labour_force=1_000_000)
    PlanDemand.objects.create(plan=plan, region=region, category="3", places=100)
    return plan


class PriorityProjectFactory(factory.django.DjangoModelFactory):
    """`PriorityProjectFactory(operator=employer)`: a project in reserve mode."""

    class Meta:
        model = PriorityProject

    code = factory.Sequence(lambda n: f"project-{n}")
    name = factory.Sequence(lambda n: f"Priority project {n}")
    mode = PriorityProject.Mode.RESERVE


def china():
    """A country outside the EAEU (its citizens need a permit, so it may have a cap)."""
    from common.models import Country
    from tests.common.reference_factories import make_country

    return Country.objects.filter(alpha_2="CN").first() or make_country(
        "CN", "CHN", "156", "China", eaeu_member=False, name_ru="Китай", name_kk="Қытай"
    )


def world_plan_inputs(plan, region, operator) -> dict:
    """The permission matrix's priority project, and a reserve and a country cap on the world's plan."""
    project = PriorityProjectFactory(code="world-refinery", name="World refinery", operator=operator)
    return {
        "priority_project": project,
        "project_reserve": ProjectReserve.objects.create(
            plan=plan, project=project, region=region, category="3", places=10
        ),
        "country_cap": CountryCap.objects.create(plan=plan, country=china(), places=50),
    }


def world_next_plan(region) -> QuotaPlan:
    """The permission matrix's plan for approval: 2013 (no ledger yet), demand of 100 places in `region`, a draft;
    tests/permission_expectations.py computes and proposes it inside each role's rolled-back savepoint."""
    plan = QuotaPlanFactory(year=2013, entered_labour_force=1_000_000)
    PlanDemand.objects.create(plan=plan, region=region, category="3", places=100)
    return plan
