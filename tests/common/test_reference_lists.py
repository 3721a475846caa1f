"""Reference lists and the loader (Step 3, item 3): countries with the EAEU flag, sectors → fee groups,
occupations (ISCO-08), and the policy files. The loader inserts only what is missing, keeps what an
official edited (reporting it), and refuses a bad file whole; the lists are read-only in the API and
their names are corrected in pages (audited)."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db.models import F

from common.models import AuditEvent, Country, Occupation, PolicyParameter, PolicyPeriod, Region, Sector
from common.policy import P, policy_value
from common.reference_data import (
    COUNTRIES,
    DATA_DIR,
    DATASETS,
    MCI,
    OCCUPATIONS,
    PERMIT_FEES,
    POLICY_DATASETS,
    POLICY_PARAMETERS,
    POLICY_PERIODS,
    SECTORS,
    ReferenceDataError,
)
from common.reference_views import MESSAGE_NAMES_SAVED
from common.services import (
    AUDIT_REFERENCE_DATA_LOADED,
    AUDIT_REFERENCE_NAMES_CHANGED,
    MESSAGE_ACTOR_NOT_MINISTRY,
    policy_period_add,
    reference_data_load,
    reference_names_update,
)

pytestmark = pytest.mark.django_db

MODELS = (Region, Country, Sector, Occupation, PolicyParameter, PolicyPeriod, AuditEvent)


def snapshot() -> dict:
    """Everything a load can change: row counts and every stored row."""
    state = {model.__name__: model.objects.count() for model in MODELS}
    state["rows"] = {
        model.__name__: sorted(map(str, model.objects.values_list()))
        for model in (Country, Sector, Occupation, PolicyParameter, PolicyPeriod)
    }
    return state


@pytest.fixture
def loaded():
    return reference_data_load()


# ---------------------------------------------------------------------------------------------
# The shipped files
# ---------------------------------------------------------------------------------------------
def test_the_shipped_lists_load_with_names_in_three_languages(loaded):
    assert Country.objects.count() == 249
    members = Country.objects.filter(eaeu_member=True).order_by("alpha_2")
    assert [(c.alpha_2, c.eaeu_member_since) for c in members] == [
        ("AM", date(2015, 1, 2)),
        ("BY", date(2015, 1, 1)),
        ("KG", date(2015, 8, 6)),
        ("KZ", date(2015, 1, 1)),
        ("RU", date(2015, 1, 1)),
    ]
    assert Country.objects.get(alpha_2="AF").numeric == "004"  # leading zeros kept
    assert Sector.objects.count() == 21
    assert {s.oked_section: s.fee_group for s in Sector.objects.filter(oked_section__in="ABCG")} == {
        "A": "A",
        "B": "B",
        "C": "C",
        "G": "B",
    }
    assert Sector.objects.get(oked_section="C").fee_group_status == Sector.FeeGroupStatus.INFERRED
    assert Occupation.objects.count() == 53
    assert Occupation.objects.filter(level=Occupation.Level.MAJOR).count() == 10
    assert Occupation.objects.get(isco08_code="25").parent.isco08_code == "2"
    assert not Occupation.objects.filter(level=Occupation.Level.SUB_MAJOR, parent__isnull=True).exists()
    for model, prefix in ((Country, "name"), (Sector, "name"), (Occupation, "title")):
        for row in model.objects.values(f"{prefix}_en", f"{prefix}_ru", f"{prefix}_kk"):
            assert all(row.values()), row
    # "Names missing in kk/ru are translated in the product": no sector or occupation is left in English.
    assert not Sector.objects.filter(name_ru=F("name_en")).exists()
    assert not Occupation.objects.filter(title_kk=F("title_en")).exists()


def test_a_first_load_leaves_one_audit_event_per_dataset_and_a_reload_none(loaded):
    events = AuditEvent.objects.filter(action=AUDIT_REFERENCE_DATA_LOADED)
    assert sorted(e.after["dataset"] for e in events) == sorted(d.name for d in DATASETS)
    countries = events.get(after__dataset="countries")
    assert (countries.actor, countries.after["inserted"], len(countries.after["keys"])) == (None, 249, 249)
    before = snapshot()
    reports = reference_data_load()
    assert all(not report.inserted and not report.conflicts for report in reports)
    assert snapshot() == before


def test_reload_inserts_only_what_is_missing(loaded):
    Country.objects.filter(alpha_2="ZW").delete()
    Occupation.objects.filter(isco08_code="96").delete()
    reports = {report.name: report for report in reference_data_load()}
    assert reports["countries"].inserted == ["ZW"] and reports["countries"].unchanged == 248
    assert reports["occupations"].inserted == ["96"]
    assert Occupation.objects.get(isco08_code="96").parent.isco08_code == "9"
    assert AuditEvent.objects.filter(action=AUDIT_REFERENCE_DATA_LOADED).count() == len(DATASETS) + 2


def test_reload_keeps_an_officials_name_correction_and_reports_it(loaded, ministry_user):
    kyrgyzstan = Country.objects.get(alpha_2="KG")
    reference_names_update(obj=kyrgyzstan, names={"name_ru": "Кыргызстан"}, actor=ministry_user, reason="official")
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "countries: 0 inserted, 248 unchanged, 1 kept as edited" in out.getvalue()
    assert "countries KG: name_ru is 'Кыргызстан' here, 'Киргизия' in the file (kept)" in out.getvalue()
    assert Country.objects.get(alpha_2="KG").name_ru == "Кыргызстан"


def test_reload_keeps_an_officials_new_period_and_reports_it(loaded, ministry_user):
    rate = PolicyParameter.objects.get(name=P.QUOTA_RATE_PERCENT)
    policy_period_add(parameter=rate, valid_from=date(2027, 1, 1), value="0.3", source="order", actor=ministry_user)
    before = snapshot()
    reports = {report.name: report for report in reference_data_load()}
    # The seeded open 0.25 % period was closed by the official: the file still says it is open.
    assert reports["policy_periods"].conflicts == [
        ("quota_rate_percent from 2025-08-01", "valid_to", date(2026, 12, 31), None)
    ]
    assert not reports["policy_periods"].inserted
    assert snapshot() == before
    assert policy_value(P.QUOTA_RATE_PERCENT, on=date(2027, 6, 1)) == policy_value(
        P.QUOTA_RATE_PERCENT, on=date(2027, 1, 1)
    )


def test_a_file_period_that_would_overlap_an_officials_period_is_not_inserted(tmp_path, loaded, ministry_user):
    mci = PolicyParameter.objects.get(name=P.MCI_KZT)
    policy_period_add(parameter=mci, valid_from=date(2027, 1, 1), value=4700, source="budget law", actor=ministry_user)
    text = MCI.path.read_text(encoding="utf-8") + "2027-07-01,2027-12-31,4800,official,https://example.kz/\n"
    (tmp_path / "mci.csv").write_text(text, encoding="utf-8")
    (report,) = reference_data_load(datasets=[MCI], paths={"mci": tmp_path / "mci.csv"})
    assert report.inserted == []
    assert report.conflicts == [("mci_kzt from 2027-07-01", "period", "2027-01-01…", "2027-07-01…2027-12-31")]
    assert policy_value(P.MCI_KZT, on=date(2027, 8, 1)) == 4700


def test_the_fee_table_becomes_periods_that_run_until_the_next_one(loaded):
    bands = PolicyPeriod.objects.filter(parameter__name=P.SEASONAL_FEE_BANDS_MCI).order_by("valid_from")
    assert [(p.valid_from, p.valid_to, p.value, p.to_be_confirmed) for p in bands] == [
        (date(2017, 1, 1), date(2020, 12, 31), {"365": 24}, True),
        (date(2021, 1, 1), None, {"90": 12, "180": 24, "270": 36, "365": 48}, False),
    ]
    assert PolicyPeriod.objects.filter(parameter__name=P.PERMIT_FEE_RATE_MCI, valid_to__isnull=True).count() == 12


# ---------------------------------------------------------------------------------------------
# A bad file is refused whole: it names the file, line and problem, and nothing changes
# ---------------------------------------------------------------------------------------------
def replace_line(dataset, old: str, new: str) -> str:
    text = dataset.path.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


BAD_FILES = [
    (COUNTRIES, lambda: replace_line(COUNTRIES, "KG,KGZ,417", "Kg,KGZ,417"), "alpha_2 'Kg' is not two capital"),
    (COUNTRIES, lambda: replace_line(COUNTRIES, "KG,KGZ,417", "KZ,KGZ,417"), "alpha_2 KZ repeats line"),
    (COUNTRIES, lambda: replace_line(COUNTRIES, "KG,KGZ,417", "KG,KAZ,417"), "alpha_3 KAZ repeats line"),
    (COUNTRIES, lambda: replace_line(COUNTRIES, "KG,KGZ,417", "KG,KGZ,41"), "numeric '41' is not three digits"),
    (COUNTRIES, lambda: replace_line(COUNTRIES, "true,2015-08-06", "true,"), "eaeu_member_since is empty"),
    (COUNTRIES, lambda: replace_line(COUNTRIES, "true,2015-08-06", "yes,2015-08-06"), "eaeu_member 'yes'"),
    (COUNTRIES, lambda: replace_line(COUNTRIES, "alpha_2,alpha_3", "code,alpha_3"), "the header is code, alpha_3"),
    (SECTORS, lambda: replace_line(SECTORS, ",Construction,", ",,"), "line 7: name_en is empty"),
    (
        SECTORS,
        lambda: replace_line(SECTORS, "Строительство,Құрылыс,C,", "Строительство,Құрылыс,D,"),
        "fee_group 'D' is not one of A, B, C",
    ),
    (OCCUPATIONS, lambda: replace_line(OCCUPATIONS, "9,major,", "9x,major,"), "isco08_code '9x' is not"),
    (OCCUPATIONS, lambda: replace_line(OCCUPATIONS, "9,major,", "90,major,"), "does not fit level 'major'"),
    (
        OCCUPATIONS,
        lambda: replace_line(OCCUPATIONS, "9,major,", "99,sub-major,"),
        "sub-major group 91 has no major group 9",
    ),
    (
        POLICY_PARAMETERS,
        lambda: replace_line(POLICY_PARAMETERS, "mci_kzt,,money", "mci_kzt,,euros"),
        "value_type 'euros' is not one of",
    ),
    (
        POLICY_PERIODS,
        lambda: replace_line(
            POLICY_PERIODS, "vacancy_test_days,,2014-01-01,,15,", "vacancy_test_days,,2014-01-01,,15.5,"
        ),
        "value '15.5': Enter a whole number of zero or more.",
    ),
    (
        POLICY_PERIODS,
        lambda: replace_line(POLICY_PERIODS, ",0.240,", ",0.2405,"),
        "value '0.2405': Enter a percentage from 0 to 100 with at most three decimals",
    ),
    (
        POLICY_PERIODS,
        lambda: replace_line(POLICY_PERIODS, "2023-01-01,2023-12-31,0.240", "2022-12-01,2023-12-31,0.240"),
        "quota_rate_percent from 2022-12-01 overlaps 2021-01-01…2022-12-31",
    ),
    (
        POLICY_PERIODS,
        lambda: replace_line(POLICY_PERIODS, "kandas_exempt,,", "kandas_exemption,,"),
        "no policy parameter kandas_exemption",
    ),
    (
        POLICY_PERIODS,
        lambda: replace_line(POLICY_PERIODS, "kandas_exempt,,2014-01-01", "kandas_exempt,,2014-02-30"),
        "'2014-02-30' is not an ISO date",
    ),
    (
        POLICY_PERIODS,
        lambda: replace_line(POLICY_PERIODS, "kandas_exempt,,2014-01-01", "kandas_exempt,,20140101"),
        "'20140101' is not an ISO date",
    ),
    (
        POLICY_PERIODS,
        lambda: replace_line(POLICY_PERIODS, "2025-08-01,,0.250", "2025-08-01,2025-07-01,0.250"),
        "valid_to is before valid_from",
    ),
    (
        POLICY_PERIODS,
        lambda: replace_line(POLICY_PERIODS, '{""month"": 10', '{""month"": 13'),
        "The value of “month” is not valid",
    ),
    (
        MCI,
        lambda: replace_line(MCI, "2020-04-01,2020-12-31,2778", '2020-04-01,2020-12-31,"2,778"'),
        "mci.csv, line 12: mci_kzt '2,778' is not a whole number",
    ),
    (
        MCI,
        lambda: replace_line(MCI, "2020-04-01,2020-12-31", "2020-03-01,2020-12-31"),
        "mci.csv, line 12: mci_kzt from 2020-03-01 overlaps 2020-01-01…2020-03-31 (mci.csv, line 11)",
    ),
    (MCI, lambda: replace_line(MCI, "4325,to be confirmed", "4325,draft"), "status 'draft' is not one of"),
    (PERMIT_FEES, lambda: replace_line(PERMIT_FEES, "2017-01-01,C,4,", "2017-01-01,D,4,"), "fee_group 'D'"),
    (
        PERMIT_FEES,
        lambda: replace_line(PERMIT_FEES, "2017-01-01,C,4,", "2017-01-01,C,3,"),
        "valid_from, fee_group, category, season_max_days repeat line 12",
    ),
    (
        PERMIT_FEES,
        lambda: replace_line(PERMIT_FEES, "2017-01-01,any,S,", "2017-01-01,A,S,"),
        "seasonal rates (category S) have fee group 'any'",
    ),
]


@pytest.mark.parametrize(("dataset", "text", "problem"), BAD_FILES, ids=lambda v: getattr(v, "name", None))
def test_a_bad_file_is_refused_whole_after_a_first_load(tmp_path, loaded, dataset, text, problem):
    # Something is missing, so a load that went ahead would insert it: it must not.
    Country.objects.filter(alpha_2="ZW").delete()
    before = snapshot()
    path = tmp_path / dataset.filename
    path.write_text(text(), encoding="utf-8")
    with pytest.raises(ReferenceDataError) as caught:
        reference_data_load(paths={dataset.name: path})
    assert problem in str(caught.value), str(caught.value)
    assert dataset.filename in str(caught.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("dataset", "text", "problem"), BAD_FILES[:3] + BAD_FILES[-4:], ids=lambda v: getattr(v, "name", None)
)
def test_a_bad_file_in_an_empty_database_inserts_nothing_at_all(tmp_path, dataset, text, problem):
    path = tmp_path / dataset.filename
    path.write_text(text(), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"nothing was changed|header"):
        reference_data_load(paths={dataset.name: path})
    assert all(model.objects.count() == 0 for model in MODELS)


def test_the_command_refuses_a_bad_file_with_its_line(tmp_path, monkeypatch):
    from common import reference_data

    for dataset in DATASETS:
        (tmp_path / dataset.filename).write_text(dataset.path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "sectors.csv").write_text(replace_line(SECTORS, ",Construction,", ",,"), encoding="utf-8")
    monkeypatch.setattr(reference_data, "DATA_DIR", tmp_path)
    with pytest.raises(CommandError, match=r"sectors.csv, line 7: name_en is empty"):
        call_command("load_reference_data")
    assert all(model.objects.count() == 0 for model in MODELS)


def test_policy_periods_of_a_parameter_that_is_only_stored_are_checked_against_it(tmp_path):
    # `--only policy_periods` without the parameters file: the stored parameters are what counts.
    with pytest.raises(ReferenceDataError, match="no policy parameter quota_rate_percent"):
        reference_data_load(datasets=[POLICY_PERIODS])
    reference_data_load(datasets=[POLICY_PARAMETERS])
    reports = reference_data_load(datasets=[POLICY_PERIODS, MCI, PERMIT_FEES])
    assert [len(report.inserted) for report in reports] == [43, 17, 14]


def test_the_shipped_files_are_the_clean_copies():
    shared = Path("/work/shared/data")
    if not shared.exists():
        pytest.skip("the shared reference data folder is not on this machine")
    for name in ("mci.csv", "permit_fees.csv"):
        assert (DATA_DIR / name).read_bytes() == (shared / "clean" / name).read_bytes()
    assert (DATA_DIR / "countries.csv").read_bytes() == (shared / "countries.csv").read_bytes()


def test_policy_datasets_are_a_subset_of_the_load_order():
    order = [dataset.name for dataset in DATASETS]
    assert [d.name for d in POLICY_DATASETS] == [n for n in order if n in {d.name for d in POLICY_DATASETS}]
    assert order.index("policy_parameters") < order.index("policy_periods") < order.index("mci")


# ---------------------------------------------------------------------------------------------
# Name corrections (ministry officials, audited)
# ---------------------------------------------------------------------------------------------
def test_names_are_corrected_by_ministry_officials_only_and_audited(loaded, ministry_user, official_1):
    sector = Sector.objects.get(oked_section="F")
    reference_names_update(obj=sector, names={"name_kk": "Құрылыс саласы"}, actor=ministry_user, reason="style guide")
    event = AuditEvent.objects.get(action=AUDIT_REFERENCE_NAMES_CHANGED)
    assert (event.actor, event.object_type, event.object_id, event.reason) == (
        ministry_user,
        "common.sector",
        str(sector.pk),
        "style guide",
    )
    assert (event.before, event.after) == ({"name_kk": "Құрылыс"}, {"name_kk": "Құрылыс саласы"})
    with pytest.raises(PermissionDenied, match=str(MESSAGE_ACTOR_NOT_MINISTRY)):
        reference_names_update(obj=sector, names={"name_kk": "x"}, actor=official_1)
    with pytest.raises(ValidationError):
        reference_names_update(obj=sector, names={"fee_group": "A"}, actor=ministry_user)
    with pytest.raises(ValidationError):
        reference_names_update(obj=sector, names={"name_en": ""}, actor=ministry_user)
    reference_names_update(obj=sector, names={"name_kk": "Құрылыс саласы"}, actor=ministry_user)  # no change
    assert AuditEvent.objects.filter(action=AUDIT_REFERENCE_NAMES_CHANGED).count() == 1


# ---------------------------------------------------------------------------------------------
# API (read-only, every role)
# ---------------------------------------------------------------------------------------------
def test_api_countries_filters_and_lookup_by_code(loaded, as_user, employer_a_user, django_assert_max_num_queries):
    client = as_user(employer_a_user)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/countries/", {"eaeu_member": "true"}).json()
    assert [row["alpha_2"] for row in body["results"]] == ["AM", "BY", "KG", "KZ", "RU"]
    assert client.get("/api/v1/countries/", {"q": "KGZ"}).json()["results"][0]["alpha_2"] == "KG"
    # Any case, in any language, on SQLite too (it folds case for ASCII only).
    for query in ("казахстан", "ҚАЗАҚСТАН", "kazakhstan"):
        found = [row["alpha_2"] for row in client.get("/api/v1/countries/", {"q": query}).json()["results"]]
        assert found == ["KZ"], (query, found)
    detail = client.get("/api/v1/countries/KG/", HTTP_ACCEPT_LANGUAGE="kk").json()
    assert detail == {
        "alpha_2": "KG",
        "alpha_3": "KGZ",
        "numeric": "417",
        "name": "Қырғызстан",
        "name_en": "Kyrgyzstan",
        "name_ru": "Киргизия",
        "name_kk": "Қырғызстан",
        "eaeu_member": True,
        "eaeu_member_since": "2015-08-06",
    }
    assert client.get("/api/v1/countries/XX/").status_code == 404
    assert client.post("/api/v1/countries/", {}).status_code == 405
    assert client.patch("/api/v1/countries/KG/", {"name_en": "x"}).status_code == 405


def test_api_sectors_and_occupations(loaded, as_user, administrator_user):
    client = as_user(administrator_user)
    sector = client.get("/api/v1/sectors/F/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert (sector["name"], sector["fee_group"], sector["fee_group_status"]) == ("Строительство", "C", "inferred")
    assert client.get("/api/v1/sectors/", {"fee_group": "B"}).json()["count"] == 2
    children = client.get("/api/v1/occupations/", {"parent": "2"}).json()
    assert [row["isco08_code"] for row in children["results"]] == ["21", "22", "23", "24", "25", "26"]
    major = client.get("/api/v1/occupations/2/").json()
    assert (major["level"], major["parent"], major["title"]) == ("major", None, "Professionals")
    assert client.get("/api/v1/occupations/", {"level": "major"}).json()["count"] == 10


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------
def test_reference_list_pages_search_for_every_role(loaded, client, employer_a_user, administrator_user):
    for user in (employer_a_user, administrator_user):
        client.force_login(user)
        content = client.get("/reference/countries/", {"q": "KG"}).content.decode()
        assert "Kyrgyzstan" in content and "Kazakhstan" not in content and "Correct" not in content
    assert "Construction" in client.get("/reference/sectors/").content.decode()
    assert "inferred, to be confirmed" in client.get("/reference/sectors/").content.decode()
    assert (
        "Information and communications technology professionals"
        in client.get("/reference/occupations/", {"parent": "2"}).content.decode()
    )
    page_2 = client.get("/reference/countries/", {"page": 2}).content.decode()
    assert "Page 2 of 5" in page_2
    assert client.get("/reference/countries/KG/").status_code == 403
    client.logout()
    assert client.get("/reference/countries/").status_code == 302


def test_a_ministry_official_corrects_names_in_pages(loaded, client, ministry_user):
    client.force_login(ministry_user)
    assert 'href="/reference/occupations/25/"' in client.get("/reference/occupations/").content.decode()
    response = client.post(
        "/reference/occupations/25/",
        {
            "title_en": "ICT professionals",
            "title_ru": "Специалисты в области ИКТ",
            "title_kk": "АКТ мамандары",
            "reason": "shorter titles",
        },
        follow=True,
    )
    assert str(MESSAGE_NAMES_SAVED % {"item": "25"}) in response.content.decode()
    occupation = Occupation.objects.get(isco08_code="25")
    assert (occupation.title_en, occupation.title_ru) == ("ICT professionals", "Специалисты в области ИКТ")
    assert AuditEvent.objects.get(action=AUDIT_REFERENCE_NAMES_CHANGED).reason == "shorter titles"
    response = client.post("/reference/countries/KG/", {"name_en": "", "name_ru": "x", "name_kk": "y"})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert client.get("/reference/countries/QQ/").status_code == 404
