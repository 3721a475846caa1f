"""Who may open each page: one declared expectation per (METHOD, route) of the URL configuration.

The pages' half of the permission matrix, beside the API's (tests/permission_expectations.py), over the same
`world` (tests/conftest.py): employer A operates in region 1 (KZ-71), employer B in region 2 (KZ-75); official 1
works in region 1, official 2 in region 2. The meta-test (tests/test_page_matrix.py) fails when a page route of
the URL configuration has no entry here, so every new page must state its matrix.

Routes are keyed by their pattern text, as `django.urls.get_resolver()` joins it. Pages are GET; a step that
only accepts POST is posted (without a CSRF token). A signed-in page sends anonymous visitors to the login page
(LOGIN); a role the page's gate refuses gets 403; an object out of the role's scope answers 404, as in the API.
"""

from tests.page_permissions import REDIRECT, PageExpect, page_roles, signed_in
from tests.permission_expectations import (
    amendment_overridden_by_another,
    amendment_proposed_by_another,
    computed_plan,
    flagged_amendment,
    flagged_plan,
    flagged_plan_with_reason,
    new_country_for_cap,
    next_plan_approved,
    next_plan_proposed_by_another,
    overridden_by_another,
    plan_policy,
)
from tests.permissions import ADMINISTRATOR, AUDITOR, EMPLOYER_B, MINISTRY, OFFICIAL_1, OFFICIAL_2

OK = 200
FORBIDDEN = 403
HIDDEN = 404

# DOMAIN §10: employers, officials, the ministry and auditors work with domain data; administrators manage users only.
DOMAIN_PAGE = signed_in(OK, administrator=FORBIDDEN)
# A quota-data page whose form only the ministry may post (the view refuses other readers with 403).
QUOTA_READERS_POST = page_roles(REDIRECT, MINISTRY)
# Quota data: labour force, plans in the making, projects, reserves and caps (DOMAIN §10 "Quota data").
QUOTA_READERS_PAGE = page_roles(OK, OFFICIAL_1, OFFICIAL_2, MINISTRY, AUDITOR)
MINISTRY_PAGE = page_roles(OK, MINISTRY)
# A data-changing step of the ministry: every other role is refused by the gate before any data is read; the
# ministry's step succeeds and goes back to its page. The set-ups of the API matrix put the world's plan or
# amendment in the state the step needs; everything is rolled back with the test.
MINISTRY_STEP = page_roles(REDIRECT, MINISTRY)

PLAN = {"pk": "quota_plan.pk"}
NEXT_PLAN = {"pk": "quota_plan_next.pk"}
AMENDMENT = {"pk": "quota_amendment.pk"}


def demand_grid(world, role):
    return {"demand-KZ-71-3": 100, "demand-KZ-75-4": 40}


def demand_file(world, role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("demand.csv", b"region_code,category,places\nKZ-71,3,100\n", "text/csv")}


def reserve_form(world, role):
    project, region = world.objects["priority_project"], world.objects["region_2"]
    return {"reserve-project": project.pk, "reserve-region": region.pk, "reserve-category": "4", "reserve-places": 5}


def cap_form(world, role):
    from common.models import Country

    new_country_for_cap(world, role)
    return {"cap-country": Country.objects.get(alpha_2="TR").pk, "cap-places": 10}


def labour_force_file(world, role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = b"region_code,year,period,persons,status,source\nKZ-75,2023,annual,1100000,official,https://stat.gov.kz/\n"
    return {"file": SimpleUploadedFile("labour-force.csv", rows, "text/csv"), "source": ""}


def labour_force_correction(world, role):
    return {"persons": 712_000, "status": "official", "source": "revised release", "reason": "correction"}


def new_project(world, role):
    return {
        "code": "caspian-port",
        "name": "Caspian port",
        "operator": world.objects["employer_b"].pk,
        "mode": "exempt",
    }


def project_renamed(world, role):
    project = world.objects["priority_project"]
    return {"name": "Renamed refinery", "operator": project.operator_id, "mode": project.mode}


def new_policy_period(world, role):
    return {"valid_from": "2030-01-01", "value": 14, "source": "https://adilet.zan.kz/", "reason": "new order"}


PAGE_EXPECTATIONS: dict[tuple[str, str], PageExpect] = {
    # Public pages and signing in and out
    ("GET", ""): PageExpect(outcomes=signed_in(OK, anonymous=OK)),
    ("GET", "accounts/login/"): PageExpect(outcomes=signed_in(OK, anonymous=OK)),
    ("GET", "accounts/logout/"): PageExpect(outcomes=signed_in(405, anonymous=405)),  # Django 5: POST only
    ("POST", "accounts/logout/"): PageExpect(outcomes=signed_in(REDIRECT, anonymous=REDIRECT)),
    ("GET", "api/schema/"): PageExpect(outcomes=signed_in(OK, anonymous=OK)),  # public, like the API's root
    ("GET", "api/docs/"): PageExpect(outcomes=signed_in(OK, anonymous=OK)),
    # Audit trail: ministry officials and auditors read and verify it (DOMAIN §10).
    ("GET", "audit-trail/"): PageExpect(outcomes=page_roles(OK, MINISTRY, AUDITOR)),
    ("POST", "audit-trail/verify/"): PageExpect(outcomes=page_roles(REDIRECT, MINISTRY, AUDITOR)),
    # Reference data: every signed-in role reads it (administrators assign regions); the ministry edits it.
    ("GET", "regions/"): PageExpect(outcomes=signed_in(OK)),
    ("GET", "reference/countries/"): PageExpect(outcomes=signed_in(OK)),
    ("GET", "reference/sectors/"): PageExpect(outcomes=signed_in(OK)),
    ("GET", "reference/occupations/"): PageExpect(outcomes=signed_in(OK)),
    ("GET", "reference/countries/<str:code>/"): PageExpect(outcomes=MINISTRY_PAGE, params={"code": "country.alpha_2"}),
    ("GET", "reference/sectors/<str:code>/"): PageExpect(
        outcomes=MINISTRY_PAGE, params={"code": "sector.oked_section"}
    ),
    ("GET", "reference/occupations/<str:code>/"): PageExpect(
        outcomes=MINISTRY_PAGE, params={"code": "occupation.isco08_code"}
    ),
    # Policy parameters: the ministry's; officials and auditors read them (employers and administrators 403).
    ("GET", "policy/"): PageExpect(outcomes=QUOTA_READERS_PAGE),
    ("GET", "policy/<int:pk>/"): PageExpect(outcomes=QUOTA_READERS_PAGE, params={"pk": "policy_parameter.pk"}),
    ("POST", "policy/<int:pk>/"): PageExpect(
        outcomes=QUOTA_READERS_POST, params={"pk": "policy_parameter.pk"}, setup=new_policy_period
    ),
    ("GET", "policy/<int:pk>/text/"): PageExpect(outcomes=MINISTRY_PAGE, params={"pk": "policy_parameter.pk"}),
    # Users and roles: administrators only. Deactivating employer A's user is rolled back with the test.
    ("GET", "staff/users/"): PageExpect(outcomes=page_roles(OK, ADMINISTRATOR)),
    ("GET", "staff/users/new/"): PageExpect(outcomes=page_roles(OK, ADMINISTRATOR)),
    ("GET", "staff/users/<int:pk>/"): PageExpect(
        outcomes=page_roles(OK, ADMINISTRATOR), params={"pk": "employer_a_user.pk"}
    ),
    ("POST", "staff/users/<int:pk>/deactivate/"): PageExpect(
        outcomes=page_roles(REDIRECT, ADMINISTRATOR), params={"pk": "employer_a_user.pk"}
    ),
    ("POST", "staff/users/<int:pk>/reactivate/"): PageExpect(
        outcomes=page_roles(REDIRECT, ADMINISTRATOR), params={"pk": "employer_a_user.pk"}
    ),
    # Employers: scoped. Employer A's record: its own user and region 1's official see it; employer B and region
    # 2's official get 404 (it must look absent); administrators 403.
    ("GET", "employers/"): PageExpect(
        outcomes=DOMAIN_PAGE, out_of_scope=("employer_a.name", frozenset({EMPLOYER_B, OFFICIAL_2}))
    ),
    ("GET", "employers/<int:pk>/"): PageExpect(
        outcomes=signed_in(OK, employer_b=HIDDEN, official_2=HIDDEN, administrator=FORBIDDEN),
        params={"pk": "employer_a.pk"},
    ),
    # The quota ledger: balances for every domain role; verifying it is for quota-data readers.
    ("GET", "quota/balances/"): PageExpect(outcomes=DOMAIN_PAGE),
    ("GET", "quota/published/"): PageExpect(outcomes=DOMAIN_PAGE),
    ("GET", "quota/ledger/verify/"): PageExpect(outcomes=QUOTA_READERS_PAGE),
    ("POST", "quota/years/<int:year>/close/"): PageExpect(outcomes=MINISTRY_STEP, params={"year": "quota_year.year"}),
    # Labour force, priority projects, plans: quota data (employers see only the published quota).
    ("GET", "quota/labour-force/"): PageExpect(outcomes=QUOTA_READERS_PAGE),
    ("POST", "quota/labour-force/"): PageExpect(outcomes=QUOTA_READERS_POST, setup=labour_force_file),
    ("GET", "quota/labour-force/<int:pk>/"): PageExpect(
        outcomes=QUOTA_READERS_PAGE, params={"pk": "labour_force_figure.pk"}
    ),
    ("POST", "quota/labour-force/<int:pk>/"): PageExpect(
        outcomes=QUOTA_READERS_POST, params={"pk": "labour_force_figure.pk"}, setup=labour_force_correction
    ),
    ("GET", "quota/projects/"): PageExpect(outcomes=QUOTA_READERS_PAGE),
    ("POST", "quota/projects/"): PageExpect(outcomes=QUOTA_READERS_POST, setup=new_project),
    ("GET", "quota/projects/<int:pk>/"): PageExpect(outcomes=QUOTA_READERS_PAGE, params={"pk": "priority_project.pk"}),
    ("POST", "quota/projects/<int:pk>/"): PageExpect(
        outcomes=QUOTA_READERS_POST, params={"pk": "priority_project.pk"}, setup=project_renamed
    ),
    ("GET", "quota/plans/"): PageExpect(outcomes=QUOTA_READERS_PAGE),
    ("GET", "quota/plans/new/"): PageExpect(outcomes=MINISTRY_PAGE),
    ("GET", "quota/plans/<int:pk>/"): PageExpect(outcomes=QUOTA_READERS_PAGE, params=PLAN),
    ("GET", "quota/plans/<int:pk>/history/"): PageExpect(outcomes=QUOTA_READERS_PAGE, params=PLAN),
    ("POST", "quota/plans/<int:pk>/inputs/"): PageExpect(outcomes=MINISTRY_STEP, params=PLAN),
    ("POST", "quota/plans/<int:pk>/demand/"): PageExpect(outcomes=MINISTRY_STEP, params=PLAN, setup=demand_grid),
    ("POST", "quota/plans/<int:pk>/demand/import/"): PageExpect(outcomes=MINISTRY_STEP, params=PLAN, setup=demand_file),
    ("POST", "quota/plans/<int:pk>/compute/"): PageExpect(outcomes=MINISTRY_STEP, params=PLAN, setup=plan_policy),
    ("POST", "quota/plans/<int:pk>/reserves/"): PageExpect(outcomes=MINISTRY_STEP, params=PLAN, setup=reserve_form),
    ("POST", "quota/plans/<int:pk>/reserves/<int:reserve_pk>/remove/"): PageExpect(
        outcomes=MINISTRY_STEP, params={**PLAN, "reserve_pk": "project_reserve.pk"}
    ),
    ("POST", "quota/plans/<int:pk>/caps/"): PageExpect(outcomes=MINISTRY_STEP, params=PLAN, setup=cap_form),
    ("POST", "quota/plans/<int:pk>/caps/<int:cap_pk>/remove/"): PageExpect(
        outcomes=MINISTRY_STEP, params={**PLAN, "cap_pk": "country_cap.pk"}
    ),
    ("POST", "quota/plans/<int:pk>/fix/"): PageExpect(outcomes=MINISTRY_STEP, params=PLAN, setup=flagged_plan),
    ("POST", "quota/plans/<int:pk>/override/"): PageExpect(
        outcomes=MINISTRY_STEP, params=PLAN, setup=flagged_plan_with_reason
    ),
    ("POST", "quota/plans/<int:pk>/override/confirm/"): PageExpect(
        outcomes=MINISTRY_STEP, params=PLAN, setup=overridden_by_another
    ),
    ("POST", "quota/plans/<int:pk>/propose/"): PageExpect(outcomes=MINISTRY_STEP, params=PLAN, setup=computed_plan),
    ("POST", "quota/plans/<int:pk>/approve/"): PageExpect(
        outcomes=MINISTRY_STEP, params=NEXT_PLAN, setup=next_plan_proposed_by_another
    ),
    ("POST", "quota/plans/<int:pk>/return/"): PageExpect(
        outcomes=MINISTRY_STEP, params=NEXT_PLAN, setup=next_plan_proposed_by_another
    ),
    # Amendments (DOMAIN §5): read like plans — employers only an approved plan's, and the world's 2013 plan and its
    # amendment are drafts, so employers get 404 — and written by ministry officials.
    ("GET", "quota/plans/<int:pk>/amendments/"): PageExpect(
        outcomes=signed_in(OK, employer_a=HIDDEN, employer_b=HIDDEN, administrator=FORBIDDEN), params=NEXT_PLAN
    ),
    ("GET", "quota/plans/<int:pk>/amendments/new/"): PageExpect(
        outcomes=MINISTRY_PAGE, params=NEXT_PLAN, setup=next_plan_approved
    ),
    ("GET", "quota/amendments/<int:pk>/"): PageExpect(
        outcomes=signed_in(OK, employer_a=HIDDEN, employer_b=HIDDEN, administrator=FORBIDDEN), params=AMENDMENT
    ),
    ("GET", "quota/amendments/<int:pk>/edit/"): PageExpect(
        outcomes=MINISTRY_PAGE, params=AMENDMENT, setup=next_plan_approved
    ),
    ("POST", "quota/amendments/<int:pk>/override/"): PageExpect(
        outcomes=MINISTRY_STEP, params=AMENDMENT, setup=flagged_amendment
    ),
    ("POST", "quota/amendments/<int:pk>/override/confirm/"): PageExpect(
        outcomes=MINISTRY_STEP, params=AMENDMENT, setup=amendment_overridden_by_another
    ),
    ("POST", "quota/amendments/<int:pk>/propose/"): PageExpect(
        outcomes=MINISTRY_STEP, params=AMENDMENT, setup=next_plan_approved
    ),
    ("POST", "quota/amendments/<int:pk>/approve/"): PageExpect(
        outcomes=MINISTRY_STEP, params=AMENDMENT, setup=amendment_proposed_by_another
    ),
    ("POST", "quota/amendments/<int:pk>/return/"): PageExpect(
        outcomes=MINISTRY_STEP, params=AMENDMENT, setup=amendment_proposed_by_another
    ),
}
