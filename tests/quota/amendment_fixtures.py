"""Approved plans with open ledgers for the amendment tests, made the way officials make them: drafted with demand,
computed, proposed by one ministry official and approved by another (DOMAIN §3, §5)."""

from datetime import date

from quota.models import AmendmentChange, QuotaAmendment
from quota.services import (
    country_cap_add,
    project_reserve_add,
    quota_plan_approve,
    quota_plan_compute,
    quota_plan_create,
    quota_plan_demand_replace,
    quota_plan_propose,
)
from tests.quota.factories import demand_rows

# The 2022 quota (shared/data/national_quota_by_year.csv): 28,352 at 0.31 %, categories 1, 2, 3, 4, S
# 1,243 / 6,499 / 13,887 / 3,421 / 3,302; cut on 2022-02-04 to 23,560 (11,110 / 2,396 / 2,312 in cats 3, 4, S).
# Its regional split is not published: an illustrative one over three regions adds up to the official totals.
DEMAND_2022 = {
    "KZ-A": (700, 3_500, 8_000, 2_000, 1_500),
    "KZ-B": (400, 2_000, 4_000, 1_000, 1_202),
    "KZ-C": (143, 999, 1_887, 421, 600),
}
# floor(9,145,807 × 0.31 %) = 28,352: the ceiling is exactly the initial 2022 total, so no headroom.
LABOUR_FORCE_2022 = 9_145_807


def approved_plan(*, year, demand, labour_force, proposer, approver, reserves=(), caps=()):
    """A plan for `year` whose demand fits the pool (cells = demand), approved: its ledger is open. `reserves`:
    [(project, region, category, places)], `caps`: [(country, places)]."""
    plan = quota_plan_create(
        year=year, entered_labour_force=labour_force, entered_labour_force_source="amendment tests", actor=proposer
    )
    for project, region, category, places in reserves:
        project_reserve_add(plan=plan, project=project, region=region, category=category, places=places, actor=proposer)
    for country, places in caps:
        country_cap_add(plan=plan, country=country, places=places, actor=proposer)
    quota_plan_demand_replace(plan=plan, rows=demand_rows(demand), actor=proposer)
    quota_plan_compute(plan=plan, actor=proposer)
    quota_plan_propose(plan=plan, actor=proposer)
    return quota_plan_approve(plan=plan, actor=approver)


def world_amendment(plan, region, actor):
    """The permission matrix's amendment: a draft of amendment 1 to the world's 2013 plan, moving one place from the
    national headroom into `region`'s category 3. The world's 2013 plan stays a draft (an approved plan would show to
    employers in every test that uses the world), so the row is made directly, not by amendment_create;
    tests/permission_expectations.py approves the plan inside each role's rolled-back savepoint — its ledger opens —
    before a write on the amendment."""
    amendment = QuotaAmendment.objects.create(
        plan=plan,
        number=1,
        effective_date=date(plan.year, 6, 1),
        reason="Order of the Minister (world)",
        created_by=actor,
    )
    AmendmentChange.objects.create(
        amendment=amendment, position=0, kind="move", places=1, to_region=region, to_category="3"
    )
    return amendment
