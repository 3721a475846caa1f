"""Services of the common app: state changes shared by every other app."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from knox.models import get_token_model

from .audit import record_event
from .models import Region, RegionalOfficialProfile, User
from .periodic import PERIODIC_TASKS
from .reference_data import DATASETS, Dataset, DatasetReport, read_dataset
from .registry import role_links
from .roles import ADMINISTRATOR, REGIONAL_OFFICIAL, ROLES, assigned_role, forget_role, user_role

MESSAGE_ACTOR_NOT_ADMINISTRATOR = _("Only an administrator may manage users and roles.")
MESSAGE_UNKNOWN_ROLE = _("Choose one of the roles.")
MESSAGE_REGIONS_REQUIRED = _("A regional official needs at least one region.")
MESSAGE_REGIONS_ONLY_FOR_OFFICIALS = _("Only regional officials have regions.")
MESSAGE_LINK_REQUIRED = _("A user with this role must be linked: choose one.")
MESSAGE_LINK_NOT_FOR_ROLE = _("Only users of another role are linked here: leave this empty.")
MESSAGE_CANNOT_DEACTIVATE_SELF = _("You cannot deactivate your own account.")
MESSAGE_CANNOT_CHANGE_OWN_ROLE = _("You cannot change your own role: ask another administrator.")


@transaction.atomic
def periodic_tasks_setup() -> list[str]:
    """Create the declared beat schedules that do not exist yet; return the names created."""
    created_names = []
    for spec in PERIODIC_TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=spec.minute, hour=spec.hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
        )
        _, created = PeriodicTask.objects.get_or_create(
            name=spec.name, defaults={"task": spec.task, "crontab": schedule, "description": spec.description}
        )
        if created:
            created_names.append(spec.name)
    return created_names


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def reference_data_load(
    *, datasets: Iterable[Dataset] | None = None, paths: dict[str, Path] | None = None
) -> list[DatasetReport]:
    """Insert the reference rows that are missing; never overwrite a stored row, report how it differs.

    Every file is read and validated first (ReferenceDataError on any problem), so a malformed file
    changes nothing; all datasets load in one transaction.
    """
    datasets = list(DATASETS if datasets is None else datasets)
    paths = paths or {}
    parsed = [(dataset, read_dataset(dataset, paths.get(dataset.name))) for dataset in datasets]
    reports = []
    for dataset, rows in parsed:
        report = DatasetReport(name=dataset.name)
        stored = {getattr(obj, dataset.key): obj for obj in dataset.model.objects.all()}
        missing = []
        for values in rows:
            key = values[dataset.key]
            obj = stored.get(key)
            if obj is None:
                missing.append(dataset.model(**values))
                report.inserted.append(key)
                continue
            differences = [
                (name, getattr(obj, name), value) for name, value in values.items() if getattr(obj, name) != value
            ]
            if differences:
                report.conflicts += [(key, name, old, new) for name, old, new in differences]
            else:
                report.unchanged += 1
        dataset.model.objects.bulk_create(missing)
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
