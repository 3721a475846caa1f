"""Beat schedules: apps register specs, `setup_periodic_tasks` writes them (issue 14 item 9).

A missing row is created; a declaration changed since the last setup is applied to its row; an unchanged
declaration leaves an administrator's edit alone (STYLE.md "Celery": admin edits last).
"""

import dataclasses
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from common import registry
from common.models import AuditEvent, PeriodicTaskDeclaration
from common.periodic import CLEAR_EXPIRED_SESSIONS, PURGE_EXPIRED_API_TOKENS
from common.registry import PeriodicTaskSpec, periodic_tasks, register_periodic_task
from common.services import AUDIT_BEAT_ROW_DECLARED, periodic_tasks_setup

# The 1st of each month at 00:30 in Almaty: a business period, declared in Almaty's zone.
MONTHLY = PeriodicTaskSpec(
    name="Test monthly report",
    task="common.clear_expired_sessions",
    minute="30",
    hour="0",
    day_of_month="1",
    day_of_week="*",
    timezone="Asia/Almaty",
    kwargs={"report_type": "quota_usage"},
    description="Monthly: a test schedule.",
)


def setup(**kwargs) -> str:
    out = StringIO()
    call_command("setup_periodic_tasks", stdout=out, **kwargs)
    return out.getvalue()


def row(name: str) -> PeriodicTask:
    return PeriodicTask.objects.select_related("crontab").get(name=name)


def crontab_of(task: PeriodicTask) -> tuple:
    c = task.crontab
    return (c.minute, c.hour, c.day_of_month, c.month_of_year, c.day_of_week, str(c.timezone))


@pytest.fixture
def declared(monkeypatch):
    """Declare specs for one test: `declared(spec, ...)` replaces the registered ones with these."""

    def declare(*specs):
        monkeypatch.setattr(registry, "_periodic_tasks", {spec.name: spec for spec in specs})

    return declare


# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------
def test_common_registers_its_two_tasks_in_utc():
    specs = {spec.name: spec for spec in periodic_tasks()}
    assert specs["Clear expired sessions"] == CLEAR_EXPIRED_SESSIONS
    assert specs["Purge expired API tokens"] == PURGE_EXPIRED_API_TOKENS
    assert crontab_fields(CLEAR_EXPIRED_SESSIONS) == ("0", "21", "*", "*", "*", "UTC")
    assert crontab_fields(PURGE_EXPIRED_API_TOKENS) == ("10", "21", "*", "*", "*", "UTC")


def crontab_fields(spec: PeriodicTaskSpec) -> tuple:
    f = spec.crontab_fields()
    return (f["minute"], f["hour"], f["day_of_month"], f["month_of_year"], f["day_of_week"], f["timezone"])


def test_every_registered_spec_names_a_celery_task():
    from config.celery import app

    app.loader.import_default_modules()
    missing = [spec.task for spec in periodic_tasks() if spec.task not in app.tasks]
    assert missing == []


def test_registering_is_idempotent_and_a_second_spec_under_one_name_is_refused(declared):
    declared(MONTHLY)
    register_periodic_task(MONTHLY)
    assert periodic_tasks() == [MONTHLY]
    with pytest.raises(ValueError, match="already registered"):
        register_periodic_task(dataclasses.replace(MONTHLY, hour="1"))


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"timezone": "Asia/Nowhere"}, ValueError),
        ({"hour": "24"}, ValueError),
        ({"day_of_month": "32"}, ValueError),
        ({"day_of_week": "funday"}, ValueError),
        ({"kwargs": {"when": object()}}, TypeError),
    ],
)
def test_a_spec_beat_could_not_read_is_refused_when_declared(change, error):
    with pytest.raises(error):
        dataclasses.replace(MONTHLY, **change)


def test_the_spec_hash_covers_every_declared_field():
    hashes = {MONTHLY.spec_hash()}
    for change in (
        {"task": "other.task"},
        {"minute": "31"},
        {"hour": "1"},
        {"day_of_month": "2"},
        {"month_of_year": "1"},
        {"day_of_week": "mon"},
        {"timezone": "UTC"},
        {"kwargs": {"report_type": "other"}},
        {"description": "Another text."},
    ):
        hashes.add(dataclasses.replace(MONTHLY, **change).spec_hash())
    assert len(hashes) == 10
    assert dataclasses.replace(MONTHLY).spec_hash() == MONTHLY.spec_hash()


# ---------------------------------------------------------------------------------------------
# setup_periodic_tasks
# ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_setup_creates_every_registered_row_with_its_full_crontab():
    out = setup()
    assert "Periodic tasks created: 2" in out
    sessions = row("Clear expired sessions")
    assert sessions.task == "common.clear_expired_sessions"
    assert crontab_of(sessions) == ("0", "21", "*", "*", "*", "UTC")
    assert crontab_of(row("Purge expired API tokens")) == ("10", "21", "*", "*", "*", "UTC")
    assert sessions.declaration.spec_hash == CLEAR_EXPIRED_SESSIONS.spec_hash()
    assert sessions.enabled
    event = AuditEvent.objects.for_object(sessions).get(action=AUDIT_BEAT_ROW_DECLARED)
    assert (event.actor_id, event.after["hour"], event.after["timezone"]) == (None, "21", "UTC")


@pytest.mark.django_db
def test_setup_stores_the_time_zone_day_of_month_and_kwargs(declared):
    declared(MONTHLY)
    setup()
    task = row(MONTHLY.name)
    assert crontab_of(task) == ("30", "0", "1", "*", "*", "Asia/Almaty")
    assert task.crontab.timezone == ZoneInfo("Asia/Almaty")
    assert task.crontab.schedule.tz == ZoneInfo("Asia/Almaty")  # what beat reads: Almaty's 1st, 00:30
    assert json.loads(task.kwargs) == {"report_type": "quota_usage"}
    assert task.description == "Monthly: a test schedule."


@pytest.mark.django_db
def test_setup_run_again_changes_nothing():
    setup()
    before = list(PeriodicTask.objects.order_by("pk").values())
    schedules = CrontabSchedule.objects.count()
    out = setup()
    assert "Periodic tasks created: 0" in out
    assert "Periodic tasks updated: 0" in out
    assert list(PeriodicTask.objects.order_by("pk").values()) == before
    assert CrontabSchedule.objects.count() == schedules
    assert AuditEvent.objects.filter(action=AUDIT_BEAT_ROW_DECLARED).count() == 2  # the two creations only
    assert PeriodicTaskDeclaration.objects.count() == 2


@pytest.mark.django_db
def test_an_administrators_edit_of_an_unchanged_declaration_is_kept():
    setup()
    task = row("Clear expired sessions")
    task.crontab = CrontabSchedule.objects.create(minute="45", hour="3", timezone="Asia/Almaty")
    task.enabled = False
    task.description = "Moved to 03:45 Almaty by the operator."
    task.save()
    out = setup()
    assert "Clear expired sessions: edited in the admin, declaration unchanged (edit kept)" in out
    task = row("Clear expired sessions")
    assert crontab_of(task) == ("45", "3", "*", "*", "*", "Asia/Almaty")
    assert task.enabled is False
    assert task.description == "Moved to 03:45 Almaty by the operator."
    assert periodic_tasks_setup().edits_kept == ["Clear expired sessions"]


@pytest.mark.django_db
def test_a_changed_declaration_is_applied_and_its_hash_stored(declared):
    setup()
    task = row("Clear expired sessions")
    task.crontab = CrontabSchedule.objects.create(minute="45", hour="3", timezone="UTC")
    task.enabled = False  # not part of the declaration: survives the update
    task.save()
    moved = dataclasses.replace(
        CLEAR_EXPIRED_SESSIONS, hour="2", minute="15", timezone="Asia/Almaty", day_of_week="1-5"
    )
    declared(moved, PURGE_EXPIRED_API_TOKENS)
    out = setup()
    assert "Periodic tasks updated: 1 (Clear expired sessions)" in out
    task = row("Clear expired sessions")
    assert crontab_of(task) == ("15", "2", "*", "*", "1-5", "Asia/Almaty")
    assert task.enabled is False
    assert task.declaration.spec_hash == moved.spec_hash()
    event = AuditEvent.objects.for_object(task).filter(action=AUDIT_BEAT_ROW_DECLARED).latest("sequence")
    assert (event.before["hour"], event.before["minute"]) == ("3", "45")  # the edit it replaced
    assert (event.after["hour"], event.after["timezone"], event.after["spec_hash"]) == (
        "2",
        "Asia/Almaty",
        moved.spec_hash(),
    )
    assert PeriodicTask.objects.filter(name="Clear expired sessions").count() == 1
    # Once applied, the new declaration is "unchanged": a later edit of it is kept again.
    task.crontab = CrontabSchedule.objects.create(minute="5", hour="4", timezone="Asia/Almaty")
    task.save()
    assert periodic_tasks_setup().updated == []
    assert crontab_of(row("Clear expired sessions"))[:2] == ("5", "4")


@pytest.mark.django_db
def test_the_declared_row_is_found_after_an_administrator_renamed_it(declared):
    setup()
    PeriodicTask.objects.filter(name="Clear expired sessions").update(name="Sessions (renamed)")
    assert periodic_tasks_setup().created == []
    assert PeriodicTask.objects.filter(task="common.clear_expired_sessions").count() == 1
    declared(dataclasses.replace(CLEAR_EXPIRED_SESSIONS, hour="22"), PURGE_EXPIRED_API_TOKENS)
    assert periodic_tasks_setup().updated == ["Clear expired sessions"]
    assert crontab_of(row("Clear expired sessions"))[:2] == ("0", "22")


@pytest.mark.django_db
def test_a_row_from_before_spec_hashes_is_adopted_as_it_stands(declared):
    """Rows created by the earlier get_or_create command carry no hash: an edit in them is kept."""
    edited = CrontabSchedule.objects.create(minute="30", hour="20", timezone="UTC")
    PeriodicTask.objects.create(name="Clear expired sessions", task="common.clear_expired_sessions", crontab=edited)
    report = periodic_tasks_setup()
    assert (report.created, report.updated, report.edits_kept) == (
        ["Purge expired API tokens"],
        [],
        ["Clear expired sessions"],
    )
    assert crontab_of(row("Clear expired sessions"))[:2] == ("30", "20")
    assert row("Clear expired sessions").declaration.spec_hash == CLEAR_EXPIRED_SESSIONS.spec_hash()
    declared(dataclasses.replace(CLEAR_EXPIRED_SESSIONS, minute="5"), PURGE_EXPIRED_API_TOKENS)
    assert periodic_tasks_setup().updated == ["Clear expired sessions"]
    assert crontab_of(row("Clear expired sessions"))[:2] == ("5", "21")


@pytest.mark.django_db
def test_a_deleted_row_is_created_again_and_an_undeclared_one_reported(declared):
    setup()
    PeriodicTask.objects.filter(name="Clear expired sessions").delete()
    assert periodic_tasks_setup().created == ["Clear expired sessions"]
    declared(CLEAR_EXPIRED_SESSIONS)
    out = setup()
    assert "Purge expired API tokens: no longer declared by any app" in out
    assert PeriodicTask.objects.filter(name="Purge expired API tokens").exists()  # left for the administrator
