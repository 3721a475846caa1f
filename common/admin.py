from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Region, RegionalOfficialProfile, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users are deactivated, never deleted (decisions keep their actor): no delete here either.
    Roles are best changed on /staff/users/, which keeps one role per user."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_kk", "name_ru"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegionalOfficialProfile)
class RegionalOfficialProfileAdmin(admin.ModelAdmin):
    list_display = ["user"]
    filter_horizontal = ["regions"]
