"""The quota part of the embedded demo (DEBUG only): an approved plan for the current year, so `make run` shows live
balances on any date.

Run by `seed_demo_data` (common) through common.registry, after the demo users and employers, with the shipped
policy loaded (0.25 % since 2025-08-01, open-ended) and, on a date past the shipped MCI, the illustrative MCI that
common.demo.seed_demo_policy carries forward. For the current year Y (today in Kazakhstan, quota.ledger.quota_today)
it creates illustrative labour-force figures of Y − 1 for every region in force on 1 January Y that add up to an
illustrative national figure (DOMAIN §1: demo data may fill gaps with illustrative numbers, always shown as such),
a priority project with a reserve, a country cap and some accepted demand; the plan is computed, fixed if it needs
it, proposed by `ministry` and approved by `ministry2` (four eyes), which opens the year's quota ledger. Two
amendments take effect on 1 January Y — an amendment is approved on or after its effective date (DOMAIN §5) — so
the first is approved at once and the second, proposed by ministry, can be approved by ministry2 on any day of Y.
Idempotent: nothing is done when a plan for Y exists; plans of earlier years are never touched (a demo database
seeded last year gets this year's plan beside last year's). Every step goes through the services, so every step
is audited like a real one.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from common.errors import DomainError
from common.models import Country, Region
from common.policy import P, PolicyNotDefined, policy_value
from employers.demo import DEMO_EMPLOYERS
from employers.models import Employer

from .amendments import amendment_approve, amendment_create, amendment_propose
from .calculation import CATEGORIES, largest_remainder
from .ledger import quota_today
from .models import LabourForceFigure, PriorityProject, QuotaPlan
from .selectors import national_labour_force
from .services import (
    country_cap_add,
    labour_force_import,
    priority_project_create,
    project_reserve_add,
    quota_plan_apply_fix,
    quota_plan_approve,
    quota_plan_compute,
    quota_plan_confirm_override,
    quota_plan_create,
    quota_plan_demand_replace,
    quota_plan_override,
    quota_plan_propose,
)

DEMO_SOURCE = "Kvota demo data — illustrative"
#: The illustrative national labour force of the year before the plan (persons): 0.25 % of it is a ceiling of 23,500.
NATIONAL_LABOUR_FORCE = 9_400_000
#: Relative sizes of the regions' labour force (thousands, rounded; illustrative): the national figure is spread
#: over the regions in force by largest remainder, so the regional figures add up to it exactly.
REGION_WEIGHTS = {
    "KZ-10": 290,
    "KZ-11": 390,
    "KZ-15": 450,
    "KZ-19": 740,
    "KZ-23": 320,
    "KZ-27": 330,
    "KZ-31": 510,
    "KZ-33": 320,
    "KZ-35": 560,
    "KZ-39": 430,
    "KZ-43": 340,
    "KZ-47": 330,
    "KZ-55": 390,
    "KZ-59": 280,
    "KZ-61": 890,
    "KZ-62": 110,
    "KZ-63": 370,
    "KZ-71": 720,
    "KZ-75": 1080,
    "KZ-79": 550,
}
DEFAULT_WEIGHT = 300
#: Accepted demand in categories 1, 2, 3, 4, S (22,500 places; managers and specialists 79 % without S).
DEMO_DEMAND = {
    "KZ-71": (120, 600, 2400, 700, 0),
    "KZ-75": (150, 700, 2600, 600, 0),
    "KZ-23": (80, 400, 2200, 900, 0),
    "KZ-47": (60, 300, 1500, 600, 0),
    "KZ-15": (40, 200, 900, 300, 100),
    "KZ-35": (50, 250, 1100, 400, 0),
    "KZ-19": (20, 100, 400, 200, 900),
    "KZ-61": (10, 60, 200, 150, 1200),
    "KZ-79": (30, 150, 500, 200, 100),
    "KZ-55": (30, 150, 600, 250, 0),
}
DEMO_PROJECT = {"code": "atyrau-refinery", "name": "Atyrau refinery modernisation", "mode": "reserve"}
DEMO_RESERVE = {"region": "KZ-23", "category": "3", "places": 400}
DEMO_CAP = {"country": "CN", "places": 3_000}
DEMO_OVERRIDE_REASON = "Demo: the seasonal harvest needs exceed the managers/specialists balance this year."


def _illustrative_figures(regions: list[Region], *, statistics_year: int) -> list[dict]:
    persons = largest_remainder(
        total=NATIONAL_LABOUR_FORCE,
        weights={region.code: REGION_WEIGHTS.get(region.code, DEFAULT_WEIGHT) for region in regions},
        tie_break=lambda code: code,
    )
    row = {"year": statistics_year, "period": "annual", "status": "illustrative", "source": DEMO_SOURCE}
    return [{**row, "region": "KZ", "persons": NATIONAL_LABOUR_FORCE}] + [
        {**row, "region": code, "persons": places} for code, places in persons.items()
    ]


DEMO_AMENDMENT_REASONS = (
    "Illustrative: places from the national headroom for Astana's construction season.",
    "Illustrative: category 4 cut by a tenth after a review of demand.",
)


#: What the plan computation reads on 1 January of the plan year (DOMAIN §9); the default shares only without demand.
PLAN_POLICY = (
    P.QUOTA_RATE_PERCENT,
    P.MANAGERS_SPECIALISTS_THRESHOLD_PERCENT,
    P.MANAGERS_SPECIALISTS_INCLUDES_SEASONAL,
)


def seed_demo_quota(*, stdout, on: date | None = None) -> None:
    """The current year's demo plan (`on`: today in Kazakhstan); see the module docstring."""
    year = (on or quota_today()).year
    officials = _demo_officials(year, stdout=stdout)
    if officials is None:
        return
    ministry, ministry2 = officials
    regions = list(Region.objects.valid_on(date(year, 1, 1)).order_by("code"))
    statistics_year = year - 1
    if not LabourForceFigure.objects.filter(year=statistics_year).exists():
        labour_force_import(
            rows=_illustrative_figures(regions, statistics_year=statistics_year), actor=None, filename="quota/demo.py"
        )

    official = national_labour_force(year=statistics_year)
    plan = quota_plan_create(
        year=year,
        entered_labour_force=None if official else NATIONAL_LABOUR_FORCE,
        entered_labour_force_source="" if official else DEMO_SOURCE,
        actor=ministry,
    )
    in_force = {region.code for region in regions}
    plan = _seed_demo_plan_inputs(plan, in_force=in_force, ministry=ministry)
    plan = _seed_demo_plan_decisions(plan, ministry=ministry, ministry2=ministry2)
    stdout.write(
        f"Demo quota: the {year} plan is approved (ceiling {plan.ceiling}, national headroom "
        f"{plan.national_headroom}); proposed by ministry, approved by ministry2; its ledger is open"
    )
    _seed_demo_amendments(plan, ministry=ministry, ministry2=ministry2, stdout=stdout, on=on)


def _demo_officials(year: int, *, stdout):
    """The two ministry demo logins when the year's demo plan is due and can be computed (its policy is defined on 1
    January), else None after saying why."""
    if QuotaPlan.objects.filter(year=year).exists():
        stdout.write(f"Demo quota: the {year} plan exists, nothing to do")
        return None
    User = get_user_model()
    ministry = User.objects.filter(username="ministry").first()
    ministry2 = User.objects.filter(username="ministry2").first()
    if ministry is None or ministry2 is None:
        stdout.write("Demo quota: skipped (the ministry demo logins are missing)")
        return None
    try:
        for name in PLAN_POLICY:
            policy_value(name, on=date(year, 1, 1))
    except PolicyNotDefined as missing:
        stdout.write(f"Demo quota: skipped ({missing.message})")
        return None
    return ministry, ministry2


def _seed_demo_plan_inputs(plan, *, in_force: set[str], ministry):
    """The demo plan's demand (regions in force only), its project reserve and its country cap."""
    rows = [
        {"region": code, "category": category, "places": places}
        for code, values in DEMO_DEMAND.items()
        if code in in_force
        for category, places in zip(CATEGORIES, values, strict=True)
        if places
    ]
    plan = quota_plan_demand_replace(plan=plan, rows=rows, actor=ministry)

    operator = Employer.objects.filter(bin=DEMO_EMPLOYERS[0]["bin"]).first()
    project = PriorityProject.objects.filter(code=DEMO_PROJECT["code"]).first()
    if project is None and operator is not None:
        project = priority_project_create(**DEMO_PROJECT, operator=operator, actor=ministry)
    reserve_region = Region.objects.filter(code=DEMO_RESERVE["region"]).first()
    if project is not None and reserve_region is not None and reserve_region.code in in_force:
        project_reserve_add(
            plan=plan,
            project=project,
            region=reserve_region,
            category=DEMO_RESERVE["category"],
            places=DEMO_RESERVE["places"],
            actor=ministry,
        )
    country = Country.objects.filter(alpha_2=DEMO_CAP["country"], eaeu_member=False).first()
    if country is not None:
        country_cap_add(plan=plan, country=country, places=DEMO_CAP["places"], actor=ministry)
    return plan


def _seed_demo_plan_decisions(plan, *, ministry, ministry2):
    """Compute the plan, meet the managers/specialists rule (the fix, else an override confirmed by ministry2), then
    ministry proposes it and ministry2 approves it."""
    plan = quota_plan_compute(plan=plan, actor=ministry)
    if plan.is_flagged:
        if plan.managers_specialists.get("fix"):
            plan = quota_plan_apply_fix(plan=plan, actor=ministry)
        else:
            plan = quota_plan_override(plan=plan, reason=DEMO_OVERRIDE_REASON, actor=ministry)
            plan = quota_plan_confirm_override(plan=plan, actor=ministry2)
    plan = quota_plan_propose(plan=plan, actor=ministry)
    return quota_plan_approve(plan=plan, actor=ministry2)


def _seed_demo_amendments(plan, *, ministry, ministry2, stdout, on: date | None) -> None:
    """Two amendments (DOMAIN §5), both effective on 1 January of the plan year so they may be approved on any day of
    it: places moved from the national headroom to Astana, approved (the plan is at version 2), and a cut of
    category 4 by a factor of 0.9, proposed by ministry and waiting for ministry2."""
    headroom = plan.national_headroom or 0
    astana = "KZ-71"
    effective_date = date(plan.year, 1, 1)
    try:
        if headroom:
            first = amendment_create(
                plan=plan,
                effective_date=effective_date,
                reason=DEMO_AMENDMENT_REASONS[0],
                changes=[{"kind": "move", "places": min(200, headroom), "to_region": astana, "to_category": "3"}],
                actor=ministry,
            )
            amendment_propose(amendment=first, actor=ministry)
            amendment_approve(amendment=first, actor=ministry2, on=on)
        second = amendment_create(
            plan=plan,
            effective_date=effective_date,
            reason=DEMO_AMENDMENT_REASONS[1],
            changes=[{"kind": "scale", "category": "4", "factor": "0.9"}],
            actor=ministry,
        )
        amendment_propose(amendment=second, actor=ministry)
    except (DomainError, ValidationError) as refused:
        stdout.write(f"Demo quota: amendments skipped ({refused})")
        return
    stdout.write("Demo quota: one amendment approved, one proposed by ministry for ministry2 to approve")
