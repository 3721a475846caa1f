"""The Django admin changes nothing except the beat schedules (STYLE.md "Access control"; issue 14 item 7).

Every write goes through a service that checks the actor and writes the audit trail; a ModelAdmin saves
directly, so every registered admin must refuse add, change and delete — even to a superuser — unless
it is listed in EDITABLE below with its reason. The parametrisation is read from the admin registry, so
an admin registered later is tested without editing this file.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from common.admin import AuditedBeatAdminMixin, ReadOnlyAdminMixin
from common.models import AuditEvent, Region
from common.services import AUDIT_BEAT_ROW_DELETED, AUDIT_BEAT_ROW_SAVED
from tests.common.factories import RegionFactory

# The admins administrators may write through (their saves and deletes are audited), and why.
EDITABLE = {
    # STYLE.md "Celery": schedules are rows an administrator may edit, and setup_periodic_tasks keeps the edit.
    "django_celery_beat.PeriodicTask",
    # A periodic task's schedule is one of these rows: editing a time means choosing or adding one.
    "django_celery_beat.CrontabSchedule",
    "django_celery_beat.IntervalSchedule",
    "django_celery_beat.ClockedSchedule",
    "django_celery_beat.SolarSchedule",
}


def registered(site: AdminSite = admin.site) -> dict[str, admin.ModelAdmin]:
    return {model._meta.label: model_admin for model, model_admin in site._registry.items()}


def writes_allowed(model_admin: admin.ModelAdmin, request) -> list[str]:
    """Which of add, change and delete this admin allows the request's user."""
    checks = {
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_change_permission(request),
        "delete": model_admin.has_delete_permission(request),
    }
    return [name for name, allowed in checks.items() if allowed]


def writable_admins(site: AdminSite, request) -> list[str]:
    """Registered admins that let the request's user write and are not in EDITABLE."""
    return sorted(
        label
        for label, model_admin in registered(site).items()
        if label not in EDITABLE and writes_allowed(model_admin, request)
    )


READ_ONLY = sorted(set(registered()) - EDITABLE)


@pytest.fixture
def superuser_request(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    return request


@pytest.mark.django_db
@pytest.mark.parametrize("label", READ_ONLY)
def test_admin_refuses_every_write_to_a_superuser(label, superuser_request):
    model_admin = registered()[label]
    assert writes_allowed(model_admin, superuser_request) == []
    assert model_admin.has_view_permission(superuser_request)  # still a window on the data
    assert not model_admin.get_actions(superuser_request)  # no "delete selected"


@pytest.mark.django_db
@pytest.mark.parametrize("label", READ_ONLY)
def test_admin_add_page_answers_403_to_a_superuser(label, admin_client):
    app_label, model_name = label.lower().split(".")
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_admin_change_and_delete_pages_refuse_a_superuser(admin_client, admin_user):
    region = RegionFactory(code="KZ-71")
    for url in (
        reverse("admin:common_user_change", args=[admin_user.pk]),
        reverse("admin:common_region_change", args=[region.pk]),
    ):
        assert admin_client.get(url).status_code == 200  # the view-only page
        assert admin_client.post(url, {"username": "renamed", "code": "1"}).status_code == 403
    for url in (
        reverse("admin:common_region_delete", args=[region.pk]),
        reverse("admin:common_user_delete", args=[admin_user.pk]),
    ):
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    assert admin_client.post(password_url, {"password1": "x", "password2": "x"}).status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.username == "admin"
    assert Region.objects.filter(pk=region.pk, code="KZ-71").exists()


@pytest.mark.django_db
def test_periodic_tasks_stay_editable_in_the_admin(admin_client, superuser_request):
    for label in EDITABLE:
        assert writes_allowed(registered()[label], superuser_request) == ["add", "change", "delete"]
    assert admin_client.get(reverse("admin:django_celery_beat_periodictask_add")).status_code == 200


@pytest.mark.django_db
def test_a_beat_schedule_edited_in_the_admin_is_audited(admin_client, admin_user, superuser_request):
    inline = {"periodictask_set-TOTAL_FORMS": "0", "periodictask_set-INITIAL_FORMS": "0"}
    fields = {"minute": "30", "hour": "0", "day_of_month": "1", "month_of_year": "*", "day_of_week": "*"}
    response = admin_client.post(
        reverse("admin:django_celery_beat_crontabschedule_add"), {**fields, "timezone": "Asia/Almaty", **inline}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    schedule = CrontabSchedule.objects.get(minute="30", hour="0", day_of_month="1")
    created = AuditEvent.objects.for_object(schedule).get(action=AUDIT_BEAT_ROW_SAVED)
    assert created.actor_id == admin_user.pk
    assert created.after["timezone"] == "Asia/Almaty"

    task = PeriodicTask.objects.create(name="Probe", task="common.clear_expired_sessions", crontab=schedule)
    model_admin = registered()["django_celery_beat.PeriodicTask"]
    task.enabled = False
    model_admin.save_model(superuser_request, task, form=None, change=True)
    changed = AuditEvent.objects.for_object(task).get(action=AUDIT_BEAT_ROW_SAVED)
    assert (changed.before, changed.after) == ({"enabled": True}, {"enabled": False})
    # Bulk enable/disable/toggle update rows without saving them, so without an event: not offered.
    assert set(model_admin.get_actions(superuser_request)) == {"delete_selected", "run_tasks"}
    task_pk = task.pk
    model_admin.delete_queryset(superuser_request, PeriodicTask.objects.filter(pk=task_pk))
    deleted = AuditEvent.objects.get(
        action=AUDIT_BEAT_ROW_DELETED, object_type="django_celery_beat.periodictask", object_id=str(task_pk)
    )
    assert deleted.before["name"] == "Probe"
    assert not PeriodicTask.objects.filter(pk=task_pk).exists()


@pytest.mark.django_db
def test_every_registered_admin_is_covered(superuser_request):
    """Meta-test: the registry, not a list in this file, decides what is tested; EDITABLE names no stale model."""
    labels = set(registered())
    assert labels >= EDITABLE
    assert set(READ_ONLY) | EDITABLE == labels
    assert writable_admins(admin.site, superuser_request) == []
    # Ours derive from the shared base; third-party ones are re-registered read-only in common/admin.py.
    assert [label for label in READ_ONLY if not isinstance(registered()[label], ReadOnlyAdminMixin)] == []
    # The editable ones save through audited services.
    assert [label for label in EDITABLE if not isinstance(registered()[label], AuditedBeatAdminMixin)] == []


@pytest.mark.django_db
def test_a_newly_registered_writable_admin_is_caught(superuser_request):
    """Meta-test: a plain ModelAdmin registered anywhere would fail the checks above."""
    site = AdminSite(name="probe")
    site.register(Region, admin.ModelAdmin)
    assert writable_admins(site, superuser_request) == ["common.Region"]
    site.unregister(Region)
    site.register(Region, type("ProbeAdmin", (ReadOnlyAdminMixin, admin.ModelAdmin), {}))
    assert writable_admins(site, superuser_request) == []
