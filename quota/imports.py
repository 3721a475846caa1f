"""Strict imports of quota data: labour-force figures and a plan's accepted demand, from CSV or JSON rows.

Every row is read and validated before anything is written; any problem rejects the whole file with a
row-by-row list (`FileRejected`, 400 `invalid_file`), so nothing is ever half-imported. Row numbers of a CSV
file are the rows a spreadsheet shows (the header is row 1, the first data row is row 2); rows given as a
JSON list are numbered by their index, as the API's field paths are (`rows.0.persons`).

Head-counts are whole numbers written with ASCII digits only: "9100000" is accepted; "1.5", "-3", "abc",
"9e6", "9,100,000" and "9 100 000" are refused (DOMAIN §0: head-counts are integers, never rounded).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from common.models import Region
from common.validators import WHOLE_NUMBER, parse_whole_number

from .calculation import CATEGORIES
from .inputs import FIRST_STATISTICS_YEAR, MAX_PERSONS, MAX_PLACES, MAX_SOURCE_LENGTH, whole_text
from .models import NATIONAL_CODE, FigureStatus, StatisticsPeriod, period_bounds

CODE_INVALID_FILE = "invalid_file"

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000

MESSAGE_FILE_REJECTED = _(
    "The file was rejected and nothing was imported: %(count)s problem(s), listed row by row. "
    "Correct them and import the whole file again."
)
MESSAGE_NOTHING_GIVEN = _("Give either a CSV file or a list of rows.")
MESSAGE_BOTH_GIVEN = _("Give either a CSV file or a list of rows, not both.")
MESSAGE_NOT_UTF8 = _("The file is not UTF-8 text: save it as “CSV UTF-8”.")
MESSAGE_NOT_CSV = _("The file cannot be read as CSV: %(problem)s.")
MESSAGE_FILE_TOO_LARGE = _("The file is larger than %(limit)s bytes.")
MESSAGE_EMPTY_FILE = _("The file is empty: it needs a header row and at least one row.")
MESSAGE_NO_ROWS = _("There are no rows to import.")
MESSAGE_TOO_MANY_ROWS = _("There are more than %(limit)s rows.")
MESSAGE_MISSING_COLUMNS = _("Columns missing: %(columns)s. The columns are: %(expected)s.")
MESSAGE_UNKNOWN_COLUMNS = _("Unknown columns: %(columns)s. The columns are: %(expected)s.")
MESSAGE_REPEATED_COLUMNS = _("Columns named twice: %(columns)s.")
MESSAGE_ROW_LENGTH = _("Row %(row)s has %(found)s values; the header has %(expected)s.")
MESSAGE_NOT_AN_OBJECT = _("Row %(row)s is not an object of named values.")
MESSAGE_UNKNOWN_KEYS = _("Row %(row)s has unknown names: %(columns)s. The names are: %(expected)s.")
MESSAGE_REQUIRED = _("Row %(row)s: %(field)s is empty.")
MESSAGE_NOT_WHOLE_NUMBER = _(
    "Row %(row)s: %(field)s must be a whole number written with digits only — no decimals, exponent, sign or "
    "thousands separators; got “%(value)s”."
)
MESSAGE_NEGATIVE = _("Row %(row)s: %(field)s cannot be negative; got %(value)s.")
MESSAGE_BELOW_MINIMUM = _("Row %(row)s: %(field)s must be at least %(minimum)s; got %(value)s.")
MESSAGE_ABOVE_MAXIMUM = _("Row %(row)s: %(field)s must be at most %(maximum)s; got %(value)s.")
MESSAGE_INVALID_YEAR = _("Row %(row)s: year must be a year from %(minimum)s to %(maximum)s; got “%(value)s”.")
MESSAGE_INVALID_PERIOD = _("Row %(row)s: period must be one of %(choices)s; got “%(value)s”.")
MESSAGE_INVALID_STATUS = _("Row %(row)s: status must be one of %(choices)s; got “%(value)s”.")
MESSAGE_UNKNOWN_CATEGORY = _("Row %(row)s: category must be one of %(choices)s; got “%(value)s”.")
MESSAGE_TOO_LONG = _("Row %(row)s: %(field)s is longer than %(limit)s characters.")
MESSAGE_UNKNOWN_REGION = _(
    "Row %(row)s: there is no region with the code “%(value)s” (the whole country is %(national)s)."
)
MESSAGE_REGION_NOT_IN_FORCE = _(
    "Row %(row)s: region %(region)s was not in force in %(year)s %(period)s (in force %(valid_from)s – %(valid_to)s)."
)
MESSAGE_REGION_NOT_IN_PLAN = _(
    "Row %(row)s: region %(region)s is not in force on %(day)s, so it has no place in the plan for %(year)s."
)
MESSAGE_DUPLICATE_ROW = _("Row %(row)s repeats row %(first)s (%(key)s).")
MESSAGE_DEMAND_COLUMNS = _(
    "The columns are either region_code, category, places (one row per cell) or region_code, 1, 2, 3, 4, S (one row "
    "per region)."
)

# Reason codes of row problems (stable; the API's `code`).
NOT_UTF8 = "not_utf8"
NOT_CSV = "not_csv"
FILE_TOO_LARGE = "file_too_large"
EMPTY_FILE = "empty_file"
NO_ROWS = "no_rows"
TOO_MANY_ROWS = "too_many_rows"
MISSING_COLUMNS = "missing_columns"
UNKNOWN_COLUMNS = "unknown_columns"
REPEATED_COLUMNS = "repeated_columns"
ROW_LENGTH = "row_length"
NOT_AN_OBJECT = "not_an_object"
REQUIRED = "required"
NOT_WHOLE_NUMBER = "not_whole_number"
NEGATIVE = "negative"
BELOW_MINIMUM = "below_minimum"
ABOVE_MAXIMUM = "above_maximum"
INVALID_YEAR = "invalid_year"
INVALID_PERIOD = "invalid_period"
INVALID_STATUS = "invalid_status"
UNKNOWN_CATEGORY = "unknown_category"
TOO_LONG = "too_long"
UNKNOWN_REGION = "unknown_region"
REGION_NOT_IN_FORCE = "region_not_in_force"
DUPLICATE_ROW = "duplicate_row"

_DIGITS = WHOLE_NUMBER  # ASCII digits only (common.validators, shared with the forms and the API)
_NEGATIVE_DIGITS = re.compile(r"-[0-9]+")


# ---------------------------------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    """One problem of an import: its row (None for the whole file), field (None for the whole row), code, message."""

    row: int | None
    field: str | None
    code: str
    message: str

    @property
    def path(self) -> str:
        """The API's dotted field path: rows.3.persons, rows.3 (a whole row), or the file-level field."""
        if self.row is None:
            return self.field or "file"
        return f"rows.{self.row}" if self.field is None else f"rows.{self.row}.{self.field}"

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "code": self.code, "message": self.message}


class FileRejected(DomainError):
    """An import refused as a whole (400 `invalid_file`); `errors` lists every problem row by row."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = list(errors)
        super().__init__(
            MESSAGE_FILE_REJECTED % {"count": len(self.errors)}, code=CODE_INVALID_FILE, field="file", status_code=400
        )

    def as_list(self) -> list[dict]:
        return [error.as_dict() for error in self.errors]


#: A value quoted back in a message is cut here: a cell of thousands of characters is not repeated in full.
MAX_QUOTED_LENGTH = 40


def _quoted(value):
    if isinstance(value, str) and len(value) > MAX_QUOTED_LENGTH:
        return f"{value[:MAX_QUOTED_LENGTH]}…"
    return value


def _error(row, field, code, template, **params) -> RowError:
    params = {name: _quoted(value) for name, value in params.items()}
    return RowError(row=row, field=field, code=code, message=str(template % {"row": row, "field": field, **params}))


# ---------------------------------------------------------------------------------------------------------------------
# Reading a CSV file or JSON rows into numbered rows of text values
# ---------------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """Rows to validate: (row number, {column: text}) plus the columns the source named."""

    columns: tuple[str, ...]
    rows: list[tuple[int, dict[str, str]]]
    from_file: bool
    errors: list[RowError]  # rows that could not be read at all (wrong number of values, not an object)


def _file_text(file) -> str:
    if isinstance(file, str):
        return file
    data = file if isinstance(file, bytes | bytearray) else file.read(MAX_FILE_BYTES + 1)
    if isinstance(data, str):
        return data
    if len(data) > MAX_FILE_BYTES:
        raise FileRejected([_error(None, "file", FILE_TOO_LARGE, MESSAGE_FILE_TOO_LARGE, limit=MAX_FILE_BYTES)])
    try:
        return bytes(data).decode("utf-8-sig")  # spreadsheets write a byte-order mark
    except UnicodeDecodeError:
        raise FileRejected([_error(None, "file", NOT_UTF8, MESSAGE_NOT_UTF8)]) from None


def _text(value) -> str:
    """A JSON value as the text a CSV cell would hold (so both sources pass the same checks)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def read_csv(file) -> Table:
    """Read a CSV file (bytes, text or a file object; comma- or semicolon-separated) into numbered rows."""
    text = _file_text(file)
    if not text.strip():
        raise FileRejected([_error(None, "file", EMPTY_FILE, MESSAGE_EMPTY_FILE)])
    first_line = text.lstrip().splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise FileRejected([_error(None, "file", NOT_CSV, MESSAGE_NOT_CSV, problem=str(exc))]) from None
    numbered = [(number, record) for number, record in enumerate(records, start=1) if any(v.strip() for v in record)]
    if not numbered:
        raise FileRejected([_error(None, "file", EMPTY_FILE, MESSAGE_EMPTY_FILE)])
    (_, header), data = numbered[0], numbered[1:]
    columns = tuple(name.strip() for name in header)
    errors, rows = [], []
    for number, record in data:
        if len(record) != len(columns):
            errors.append(
                _error(number, None, ROW_LENGTH, MESSAGE_ROW_LENGTH, found=len(record), expected=len(columns))
            )
            continue
        rows.append((number, {name: value.strip() for name, value in zip(columns, record, strict=True)}))
    return Table(columns=columns, rows=rows, from_file=True, errors=errors)


def read_json_rows(rows, *, names: Iterable[str]) -> Table:
    """Read rows given as a JSON list of objects; each object may name only `names`."""
    names = tuple(names)
    errors, table = [], []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            errors.append(_error(index, None, NOT_AN_OBJECT, MESSAGE_NOT_AN_OBJECT))
            continue
        unknown = sorted(str(key) for key in row if key not in names)
        if unknown:
            errors.append(
                _error(
                    index,
                    None,
                    UNKNOWN_COLUMNS,
                    MESSAGE_UNKNOWN_KEYS,
                    columns=", ".join(unknown),
                    expected=", ".join(names),
                )
            )
            continue
        table.append((index, {name: _text(row.get(name)) for name in names if name in row}))
    return Table(columns=names, rows=table, from_file=False, errors=errors)


def check_columns(columns: tuple[str, ...], *, required: Iterable[str], optional: Iterable[str] = ()) -> None:
    """A file's header must name every required column, no unknown one, none twice (in any order)."""
    required, optional = tuple(required), tuple(optional)
    expected = ", ".join((*required, *optional))
    errors = []
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        errors.append(_error(None, "columns", REPEATED_COLUMNS, MESSAGE_REPEATED_COLUMNS, columns=", ".join(repeated)))
    missing = [name for name in required if name not in columns]
    if missing:
        errors.append(
            _error(
                None, "columns", MISSING_COLUMNS, MESSAGE_MISSING_COLUMNS, columns=", ".join(missing), expected=expected
            )
        )
    unknown = [name for name in columns if name not in required and name not in optional]
    if unknown:
        errors.append(
            _error(
                None, "columns", UNKNOWN_COLUMNS, MESSAGE_UNKNOWN_COLUMNS, columns=", ".join(unknown), expected=expected
            )
        )
    if errors:
        raise FileRejected(errors)


def _check_size(table: Table) -> None:
    if not table.rows and not table.errors:
        raise FileRejected([_error(None, "rows", NO_ROWS, MESSAGE_NO_ROWS)])
    if len(table.rows) > MAX_ROWS:
        raise FileRejected([_error(None, "rows", TOO_MANY_ROWS, MESSAGE_TOO_MANY_ROWS, limit=MAX_ROWS)])


def table_from(*, file=None, rows=None, names: Iterable[str]) -> Table:
    """The one entry point: exactly one of a CSV file or JSON rows."""
    if file is None and rows is None:
        raise FileRejected([_error(None, "file", REQUIRED, MESSAGE_NOTHING_GIVEN)])
    if file is not None and rows is not None:
        raise FileRejected([_error(None, "file", REQUIRED, MESSAGE_BOTH_GIVEN)])
    return read_csv(file) if file is not None else read_json_rows(rows, names=names)


# ---------------------------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------------------------
class _Invalid(Exception):
    def __init__(self, error: RowError):
        self.error = error


def whole_number(row: int, field: str, text: str, *, minimum: int, maximum: int) -> int:
    """A whole number of persons or places: ASCII digits only."""
    if text == "":
        raise _Invalid(_error(row, field, REQUIRED, MESSAGE_REQUIRED))
    if _NEGATIVE_DIGITS.fullmatch(text):
        raise _Invalid(_error(row, field, NEGATIVE, MESSAGE_NEGATIVE, value=text))
    if not _DIGITS.fullmatch(text):
        raise _Invalid(_error(row, field, NOT_WHOLE_NUMBER, MESSAGE_NOT_WHOLE_NUMBER, value=text))
    value = whole_text(text, maximum=maximum)
    if value is None:  # more digits than the maximum has: refused before int() (4,300 digits raise)
        raise _Invalid(_error(row, field, ABOVE_MAXIMUM, MESSAGE_ABOVE_MAXIMUM, maximum=maximum, value=text))
    if value < minimum:
        raise _Invalid(_error(row, field, BELOW_MINIMUM, MESSAGE_BELOW_MINIMUM, minimum=minimum, value=value))
    if value > maximum:
        raise _Invalid(_error(row, field, ABOVE_MAXIMUM, MESSAGE_ABOVE_MAXIMUM, maximum=maximum, value=value))
    return value


def _choice(row: int, field: str, text: str, choices: Iterable[str], code: str, template) -> str:
    choices = tuple(choices)
    if text == "":
        raise _Invalid(_error(row, field, REQUIRED, MESSAGE_REQUIRED))
    match = next((choice for choice in choices if choice.lower() == text.lower()), None)
    if match is None:
        raise _Invalid(_error(row, field, code, template, choices=", ".join(choices), value=text))
    return match


def _collect(errors: list[RowError], parse: Callable[[], object]):
    """Run one field's parser; record its problem and return None instead of raising."""
    try:
        return parse()
    except _Invalid as invalid:
        errors.append(invalid.error)
        return None


def _regions_by_code() -> dict[str, Region]:
    return {region.code.upper(): region for region in Region.objects.all()}


def _in_force_between(region: Region, first: date, last: date) -> bool:
    """The region was in force on at least one day of [first, last]."""
    return (region.valid_from is None or region.valid_from <= last) and (
        region.valid_to is None or region.valid_to >= first
    )


def _text_or_dash(value) -> str:
    return value.isoformat() if value else "…"


# ---------------------------------------------------------------------------------------------------------------------
# Labour-force figures
# ---------------------------------------------------------------------------------------------------------------------
LABOUR_FORCE_COLUMNS = ("region_code", "year", "period", "persons", "status", "source")
LABOUR_FORCE_JSON_NAMES = ("region", "year", "period", "persons", "status", "source")


@dataclass(frozen=True)
class FigureRow:
    """One validated labour-force row; `region` None is the national figure."""

    row: int
    region: Region | None
    year: int
    period: str
    persons: int
    status: str
    source: str

    @property
    def key(self) -> tuple[int | None, int, str]:
        return (self.region.pk if self.region else None, self.year, self.period)

    @property
    def label(self) -> str:
        return f"{self.region.code if self.region else NATIONAL_CODE}/{self.year}/{self.period}"


def parse_labour_force(*, file=None, rows=None, source: str = "") -> list[FigureRow]:
    """Validate every labour-force row (CSV columns region_code, year, period, persons, status, source; JSON names
    region, year, period, persons, status, source). `source` fills rows without one. Raises FileRejected listing
    every problem; returns the rows when there is none.

    A region must exist and be in force during the figure's period (Abai Region, from 2022-06-08, has a 2022
    annual figure; South Kazakhstan, until 2018-06-18, has none for 2019); "KZ" is the whole country.
    """
    table = table_from(file=file, rows=rows, names=LABOUR_FORCE_JSON_NAMES)
    if table.from_file:
        check_columns(table.columns, required=LABOUR_FORCE_COLUMNS[:5], optional=("source",))
    _check_size(table)
    region_field = "region_code" if table.from_file else "region"
    default_source = (source or "").strip()
    regions = _regions_by_code()
    this_year = timezone.localdate().year
    errors: list[RowError] = list(table.errors)
    parsed: list[FigureRow] = []
    first_row_of: dict[tuple, int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        code = values.get(region_field, "").upper()
        region = None
        if code == "":
            row_errors.append(_error(number, region_field, REQUIRED, MESSAGE_REQUIRED))
        elif code != NATIONAL_CODE:
            region = regions.get(code)
            if region is None:
                row_errors.append(
                    _error(
                        number,
                        region_field,
                        UNKNOWN_REGION,
                        MESSAGE_UNKNOWN_REGION,
                        value=values.get(region_field),
                        national=NATIONAL_CODE,
                    )
                )
        year = _collect(row_errors, lambda v=values, n=number: _year(n, v.get("year", ""), maximum=this_year))
        period = _collect(
            row_errors,
            lambda v=values, n=number: _choice(
                n, "period", v.get("period", ""), StatisticsPeriod.values, INVALID_PERIOD, MESSAGE_INVALID_PERIOD
            ),
        )
        persons = _collect(
            row_errors,
            lambda v=values, n=number: whole_number(n, "persons", v.get("persons", ""), minimum=1, maximum=MAX_PERSONS),
        )
        status = _collect(
            row_errors,
            lambda v=values, n=number: _choice(
                n, "status", v.get("status", ""), FigureStatus.values, INVALID_STATUS, MESSAGE_INVALID_STATUS
            ),
        )
        row_source = values.get("source", "") or default_source
        if not row_source:
            row_errors.append(_error(number, "source", REQUIRED, MESSAGE_REQUIRED))
        elif len(row_source) > MAX_SOURCE_LENGTH:
            row_errors.append(_error(number, "source", TOO_LONG, MESSAGE_TOO_LONG, limit=MAX_SOURCE_LENGTH))
        if region is not None and year is not None and period is not None:
            first, last = period_bounds(year, period)
            if not _in_force_between(region, first, last):
                row_errors.append(
                    _error(
                        number,
                        region_field,
                        REGION_NOT_IN_FORCE,
                        MESSAGE_REGION_NOT_IN_FORCE,
                        region=region.code,
                        year=year,
                        period=period,
                        valid_from=_text_or_dash(region.valid_from),
                        valid_to=_text_or_dash(region.valid_to),
                    )
                )
        if row_errors:
            errors += row_errors
            continue
        figure = FigureRow(number, region, year, period, persons, status, row_source)
        if figure.key in first_row_of:
            errors.append(
                _error(
                    number, None, DUPLICATE_ROW, MESSAGE_DUPLICATE_ROW, first=first_row_of[figure.key], key=figure.label
                )
            )
            continue
        first_row_of[figure.key] = number
        parsed.append(figure)
    if errors:
        raise FileRejected(sorted(errors, key=lambda error: (error.row is None, error.row or 0)))
    return parsed


def _year(row: int, text: str, *, maximum: int) -> int:
    if text == "":
        raise _Invalid(_error(row, "year", REQUIRED, MESSAGE_REQUIRED))
    try:
        year = parse_whole_number(text, max_digits=4)
    except ValidationError:
        year = None
    if year is None or not FIRST_STATISTICS_YEAR <= year <= maximum:
        raise _Invalid(
            _error(
                row,
                "year",
                INVALID_YEAR,
                MESSAGE_INVALID_YEAR,
                minimum=FIRST_STATISTICS_YEAR,
                maximum=maximum,
                value=text,
            )
        )
    return year


# ---------------------------------------------------------------------------------------------------------------------
# Accepted demand of a plan
# ---------------------------------------------------------------------------------------------------------------------
DEMAND_COLUMNS = ("region_code", "category", "places")
DEMAND_WIDE_COLUMNS = ("region_code", *CATEGORIES)
DEMAND_JSON_NAMES = ("region", "category", "places")


@dataclass(frozen=True)
class DemandRow:
    row: int
    region: Region
    category: str
    places: int


def parse_demand(*, file=None, rows=None, day: date, year: int) -> list[DemandRow]:
    """Validate an accepted-demand table (DOMAIN §3 step 3). A CSV file is long (region_code, category, places) or a
    wide grid (region_code, 1, 2, 3, 4, S — any of the category columns; an empty cell is zero); JSON rows are
    {region, category, places}. Regions must be in force on `day` (1 January of the plan year); a (region,
    category) pair appears once. Raises FileRejected listing every problem.
    """
    table = table_from(file=file, rows=rows, names=DEMAND_JSON_NAMES)
    wide = False
    if table.from_file:
        wide = not {"category", "places"} & set(table.columns)
        if wide and not set(CATEGORIES) & set(table.columns):
            raise FileRejected([_error(None, "columns", MISSING_COLUMNS, MESSAGE_DEMAND_COLUMNS)])
        if wide:
            check_columns(table.columns, required=("region_code",), optional=CATEGORIES)
        else:
            check_columns(table.columns, required=DEMAND_COLUMNS)
    _check_size(table)
    region_field = "region_code" if table.from_file else "region"
    regions = _regions_by_code()
    errors: list[RowError] = list(table.errors)
    parsed: list[DemandRow] = []
    first_row_of: dict[tuple, int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        region = _plan_region(number, region_field, values.get(region_field, ""), regions, day, year, row_errors)
        if wide:
            cells = []
            for category in CATEGORIES:
                if category not in values:
                    continue
                text = values[category] or "0"
                places = _collect(
                    row_errors,
                    lambda n=number, c=category, t=text: whole_number(n, c, t, minimum=0, maximum=MAX_PLACES),
                )
                cells.append((category, places))
        else:
            category = _collect(
                row_errors,
                lambda v=values, n=number: _choice(
                    n, "category", v.get("category", "").upper(), CATEGORIES, UNKNOWN_CATEGORY, MESSAGE_UNKNOWN_CATEGORY
                ),
            )
            places = _collect(
                row_errors,
                lambda v=values, n=number: whole_number(
                    n, "places", v.get("places", ""), minimum=0, maximum=MAX_PLACES
                ),
            )
            cells = [(category, places)]
        if row_errors:
            errors += row_errors
            continue
        for category, places in cells:
            key = (region.pk, category)
            if key in first_row_of:
                errors.append(
                    _error(
                        number,
                        None if not wide else category,
                        DUPLICATE_ROW,
                        MESSAGE_DUPLICATE_ROW,
                        first=first_row_of[key],
                        key=f"{region.code}/{category}",
                    )
                )
                continue
            first_row_of[key] = number
            parsed.append(DemandRow(number, region, category, places))
    if errors:
        raise FileRejected(sorted(errors, key=lambda error: (error.row is None, error.row or 0)))
    return parsed


def _plan_region(row, field, text, regions, day, year, errors) -> Region | None:
    code = text.upper()
    if code == "":
        errors.append(_error(row, field, REQUIRED, MESSAGE_REQUIRED))
        return None
    region = regions.get(code)
    if region is None:
        errors.append(_error(row, field, UNKNOWN_REGION, MESSAGE_UNKNOWN_REGION, value=text, national=NATIONAL_CODE))
        return None
    if not _in_force_between(region, day, day):
        errors.append(
            _error(row, field, REGION_NOT_IN_FORCE, MESSAGE_REGION_NOT_IN_PLAN, region=region.code, day=day, year=year)
        )
        return None
    return region
