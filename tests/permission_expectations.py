"""Who may call each API operation: one declared expectation per (METHOD, path) of the OpenAPI schema.

The meta-test (tests/test_permission_matrix.py) fails when the schema has an operation missing here,
so every new endpoint must state its matrix. Targets name objects of the `world` fixture
(tests/conftest.py): employer A operates in region 1 (KZ-71), employer B in region 2 (KZ-75);
official 1 works in region 1, official 2 in region 2.
"""

from common.models import AuditEvent, Country, Occupation, PolicyParameter, Region, Sector, User
from employers.models import Employer
from quota.models import (
    CountryCap,
    LabourForceFigure,
    PriorityProject,
    ProjectReserve,
    QuotaAmendment,
    QuotaCell,
    QuotaPlan,
    QuotaYear,
)
from tests.common.factories import PASSWORD
from tests.permissions import (
    ADMINISTRATOR,
    ALLOW,
    ANONYMOUS,
    AUDITOR,
    EMPLOYER_A,
    EMPLOYER_B,
    FORBIDDEN,
    HIDDEN,
    MINISTRY,
    OFFICIAL_1,
    OFFICIAL_2,
    UNAUTHENTICATED,
    Expect,
    everyone,
    only,
)


def own_credentials(world, role):
    if role == ANONYMOUS:
        return {"username": "nobody", "password": "not-the-password"}
    return {"username": world.users[role].username, "password": PASSWORD}


def new_user(world, role):
    return {"username": f"new.{role}", "password": "another-long-password-2026", "role": "auditor"}


# Employer A's record: its own user and region 1's official see it; employer B and region 2's
# official get 404 (it must look absent); administrators manage users only (403).
EMPLOYER_A_DETAIL = {
    ANONYMOUS: UNAUTHENTICATED,
    EMPLOYER_A: ALLOW,
    EMPLOYER_B: HIDDEN,
    OFFICIAL_1: ALLOW,
    OFFICIAL_2: HIDDEN,
    MINISTRY: ALLOW,
    AUDITOR: ALLOW,
    ADMINISTRATOR: FORBIDDEN,
}

EXPECTATIONS: dict[tuple[str, str], Expect] = {
    # Identity
    ("POST", "/api/v1/auth/token/"): Expect(outcomes=everyone(ALLOW, anonymous=400), data=own_credentials),
    ("POST", "/api/v1/auth/logout/"): Expect(outcomes=everyone(ALLOW)),
    ("GET", "/api/v1/me/"): Expect(outcomes=everyone(ALLOW)),
    # Reference data: every role reads it, administrators too (they assign regions to officials).
    ("GET", "/api/v1/regions/"): Expect(
        outcomes=everyone(ALLOW), scope=lambda user: Region.objects.all(), row_key="code"
    ),
    ("GET", "/api/v1/regions/{code}/"): Expect(outcomes=everyone(ALLOW), target="region_2"),
    # Users and roles: administrators only.
    ("GET", "/api/v1/users/"): Expect(
        outcomes=only(ALLOW, ADMINISTRATOR), scope=lambda user: User.objects.visible_to(user)
    ),
    ("POST", "/api/v1/users/"): Expect(outcomes=only(ALLOW, ADMINISTRATOR), data=new_user),
    ("GET", "/api/v1/users/{id}/"): Expect(outcomes=only(ALLOW, ADMINISTRATOR), target="employer_a_user"),
    ("PATCH", "/api/v1/users/{id}/"): Expect(
        outcomes=only(ALLOW, ADMINISTRATOR), target="employer_a_user", data=lambda world, role: {"first_name": "Dana"}
    ),
    ("POST", "/api/v1/users/{id}/deactivate/"): Expect(outcomes=only(ALLOW, ADMINISTRATOR), target="employer_a_user"),
    ("POST", "/api/v1/users/{id}/reactivate/"): Expect(outcomes=only(ALLOW, ADMINISTRATOR), target="employer_a_user"),
    # Employers: scoped reads; administrators 403.
    ("GET", "/api/v1/employers/"): Expect(
        outcomes=everyone(ALLOW, administrator=FORBIDDEN), scope=lambda user: Employer.objects.visible_to(user)
    ),
    ("GET", "/api/v1/employers/{id}/"): Expect(outcomes=EMPLOYER_A_DETAIL, target="employer_a"),
    # Audit trail: ministry officials and auditors read and verify it; nobody writes it (DOMAIN §10).
    ("GET", "/api/v1/audit-trail/"): Expect(
        outcomes=only(ALLOW, MINISTRY, AUDITOR), scope=lambda user: AuditEvent.objects.all(), row_key="sequence"
    ),
    ("GET", "/api/v1/audit-trail/{sequence}/"): Expect(outcomes=only(ALLOW, MINISTRY, AUDITOR), target="audit_event"),
    ("GET", "/api/v1/audit-trail/verify/"): Expect(outcomes=only(ALLOW, MINISTRY, AUDITOR)),
}

# Quota data (DOMAIN §10): labour-force statistics and draft/computed plans are written by ministry officials and
# read by regional officials and auditors; employers and administrators get 403; auditors' writes 403.
QUOTA_READERS = only(ALLOW, OFFICIAL_1, OFFICIAL_2, MINISTRY, AUDITOR)
QUOTA_WRITERS = only(ALLOW, MINISTRY)


def labour_force_rows(world, role):
    return {
        "rows": [{"region": "KZ-75", "year": 2023, "period": "annual", "persons": 1_100_000, "status": "official"}],
        "source": "https://stat.gov.kz/",
    }


EXPECTATIONS.update(
    {
        ("GET", "/api/v1/labour-force/"): Expect(
            outcomes=QUOTA_READERS, scope=lambda user: LabourForceFigure.objects.visible_to(user)
        ),
        ("GET", "/api/v1/labour-force/{id}/"): Expect(outcomes=QUOTA_READERS, target="labour_force_figure"),
        ("PATCH", "/api/v1/labour-force/{id}/"): Expect(
            outcomes=QUOTA_WRITERS,
            target="labour_force_figure",
            data=lambda world, role: {"persons": 712_000, "source": "revised release", "reason": "correction"},
        ),
        ("POST", "/api/v1/labour-force/import/"): Expect(outcomes=QUOTA_WRITERS, data=labour_force_rows),
    }
)

# Policy parameters (DOMAIN §10: policy is the ministry's): ministry officials, regional officials and auditors
# read them; only ministry officials add a period; employers and administrators 403.
POLICY_READERS = only(ALLOW, OFFICIAL_1, OFFICIAL_2, MINISTRY, AUDITOR)


def new_policy_period(world, role):
    return {"valid_from": "2030-01-01", "value": 14, "source": "https://adilet.zan.kz/", "reason": "new order"}


# Reference lists: every signed-in role reads them, administrators included (like the regions).
EXPECTATIONS.update(
    {
        ("GET", "/api/v1/policy-parameters/"): Expect(
            outcomes=POLICY_READERS, scope=lambda user: PolicyParameter.objects.all()
        ),
        ("GET", "/api/v1/policy-parameters/{id}/"): Expect(outcomes=POLICY_READERS, target="policy_parameter"),
        ("POST", "/api/v1/policy-parameters/{id}/periods/"): Expect(
            outcomes=only(ALLOW, MINISTRY), target="policy_parameter", data=new_policy_period
        ),
        ("GET", "/api/v1/countries/"): Expect(
            outcomes=everyone(ALLOW), scope=lambda user: Country.objects.all(), row_key="alpha_2"
        ),
        ("GET", "/api/v1/countries/{alpha_2}/"): Expect(outcomes=everyone(ALLOW), target="country"),
        ("GET", "/api/v1/sectors/"): Expect(
            outcomes=everyone(ALLOW), scope=lambda user: Sector.objects.all(), row_key="oked_section"
        ),
        ("GET", "/api/v1/sectors/{oked_section}/"): Expect(outcomes=everyone(ALLOW), target="sector"),
        ("GET", "/api/v1/occupations/"): Expect(
            outcomes=everyone(ALLOW), scope=lambda user: Occupation.objects.all(), row_key="isco08_code"
        ),
        ("GET", "/api/v1/occupations/{isco08_code}/"): Expect(outcomes=everyone(ALLOW), target="occupation"),
    }
)


def plan_policy(world, role):
    """Computing a plan reads the quota policy in force on 1 January: created here, inside this role's rolled-back
    savepoint (tests/permissions.py), so the world itself stays free of policy for tests that load the shipped one.
    The request has no body."""
    from tests.quota.factories import quota_policy

    quota_policy(rate="0.700")


EXPECTATIONS.update(
    {
        ("GET", "/api/v1/quota-plans/"): Expect(
            outcomes=QUOTA_READERS, scope=lambda user: QuotaPlan.objects.visible_to(user)
        ),
        ("POST", "/api/v1/quota-plans/"): Expect(
            outcomes=QUOTA_WRITERS,
            data=lambda world, role: {
                "year": 2030,
                "entered_labour_force": 9_500_000,
                "entered_labour_force_source": "forecast",
            },
        ),
        ("GET", "/api/v1/quota-plans/{id}/"): Expect(outcomes=QUOTA_READERS, target="quota_plan"),
        ("PATCH", "/api/v1/quota-plans/{id}/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_plan", data=lambda world, role: {"entered_labour_force": 1_200_000}
        ),
        ("GET", "/api/v1/quota-plans/{id}/demand/"): Expect(outcomes=QUOTA_READERS, target="quota_plan"),
        ("PUT", "/api/v1/quota-plans/{id}/demand/"): Expect(
            outcomes=QUOTA_WRITERS,
            target="quota_plan",
            data=lambda world, role: {"rows": [{"region": "KZ-75", "category": "4", "places": 40}]},
        ),
        ("POST", "/api/v1/quota-plans/{id}/compute/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_plan", data=plan_policy
        ),
    }
)

# Quota ledger: approved numbers and live balances for every role but administrators (DOMAIN §10).
EXPECTATIONS.update(
    {
        ("GET", "/api/v1/quota-balances/"): Expect(
            outcomes=everyone(ALLOW, administrator=FORBIDDEN), scope=lambda user: QuotaCell.objects.visible_to(user)
        ),
        ("GET", "/api/v1/quota-balances/{id}/"): Expect(
            outcomes=everyone(ALLOW, administrator=FORBIDDEN), target="quota_cell"
        ),
        ("GET", "/api/v1/quota-years/"): Expect(
            outcomes=everyone(ALLOW, administrator=FORBIDDEN),
            scope=lambda user: QuotaYear.objects.all(),
            row_key="year",
        ),
        ("GET", "/api/v1/quota-years/{year}/"): Expect(
            outcomes=everyone(ALLOW, administrator=FORBIDDEN), target="quota_year"
        ),
        ("POST", "/api/v1/quota-years/{year}/close/"): Expect(outcomes=only(ALLOW, MINISTRY), target="quota_year"),
    }
)


# Step 5, the plan workflow (DOMAIN §3 steps 2, 4-6; §10 "Quota data"). Employers now read plans too, but only
# approved ones (QuotaPlan.objects.visible_to): the world's plans are not approved, so a plan's detail answers them
# 404 and their list is empty. These three entries supersede the plan read entries above.
PLAN_READERS = everyone(ALLOW, employer_a=HIDDEN, employer_b=HIDDEN, administrator=FORBIDDEN)


def second_ministry_official():
    from common.roles import MINISTRY_OFFICIAL
    from tests.common.factories import UserFactory

    return UserFactory(username="ministry.second", role=MINISTRY_OFFICIAL)


def computed_plan(world, role):
    """The world's plan computed (and passing) with the quota policy, inside the role's rolled-back savepoint."""
    from quota.services import quota_plan_compute

    plan_policy(world, role)
    quota_plan_compute(plan=world.objects["quota_plan"], actor=world.users["ministry"])


def flagged_plan(world, role):
    """The world's plan with as many category-4 as category-3 places: the managers/specialists rule fails."""
    from quota.services import quota_plan_compute, quota_plan_demand_replace

    plan_policy(world, role)
    rows = [{"region": "KZ-71", "category": category, "places": 100} for category in ("3", "4")]
    plan = quota_plan_demand_replace(plan=world.objects["quota_plan"], rows=rows, actor=world.users["ministry"])
    quota_plan_compute(plan=plan, actor=world.users["ministry"])


def flagged_plan_with_reason(world, role):
    flagged_plan(world, role)
    return {"reason": "bilateral agreement"}


def overridden_by_another(world, role):
    """A flagged plan whose override another ministry official recorded: the world's ministry official confirms."""
    from quota.services import quota_plan_override

    flagged_plan(world, role)
    quota_plan_override(plan=world.objects["quota_plan"], reason="agreement", actor=second_ministry_official())


def next_plan_proposed_by_another(world, role):
    """The 2013 plan computed and proposed by another ministry official: the world's ministry official approves or
    returns it (approval opens the 2013 ledger, rolled back with the savepoint)."""
    from quota.services import quota_plan_compute, quota_plan_propose

    plan_policy(world, role)
    plan = quota_plan_compute(plan=world.objects["quota_plan_next"], actor=world.users["ministry"])
    quota_plan_propose(plan=plan, actor=second_ministry_official())
    return {"reason": "revise the demand"}


def new_country_for_cap(world, role):
    from tests.common.reference_factories import make_country

    make_country("TR", "TUR", "792", "Türkiye", eaeu_member=False)
    return {"country": "TR", "places": 10}


EXPECTATIONS.update(
    {
        ("GET", "/api/v1/quota-plans/"): Expect(
            outcomes=everyone(ALLOW, administrator=FORBIDDEN), scope=lambda user: QuotaPlan.objects.visible_to(user)
        ),
        ("GET", "/api/v1/quota-plans/{id}/"): Expect(outcomes=PLAN_READERS, target="quota_plan"),
        ("GET", "/api/v1/quota-plans/{id}/demand/"): Expect(outcomes=PLAN_READERS, target="quota_plan"),
        ("POST", "/api/v1/quota-plans/{id}/apply-fix/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_plan", data=flagged_plan
        ),
        ("POST", "/api/v1/quota-plans/{id}/override/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_plan", data=flagged_plan_with_reason
        ),
        ("POST", "/api/v1/quota-plans/{id}/confirm-override/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_plan", data=overridden_by_another
        ),
        ("POST", "/api/v1/quota-plans/{id}/propose/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_plan", data=computed_plan
        ),
        ("POST", "/api/v1/quota-plans/{id}/approve/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_plan_next", data=next_plan_proposed_by_another
        ),
        ("POST", "/api/v1/quota-plans/{id}/return/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_plan_next", data=next_plan_proposed_by_another
        ),
        # A plan's project reserves and country caps: quota data like the plan's inputs (employers 403).
        ("GET", "/api/v1/quota-plans/{plan_id}/project-reserves/"): Expect(
            outcomes=QUOTA_READERS,
            target="project_reserve",
            scope=lambda user: ProjectReserve.objects.filter(plan__year=2012),
        ),
        ("POST", "/api/v1/quota-plans/{plan_id}/project-reserves/"): Expect(
            outcomes=QUOTA_WRITERS,
            target="project_reserve",
            data=lambda world, role: {"project": "world-refinery", "region": "KZ-75", "category": "4", "places": 5},
        ),
        ("GET", "/api/v1/quota-plans/{plan_id}/project-reserves/{id}/"): Expect(
            outcomes=QUOTA_READERS, target="project_reserve"
        ),
        ("PATCH", "/api/v1/quota-plans/{plan_id}/project-reserves/{id}/"): Expect(
            outcomes=QUOTA_WRITERS, target="project_reserve", data=lambda world, role: {"places": 12}
        ),
        ("DELETE", "/api/v1/quota-plans/{plan_id}/project-reserves/{id}/"): Expect(
            outcomes=QUOTA_WRITERS, target="project_reserve"
        ),
        ("GET", "/api/v1/quota-plans/{plan_id}/country-caps/"): Expect(
            outcomes=QUOTA_READERS, target="country_cap", scope=lambda user: CountryCap.objects.filter(plan__year=2012)
        ),
        ("POST", "/api/v1/quota-plans/{plan_id}/country-caps/"): Expect(
            outcomes=QUOTA_WRITERS, target="country_cap", data=new_country_for_cap
        ),
        ("GET", "/api/v1/quota-plans/{plan_id}/country-caps/{id}/"): Expect(
            outcomes=QUOTA_READERS, target="country_cap"
        ),
        ("PATCH", "/api/v1/quota-plans/{plan_id}/country-caps/{id}/"): Expect(
            outcomes=QUOTA_WRITERS, target="country_cap", data=lambda world, role: {"places": 60}
        ),
        ("DELETE", "/api/v1/quota-plans/{plan_id}/country-caps/{id}/"): Expect(
            outcomes=QUOTA_WRITERS, target="country_cap"
        ),
        # Priority projects: ministry officials write them; regional officials and auditors read them.
        ("GET", "/api/v1/priority-projects/"): Expect(
            outcomes=QUOTA_READERS, scope=lambda user: PriorityProject.objects.visible_to(user)
        ),
        ("POST", "/api/v1/priority-projects/"): Expect(
            outcomes=QUOTA_WRITERS,
            data=lambda world, role: {
                "code": "caspian-port",
                "name": "Caspian port",
                "operator": world.objects["employer_b"].pk,
                "mode": "exempt",
            },
        ),
        ("GET", "/api/v1/priority-projects/{id}/"): Expect(outcomes=QUOTA_READERS, target="priority_project"),
        ("PATCH", "/api/v1/priority-projects/{id}/"): Expect(
            outcomes=QUOTA_WRITERS, target="priority_project", data=lambda world, role: {"name": "Renamed refinery"}
        ),
    }
)


# Step 7, amendments of an approved plan (DOMAIN §5): read like plans — employers approved ones only, so the world's
# draft amendment answers them 404 — and written by ministry officials. The world's amendment is a draft of the 2013
# plan, itself a draft in the world: each write first approves that plan inside the role's rolled-back savepoint.
def next_plan_approved(world, role):
    """The 2013 plan proposed by another ministry official and approved by the world's: its ledger opens (KZ-71/3
    holds the 100 places of demand, the national headroom the rest), so the world's draft amendment — one headroom
    place into KZ-71/3 — may be changed, proposed and approved."""
    from quota.services import quota_plan_approve

    next_plan_proposed_by_another(world, role)
    quota_plan_approve(plan=world.objects["quota_plan_next"], actor=world.users["ministry"])


def new_amendment(world, role):
    next_plan_approved(world, role)
    return {
        "plan": world.objects["quota_plan_next"].pk,
        "effective_date": "2013-06-01",
        "reason": "Order of the Minister",
        "changes": [{"kind": "move", "places": 2, "to_region": "KZ-75", "to_category": "3"}],
    }


def amendment_changed(world, role):
    next_plan_approved(world, role)
    return {"reason": "Order of the Minister No. 7", "effective_date": "2013-07-01"}


def amendment_proposed_by_another(world, role):
    """The world's amendment proposed by the other ministry official: the world's approves or returns it."""
    from quota.amendments import amendment_propose

    next_plan_approved(world, role)
    amendment_propose(amendment=world.objects["quota_amendment"], actor=User.objects.get(username="ministry.second"))
    return {"reason": "cite the order number"}


def flagged_amendment(world, role):
    """The world's amendment moving the whole 2013 headroom into category 4: managers/specialists fall below 70 %."""
    from quota.amendments import amendment_update
    from quota.models import QuotaCell

    next_plan_approved(world, role)
    headroom = QuotaCell.objects.get(year=2013, kind="headroom").allocated
    change = {"kind": "move", "places": headroom, "to_region": "KZ-75", "to_category": "4"}
    amendment_update(amendment=world.objects["quota_amendment"], changes=[change], actor=world.users["ministry"])
    return {"reason": "harvest emergency"}


def amendment_overridden_by_another(world, role):
    from quota.amendments import amendment_override

    flagged_amendment(world, role)
    amendment_override(
        amendment=world.objects["quota_amendment"],
        reason="harvest emergency",
        actor=User.objects.get(username="ministry.second"),
    )


EXPECTATIONS.update(
    {
        ("GET", "/api/v1/quota-amendments/"): Expect(
            outcomes=everyone(ALLOW, administrator=FORBIDDEN),
            scope=lambda user: QuotaAmendment.objects.visible_to(user),
        ),
        ("POST", "/api/v1/quota-amendments/"): Expect(outcomes=QUOTA_WRITERS, data=new_amendment),
        ("GET", "/api/v1/quota-amendments/{id}/"): Expect(outcomes=PLAN_READERS, target="quota_amendment"),
        ("PATCH", "/api/v1/quota-amendments/{id}/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_amendment", data=amendment_changed
        ),
        ("POST", "/api/v1/quota-amendments/{id}/propose/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_amendment", data=next_plan_approved
        ),
        ("POST", "/api/v1/quota-amendments/{id}/approve/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_amendment", data=amendment_proposed_by_another
        ),
        ("POST", "/api/v1/quota-amendments/{id}/return/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_amendment", data=amendment_proposed_by_another
        ),
        ("POST", "/api/v1/quota-amendments/{id}/override/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_amendment", data=flagged_amendment
        ),
        ("POST", "/api/v1/quota-amendments/{id}/confirm-override/"): Expect(
            outcomes=QUOTA_WRITERS, target="quota_amendment", data=amendment_overridden_by_another
        ),
    }
)
