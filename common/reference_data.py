"""Reference data shipped with the product (common/data/*.csv) and how each file maps to the database.

One dataset per file. Loading (common.services.reference_data_load) is strict and idempotent:
every row of every file is parsed and validated — and the policy files checked against each other
and against the parameters already stored — before anything is written, so a malformed file changes
nothing; rows whose key is missing are inserted; existing rows are never overwritten (an official
may have edited them) and differences are reported as conflicts ("kept as edited").

Two kinds of dataset:
- `Dataset`: one CSV row = one model row with a natural key (regions, countries, sectors,
  occupations, policy parameters).
- `PeriodDataset`: a file that yields periods of policy parameters (policy_periods.csv, and the
  MCI and fee tables mci.csv and permit_fees.csv, copied from the reference data's clean folder).
  A period is identified by (parameter, valid_from); a file period that would overlap a stored one
  (an official added a newer period) is not inserted and is reported as a conflict.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from .models import Country, Occupation, PolicyParameter, PolicyPeriod, Region, Sector
from .policy import P, parameter_label, parse_policy_text

DATA_DIR = Path(__file__).resolve().parent / "data"

MESSAGE_MALFORMED = "Malformed reference data; nothing was changed."


class ReferenceDataError(Exception):
    """A reference file is missing or malformed; the message names the file, line and problem."""


@dataclass
class DatasetReport:
    name: str
    inserted: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[tuple[str, str, object, object]] = field(default_factory=list)  # key, field, stored, in file

    def summary(self) -> str:
        return (
            f"{self.name}: {len(self.inserted)} inserted, {self.unchanged} unchanged, "
            f"{len({c[0] for c in self.conflicts})} kept as edited (differ from the file)"
        )


def _raise_problems(problems: list[str]) -> None:
    if problems:
        shown = problems[:10] + ([f"… and {len(problems) - 10} more"] if len(problems) > 10 else [])
        raise ReferenceDataError(MESSAGE_MALFORMED + "\n" + "\n".join(shown))


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, raw row) of every data row, after checking the exact header and column counts."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, strict=True)
            header = tuple(reader.fieldnames or ())
            if header != columns:
                raise ReferenceDataError(
                    f"{path.name}: the header is {', '.join(header) or '(empty)'}; expected {', '.join(columns)}."
                )
            raw_rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceDataError(f"{path.name}: cannot be read ({exc}).") from exc
    problems, rows = [], []
    for line, raw in enumerate(raw_rows, start=2):
        if None in raw or None in raw.values():
            problems.append(f"{path.name}, line {line}: expected {len(columns)} columns")
        else:
            rows.append((line, raw))
    if not raw_rows:
        problems.append(f"{path.name}: no rows")
    _raise_problems(problems)
    return rows


# ---------------------------------------------------------------------------------------------
# Model datasets: one row = one model row
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    name: str
    filename: str
    model: type
    key: str | tuple[str, ...]  # natural key: model field(s), unique together, and CSV column(s)
    columns: tuple[str, ...]  # the exact header
    parse: Callable[[dict[str, str]], dict]  # one CSV row -> model field values; raises ValueError
    unique: tuple[str, ...] = ()  # other fields that must not repeat within the file
    label: Callable[[dict], str] | None = None  # how a row's key is shown in reports

    @property
    def path(self) -> Path:
        return DATA_DIR / self.filename

    @property
    def key_fields(self) -> tuple[str, ...]:
        return (self.key,) if isinstance(self.key, str) else self.key

    def key_of(self, values: dict) -> tuple:
        return tuple(values[name] for name in self.key_fields)

    def label_of(self, values: dict) -> str:
        return self.label(values) if self.label else " ".join(str(v) for v in self.key_of(values))

    def check_file(self, rows: list[tuple[int, dict]], path: Path) -> list[str]:
        """Problems that only the whole file shows (e.g. a sub-major group without its major group)."""
        return []

    def read(self, path: Path | None = None) -> list[dict]:
        """Parse and validate every row; raise ReferenceDataError naming the problems, before any write."""
        path = Path(path or self.path)
        problems, rows = [], []
        seen: dict[str, dict] = {name: {} for name in (*self.key_fields, *self.unique)}
        keys_seen: dict[tuple, int] = {}
        for line, raw in _read_csv(path, self.columns):
            try:
                values = self.parse(raw)
                self.model(**values).full_clean(validate_unique=False, validate_constraints=False)
            except ValueError as exc:
                problems.append(f"{path.name}, line {line}: {exc}")
                continue
            except ValidationError as exc:
                details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
                problems.append(f"{path.name}, line {line}: {details}")
                continue
            key = self.key_of(values)
            if key in keys_seen:
                shown = " ".join(str(part) for part in key)
                names = ", ".join(self.key_fields)
                problems.append(f"{path.name}, line {line}: {names} {shown} repeats line {keys_seen[key]}")
                continue
            keys_seen[key] = line
            repeated = [name for name in self.unique if values[name] in seen[name]]
            if repeated:
                name = repeated[0]
                first = seen[name][values[name]]
                problems.append(f"{path.name}, line {line}: {name} {values[name]} repeats line {first}")
                continue
            for name in self.unique:
                seen[name][values[name]] = line
            rows.append((line, values))
        problems += self.check_file(rows, path)
        _raise_problems(problems)
        return [values for _line, values in rows]

    def write(self, rows: list[dict]) -> DatasetReport:
        """Insert the rows whose key is missing; never overwrite a stored row, report how it differs."""
        report = DatasetReport(name=self.name)
        stored = {self.key_of({n: getattr(obj, n) for n in self.key_fields}): obj for obj in self.model.objects.all()}
        missing = []
        for values in rows:
            obj = stored.get(self.key_of(values))
            if obj is None:
                missing.append(self.model(**values))
                report.inserted.append(self.label_of(values))
                continue
            differences = [
                (name, getattr(obj, name), value) for name, value in values.items() if getattr(obj, name) != value
            ]
            if differences:
                report.conflicts += [(self.label_of(values), name, old, new) for name, old, new in differences]
            else:
                report.unchanged += 1
        self.model.objects.bulk_create(missing)
        return report


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # Python 3.11 also accepts 20200101 and 2020-W01-1: not here


def _optional_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        if not _ISO_DATE.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def _required_date(row: dict[str, str], column: str) -> date:
    return _optional_date(_required(row, column))  # type: ignore[return-value]  # never None: not empty


def _required(row: dict[str, str], column: str) -> str:
    value = row[column].strip()
    if not value:
        raise ValueError(f"{column} is empty")
    return value


def _choice(row: dict[str, str], column: str, choices) -> str:
    value = _required(row, column)
    if value not in choices:
        raise ValueError(f"{column} {value!r} is not one of {', '.join(choices)}")
    return value


def _boolean(row: dict[str, str], column: str) -> bool:
    return _choice(row, column, ("true", "false")) == "true"


def _whole_number(row: dict[str, str], column: str) -> int:
    value = _required(row, column)
    if not value.isdigit():
        raise ValueError(f"{column} {value!r} is not a whole number")
    return int(value)


def _matching(row: dict[str, str], column: str, pattern: re.Pattern, what: str) -> str:
    value = _required(row, column)
    if not pattern.match(value):
        raise ValueError(f"{column} {value!r} is not {what}")
    return value


# Regions -------------------------------------------------------------------------------------
_REGION_CODE = re.compile(r"^KZ-[A-Z0-9]{2,3}$")


def parse_region(row: dict[str, str]) -> dict:
    code = _matching(row, "code", _REGION_CODE, "an ISO 3166-2:KZ code")
    kind = _choice(row, "kind", Region.Kind.values)
    values = {
        "code": code,
        "kind": kind,
        "name_en": _required(row, "name_en"),
        "name_kk": _required(row, "name_kk"),
        "name_ru": _required(row, "name_ru"),
        "admin_centre_en": row["admin_centre_en"].strip(),
        "valid_from": _optional_date(row["valid_from"]),
        "valid_to": _optional_date(row["valid_to"]),
    }
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        raise ValueError("valid_to is before valid_from")
    return values


REGIONS = Dataset(
    name="regions",
    filename="regions.csv",
    model=Region,
    key="code",
    columns=("code", "kind", "name_en", "name_kk", "name_ru", "admin_centre_en", "valid_from", "valid_to"),
    parse=parse_region,
)


# Countries (ISO 3166-1, EAEU flag) -------------------------------------------------------------
def parse_country(row: dict[str, str]) -> dict:
    member = _boolean(row, "eaeu_member")
    since = _optional_date(row["eaeu_member_since"])
    if member and since is None:
        raise ValueError("eaeu_member_since is empty for an EAEU member")
    if not member and since is not None:
        raise ValueError("eaeu_member_since is given for a country that is not an EAEU member")
    return {
        "alpha_2": _matching(row, "alpha_2", re.compile(r"^[A-Z]{2}$"), "two capital letters"),
        "alpha_3": _matching(row, "alpha_3", re.compile(r"^[A-Z]{3}$"), "three capital letters"),
        "numeric": _matching(row, "numeric", re.compile(r"^\d{3}$"), "three digits"),
        "name_en": _required(row, "name_en"),
        "name_ru": _required(row, "name_ru"),
        "name_kk": _required(row, "name_kk"),
        "eaeu_member": member,
        "eaeu_member_since": since,
    }


COUNTRIES = Dataset(
    name="countries",
    filename="countries.csv",
    model=Country,
    key="alpha_2",
    unique=("alpha_3", "numeric"),
    # The sourced file as published (pycountry + EAEU columns); official/common names and the note are not loaded.
    columns=(
        "alpha_2",
        "alpha_3",
        "numeric",
        "name_en",
        "official_name_en",
        "common_name_en",
        "name_ru",
        "name_kk",
        "eaeu_member",
        "eaeu_member_since",
        "eaeu_note",
    ),
    parse=parse_country,
)


# Sectors (OKED sections -> fee groups) ---------------------------------------------------------
def parse_sector(row: dict[str, str]) -> dict:
    return {
        "oked_section": _matching(row, "oked_section", re.compile(r"^[A-Z]$"), "an OKED section letter"),
        "name_en": _required(row, "name_en"),
        "name_ru": _required(row, "name_ru"),
        "name_kk": _required(row, "name_kk"),
        "fee_group": _choice(row, "fee_group", Sector.FeeGroup.values),
        "fee_group_status": _choice(row, "fee_group_status", Sector.FeeGroupStatus.values),
    }


SECTORS = Dataset(
    name="sectors",
    filename="sectors.csv",
    model=Sector,
    key="oked_section",
    columns=("oked_section", "name_en", "name_ru", "name_kk", "fee_group", "fee_group_status", "note"),
    parse=parse_sector,
)


# Occupations (ISCO-08 major and sub-major groups) ----------------------------------------------
def parse_occupation(row: dict[str, str]) -> dict:
    code = _matching(row, "isco08_code", re.compile(r"^\d{1,2}$"), "a 1- or 2-digit ISCO-08 code")
    level = _choice(row, "level", Occupation.Level.values)
    if (level == Occupation.Level.MAJOR) != (len(code) == 1):
        raise ValueError(f"isco08_code {code!r} does not fit level {level!r} (major: 1 digit, sub-major: 2)")
    return {
        "isco08_code": code,
        "level": level,
        "title_en": _required(row, "title_en"),
        "title_ru": _required(row, "title_ru"),
        "title_kk": _required(row, "title_kk"),
    }


@dataclass(frozen=True)
class OccupationDataset(Dataset):
    """Sub-major groups get their major group (the code's first digit) as parent once both exist.
    The file is self-contained: every sub-major group's major group is in it."""

    def check_file(self, rows, path):
        majors = {values["isco08_code"] for _line, values in rows if values["level"] == Occupation.Level.MAJOR}
        return [
            f"{path.name}, line {line}: sub-major group {values['isco08_code']} has no major group "
            f"{values['isco08_code'][0]}"
            for line, values in rows
            if values["level"] == Occupation.Level.SUB_MAJOR and values["isco08_code"][0] not in majors
        ]

    def write(self, rows):
        report = super().write(rows)
        majors = {o.isco08_code: o for o in Occupation.objects.filter(level=Occupation.Level.MAJOR)}
        orphans = Occupation.objects.filter(level=Occupation.Level.SUB_MAJOR, parent__isnull=True)
        for occupation in orphans:
            occupation.parent = majors[occupation.isco08_code[0]]
            occupation.save(update_fields=["parent"])
        return report


OCCUPATIONS = OccupationDataset(
    name="occupations",
    filename="occupations.csv",
    model=Occupation,
    key="isco08_code",
    columns=("isco08_code", "level", "title_en", "title_ru", "title_kk"),
    parse=parse_occupation,
)


# Policy parameters -----------------------------------------------------------------------------
_PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_policy_parameter(row: dict[str, str]) -> dict:
    return {
        "name": _matching(row, "name", _PARAMETER_NAME, "a lower-case name (letters, digits, _)"),
        "key": row["key"].strip(),
        "value_type": _choice(row, "value_type", PolicyParameter.ValueType.values),
        "description": row["description"].strip(),
        "rule_reference": row["rule_reference"].strip(),
    }


POLICY_PARAMETERS = Dataset(
    name="policy_parameters",
    filename="policy_parameters.csv",
    model=PolicyParameter,
    key=("name", "key"),
    columns=("name", "key", "value_type", "description", "rule_reference"),
    parse=parse_policy_parameter,
    label=lambda values: parameter_label(values["name"], values["key"]),
)


# ---------------------------------------------------------------------------------------------
# Period datasets: files that yield periods of policy parameters
# ---------------------------------------------------------------------------------------------
@dataclass
class PeriodSeed:
    """One period from a file, before its value is checked against its parameter's type."""

    name: str
    key: str
    valid_from: date
    valid_to: date | None
    text: str  # the value as text: "0.250", "2778", "true", '{"90": 12}'
    to_be_confirmed: bool
    source: str
    where: str  # "file, line N" for messages
    value: Any = None  # the stored JSON form, once checked

    @property
    def label(self) -> str:
        return f"{parameter_label(self.name, self.key)} from {self.valid_from.isoformat()}"

    def overlaps(self, valid_from: date, valid_to: date | None) -> bool:
        return (valid_to is None or self.valid_from <= valid_to) and (
            self.valid_to is None or valid_from <= self.valid_to
        )


def _span(valid_from: date, valid_to: date | None) -> str:
    return f"{valid_from.isoformat()}…{valid_to.isoformat() if valid_to else ''}"


@dataclass(frozen=True)
class PeriodDataset:
    name: str
    filename: str
    columns: tuple[str, ...]
    # (path, [(line, raw row)]) -> (seeds, problems); a row's ValueError is reported with its line.
    seeds: Callable[[Path, list[tuple[int, dict[str, str]]]], tuple[list[PeriodSeed], list[str]]]

    @property
    def path(self) -> Path:
        return DATA_DIR / self.filename

    def read(self, path: Path | None = None) -> list[PeriodSeed]:
        path = Path(path or self.path)
        seeds, problems = self.seeds(path, _read_csv(path, self.columns))
        _raise_problems(problems)
        return seeds

    def write(self, seeds: list[PeriodSeed]) -> DatasetReport:
        """Insert the periods that are missing, unless one would overlap a stored period (then: a conflict)."""
        report = DatasetReport(name=self.name)
        parameters = {(p.name, p.key): p for p in PolicyParameter.objects.all()}
        stored: dict[int, list[PolicyPeriod]] = defaultdict(list)
        for period in PolicyPeriod.objects.filter(parameter__in=parameters.values()):
            stored[period.parameter_id].append(period)
        new = []
        for seed in seeds:
            parameter = parameters[(seed.name, seed.key)]
            same_start = next((p for p in stored[parameter.pk] if p.valid_from == seed.valid_from), None)
            if same_start is not None:
                differences = [
                    (name, getattr(same_start, name), getattr(seed, name))
                    for name in ("valid_to", "value", "to_be_confirmed", "source")
                    if getattr(same_start, name) != getattr(seed, name)
                ]
                report.conflicts += [(seed.label, *difference) for difference in differences]
                report.unchanged += not differences
                continue
            overlapping = next((p for p in stored[parameter.pk] if seed.overlaps(p.valid_from, p.valid_to)), None)
            if overlapping is not None:
                # An official added a period the file does not know: theirs stands.
                stored_span = _span(overlapping.valid_from, overlapping.valid_to)
                report.conflicts.append((seed.label, "period", stored_span, _span(seed.valid_from, seed.valid_to)))
                continue
            period = PolicyPeriod(
                parameter=parameter,
                valid_from=seed.valid_from,
                valid_to=seed.valid_to,
                value=seed.value,
                to_be_confirmed=seed.to_be_confirmed,
                source=seed.source,
            )
            stored[parameter.pk].append(period)
            new.append(period)
            report.inserted.append(seed.label)
        PolicyPeriod.objects.bulk_create(new)
        return report


def _row_seeds(path, rows, parse_row) -> tuple[list[PeriodSeed], list[str]]:
    seeds, problems = [], []
    for line, raw in rows:
        try:
            seeds.append(parse_row(raw, f"{path.name}, line {line}"))
        except ValueError as exc:
            problems.append(f"{path.name}, line {line}: {exc}")
    return seeds, problems


def _dates(row: dict[str, str]) -> tuple[date, date | None]:
    valid_from, valid_to = _required_date(row, "valid_from"), _optional_date(row["valid_to"])
    if valid_to is not None and valid_to < valid_from:
        raise ValueError("valid_to is before valid_from")
    return valid_from, valid_to


def _policy_period_row(row: dict[str, str], where: str) -> PeriodSeed:
    valid_from, valid_to = _dates(row)
    return PeriodSeed(
        name=_matching(row, "name", _PARAMETER_NAME, "a lower-case name (letters, digits, _)"),
        key=row["key"].strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        text=_required(row, "value"),
        to_be_confirmed=_boolean(row, "to_be_confirmed"),
        source=_required(row, "source"),
        where=where,
    )


POLICY_PERIODS = PeriodDataset(
    name="policy_periods",
    filename="policy_periods.csv",
    columns=("name", "key", "valid_from", "valid_to", "value", "to_be_confirmed", "source"),
    seeds=lambda path, rows: _row_seeds(path, rows, _policy_period_row),
)

MCI_STATUSES = ("official", "to be confirmed")


def _mci_row(row: dict[str, str], where: str) -> PeriodSeed:
    valid_from, valid_to = _dates(row)
    return PeriodSeed(
        name=P.MCI_KZT,
        key="",
        valid_from=valid_from,
        valid_to=valid_to,
        text=str(_whole_number(row, "mci_kzt")),
        to_be_confirmed=_choice(row, "status", MCI_STATUSES) != "official",
        source=_required(row, "source"),
        where=where,
    )


MCI = PeriodDataset(
    name="mci",
    filename="mci.csv",
    columns=("valid_from", "valid_to", "mci_kzt", "status", "source"),
    seeds=lambda path, rows: _row_seeds(path, rows, _mci_row),
)

FEE_STATUSES = ("official", "derived from tenge amounts", "to be confirmed")
FULL_SEASON_DAYS = 365  # a seasonal rate without bands covers the whole season (up to 12 months)


def _fee_seeds(path: Path, rows: list[tuple[int, dict[str, str]]]) -> tuple[list[PeriodSeed], list[str]]:
    """permit_fees.csv: rates per fee group × category, and seasonal bands, each in force until the next.

    The file has start dates only: a rate runs until the day before the next rate of the same
    group and category (or the next seasonal table), the last one stays open.
    """
    problems: list[str] = []
    rates: dict[tuple[str, date], PeriodSeed] = {}
    seasons: dict[date, list[tuple[int, int, str, bool, str]]] = defaultdict(list)  # start -> bands
    seen: dict[tuple, int] = {}
    for line, raw in rows:
        where = f"{path.name}, line {line}"
        try:
            valid_from = _required_date(raw, "valid_from")
            group = _choice(raw, "fee_group", ("A", "B", "C", "any"))
            category = _choice(raw, "category", ("1", "2", "3", "4", "S"))
            days_text = raw["season_max_days"].strip()
            rate = _whole_number(raw, "rate_mci")
            confirmed = _choice(raw, "status", FEE_STATUSES) == "official"
            source = _required(raw, "source")
            if days_text and not days_text.isdigit():
                raise ValueError(f"season_max_days {days_text!r} is not a whole number")
            if (group == "any") != (category == "S") or (days_text and category != "S"):
                raise ValueError("seasonal rates (category S) have fee group 'any'; others a fee group A, B or C")
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        identity = (valid_from, group, category, days_text)
        if identity in seen:
            problems.append(f"{where}: valid_from, fee_group, category, season_max_days repeat line {seen[identity]}")
            continue
        seen[identity] = line
        if category == "S":
            seasons[valid_from].append((int(days_text or FULL_SEASON_DAYS), rate, where, confirmed, source))
        else:
            key = f"{group}:{category}"
            rates[(key, valid_from)] = PeriodSeed(
                name=P.PERMIT_FEE_RATE_MCI,
                key=key,
                valid_from=valid_from,
                valid_to=None,
                text=str(rate),
                to_be_confirmed=not confirmed,
                source=source,
                where=where,
            )
    seeds = list(rates.values())
    for valid_from, bands in seasons.items():
        value = {str(days): rate for days, rate, *_ in sorted(bands)}
        sources = list(dict.fromkeys(source for *_, source in bands))
        seeds.append(
            PeriodSeed(
                name=P.SEASONAL_FEE_BANDS_MCI,
                key="",
                valid_from=valid_from,
                valid_to=None,
                text=json.dumps(value),
                to_be_confirmed=not all(confirmed for *_, confirmed, _source in bands),
                source=" ; ".join(sources),
                where=bands[0][2],
            )
        )
    # Each period runs until the day before the next one of the same parameter.
    by_parameter: dict[tuple[str, str], list[PeriodSeed]] = defaultdict(list)
    for seed in seeds:
        by_parameter[(seed.name, seed.key)].append(seed)
    for chain in by_parameter.values():
        chain.sort(key=lambda s: s.valid_from)
        for earlier, later in itertools.pairwise(chain):
            earlier.valid_to = later.valid_from - timedelta(days=1)
    return seeds, problems


PERMIT_FEES = PeriodDataset(
    name="permit_fees",
    filename="permit_fees.csv",
    columns=("valid_from", "fee_group", "category", "season_max_days", "rate_mci", "status", "source"),
    seeds=_fee_seeds,
)


def check_period_seeds(seeds: list[PeriodSeed], parameter_types: dict[tuple[str, str], str]) -> list[str]:
    """Cross-file checks before any write: each period names a known parameter, its value fits the
    parameter's type, and no two file periods of one parameter overlap. Sets each seed's `value`."""
    problems = []
    by_parameter: dict[tuple[str, str], list[PeriodSeed]] = defaultdict(list)
    for seed in seeds:
        value_type = parameter_types.get((seed.name, seed.key))
        if value_type is None:
            problems.append(f"{seed.where}: no policy parameter {parameter_label(seed.name, seed.key)}")
            continue
        try:
            seed.value = parse_policy_text(name=seed.name, value_type=value_type, text=seed.text)
        except ValidationError as exc:
            problems.append(f"{seed.where}: value {seed.text!r}: {' '.join(exc.messages)}")
            continue
        by_parameter[(seed.name, seed.key)].append(seed)
    for chain in by_parameter.values():
        chain.sort(key=lambda s: s.valid_from)
        for earlier, later in itertools.pairwise(chain):
            if later.overlaps(earlier.valid_from, earlier.valid_to):
                problems.append(
                    f"{later.where}: {later.label} overlaps {_span(earlier.valid_from, earlier.valid_to)} "
                    f"({earlier.where})"
                )
    return problems


# Loaded in this order: parameters before their periods.
DATASETS: list[Dataset | PeriodDataset] = [
    REGIONS,
    COUNTRIES,
    SECTORS,
    OCCUPATIONS,
    POLICY_PARAMETERS,
    POLICY_PERIODS,
    MCI,
    PERMIT_FEES,
]
POLICY_DATASETS = [POLICY_PARAMETERS, POLICY_PERIODS, MCI, PERMIT_FEES]


def read_dataset(dataset: Dataset | PeriodDataset, path: Path | None = None) -> list:
    """Parse and validate every row of one file; raise ReferenceDataError before any write."""
    return dataset.read(path)
