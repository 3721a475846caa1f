from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import Employer, EmployerMembership


@admin.register(Employer)
class EmployerAdmin(ReadOnlyAdmin):
    """Read-only: employers are registered through employers.services (audited)."""

    list_display = ["name", "bin", "created_at"]
    search_fields = ["name", "bin"]


@admin.register(EmployerMembership)
class EmployerMembershipAdmin(ReadOnlyAdmin):
    """Read-only: a user's employer is set on /staff/users/ (employer_user_link, audited)."""

    list_display = ["user", "employer", "created_at"]
    raw_id_fields = ["user", "employer"]
