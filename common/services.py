"""Services of the common app: state changes shared by every other app."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from knox.models import get_token_model

from .audit import record_event
from .errors import DomainError
from .models import (
    Country,
    Occupation,
    PeriodicTaskDeclaration,
    PolicyParameter,
    PolicyPeriod,
    Region,
    RegionalOfficialProfile,
    Sector,
    User,
)
from .policy import CODE_POLICY_PERIOD_NOT_AFTER_LATEST, CODE_POLICY_PERIOD_OVERLAP, clean_policy_value
from .reference_data import (
    DATASETS,
    MESSAGE_MALFORMED,
    POLICY_PARAMETERS,
    Dataset,
    DatasetReport,
    PeriodDataset,
    ReferenceDataError,
    check_period_seeds,
    read_dataset,
)
from .registry import PeriodicTaskSpec, periodic_tasks, policy_decisions, role_links
from .roles import (
    ADMINISTRATOR,
    MINISTRY_OFFICIAL,
    REGIONAL_OFFICIAL,
    ROLES,
    assigned_role,
    forget_role,
    user_role,
)

MESSAGE_ACTOR_NOT_ADMINISTRATOR = _("Only an administrator may manage users and roles.")
MESSAGE_UNKNOWN_ROLE = _("Choose one of the roles.")
MESSAGE_REGIONS_REQUIRED = _("A regional official needs at least one region.")
MESSAGE_REGIONS_ONLY_FOR_OFFICIALS = _("Only regional officials have regions.")
MESSAGE_LINK_REQUIRED = _("A user with this role must be linked: choose one.")
MESSAGE_LINK_NOT_FOR_ROLE = _("Only users of another role are linked here: leave this empty.")
MESSAGE_CANNOT_DEACTIVATE_SELF = _("You cannot deactivate your own account.")
MESSAGE_CANNOT_CHANGE_OWN_ROLE = _("You cannot change your own role: ask another administrator.")


AUDIT_BEAT_ROW_DECLARED = "beat_schedule.declared"  # setup_periodic_tasks wrote a declaration (actor: the system)
AUDIT_BEAT_ROW_SAVED = "beat_schedule.saved"  # an administrator's edit in the admin
AUDIT_BEAT_ROW_DELETED = "beat_schedule.deleted"


@dataclass
class PeriodicTasksReport:
    """What `periodic_tasks_setup` did, by task name."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # the declaration changed: applied to the row
    edits_kept: list[str] = field(default_factory=list)  # the row differs from an unchanged declaration
    undeclared: list[str] = field(default_factory=list)  # rows set up earlier whose declaration is gone


def _spec_of_row(row: PeriodicTask, declared: PeriodicTaskSpec) -> PeriodicTaskSpec | None:
    """The spec the row now says (None when it is no longer a crontab), to tell an administrator's edit."""
    if row.crontab is None or any(getattr(row, kind) for kind in ("interval", "solar", "clocked")):
        return None
    try:
        return PeriodicTaskSpec(
            name=declared.name,
            task=row.task,
            minute=row.crontab.minute,
            hour=row.crontab.hour,
            day_of_month=row.crontab.day_of_month,
            month_of_year=row.crontab.month_of_year,
            day_of_week=row.crontab.day_of_week,
            timezone=str(row.crontab.timezone),
            kwargs=json.loads(row.kwargs or "{}"),
            description=row.description,
        )
    except (TypeError, ValueError):  # kwargs or a field an administrator made unreadable: an edit all the same
        return None


def _apply_spec(row: PeriodicTask, spec: PeriodicTaskSpec) -> PeriodicTask:
    """Set the declared fields only: enabled, expiry, queue and the like stay as an administrator left them."""
    fields = spec.crontab_fields()
    schedule = CrontabSchedule.objects.filter(**fields).order_by("pk").first() or CrontabSchedule.objects.create(
        **fields
    )
    row.name = spec.name
    row.task = spec.task
    row.crontab = schedule
    row.interval = row.solar = row.clocked = None
    row.one_off = False
    row.kwargs = json.dumps(dict(spec.kwargs), sort_keys=True)
    row.description = spec.description
    row.full_clean()
    row.save()
    return row


def _declared_state(spec: PeriodicTaskSpec) -> dict[str, Any]:
    return {"task": spec.task, **spec.crontab_fields(), "kwargs": dict(spec.kwargs), "spec_hash": spec.spec_hash()}


@transaction.atomic
def periodic_tasks_setup(*, specs: Iterable[PeriodicTaskSpec] | None = None) -> PeriodicTasksReport:
    """Write the registered beat schedules (common.registry) as django-celery-beat rows; idempotent.

    A missing row is created. An existing row remembers the hash of the spec it was last set from
    (PeriodicTaskDeclaration): when the declaration has changed since, it is applied to the row (the code
    moved on); when it has not, the row is left as an administrator edited it (STYLE.md "Celery": admin
    edits last). A row from before hashes were stored is adopted as it stands.
    """
    specs = periodic_tasks() if specs is None else list(specs)
    report = PeriodicTasksReport()
    declarations = {d.name: d for d in PeriodicTaskDeclaration.objects.select_related("periodic_task")}
    for spec in specs:
        spec_hash = spec.spec_hash()
        declaration = declarations.get(spec.name)
        row = declaration.periodic_task if declaration else PeriodicTask.objects.filter(name=spec.name).first()
        if row is None:
            row = _apply_spec(PeriodicTask(), spec)
            report.created.append(spec.name)
            record_event(actor=None, action=AUDIT_BEAT_ROW_DECLARED, obj=row, after=_declared_state(spec))
        elif declaration is not None and declaration.spec_hash != spec_hash:
            stood = _spec_of_row(row, spec)  # what the row said, an administrator's edit included
            before = {**(_declared_state(stood) if stood else {}), "spec_hash": declaration.spec_hash}
            _apply_spec(row, spec)
            report.updated.append(spec.name)
            after = _declared_state(spec)
            record_event(actor=None, action=AUDIT_BEAT_ROW_DECLARED, obj=row, before=before, after=after)
        elif _spec_of_row(row, spec) != spec:
            report.edits_kept.append(spec.name)
        if declaration is None:
            PeriodicTaskDeclaration.objects.create(name=spec.name, periodic_task=row, spec_hash=spec_hash)
        elif declaration.spec_hash != spec_hash:
            declaration.spec_hash = spec_hash
            declaration.save(update_fields=["spec_hash", "applied_at"])
    declared_names = {spec.name for spec in specs}
    report.undeclared = sorted(name for name in declarations if name not in declared_names)
    return report


# What beat itself rewrites on every run: not an administrator's change.
BEAT_VOLATILE_FIELDS = {"last_run_at", "total_run_count", "date_changed"}


def _beat_row_state(obj) -> dict[str, Any]:
    state = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.attname in BEAT_VOLATILE_FIELDS:
            continue
        value = model_field.value_from_object(obj)
        plain = value is None or isinstance(value, str | int | float | bool | date)
        state[model_field.attname] = value if plain else str(value)  # a ZoneInfo, a Decimal: their text
    return state


@transaction.atomic
def beat_schedule_row_save(*, obj, actor) -> None:
    """Save an administrator's edit of a django-celery-beat row (a periodic task or a schedule) and audit it.

    The Django admin's one editable corner (common/admin.py); the event holds the fields that changed.
    """
    stored = type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None
    before = _beat_row_state(stored) if stored is not None else {}
    obj.full_clean()
    obj.save()
    after = _beat_row_state(obj)
    changed = sorted(name for name in after if before.get(name) != after[name] or name not in before)
    if changed:
        record_event(
            actor=actor,
            action=AUDIT_BEAT_ROW_SAVED,
            obj=obj,
            before={name: before[name] for name in changed if name in before},
            after={name: after[name] for name in changed},
        )


@transaction.atomic
def beat_schedule_row_delete(*, obj, actor) -> None:
    """Delete a django-celery-beat row from the admin and audit it (a schedule takes its periodic tasks along)."""
    record_event(actor=actor, action=AUDIT_BEAT_ROW_DELETED, obj=obj, before=_beat_row_state(obj))
    obj.delete()


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------
AUDIT_REFERENCE_DATA_LOADED = "reference_data.loaded"
LOADED_KEYS_IN_EVENT = 300  # enough for every country; the trail stays small


@transaction.atomic
def reference_data_load(
    *, datasets: Iterable[Dataset | PeriodDataset] | None = None, paths: dict[str, Path] | None = None
) -> list[DatasetReport]:
    """Insert the reference rows that are missing; never overwrite a stored row, report how it differs.

    Every file is read and validated first, and the policy periods checked against their parameters
    (those in the files and those stored) and against each other — ReferenceDataError on any
    problem, so a malformed file changes nothing; all datasets load in one transaction. Each dataset
    that inserted something leaves one summary audit event (actor: the system).
    """
    datasets = list(DATASETS if datasets is None else datasets)
    paths = paths or {}
    parsed = [(dataset, read_dataset(dataset, paths.get(dataset.name))) for dataset in datasets]
    seeds = [seed for dataset, rows in parsed if isinstance(dataset, PeriodDataset) for seed in rows]
    if seeds:
        parameter_types = {
            (values["name"], values["key"]): values["value_type"]
            for dataset, rows in parsed
            if dataset is POLICY_PARAMETERS
            for values in rows
        }
        # What is stored wins: an official's parameter is what its periods are checked against.
        parameter_types.update({(p.name, p.key): p.value_type for p in PolicyParameter.objects.all()})
        problems = check_period_seeds(seeds, parameter_types)
        if problems:
            raise ReferenceDataError(MESSAGE_MALFORMED + "\n" + "\n".join(problems[:10]))
    reports = []
    for dataset, rows in parsed:
        report = dataset.write(rows)
        if report.inserted:
            record_event(
                actor=None,
                action=AUDIT_REFERENCE_DATA_LOADED,
                after={
                    "dataset": dataset.name,
                    "file": dataset.filename,
                    "inserted": len(report.inserted),
                    "keys": report.inserted[:LOADED_KEYS_IN_EVENT],
                    "kept_as_edited": len({c[0] for c in report.conflicts}),
                },
            )
        reports.append(report)
    return reports


# ---------------------------------------------------------------------------------------------
# Users and roles (administrators only; DOMAIN §10)
# ---------------------------------------------------------------------------------------------
def _require_administrator(actor) -> None:
    """Services re-check the actor; `None` is the system itself (management commands, seeding)."""
    if actor is not None and user_role(actor) != ADMINISTRATOR:
        raise PermissionDenied(MESSAGE_ACTOR_NOT_ADMINISTRATOR)


def _check_role_inputs(*, role: str, regions: list[Region], links: dict) -> None:
    errors = {}
    if role not in ROLES:
        errors["role"] = MESSAGE_UNKNOWN_ROLE
    if role == REGIONAL_OFFICIAL and not regions:
        errors["regions"] = MESSAGE_REGIONS_REQUIRED
    elif role != REGIONAL_OFFICIAL and regions:
        errors["regions"] = MESSAGE_REGIONS_ONLY_FOR_OFFICIALS
    for link in role_links():
        target = links.get(link.name)
        if link.role == role and target is None:
            errors[link.name] = MESSAGE_LINK_REQUIRED
        elif link.role != role and target is not None:
            errors[link.name] = MESSAGE_LINK_NOT_FOR_ROLE
    if errors:
        raise ValidationError(errors)


def _apply_role(*, user: User, role: str, regions: list[Region], links: dict, actor) -> None:
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    user.groups.add(Group.objects.get(name=role))
    forget_role(user)
    if role == REGIONAL_OFFICIAL:
        profile, _ = RegionalOfficialProfile.objects.get_or_create(user=user)
        profile.regions.set(regions)
    else:
        RegionalOfficialProfile.objects.filter(user=user).delete()
    for link in role_links():
        link.set(user=user, target=links.get(link.name) if link.role == role else None, actor=actor)
    forget_role(user)


def _role_state(user: User) -> dict:
    """A user's role, regions and links as identifiers: what audit events record (never personal data)."""
    profile = RegionalOfficialProfile.objects.filter(user=user).first()
    links = {}
    for link in role_links():
        target = link.get(user)
        links[link.name] = target.pk if target is not None else None
    return {
        "role": assigned_role(user),
        "region_ids": sorted(profile.regions.values_list("pk", flat=True)) if profile else [],
        "links": links,
        "is_active": user.is_active,
    }


def _set_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    regions: Iterable[Region] = (),
    links: dict | None = None,
    actor,
) -> User:
    """Create a user with exactly one role (and its regions or link), after the password validators."""
    _require_administrator(actor)
    regions, links = list(regions), dict(links or {})
    _check_role_inputs(role=role, regions=regions, links=links)
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    _set_password(user, password)
    user.full_clean()
    user.save()
    _apply_role(user=user, role=role, regions=regions, links=links, actor=actor)
    record_event(actor=actor, action="user.created", obj=user, after=_role_state(user))
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    actor,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    password: str | None = None,
    role: str | None = None,
    regions: Iterable[Region] | None = None,
    links: dict | None = None,
) -> User:
    """Change a user's details, password or role. A role change drops the old role's regions and link."""
    _require_administrator(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _role_state(user)
    changed_fields = []
    for name, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        if value is not None and value != getattr(user, name):
            setattr(user, name, value)
            changed_fields.append(name)
    if password:
        _set_password(user, password)
        changed_fields.append("password")
    user.full_clean()
    user.save()

    current_role = assigned_role(user)
    new_role = role or current_role
    if actor is not None and actor.pk == user.pk and new_role != current_role:
        # Otherwise the last administrator could leave nobody to manage users.
        raise ValidationError({"role": MESSAGE_CANNOT_CHANGE_OWN_ROLE})
    role_inputs_given = role is not None or regions is not None or links is not None
    if role_inputs_given:
        if regions is None:
            regions = list(user.regional_profile.regions.all()) if new_role == current_role == REGIONAL_OFFICIAL else []
        current_links = {link.name: link.get(user) for link in role_links()}
        merged = {**(current_links if new_role == current_role else {}), **(links or {})}
        regions = list(regions)
        _check_role_inputs(role=new_role, regions=regions, links=merged)
        _apply_role(user=user, role=new_role, regions=regions, links=merged, actor=actor)
    after = _role_state(user)
    if after != before:
        record_event(actor=actor, action="user.role_changed", obj=user, before=before, after=after)
    if changed_fields:
        # Which details changed, not their values: the trail holds no copies of personal data.
        record_event(actor=actor, action="user.details_changed", obj=user, after={"fields": changed_fields})
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor) -> User:
    """Deactivate (never delete): sessions stop authenticating at once, API tokens are deleted."""
    _require_administrator(actor)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(MESSAGE_CANNOT_DEACTIVATE_SELF, code="cannot_deactivate_self")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_event(
            actor=actor, action="user.deactivated", obj=user, before={"is_active": True}, after={"is_active": False}
        )
    get_token_model().objects.filter(user=user).delete()
    return user


@transaction.atomic
def user_reactivate(*, user: User, actor) -> User:
    _require_administrator(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_event(
            actor=actor, action="user.reactivated", obj=user, before={"is_active": False}, after={"is_active": True}
        )
    return user


# ---------------------------------------------------------------------------------------------
# Policy parameters and reference lists: ministry officials (DOMAIN §0, §10)
# ---------------------------------------------------------------------------------------------
MESSAGE_ACTOR_NOT_MINISTRY = _("Only a ministry official may change policy parameters and reference data.")
MESSAGE_POLICY_PERIOD_NOT_AFTER_LATEST = _(
    "A new period of %(parameter)s must start after the start of its latest period (%(valid_from)s): "
    "past periods are never changed."
)
MESSAGE_POLICY_PERIOD_OVERLAP = _(
    "The latest period of %(parameter)s runs until %(valid_to)s: a new period must start after that day."
)
MESSAGE_SOURCE_REQUIRED = _("Name the source of the value: a URL or a document.")
MESSAGE_POLICY_PERIOD_REASON_REQUIRED = _(
    "This period starts in the past (before %(today)s): state the reason for adding it. What was already decided "
    "keeps the value it was decided with."
)
CODE_POLICY_PERIOD_REASON_REQUIRED = "policy_period_reason_required"
MESSAGE_NOT_A_NAME_FIELD = _("Only the names can be changed here.")

AUDIT_POLICY_PERIOD_ADDED = "policy.period_added"
AUDIT_POLICY_PARAMETER_CHANGED = "policy.parameter_changed"
AUDIT_REFERENCE_NAMES_CHANGED = "reference_data.names_changed"

# The fields of each reference list that officials may correct (codes and flags come from the files).
REFERENCE_NAME_FIELDS: dict[type, tuple[str, ...]] = {
    Country: ("name_en", "name_ru", "name_kk"),
    Sector: ("name_en", "name_ru", "name_kk"),
    Occupation: ("title_en", "title_ru", "title_kk"),
}


def _require_ministry_official(actor) -> None:
    """Services re-check the actor; `None` is the system itself (management commands, seeding)."""
    if actor is not None and user_role(actor) != MINISTRY_OFFICIAL:
        raise PermissionDenied(MESSAGE_ACTOR_NOT_MINISTRY)


def policy_period_state(period: PolicyPeriod) -> dict:
    """A period as the audit trail records it."""
    return {
        "id": period.pk,
        "valid_from": period.valid_from.isoformat(),
        "valid_to": period.valid_to.isoformat() if period.valid_to else None,
        "value": period.value,
        "to_be_confirmed": period.to_be_confirmed,
        "source": period.source,
    }


@transaction.atomic
def policy_period_add(
    *,
    parameter: PolicyParameter,
    valid_from: date,
    value: Any,
    source: str,
    to_be_confirmed: bool = False,
    actor,
    reason: str = "",
) -> PolicyPeriod:
    """Add a period to a parameter (DOMAIN §0): it starts after the latest period's start and closes
    the open latest period the day before; a latest period with a fixed end on or after the new
    start is an overlap (409). Nothing else about a past period ever changes.

    A period starting before today (Asia/Almaty) needs a stated `reason` (400 on the field `reason` without
    one, DOMAIN §9); the audit event records it with the decisions already taken under the old value from
    that day on (common.registry policy decision sources). They keep their value: decisions store a snapshot.

    The parameter row is locked first, so two officials adding periods at once are serialised:
    the second sees the first's period and is judged against it.
    """
    _require_ministry_official(actor)
    parameter = PolicyParameter.objects.select_for_update().get(pk=parameter.pk)
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": MESSAGE_SOURCE_REQUIRED})
    latest = parameter.periods.order_by("-valid_from").first()
    if latest is not None and valid_from <= latest.valid_from:
        raise DomainError(
            MESSAGE_POLICY_PERIOD_NOT_AFTER_LATEST % {"parameter": parameter, "valid_from": latest.valid_from},
            code=CODE_POLICY_PERIOD_NOT_AFTER_LATEST,
            field="valid_from",
        )
    if latest is not None and latest.valid_to is not None and latest.valid_to >= valid_from:
        raise DomainError(
            MESSAGE_POLICY_PERIOD_OVERLAP % {"parameter": parameter, "valid_to": latest.valid_to},
            code=CODE_POLICY_PERIOD_OVERLAP,
            field="valid_from",
        )
    stored = clean_policy_value(
        name=parameter.name,
        value_type=parameter.value_type,
        value=value,
        previous=latest.value if latest is not None else None,
    )
    reason = (reason or "").strip()
    today = timezone.localdate()
    starts_in_past = valid_from < today
    if starts_in_past and not reason:
        raise DomainError(
            MESSAGE_POLICY_PERIOD_REASON_REQUIRED % {"today": today.isoformat()},
            code=CODE_POLICY_PERIOD_REASON_REQUIRED,
            field="reason",
            status_code=400,
        )
    before, after = [], []
    if latest is not None and latest.valid_to is None:
        before.append(policy_period_state(latest))
        PolicyPeriod.objects.close_open_period(parameter=parameter, valid_to=valid_from - timedelta(days=1))
        latest.refresh_from_db()
        after.append(policy_period_state(latest))
    period = PolicyPeriod(
        parameter=parameter,
        valid_from=valid_from,
        value=stored,
        to_be_confirmed=to_be_confirmed,
        source=source,
        created_by=actor,
    )
    period.full_clean()
    period.save()
    after.append(policy_period_state(period))
    recorded_after = {"parameter": str(parameter), "periods": after}
    if starts_in_past:
        recorded_after["decisions_kept"] = [
            {"label": str(decision.label), "on": decision.on.isoformat(), "value": decision.value, "url": decision.url}
            for decision in policy_decisions(name=parameter.name, key=parameter.key, date_from=valid_from)
        ]
    record_event(
        actor=actor,
        action=AUDIT_POLICY_PERIOD_ADDED,
        obj=parameter,
        before={"parameter": str(parameter), "periods": before},
        after=recorded_after,
        reason=reason,
    )
    return period


@transaction.atomic
def policy_parameter_update(
    *, parameter: PolicyParameter, description: str | None = None, rule_reference: str | None = None, actor
) -> PolicyParameter:
    """Correct a parameter's description or rule reference (data shown to users; never its name or type)."""
    _require_ministry_official(actor)
    parameter = PolicyParameter.objects.select_for_update().get(pk=parameter.pk)
    before = {"description": parameter.description, "rule_reference": parameter.rule_reference}
    if description is not None:
        parameter.description = description.strip()
    if rule_reference is not None:
        parameter.rule_reference = rule_reference.strip()
    parameter.full_clean()
    after = {"description": parameter.description, "rule_reference": parameter.rule_reference}
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        parameter.save(update_fields=changed)
        record_event(
            actor=actor,
            action=AUDIT_POLICY_PARAMETER_CHANGED,
            obj=parameter,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return parameter


@transaction.atomic
def reference_names_update(*, obj: Country | Sector | Occupation, names: dict[str, str], actor, reason: str = ""):
    """Correct the names of a country, sector or occupation (never its code or flags). A reload of the
    reference data keeps the correction and reports it as "kept as edited"."""
    _require_ministry_official(actor)
    model = type(obj)
    fields = REFERENCE_NAME_FIELDS[model]
    if set(names) - set(fields):
        raise ValidationError(dict.fromkeys(set(names) - set(fields), MESSAGE_NOT_A_NAME_FIELD))
    obj = model.objects.select_for_update().get(pk=obj.pk)
    before = {name: getattr(obj, name) for name in fields}
    for name, value in names.items():
        setattr(obj, name, (value or "").strip())
    obj.full_clean()
    changed = [name for name in fields if getattr(obj, name) != before[name]]
    if changed:
        obj.save(update_fields=changed)
        record_event(
            actor=actor,
            action=AUDIT_REFERENCE_NAMES_CHANGED,
            obj=obj,
            before={name: before[name] for name in changed},
            after={name: getattr(obj, name) for name in changed},
            reason=reason,
        )
    return obj
