"""Django's admin is a read-only window on the data (STYLE.md "Access control").

Every write goes through a service, which checks the actor and leaves an audit event; a ModelAdmin saves
the model directly, so it would bypass both. Every admin therefore derives from ReadOnlyAdminMixin
(ours directly, third-party ones re-registered below), and tests/common/test_admin.py fails for any
registered admin that lets a superuser add, change or delete — except django-celery-beat's schedules,
the one thing administrators legitimately edit here (STYLE.md "Celery": admin edits last). Those save and
delete through common's services, which audit each change (AuditedBeatAdminMixin).

Where each change is made instead: users, roles and employer links on /staff/users/; reference data
by `load_reference_data` and the reference pages; policy on the policy pages; lock-outs end after
AXES_COOLOFF_MINUTES (or `manage.py axes_reset_username`); API tokens expire or are revoked by their owner.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from knox.admin import AuthTokenAdmin as KnoxAuthTokenAdmin
from knox.models import get_token_model

from .models import Region, RegionalOfficialProfile, User
from .services import beat_schedule_row_delete, beat_schedule_row_save


class ReadOnlyAdminMixin:
    """Nobody adds, changes or deletes through the admin, superusers included; viewing stays as it was.
    Admin actions go too: an action is a write that no permission above guards."""

    def get_actions(self, request):
        return {}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The base of every ModelAdmin of the project's apps."""


class AuditedBeatAdminMixin:
    """Saves and deletes of django-celery-beat rows go through common's services, which audit them. The bulk
    actions that update rows without saving them (enable, disable, toggle) are left out: edit the row instead."""

    audited_actions = ("delete_selected", "run_tasks")

    def save_model(self, request, obj, form, change):
        beat_schedule_row_save(obj=obj, actor=request.user)

    def delete_model(self, request, obj):
        beat_schedule_row_delete(obj=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            beat_schedule_row_delete(obj=obj, actor=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {name: action for name, action in actions.items() if name in self.audited_actions}


def _reregister(model, admin_class: type[admin.ModelAdmin], mixin: type, prefix: str) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(f"{prefix}{admin_class.__name__}", (mixin, admin_class), {}))


def register_read_only(model, admin_class: type[admin.ModelAdmin]) -> None:
    """Replace a third-party app's admin of `model` by a read-only one with the same lists and filters."""
    _reregister(model, admin_class, ReadOnlyAdminMixin, "ReadOnly")


def register_audited_beat(model, admin_class: type[admin.ModelAdmin]) -> None:
    """Replace django-celery-beat's admin of `model` by one that saves and deletes through audited services."""
    _reregister(model, admin_class, AuditedBeatAdminMixin, "Audited")


@admin.register(User)
class UserAdmin(ReadOnlyAdminMixin, DjangoUserAdmin):
    """Users and roles are managed on /staff/users/ (user services: one role per user, audited)."""


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_en", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_kk", "name_ru"]


@admin.register(RegionalOfficialProfile)
class RegionalOfficialProfileAdmin(ReadOnlyAdmin):
    list_display = ["user"]


# Roles are groups created by migrations; membership is set by the user services.
register_read_only(Group, DjangoGroupAdmin)
register_read_only(get_token_model(), KnoxAuthTokenAdmin)
register_read_only(AccessAttempt, AccessAttemptAdmin)
register_read_only(AccessLog, AccessLogAdmin)
register_read_only(AccessFailureLog, AccessFailureLogAdmin)

register_audited_beat(PeriodicTask, beat_admin.PeriodicTaskAdmin)
register_audited_beat(CrontabSchedule, beat_admin.CrontabScheduleAdmin)
register_audited_beat(IntervalSchedule, beat_admin.IntervalScheduleAdmin)
register_audited_beat(ClockedSchedule, beat_admin.ClockedScheduleAdmin)
register_audited_beat(SolarSchedule, beat_admin.SolarScheduleAdmin)
