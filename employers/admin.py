from django.contrib import admin

from .models import Employer, EmployerMembership


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "bin", "created_at"]
    search_fields = ["name", "bin"]
    filter_horizontal = ["regions"]


@admin.register(EmployerMembership)
class EmployerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "employer", "created_at"]
    raw_id_fields = ["user", "employer"]
