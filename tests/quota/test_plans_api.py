"""/api/v1/quota-plans/ and the plan pages (Step 4, item 3): a ministry official imports statistics, enters demand
and computes a plan; readers read it; everyone else is refused."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quota import imports
from quota.models import QuotaPlan
from quota.services import CODE_NATIONAL_LABOUR_FORCE_MISSING, CODE_PLAN_EXISTS
from tests.common.factories import RegionFactory
from tests.quota.factories import LabourForceFigureFactory, QuotaPlanFactory, demand_rows, quota_policy

pytestmark = pytest.mark.django_db

URL = "/api/v1/quota-plans/"
GOLDEN_1_WIDE = "region_code,1,2,3,4,S\nKZ-A,100,400,2000,600,300\nKZ-B,50,300,1500,700,0\nKZ-C,20,100,400,300,900\n"


@pytest.fixture
def golden(db):
    """Regions A-D of golden example 1 and a 0.700 % rate in force."""
    quota_policy(rate="0.700")
    return {code: RegionFactory(code=code) for code in ("KZ-A", "KZ-B", "KZ-C", "KZ-D")}


def test_a_ministry_official_imports_statistics_enters_demand_and_computes_a_plan(as_user, world, golden):
    client = as_user(world.users["ministry"])
    figures = "region_code,year,period,persons,status,source\nKZ,2025,annual,928572,official,stat.gov.kz\n"
    response = client.post(
        "/api/v1/labour-force/import/",
        {"file": SimpleUploadedFile("lf.csv", figures.encode(), content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 200
    response = client.post(URL, {"year": 2026}, format="json")
    assert response.status_code == 201, response.content
    plan = response.json()
    assert (plan["status"], plan["statistics_year"], plan["result"]) == ("draft", 2025, None)
    assert plan["national_labour_force"]["origin"] == "official"
    response = client.put(
        f"{URL}{plan['id']}/demand/",
        {"file": SimpleUploadedFile("demand.csv", GOLDEN_1_WIDE.encode(), content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["table"]["total"] == 7_670
    response = client.post(f"{URL}{plan['id']}/compute/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["ceiling"], body["pool"], body["national_headroom"]) == ("computed", 6_500, 6_500, 0)
    rows = {row["region"]: row for row in body["result"]["rows"]}
    assert (
        rows["KZ-A"]["cells"] == {"1": 85, "2": 339, "3": 1695, "4": 509, "S": 254} and rows["KZ-A"]["total"] == 2_882
    )
    assert rows["KZ-D"]["total"] == 0
    assert body["result"]["category_totals"] == {"1": 144, "2": 678, "3": 3305, "4": 1356, "S": 1017}
    assert body["result"]["total"] == 6_500
    assert (body["share_numerator"], body["share_denominator"], body["flagged"]) == (4_127, 5_483, False)
    assert body["rule_results"]["managers_specialists"]["share"] == "4127/5483"
    snapshot = body["computation_snapshot"]
    assert snapshot["inputs"]["national_labour_force"]["origin"] == "official"
    assert snapshot["policy"]["quota_rate_percent"]["value"] == "0.700"


def test_demand_as_json_rows_and_errors_row_by_row(as_user, world, golden):
    client = as_user(world.users["ministry"])
    plan = QuotaPlanFactory(year=2016, entered_labour_force=1_000_000)
    response = client.put(f"{URL}{plan.pk}/demand/", {"rows": demand_rows({"KZ-A": (1, 2, 3, 4, 5)})}, format="json")
    assert response.status_code == 200
    assert response.json()["rows"][0] == {"region": "KZ-A", "category": "1", "places": 1}
    bad = [{"region": "KZ-A", "category": "1", "places": "1.5"}, {"region": "KZ-Z", "category": "X", "places": 2}]
    response = client.put(f"{URL}{plan.pk}/demand/", {"rows": bad}, format="json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("rows.0.places", imports.NOT_WHOLE_NUMBER),
        ("rows.1.region", imports.UNKNOWN_REGION),
        ("rows.1.category", imports.UNKNOWN_CATEGORY),
    ]
    assert client.get(f"{URL}{plan.pk}/demand/").json()["table"]["total"] == 15  # unchanged


def test_compute_errors_answer_409_with_their_code(as_user, world, golden):
    client = as_user(world.users["ministry"])
    plan = QuotaPlanFactory(year=2016)
    response = client.post(f"{URL}{plan.pk}/compute/")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == CODE_NATIONAL_LABOUR_FORCE_MISSING
    client.patch(f"{URL}{plan.pk}/", {"entered_labour_force": 1_000_000, "entered_labour_force_source": "x"})
    response = client.post(f"{URL}{plan.pk}/compute/")  # no demand: the fallback, and no regional figures
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "labour_force_missing" and "KZ-A, KZ-B, KZ-C, KZ-D" in error["message"]
    assert client.post(URL, {"year": 2016}, format="json").json()["errors"][0]["code"] == CODE_PLAN_EXISTS


def test_patching_a_computed_plan_returns_it_to_draft(as_user, world, golden):
    client = as_user(world.users["ministry"])
    plan = QuotaPlanFactory(year=2016, entered_labour_force=1_000_000)
    client.put(f"{URL}{plan.pk}/demand/", {"rows": demand_rows({"KZ-A": (1, 2, 3, 4, 5)})}, format="json")
    assert client.post(f"{URL}{plan.pk}/compute/").json()["status"] == "computed"
    response = client.patch(f"{URL}{plan.pk}/", {"entered_labour_force": "2000000"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["result"], response.json()["ceiling"]) == ("draft", None, None)
    response = client.patch(f"{URL}{plan.pk}/", {"entered_labour_force": 2e6}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "entered_labour_force"


def test_readers_read_and_cannot_write(as_user, world, golden):
    plan = QuotaPlanFactory(year=2016, entered_labour_force=1_000_000)
    for role in ("official_2", "auditor"):
        client = as_user(world.users[role])
        assert client.get(f"{URL}{plan.pk}/").status_code == 200
        assert client.post(f"{URL}{plan.pk}/compute/").status_code == 403
    employer = as_user(world.users["employer_a"])  # employers read approved plans only (test_plan_workflow_api.py)
    assert employer.get(URL).json()["count"] == 0 and employer.get(f"{URL}{plan.pk}/").status_code == 404
    assert as_user(world.users["administrator"]).get(URL).status_code == 403


def test_list_query_count_does_not_grow_with_plans(as_user, world, django_assert_max_num_queries):
    client = as_user(world.users["official_1"])
    QuotaPlanFactory(year=2030)
    with django_assert_max_num_queries(7):  # a regional official's role and regions, the token, the page
        assert client.get(URL).status_code == 200
    for year in range(2031, 2051):
        QuotaPlanFactory(year=year)
    with django_assert_max_num_queries(7):
        assert client.get(URL).json()["count"] == 23  # with the world's two plans


# ---------------------------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------------------------
def grid(**cells) -> dict:
    """Form data of the demand grid: grid(KZ_A_1=100) -> {"demand-KZ-A-1": "100"}."""
    return {f"demand-{key[:4].replace('_', '-')}-{key[5:]}": str(value) for key, value in cells.items()}


def test_a_ministry_official_computes_a_plan_through_the_pages(client, world, golden):
    client.force_login(world.users["ministry"])
    response = client.post(
        "/quota/plans/new/",
        {"year": "2016", "statistics_year": "", "entered_labour_force": "1000000", "entered_labour_force_source": "x"},
    )
    plan = QuotaPlan.objects.get(year=2016)
    assert response.status_code == 302 and response["Location"] == f"/quota/plans/{plan.pk}/"
    page = client.get(f"/quota/plans/{plan.pk}/").content.decode()
    assert 'data-testid="demand-grid"' in page and 'name="demand-KZ-D-S"' in page
    response = client.post(f"/quota/plans/{plan.pk}/demand/", grid(KZ_A_1="1.5"))
    assert response.status_code == 400 and "Enter a whole number with digits only" in response.content.decode()
    demand = grid(
        KZ_A_1=100, KZ_A_2=400, KZ_A_3=2000, KZ_A_4=600, KZ_A_S=300, KZ_B_1=50, KZ_B_2=300, KZ_B_3=1500, KZ_B_4=700
    ) | grid(KZ_C_1=20, KZ_C_2=100, KZ_C_3=400, KZ_C_4=300, KZ_C_S=900)
    assert client.post(f"/quota/plans/{plan.pk}/demand/", demand).status_code == 302
    response = client.post(f"/quota/plans/{plan.pk}/compute/", follow=True)
    page = response.content.decode()
    assert "The plan for 2016 was computed." in page
    assert re.search(r'data-testid="ceiling">7,000<', page) and re.search(r'data-testid="cells-total">7,000<', page)
    assert 'data-testid="passes"' in page and "quota_rate_percent = 0.700" in page
    assert plan.__class__.objects.get(pk=plan.pk).status == "computed"


def test_the_page_shows_a_compute_refusal_and_illustrative_figures(client, world, golden):
    client.force_login(world.users["ministry"])
    plan = QuotaPlanFactory(year=2016, entered_labour_force=1_000_000)
    response = client.post(f"/quota/plans/{plan.pk}/compute/")
    assert response.status_code == 409
    assert 'data-code="labour_force_missing"' in response.content.decode()
    for code in ("KZ-A", "KZ-B", "KZ-C", "KZ-D", "KZ-71", "KZ-75"):
        LabourForceFigureFactory(
            region=golden.get(code) or world.objects["region_1"].__class__.objects.get(code=code),
            year=2015,
            status="illustrative",
        )
    page = client.post(f"/quota/plans/{plan.pk}/compute/", follow=True).content.decode()
    assert 'data-testid="illustrative-note"' in page and 'data-testid="illustrative"' in page


def test_a_demand_csv_is_imported_through_the_page(client, world, golden):
    client.force_login(world.users["ministry"])
    plan = QuotaPlanFactory(year=2016)
    bad = SimpleUploadedFile("d.csv", b"region_code,category,places\nKZ-A,9,1\n", content_type="text/csv")
    response = client.post(f"/quota/plans/{plan.pk}/demand/import/", {"file": bad})
    assert response.status_code == 400 and "Row 2: category must be one of" in response.content.decode()
    good = SimpleUploadedFile("d.csv", GOLDEN_1_WIDE.encode(), content_type="text/csv")
    assert client.post(f"/quota/plans/{plan.pk}/demand/import/", {"file": good}).status_code == 302
    assert sum(plan.demand_rows.values_list("places", flat=True)) == 7_670


def test_readers_see_the_plan_without_forms_and_cannot_post(client, world, golden):
    plan = QuotaPlanFactory(year=2016)
    client.force_login(world.users["official_1"])
    page = client.get(f"/quota/plans/{plan.pk}/").content.decode()
    assert 'data-testid="demand-table"' in page and 'data-testid="compute"' not in page
    assert client.post(f"/quota/plans/{plan.pk}/compute/").status_code == 403
    assert client.get("/quota/plans/new/").status_code == 403
    assert "Quota plans" in client.get("/").content.decode()
    client.force_login(world.users["employer_a"])
    assert client.get("/quota/plans/").status_code == 403
