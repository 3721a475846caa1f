"""Reference data shipped with the product (common/data/*.csv) and how each file maps to a model.

One `Dataset` per file. Loading (common.services.reference_data_load) is strict and idempotent:
every row of every file is parsed and validated before anything is written, so a malformed file
changes nothing; rows whose key is missing are inserted; existing rows are never overwritten (an
official may have edited them) and differences are reported as conflicts. Step 3 adds countries,
sectors and occupations by appending to DATASETS.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError

from .models import Region

DATA_DIR = Path(__file__).resolve().parent / "data"


class ReferenceDataError(Exception):
    """A reference file is missing or malformed; the message names the file, line and problem."""


@dataclass(frozen=True)
class Dataset:
    name: str
    filename: str
    model: type
    key: str  # natural key: a model field, unique, and a CSV column
    columns: tuple[str, ...]  # the exact header
    parse: Callable[[dict[str, str]], dict]  # one CSV row -> model field values; raises ValueError

    @property
    def path(self) -> Path:
        return DATA_DIR / self.filename


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


def _optional_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def _required(row: dict[str, str], column: str) -> str:
    value = row[column].strip()
    if not value:
        raise ValueError(f"{column} is empty")
    return value


_REGION_CODE = re.compile(r"^KZ-[A-Z0-9]{2,3}$")


def parse_region(row: dict[str, str]) -> dict:
    code = _required(row, "code")
    if not _REGION_CODE.match(code):
        raise ValueError(f"code {code!r} is not an ISO 3166-2:KZ code")
    kind = _required(row, "kind")
    if kind not in Region.Kind.values:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(Region.Kind.values)}")
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

DATASETS: list[Dataset] = [REGIONS]


def read_dataset(dataset: Dataset, path: Path | None = None) -> list[dict]:
    """Parse and validate every row; raise ReferenceDataError naming the first problems, before any write."""
    path = Path(path or dataset.path)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, strict=True)
            header = tuple(reader.fieldnames or ())
            if header != dataset.columns:
                raise ReferenceDataError(
                    f"{path.name}: the header is {', '.join(header) or '(empty)'}; "
                    f"expected {', '.join(dataset.columns)}."
                )
            raw_rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceDataError(f"{path.name}: cannot be read ({exc}).") from exc

    problems, rows, seen = [], [], {}
    for line, raw in enumerate(raw_rows, start=2):
        if None in raw or None in raw.values():
            problems.append(f"{path.name}, line {line}: expected {len(dataset.columns)} columns")
            continue
        try:
            values = dataset.parse(raw)
            dataset.model(**values).full_clean(validate_unique=False, validate_constraints=False)
        except ValueError as exc:
            problems.append(f"{path.name}, line {line}: {exc}")
            continue
        except ValidationError as exc:
            details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
            problems.append(f"{path.name}, line {line}: {details}")
            continue
        key = values[dataset.key]
        if key in seen:
            problems.append(f"{path.name}, line {line}: {dataset.key} {key} repeats line {seen[key]}")
            continue
        seen[key] = line
        rows.append(values)
    if not rows and not problems:
        problems.append(f"{path.name}: no rows")
    if problems:
        shown = problems[:10] + ([f"… and {len(problems) - 10} more"] if len(problems) > 10 else [])
        raise ReferenceDataError("Malformed reference data; nothing was changed.\n" + "\n".join(shown))
    return rows
