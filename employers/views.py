"""Employer pages, scoped like the API: out-of-scope employers answer 404."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.pages import role_required
from common.privacy import mask_personal, must_mask_for
from common.roles import DOMAIN_ROLES

from .filtersets import EmployerFilterSet
from .selectors import employer_list


@role_required(*DOMAIN_ROLES)
def employer_list_page(request):
    filterset = EmployerFilterSet(request.GET, queryset=employer_list(user=request.user))
    employers = filterset.qs if filterset.is_valid() else []
    rows = [
        [
            format_html('<a href="{}">{}</a>', reverse("employer-detail-page", args=[e.pk]), e.name),
            e.bin,
            ", ".join(region.code for region in e.regions.all()),
        ]
        for e in employers
    ]
    columns = [_("Name"), _("BIN"), _("Regions")]
    return render(
        request,
        "employers/employer_list.html",
        {"title": _("Employers"), "columns": columns, "rows": rows, "filterset": filterset},
    )


@role_required(*DOMAIN_ROLES)
def employer_detail_page(request, pk):
    employer = get_object_or_404(employer_list(user=request.user), pk=pk)
    mask = must_mask_for(request.user)
    contacts = [
        {
            "name": mask_personal(user.get_full_name()) if mask else user.get_full_name(),
            "email": mask_personal(user.email) if mask else user.email,
        }
        for user in (m.user for m in employer.memberships.all())
        if user.is_active
    ]
    return render(
        request,
        "employers/employer_detail.html",
        {"title": employer.name, "employer": employer, "contacts": contacts, "masked": mask},
    )
