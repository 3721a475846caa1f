"""Numbers of thousands of digits in the quota's inputs answer 400 naming the row or field, never 500 (issue 13,
item 1): labour-force and demand imports (CSV rows as a spreadsheet numbers them, header = row 1; JSON rows by list
index), amendments in the API and the pages, and the labour-force page. Nothing is changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quota import imports
from quota.models import LabourForceFigure, PlanDemand, QuotaAmendment
from tests.common.test_hostile_input import BIG, errors_of, short
from tests.quota.amendment_fixtures import approved_plan
from tests.quota.factories import QuotaPlanFactory, quota_policy

pytestmark = pytest.mark.django_db

LF_URL = "/api/v1/labour-force/import/"
PLAN_URL = "/api/v1/quota-plans/"
AMENDMENT_URL = "/api/v1/quota-amendments/"


def csv_file(*lines: str, name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


LF_HEADER = "region_code,year,period,persons,status,source"


@pytest.mark.parametrize(
    ("row", "wanted"),
    [
        (f"KZ,2023,annual,{BIG},official,x", [("rows.3.persons", imports.ABOVE_MAXIMUM)]),
        (f"KZ,2023,annual,-{BIG},official,x", [("rows.3.persons", imports.NEGATIVE)]),
        (f"KZ,{BIG},annual,100,official,x", [("rows.3.year", imports.INVALID_YEAR)]),
    ],
    ids=short,
)
def test_a_labour_force_csv_with_a_huge_number_is_refused_by_row(as_user, world, row, wanted):
    before = LabourForceFigure.objects.count()
    client = as_user(world.users["ministry"])
    response = client.post(
        LF_URL, {"file": csv_file(LF_HEADER, "KZ,2022,annual,900000,official,x", row)}, format="multipart"
    )
    assert errors_of(response) == wanted  # header = row 1, first figure = row 2
    assert LabourForceFigure.objects.count() == before


def test_labour_force_json_rows_with_a_huge_number_are_refused_by_index(as_user, world):
    before = LabourForceFigure.objects.count()
    good = {"region": "KZ", "year": 2022, "period": "annual", "persons": 900_000, "status": "official", "source": "x"}
    rows = [good, {**good, "year": 2023, "persons": BIG}, {**good, "year": BIG}]
    response = as_user(world.users["ministry"]).post(LF_URL, {"rows": rows}, format="json")
    assert errors_of(response) == [("rows.1.persons", imports.ABOVE_MAXIMUM), ("rows.2.year", imports.INVALID_YEAR)]
    assert LabourForceFigure.objects.count() == before


@pytest.fixture
def demand_plan(world):
    from tests.common.factories import RegionFactory

    quota_policy(rate="0.700")
    RegionFactory(code="KZ-A")
    return QuotaPlanFactory(year=2016, entered_labour_force=1_000_000)


@pytest.mark.parametrize(
    ("lines", "wanted"),
    [
        (("region_code,category,places", f"KZ-A,1,{BIG}"), [("rows.2.places", imports.ABOVE_MAXIMUM)]),
        (("region_code,1,2,3,4,S", f"KZ-A,1,2,{BIG},4,5"), [("rows.2.3", imports.ABOVE_MAXIMUM)]),
    ],
    ids=short,
)
def test_a_demand_csv_with_a_huge_number_is_refused_by_row(as_user, world, demand_plan, lines, wanted):
    client = as_user(world.users["ministry"])
    response = client.put(f"{PLAN_URL}{demand_plan.pk}/demand/", {"file": csv_file(*lines)}, format="multipart")
    assert errors_of(response) == wanted
    assert not PlanDemand.objects.filter(plan=demand_plan).exists()


def test_demand_json_rows_with_a_huge_number_are_refused_by_index(as_user, world, demand_plan):
    rows = [{"region": "KZ-A", "category": "1", "places": 5}, {"region": "KZ-A", "category": "2", "places": BIG}]
    response = as_user(world.users["ministry"]).put(f"{PLAN_URL}{demand_plan.pk}/demand/", {"rows": rows})
    assert errors_of(response) == [("rows.1.places", imports.ABOVE_MAXIMUM)]
    assert not PlanDemand.objects.filter(plan=demand_plan).exists()


@pytest.fixture
def plan_2016(world, ministry_2, golden_regions):
    quota_policy()
    return approved_plan(
        year=2016,
        demand={"KZ-A": (10, 20, 2_414, 100, 0), "KZ-B": (0, 0, 248, 70, 0)},
        labour_force=1_000_000,
        proposer=world.users["ministry"],
        approver=ministry_2,
    )


@pytest.mark.parametrize(
    ("change", "wanted"),
    [
        ({"kind": "scale", "category": "3", "target": BIG}, ("changes.0.target", "max_value")),
        ({"kind": "scale", "category": "3", "target": "9" * 40}, ("changes.0.target", "max_value")),
        ({"kind": "scale", "category": "3", "target": "-" + BIG}, ("changes.0.target", "invalid")),
        ({"kind": "scale", "category": "3", "factor": BIG}, ("changes.0.factor", "max_string_length")),
        ({"kind": "scale", "category": "3", "factor": "0." + BIG}, ("changes.0.factor", "max_string_length")),
        ({"kind": "move", "places": BIG, "to_region": "KZ-A", "to_category": "3"}, ("changes.0.places", "max_value")),
    ],
    ids=short,
)
def test_an_amendment_with_a_huge_number_is_refused_naming_the_field(as_user, world, plan_2016, change, wanted):
    count = QuotaAmendment.objects.count()
    body = {"plan": plan_2016.pk, "effective_date": "2016-06-01", "reason": "Order 12", "changes": [change]}
    response = as_user(world.users["ministry"]).post(AMENDMENT_URL, body)
    assert errors_of(response) == [wanted]
    assert QuotaAmendment.objects.count() == count


@pytest.mark.parametrize(
    ("box", "message"),
    [("target", "Enter a number from 0 to 10000000."), ("factor", "Ensure that there are no more than 7 digits")],
)
def test_the_amendment_page_shows_a_huge_number_as_a_form_error(client, world, plan_2016, box, message):
    count = QuotaAmendment.objects.count()
    client.force_login(world.users["ministry"])
    data = {
        "effective_date": "2016-06-01",
        "reason": "Order 12",
        "changes-TOTAL_FORMS": "1",
        "changes-INITIAL_FORMS": "0",
        "changes-0-kind": "scale",
        "changes-0-category": "3",
        f"changes-0-{box}": BIG,
    }
    response = client.post(f"/quota/plans/{plan_2016.pk}/amendments/new/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert QuotaAmendment.objects.count() == count


def test_the_labour_force_page_shows_a_huge_number_as_a_form_error(client, world):
    figure = world.objects["labour_force_figure"]
    client.force_login(world.users["ministry"])
    data = {"persons": BIG, "status": "official", "source": "x", "reason": "typo"}
    response = client.post(f"/quota/labour-force/{figure.pk}/", data)
    assert response.status_code == 200
    assert "Enter a number from 1 to 1000000000." in response.content.decode()
    figure.refresh_from_db()
    assert figure.persons != 10**5000 - 1 and len(str(figure.persons)) < 12
