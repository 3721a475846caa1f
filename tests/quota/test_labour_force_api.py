"""/api/v1/labour-force/ and the labour-force pages (Step 4, item 1)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.models import AuditEvent
from quota import imports
from quota.models import LabourForceFigure
from tests.quota.factories import LabourForceFigureFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/labour-force/"
SOURCE = "https://stat.gov.kz/"


def upload(*lines: str, name: str = "figures.csv") -> SimpleUploadedFile:
    text = "region_code,year,period,persons,status,source\n" + "".join(f"{line}\n" for line in lines)
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_ministry_official_imports_a_multipart_csv(as_user, world):
    client = as_user(world.users["ministry"])
    response = client.post(
        f"{URL}import/",
        {
            "file": upload(
                f"KZ,2023,annual,9100000,official,{SOURCE}", f"KZ-71,2023,annual,700000,illustrative,{SOURCE}"
            )
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "created_keys": ["KZ/2023/annual", "KZ-71/2023/annual"],
        "updated_keys": [],
    }
    assert AuditEvent.objects.get(action="labour_force.imported").reason == "figures.csv"


def test_the_import_answers_one_error_item_per_row_problem(as_user, world):
    client = as_user(world.users["ministry"])
    response = client.post(
        f"{URL}import/",
        {
            "file": upload(
                f"KZ,2023,annual,9100000,official,{SOURCE}",
                f"KZ-71,2023,annual,1.5,official,{SOURCE}",
                f"KZ-99,2023,annual,-3,official,{SOURCE}",
            )
        },
        format="multipart",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("rows.3.persons", imports.NOT_WHOLE_NUMBER),
        ("rows.4.region_code", imports.UNKNOWN_REGION),
        ("rows.4.persons", imports.NEGATIVE),
    ]
    assert errors[0]["message"].startswith("Row 3: persons must be a whole number")
    assert list(LabourForceFigure.objects.all()) == [world.objects["labour_force_figure"]]
    assert not AuditEvent.objects.filter(action="labour_force.imported").exists()


def test_the_import_takes_json_rows_too(as_user, world):
    client = as_user(world.users["ministry"])
    rows = [{"region": "KZ-75", "year": 2023, "period": "Q2", "persons": 1_100_000, "status": "illustrative"}]
    response = client.post(f"{URL}import/", {"rows": rows, "source": "demo"}, format="json")
    assert response.status_code == 200 and response.json()["created"] == 1
    response = client.post(f"{URL}import/", {"rows": [{"region": "KZ-75", "persons": "9e6"}]}, format="json")
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {
        "rows.0.year",
        "rows.0.period",
        "rows.0.persons",
        "rows.0.status",
        "rows.0.source",
    }
    response = client.post(f"{URL}import/", {}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"


def test_list_filters_and_marks_illustrative_figures(as_user, world):
    LabourForceFigureFactory(region=None, year=2023, persons=9_100_000)
    LabourForceFigureFactory(region=world.objects["region_1"], year=2023, status="illustrative")
    LabourForceFigureFactory(region=world.objects["region_1"], year=2022)
    client = as_user(world.users["official_2"])
    body = client.get(URL, {"year": 2023}).json()
    assert body["count"] == 2
    assert {(row["region"], row["is_illustrative"]) for row in body["results"]} == {("KZ", False), ("KZ-71", True)}
    assert client.get(URL, {"region": "kz"}).json()["count"] == 1


def test_list_query_count_does_not_grow_with_figures(as_user, world, django_assert_max_num_queries):
    client = as_user(world.users["auditor"])
    LabourForceFigureFactory(region=world.objects["region_1"], year=2020)
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200
    for year in range(2001, 2021):
        LabourForceFigureFactory(region=world.objects["region_2"], year=year)
    with django_assert_max_num_queries(6):
        assert client.get(URL).json()["count"] == 22  # with the world's figure


def test_a_correction_through_the_api_is_audited(as_user, world):
    figure = LabourForceFigureFactory(region=world.objects["region_1"], year=2023, persons=700_000)
    client = as_user(world.users["ministry"])
    response = client.patch(
        f"{URL}{figure.pk}/", {"persons": 701_000, "source": "revised", "reason": "Final release"}, format="json"
    )
    assert response.status_code == 200 and response.json()["persons"] == 701_000
    assert AuditEvent.objects.for_object(figure).get().reason == "Final release"
    response = client.patch(f"{URL}{figure.pk}/", {"persons": 1.5, "source": "x", "reason": "y"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "persons"


# ---------------------------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------------------------
def test_the_page_lists_figures_with_illustrative_badges_for_readers(client, world):
    LabourForceFigureFactory(region=world.objects["region_1"], year=2023, persons=712_345, status="illustrative")
    client.force_login(world.users["official_1"])
    content = client.get("/quota/labour-force/").content.decode()
    assert "712,345" in content and 'data-testid="illustrative"' in content
    assert 'data-testid="illustrative-note"' in content
    assert 'enctype="multipart/form-data"' not in content  # readers get no import form
    client.force_login(world.users["employer_a"])
    assert client.get("/quota/labour-force/").status_code == 403


def test_a_ministry_official_imports_and_corrects_through_the_pages(client, world):
    client.force_login(world.users["ministry"])
    response = client.post(
        "/quota/labour-force/", {"file": upload(f"KZ-71,2023,annual,7OO000,official,{SOURCE}"), "source": ""}
    )
    assert response.status_code == 400
    assert 'data-testid="row-errors"' in response.content.decode()
    assert "Row 2: persons must be a whole number" in response.content.decode()
    response = client.post(
        "/quota/labour-force/", {"file": upload(f"KZ-71,2023,annual,700000,official,{SOURCE}")}, follow=True
    )
    assert "Imported: 1 figures created" in response.content.decode()
    figure = LabourForceFigure.objects.get(year=2023)
    response = client.post(
        f"/quota/labour-force/{figure.pk}/",
        {"persons": "9,000", "status": "official", "source": SOURCE, "reason": "typo"},
    )
    assert "Enter a whole number with digits only" in response.content.decode()
    response = client.post(
        f"/quota/labour-force/{figure.pk}/",
        {"persons": "701000", "status": "official", "source": SOURCE, "reason": "Final release"},
        follow=True,
    )
    assert "was corrected" in response.content.decode()
    figure.refresh_from_db()
    assert figure.persons == 701_000


def test_readers_cannot_post_to_the_pages(client, world):
    figure = LabourForceFigureFactory(region=world.objects["region_1"], year=2023)
    for role in ("official_1", "auditor"):
        client.force_login(world.users[role])
        assert client.post("/quota/labour-force/", {}).status_code == 403
        assert client.post(f"/quota/labour-force/{figure.pk}/", {}).status_code == 403
