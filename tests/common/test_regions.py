"""Regions: the reference data file, its loader and /api/v1/regions/ (Step 2, item 1)."""

from datetime import date

import pytest

from common.models import Region
from common.reference_data import REGIONS, ReferenceDataError, read_dataset
from common.services import reference_data_load

pytestmark = pytest.mark.django_db

HEADER = "code,kind,name_en,name_kk,name_ru,admin_centre_en,valid_from,valid_to\n"


@pytest.fixture
def regions():
    reference_data_load(datasets=[REGIONS])


def write(tmp_path, text):
    path = tmp_path / "regions.csv"
    path.write_text(text, encoding="utf-8")
    return {"regions": path}


def test_the_shipped_file_has_the_twenty_one_regions_with_their_dates(regions):
    assert Region.objects.count() == 21
    abai = Region.objects.get(code="KZ-10")
    assert (abai.name_kk, abai.name_ru, abai.name_en) == ("Абай облысы", "область Абай", "Abai Region")
    assert abai.valid_from == date(2022, 6, 8) and abai.valid_to is None
    south = Region.objects.get(code="KZ-YUZ")
    assert (south.kind, south.valid_to) == (Region.Kind.HISTORICAL_REGION, date(2018, 6, 18))


@pytest.mark.parametrize(
    ("day", "count", "present", "absent"),
    [
        (date(2018, 6, 18), 16, {"KZ-YUZ"}, {"KZ-61", "KZ-79", "KZ-10"}),
        (date(2018, 6, 19), 17, {"KZ-61", "KZ-79"}, {"KZ-YUZ", "KZ-10"}),
        (date(2022, 6, 7), 17, {"KZ-61"}, {"KZ-10", "KZ-33", "KZ-62"}),
        (date(2022, 6, 8), 20, {"KZ-10", "KZ-33", "KZ-62"}, {"KZ-YUZ"}),
        (date(2026, 1, 1), 20, {"KZ-71", "KZ-75", "KZ-79"}, {"KZ-YUZ"}),
    ],
)
def test_valid_on_uses_inclusive_dates(regions, day, count, present, absent):
    codes = set(Region.objects.valid_on(day).values_list("code", flat=True))
    assert len(codes) == count
    assert present <= codes and not (absent & codes)


def test_reload_inserts_only_what_is_missing_and_keeps_edits(regions):
    Region.objects.filter(code="KZ-75").delete()
    Region.objects.filter(code="KZ-71").update(name_ru="Нур-Султан")
    (report,) = reference_data_load(datasets=[REGIONS])
    assert report.inserted == ["KZ-75"]
    assert report.unchanged == 19
    assert report.conflicts == [("KZ-71", "name_ru", "Нур-Султан", "город Астана")]
    assert Region.objects.get(code="KZ-71").name_ru == "Нур-Султан"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("code,kind,name\nKZ-71,city,Astana\n", "the header is code, kind, name; expected code, kind, name_en"),
        (HEADER, "no rows"),
        (HEADER + "KZ-71,city,Astana,А,А,Astana,,\n" * 2, "line 3: code KZ-71 repeats line 2"),
        (HEADER + "KZ71,city,Astana,А,А,Astana,,\n", "line 2: code 'KZ71' is not an ISO 3166-2:KZ code"),
        (HEADER + "KZ-71,town,Astana,А,А,Astana,,\n", "line 2: kind 'town' is not one of"),
        (HEADER + "KZ-71,city,,А,А,Astana,,\n", "line 2: name_en is empty"),
        (HEADER + "KZ-71,city,Astana,А,А,Astana,2020-01-01,2019-12-31\n", "line 2: valid_to is before valid_from"),
        (HEADER + "KZ-71,city,Astana,А,А,Astana,,,extra\n", "line 2: expected 8 columns"),
        (HEADER + "KZ-71,city,Astana,А,А\n", "line 2: expected 8 columns"),
        (HEADER + "KZ-71,city," + "A" * 201 + ",А,А,Astana,,\n", "line 2: name_en: Ensure this value has at most 200"),
    ],
)
def test_a_malformed_file_changes_nothing(tmp_path, text, problem):
    paths = write(tmp_path, text)
    with pytest.raises(ReferenceDataError) as caught:
        reference_data_load(paths=paths)
    assert problem in str(caught.value)
    assert "nothing was changed" in str(caught.value) or "header" in str(caught.value)
    assert Region.objects.count() == 0


def test_one_bad_row_among_good_ones_still_changes_nothing(tmp_path):
    good = (REGIONS.path.read_text(encoding="utf-8")).rstrip("\n")
    paths = write(tmp_path, good + "\nKZ-99,city,X,X,X,X,not-a-date,\n")
    with pytest.raises(ReferenceDataError, match="line 23: 'not-a-date' is not an ISO date"):
        reference_data_load(paths=paths)
    assert Region.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_bytes(HEADER.encode() + "KZ-71,city,Astana,Астана,Астана,Astana,,\n".encode("cp1251"))
    with pytest.raises(ReferenceDataError, match="cannot be read"):
        read_dataset(REGIONS, path)


# ---------------------------------------------------------------------------------------------
# /api/v1/regions/
# ---------------------------------------------------------------------------------------------
def test_api_lists_regions_valid_on_a_date(as_user, regions, ministry_user):
    client = as_user(ministry_user)
    assert client.get("/api/v1/regions/").json()["count"] == 21
    body = client.get("/api/v1/regions/", {"valid_on": "2020-01-01"}).json()
    assert body["count"] == 17
    assert "KZ-10" not in {row["code"] for row in body["results"]}


def test_api_region_detail_by_code_in_the_requested_language(as_user, regions, administrator_user):
    client = as_user(administrator_user)  # reference data: administrators read it to assign regions
    body = client.get("/api/v1/regions/KZ-33/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert body["name"] == "область Жетісу"
    assert body["valid_from"] == "2022-06-08" and body["valid_to"] is None
    assert client.get("/api/v1/regions/KZ-33/", HTTP_ACCEPT_LANGUAGE="kk").json()["name"] == "Жетісу облысы"
    assert client.get("/api/v1/regions/KZ-00/").status_code == 404


def test_api_refuses_a_malformed_date(as_user, regions, ministry_user):
    response = as_user(ministry_user).get("/api/v1/regions/", {"valid_on": "2022-02-30"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "valid_on"
