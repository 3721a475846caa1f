"""Every write of the quota app (STYLE.md): labour-force statistics and the annual quota plan.

Ministry officials write quota data (DOMAIN §10); services re-check the actor because commands call them too
(`actor=None` is the system itself: loaders and seeders). Each change records its audit event in its own
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import record_event
from common.roles import MINISTRY_OFFICIAL, user_role

from .imports import MAX_PERSONS, MAX_SOURCE_LENGTH, FigureRow, parse_labour_force
from .models import LabourForceFigure

SHIPPED_LABOUR_FORCE = Path(__file__).resolve().parent / "data" / "labour_force.csv"

MESSAGE_MINISTRY_ONLY = _("Only a ministry official may change labour-force statistics and quota plans.")
MESSAGE_PERSONS_RANGE = _("The labour force must be a whole number of persons from 1 to %(maximum)s.")
MESSAGE_SOURCE_REQUIRED = _("Name the source of the figure.")
MESSAGE_SOURCE_TOO_LONG = _("The source is longer than %(limit)s characters.")
MESSAGE_REASON_REQUIRED = _("Give the reason for the correction.")
MESSAGE_UNKNOWN_STATUS = _("Choose official or illustrative.")


def _require_ministry(actor) -> None:
    if actor is not None and user_role(actor) != MINISTRY_OFFICIAL:
        raise PermissionDenied(MESSAGE_MINISTRY_ONLY)


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


# ---------------------------------------------------------------------------------------------------------------------
# Labour-force statistics (DOMAIN §1)
# ---------------------------------------------------------------------------------------------------------------------
@dataclass
class LabourForceImportReport:
    """What an import or load did; keys look like "KZ-71/2019/Q2"."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # loads only: stored figures that differ from the file

    def as_dict(self) -> dict:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "kept": len(self.kept),
            "created_keys": self.created,
            "updated_keys": self.updated,
        }

    def summary(self) -> str:
        return (
            f"labour force: {len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.kept)} kept as edited (differ from the file)"
        )


def _stored_figures(rows: list[FigureRow]) -> dict[tuple, LabourForceFigure]:
    years = {row.year for row in rows}
    stored = LabourForceFigure.objects.filter(year__in=years).select_for_update()
    return {(figure.region_id, figure.year, figure.period): figure for figure in stored}


def _new_figure(row: FigureRow, actor) -> LabourForceFigure:
    figure = LabourForceFigure(
        region=row.region,
        year=row.year,
        period=row.period,
        persons=row.persons,
        status=row.status,
        source=row.source,
        created_by=actor,
        updated_by=actor,
    )
    figure.full_clean(validate_unique=False, validate_constraints=False)  # the database holds uniqueness
    return figure


def _differs(figure: LabourForceFigure, row: FigureRow) -> bool:
    return (figure.persons, figure.status, figure.source) != (row.persons, row.status, row.source)


@transaction.atomic
def labour_force_import(
    *, file=None, rows=None, source: str = "", filename: str = "", actor
) -> LabourForceImportReport:
    """Import labour-force figures from a CSV file or JSON rows (quota.imports.parse_labour_force): every row is
    validated first and any problem rejects the whole import (FileRejected, nothing written); then each figure is
    created, or updated when (region, year, period) exists. One audit event per import, with its counts and the
    before/after of every updated figure."""
    _require_ministry(actor)
    parsed = parse_labour_force(file=file, rows=rows, source=source)
    actor = _user(actor)
    stored = _stored_figures(parsed)
    report = LabourForceImportReport()
    new, changed, changes = [], [], []
    now = timezone.now()
    for row in parsed:
        figure = stored.get(row.key)
        if figure is None:
            new.append(_new_figure(row, actor))
            report.created.append(row.label)
        elif _differs(figure, row):
            changes.append({"key": row.label, "before": figure.as_record()})
            figure.persons, figure.status, figure.source = row.persons, row.status, row.source
            figure.updated_by, figure.updated_at = actor, now
            figure.full_clean(validate_unique=False, validate_constraints=False)
            changes[-1]["after"] = figure.as_record()
            changed.append(figure)
            report.updated.append(row.label)
        else:
            report.unchanged.append(row.label)
    LabourForceFigure.objects.bulk_create(new)
    LabourForceFigure.objects.bulk_update(changed, ["persons", "status", "source", "updated_by", "updated_at"])
    record_event(
        actor=actor,
        action="labour_force.imported",
        before={"updated": [{"key": c["key"], **c["before"]} for c in changes]},
        after={
            "rows": len(parsed),
            "created": len(report.created),
            "updated": len(report.updated),
            "unchanged": len(report.unchanged),
            "created_keys": report.created,
            "updated_figures": [{"key": c["key"], **c["after"]} for c in changes],
            "filename": filename or None,
        },
        reason=filename,
    )
    return report


@transaction.atomic
def labour_force_correct(
    *, figure: LabourForceFigure, persons: int, source: str, reason: str, status: str | None = None, actor
) -> LabourForceFigure:
    """Correct one figure (persons, its source, optionally its status), with a reason; audited before/after."""
    _require_ministry(actor)
    figure = LabourForceFigure.objects.select_for_update().select_related("region").get(pk=figure.pk)
    errors = {}
    if isinstance(persons, bool) or not isinstance(persons, int) or not 1 <= persons <= MAX_PERSONS:
        errors["persons"] = MESSAGE_PERSONS_RANGE % {"maximum": MAX_PERSONS}
    source = (source or "").strip()
    if not source:
        errors["source"] = MESSAGE_SOURCE_REQUIRED
    elif len(source) > MAX_SOURCE_LENGTH:
        errors["source"] = MESSAGE_SOURCE_TOO_LONG % {"limit": MAX_SOURCE_LENGTH}
    status = figure.status if status in (None, "") else status
    if status not in LabourForceFigure.Status.values:
        errors["status"] = MESSAGE_UNKNOWN_STATUS
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = MESSAGE_REASON_REQUIRED
    if errors:
        raise ValidationError(errors)
    before = figure.as_record()
    figure.persons, figure.source, figure.status = persons, source, status
    if figure.as_record() == before:
        return figure
    figure.updated_by = _user(actor)
    figure.full_clean(validate_unique=False, validate_constraints=False)
    figure.save()
    record_event(
        actor=_user(actor),
        action="labour_force.corrected",
        obj=figure,
        before={"key": figure.key, **before},
        after={"key": figure.key, **figure.as_record()},
        reason=reason,
    )
    return figure


@transaction.atomic
def labour_force_load_shipped(*, path: Path | None = None) -> LabourForceImportReport:
    """Load the published figures shipped in quota/data/labour_force.csv (idempotent, by the system): create the
    missing ones, never overwrite a stored figure (an official may have corrected it) and report how it differs. A
    malformed file changes nothing (FileRejected). Needs the regions loaded first (`load_reference_data`)."""
    with open(path or SHIPPED_LABOUR_FORCE, "rb") as handle:
        parsed = parse_labour_force(file=handle)
    stored = _stored_figures(parsed)
    report = LabourForceImportReport()
    new = []
    for row in parsed:
        figure = stored.get(row.key)
        if figure is None:
            new.append(_new_figure(row, None))
            report.created.append(row.label)
        elif _differs(figure, row):
            report.kept.append(row.label)
        else:
            report.unchanged.append(row.label)
    LabourForceFigure.objects.bulk_create(new)
    if new:
        record_event(
            actor=None, action="labour_force.loaded", after=report.as_dict(), reason="quota/data/labour_force.csv"
        )
    return report
