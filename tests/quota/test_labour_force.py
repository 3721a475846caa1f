"""Labour-force statistics (Step 4, item 1): strict all-or-nothing import, correction, shipped figures, API, pages."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from common.models import AuditEvent
from quota import imports
from quota.imports import CODE_INVALID_FILE, FileRejected
from quota.models import LabourForceFigure
from quota.services import (
    MESSAGE_MINISTRY_ONLY,
    MESSAGE_REASON_REQUIRED,
    labour_force_correct,
    labour_force_import,
    labour_force_load_shipped,
)
from tests.common.factories import RegionFactory
from tests.quota.factories import LabourForceFigureFactory

pytestmark = pytest.mark.django_db

HEADER = "region_code,year,period,persons,status,source\n"
SOURCE = "https://stat.gov.kz/"


@pytest.fixture
def regions(db):
    """Astana and Almaty (always in force), Abai (from 2022-06-08), South Kazakhstan (until 2018-06-18)."""
    return {
        "KZ-71": RegionFactory(code="KZ-71"),
        "KZ-75": RegionFactory(code="KZ-75"),
        "KZ-10": RegionFactory(code="KZ-10", valid_from=date(2022, 6, 8)),
        "KZ-YUZ": RegionFactory(code="KZ-YUZ", kind="historical_region", valid_to=date(2018, 6, 18)),
    }


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{line}\n" for line in lines)).encode()


def state():
    """Everything an import may change: the figures and the audit trail."""
    figures = sorted(LabourForceFigure.objects.values_list("region__code", "year", "period", "persons", "status"))
    return figures, AuditEvent.objects.count()


def rejected(ministry_user, **kwargs) -> list[dict]:
    """Import, expect the whole file refused with nothing changed; return the row-by-row problems."""
    before = state()
    with pytest.raises(FileRejected) as caught:
        labour_force_import(actor=ministry_user, **kwargs)
    assert caught.value.code == CODE_INVALID_FILE and caught.value.status_code == 400
    assert state() == before, "a rejected file must change nothing"
    return caught.value.as_list()


# ---------------------------------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------------------------------
def test_import_creates_figures_and_records_one_event(ministry_user, regions):
    report = labour_force_import(
        file=csv_file(
            f"KZ,2023,annual,9100000,official,{SOURCE}",
            f"KZ-71,2023,annual,700000,official,{SOURCE}",
            f"KZ-75,2023,Q2,1100000,illustrative,{SOURCE}",
        ),
        filename="lf-2023.csv",
        actor=ministry_user,
    )
    assert report.created == ["KZ/2023/annual", "KZ-71/2023/annual", "KZ-75/2023/Q2"]
    national = LabourForceFigure.objects.get(region__isnull=True)
    assert (national.persons, national.status, national.created_by) == (9_100_000, "official", ministry_user)
    assert LabourForceFigure.objects.get(region__code="KZ-75").is_illustrative
    event = AuditEvent.objects.get(action="labour_force.imported")
    assert event.actor == ministry_user and event.reason == "lf-2023.csv"
    assert (event.after["rows"], event.after["created"], event.after["updated"]) == (3, 3, 0)


def test_import_updates_existing_figures_and_audits_their_before_and_after(ministry_user, regions):
    LabourForceFigureFactory(region=regions["KZ-71"], year=2023, persons=650_000)
    report = labour_force_import(
        file=csv_file(f"KZ-71,2023,annual,700000,official,{SOURCE}", f"KZ-75,2023,annual,1100000,official,{SOURCE}"),
        actor=ministry_user,
    )
    assert (report.created, report.updated) == (["KZ-75/2023/annual"], ["KZ-71/2023/annual"])
    assert LabourForceFigure.objects.get(region__code="KZ-71").persons == 700_000
    event = AuditEvent.objects.get(action="labour_force.imported")
    assert event.before["updated"][0]["persons"] == 650_000
    assert event.after["updated_figures"][0] == {
        "key": "KZ-71/2023/annual",
        "persons": 700_000,
        "status": "official",
        "source": SOURCE,
    }
    again = labour_force_import(file=csv_file(f"KZ-71,2023,annual,700000,official,{SOURCE}"), actor=ministry_user)
    assert again.unchanged == ["KZ-71/2023/annual"] and not again.updated


def test_import_accepts_json_rows_a_semicolon_file_a_bom_and_a_default_source(ministry_user, regions):
    labour_force_import(
        rows=[{"region": "KZ", "year": 2019, "period": "Q2", "persons": 9200000, "status": "official"}],
        source="Bureau of National Statistics",
        actor=ministry_user,
    )
    text = "\ufeffregion_code;year;period;persons;status\nkz-71;2019;annual;521500;Official\n"
    labour_force_import(file=io.BytesIO(text.encode()), source="finreview.info", actor=ministry_user)
    stored = {f.key: (f.persons, f.status, f.source) for f in LabourForceFigure.objects.select_related("region")}
    assert stored == {
        "KZ/2019/Q2": (9_200_000, "official", "Bureau of National Statistics"),
        "KZ-71/2019/annual": (521_500, "official", "finreview.info"),
    }


def test_a_region_is_accepted_for_any_period_it_was_in_force(ministry_user, regions):
    labour_force_import(
        file=csv_file(f"KZ-10,2022,annual,400000,official,{SOURCE}", f"KZ-YUZ,2018,Q2,1200000,official,{SOURCE}"),
        actor=ministry_user,
    )
    assert LabourForceFigure.objects.count() == 2


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        (f"KZ-99,2023,annual,100,official,{SOURCE}", "region_code", imports.UNKNOWN_REGION),
        (f"KZ-YUZ,2019,annual,100,official,{SOURCE}", "region_code", imports.REGION_NOT_IN_FORCE),  # expired
        (f"KZ-10,2022,Q1,100,official,{SOURCE}", "region_code", imports.REGION_NOT_IN_FORCE),  # not yet
        (f"KZ-71,2023,annual,-3,official,{SOURCE}", "persons", imports.NEGATIVE),
        (f"KZ-71,2023,annual,abc,official,{SOURCE}", "persons", imports.NOT_WHOLE_NUMBER),
        (f"KZ-71,2023,annual,1.5,official,{SOURCE}", "persons", imports.NOT_WHOLE_NUMBER),
        (f"KZ-71,2023,annual,9e6,official,{SOURCE}", "persons", imports.NOT_WHOLE_NUMBER),
        (f'KZ-71,2023,annual,"9,100,000",official,{SOURCE}', "persons", imports.NOT_WHOLE_NUMBER),
        (f"KZ-71,2023,annual,9 100 000,official,{SOURCE}", "persons", imports.NOT_WHOLE_NUMBER),
        (f"KZ-71,2023,annual,0,official,{SOURCE}", "persons", imports.BELOW_MINIMUM),
        (f"KZ-71,2023,annual,,official,{SOURCE}", "persons", imports.REQUIRED),
        (f"KZ-71,1990,annual,100,official,{SOURCE}", "year", imports.INVALID_YEAR),
        (f"KZ-71,2023.0,annual,100,official,{SOURCE}", "year", imports.INVALID_YEAR),
        (f"KZ-71,2023,H1,100,official,{SOURCE}", "period", imports.INVALID_PERIOD),
        (f"KZ-71,2023,annual,100,estimated,{SOURCE}", "status", imports.INVALID_STATUS),
        ("KZ-71,2023,annual,100,official,", "source", imports.REQUIRED),
    ],
)
def test_a_bad_value_rejects_the_whole_file_naming_its_row_and_field(ministry_user, regions, line, field, code):
    good = f"KZ-75,2023,annual,1100000,official,{SOURCE}"
    problems = rejected(ministry_user, file=csv_file(good, line))
    assert [(p["row"], p["field"], p["code"]) for p in problems] == [(3, field, code)]
    assert problems[0]["message"].startswith("Row 3: ")


def test_every_problem_is_listed_row_by_row(ministry_user, regions):
    problems = rejected(
        ministry_user,
        file=csv_file(
            f"KZ-71,2023,annual,700000,official,{SOURCE}",
            f"KZ-99,2023,annual,1.5,official,{SOURCE}",
            f"KZ-71,2023,annual,700001,official,{SOURCE}",
            f"KZ,2023,Q5,-1,official,{SOURCE}",
        ),
    )
    assert [(p["row"], p["field"], p["code"]) for p in problems] == [
        (3, "region_code", imports.UNKNOWN_REGION),
        (3, "persons", imports.NOT_WHOLE_NUMBER),
        (4, None, imports.DUPLICATE_ROW),
        (5, "period", imports.INVALID_PERIOD),
        (5, "persons", imports.NEGATIVE),
    ]
    assert problems[2]["message"] == "Row 4 repeats row 2 (KZ-71/2023/annual)."


@pytest.mark.parametrize(
    ("content", "field", "code"),
    [
        (
            csv_file("KZ,2023,annual,100,official", header="region_code,year,period,persons,source\n"),
            "columns",
            imports.MISSING_COLUMNS,
        ),
        (
            csv_file(f"KZ,2023,annual,100,official,{SOURCE},x", header=HEADER.strip() + ",note\n"),
            "columns",
            imports.UNKNOWN_COLUMNS,
        ),
        (b"", "file", imports.EMPTY_FILE),
        (HEADER.encode(), "rows", imports.NO_ROWS),
        ("KZ,2023,annual,100,official,Бюро статистики\n".encode("cp1251"), "file", imports.NOT_UTF8),
    ],
)
def test_a_bad_file_is_rejected_whole(ministry_user, regions, content, field, code):
    problems = rejected(ministry_user, file=content)
    assert [(p["row"], p["field"], p["code"]) for p in problems] == [(None, field, code)]


def test_a_row_with_too_many_values_is_named(ministry_user, regions):
    problems = rejected(ministry_user, file=csv_file(f"KZ,2023,annual,100,official,{SOURCE},extra"))
    assert [(p["row"], p["code"]) for p in problems] == [(2, imports.ROW_LENGTH)]


def test_json_rows_are_numbered_by_their_index(ministry_user, regions):
    problems = rejected(
        ministry_user,
        rows=[
            {"region": "KZ", "year": 2023, "period": "annual", "persons": 9_000_000, "status": "official"},
            {"region": "KZ-71", "year": 2023, "period": "annual", "persons": 1.5, "status": "official"},
            {"region": "KZ-71", "colour": "red"},
        ],
        source=SOURCE,
    )
    assert [(p["row"], p["field"], p["code"]) for p in problems] == [
        (1, "persons", imports.NOT_WHOLE_NUMBER),
        (2, None, imports.UNKNOWN_COLUMNS),
    ]


def test_only_ministry_officials_import(official_1, auditor_user, regions):
    for actor in (official_1, auditor_user):
        with pytest.raises(PermissionDenied) as caught:
            labour_force_import(file=csv_file(f"KZ,2023,annual,100,official,{SOURCE}"), actor=actor)
        assert str(caught.value) == str(MESSAGE_MINISTRY_ONLY)
    assert not LabourForceFigure.objects.exists()


def test_the_database_keeps_one_national_figure_per_period(regions):
    from django.db import IntegrityError, transaction

    LabourForceFigureFactory(region=None, year=2023)
    with pytest.raises(IntegrityError), transaction.atomic():
        LabourForceFigureFactory(region=None, year=2023)


# ---------------------------------------------------------------------------------------------------------------------
# Correction
# ---------------------------------------------------------------------------------------------------------------------
def test_a_correction_is_audited_with_before_and_after(ministry_user, regions):
    figure = LabourForceFigureFactory(region=regions["KZ-71"], year=2023, persons=700_000)
    labour_force_correct(
        figure=figure, persons=712_300, source="stat.gov.kz, revised", reason="Revised release", actor=ministry_user
    )
    figure.refresh_from_db()
    assert (figure.persons, figure.source, figure.updated_by) == (712_300, "stat.gov.kz, revised", ministry_user)
    event = AuditEvent.objects.for_object(figure).get()
    assert event.action == "labour_force.corrected" and event.reason == "Revised release"
    assert (event.before["persons"], event.after["persons"]) == (700_000, 712_300)


def test_a_correction_needs_a_whole_positive_number_a_source_and_a_reason(ministry_user, official_1, regions):
    figure = LabourForceFigureFactory(region=regions["KZ-71"], year=2023)
    with pytest.raises(ValidationError) as caught:
        labour_force_correct(figure=figure, persons=0, source=" ", reason="", actor=ministry_user)
    assert set(caught.value.message_dict) == {"persons", "source", "reason"}
    assert caught.value.message_dict["reason"] == [str(MESSAGE_REASON_REQUIRED)]
    with pytest.raises(PermissionDenied):
        labour_force_correct(figure=figure, persons=5, source="x", reason="y", actor=official_1)
    assert not AuditEvent.objects.filter(action="labour_force.corrected").exists()


# ---------------------------------------------------------------------------------------------------------------------
# The shipped figures
# ---------------------------------------------------------------------------------------------------------------------
def test_the_shipped_figures_load_by_command_idempotently_and_never_overwrite_a_correction(ministry_user):
    from common.reference_data import REGIONS
    from common.services import reference_data_load

    reference_data_load(datasets=[REGIONS])
    out = io.StringIO()
    call_command("load_labour_force", stdout=out)
    assert "7 created" in out.getvalue()
    national = {f.key: f.persons for f in LabourForceFigure.objects.national()}
    assert national == {"KZ/2015/annual": 9_100_000, "KZ/2017/annual": 9_000_000, "KZ/2019/Q2": 9_200_000}
    figure = LabourForceFigure.objects.get(region__code="KZ-71")
    labour_force_correct(figure=figure, persons=521_600, source="corrected", reason="test", actor=ministry_user)
    report = labour_force_load_shipped()
    assert (report.created, report.kept, len(report.unchanged)) == ([], ["KZ-71/2017/annual"], 6)
    assert LabourForceFigure.objects.get(pk=figure.pk).persons == 521_600


def test_the_loader_refuses_a_bad_file_and_changes_nothing(tmp_path, regions):
    bad = tmp_path / "lf.csv"
    bad.write_bytes(csv_file(f"KZ-71,2023,annual,1.5,official,{SOURCE}"))
    with pytest.raises(CommandError, match="Row 2: persons must be a whole number"):
        call_command("load_labour_force", file=str(bad))
    assert not LabourForceFigure.objects.exists()


def test_the_import_command_replaces_figures_all_or_nothing(tmp_path, regions):
    LabourForceFigureFactory(region=regions["KZ-71"], year=2023, persons=650_000)
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file("KZ-71,2023,annual,700000,official", header=HEADER.replace(",source", "")))
    out = io.StringIO()
    call_command("import_labour_force", str(good), source=SOURCE, stdout=out)
    assert out.getvalue().strip() == "labour force: 0 created, 1 updated, 0 unchanged"
    assert LabourForceFigure.objects.get().persons == 700_000
    assert AuditEvent.objects.get(action="labour_force.imported").actor is None
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file(f"KZ-71,2023,annual,1,official,{SOURCE}", f"KZ-99,2023,annual,1,official,{SOURCE}"))
    with pytest.raises(CommandError, match="Row 3: there is no region"):
        call_command("import_labour_force", str(bad))
    assert LabourForceFigure.objects.get().persons == 700_000
