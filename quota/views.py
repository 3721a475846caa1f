"""Quota pages: labour-force statistics and quota plans. Ministry officials write; regional officials and auditors
read (DOMAIN §10); every change goes through quota.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.pages import role_required
from common.roles import MINISTRY_OFFICIAL, user_role

from .filtersets import LabourForceFilterSet
from .forms import LabourForceCorrectForm, LabourForceImportForm
from .imports import FileRejected
from .querysets import QUOTA_DATA_READERS
from .selectors import labour_force_list
from .services import labour_force_correct, labour_force_import

MESSAGE_IMPORTED = _("Imported: %(created)s figures created, %(updated)s updated, %(unchanged)s unchanged.")
MESSAGE_CORRECTED = _("The figure %(key)s was corrected.")


def persons(value) -> str:
    """A head-count with grouped thousands in the page's language."""
    return "—" if value is None else number_format(value, force_grouping=True)


def status_badge(figure) -> str:
    if figure.is_illustrative:
        return format_html('<span class="badge warn" data-testid="illustrative">{}</span>', _("illustrative"))
    return format_html('<span class="badge ok">{}</span>', _("official"))


def _source_cell(source: str):
    if source.startswith(("http://", "https://")):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', source, source[:60])
    return source


def _can_write(request) -> bool:
    return user_role(request.user) == MINISTRY_OFFICIAL


# ---------------------------------------------------------------------------------------------------------------------
# Labour force
# ---------------------------------------------------------------------------------------------------------------------
@role_required(*QUOTA_DATA_READERS)
def labour_force_page(request):
    """The list (filter by year, period, status, region) and, for ministry officials, the CSV import form."""
    import_form, import_errors = LabourForceImportForm(), []
    if request.method == "POST":
        if not _can_write(request):
            raise PermissionDenied
        import_form = LabourForceImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            upload = import_form.cleaned_data["file"]
            try:
                report = labour_force_import(
                    file=upload, source=import_form.cleaned_data["source"], filename=upload.name, actor=request.user
                )
            except FileRejected as rejected:
                import_errors = rejected.errors
                import_form.add_error(None, rejected.message)
            else:
                messages.success(
                    request,
                    MESSAGE_IMPORTED
                    % {
                        "created": len(report.created),
                        "updated": len(report.updated),
                        "unchanged": len(report.unchanged),
                    },
                )
                return redirect("quota-labour-force")
    filterset = LabourForceFilterSet(request.GET, queryset=labour_force_list(user=request.user))
    figures = filterset.qs if filterset.is_valid() else labour_force_list(user=request.user).none()
    page = Paginator(figures, 100).get_page(request.GET.get("page"))
    can_write = _can_write(request)
    rows = [
        [
            f.region.name if f.region_id else _("Kazakhstan (national)"),
            f.scope_code,
            f.year,
            f.get_period_display(),
            persons(f.persons),
            status_badge(f),
            _source_cell(f.source),
            format_html(
                '<a href="{}">{}</a>',
                reverse("quota-labour-force-detail", args=[f.pk]),
                _("Correct") if can_write else _("Details"),
            ),
        ]
        for f in page
    ]
    columns = [_("Region"), _("Code"), _("Year"), _("Period"), _("Persons"), _("Status"), _("Source"), ""]
    context = {
        "title": _("Labour force"),
        "columns": columns,
        "rows": rows,
        "page": page,
        "filterset": filterset,
        "can_write": can_write,
        "import_form": import_form,
        "import_errors": import_errors,
        "any_illustrative": any(f.is_illustrative for f in page),
    }
    return render(request, "quota/labour_force_list.html", context, status=400 if import_errors else 200)


@role_required(*QUOTA_DATA_READERS)
def labour_force_detail_page(request, pk):
    figure = get_object_or_404(labour_force_list(user=request.user), pk=pk)
    can_write = _can_write(request)
    initial = {"persons": figure.persons, "status": figure.status, "source": figure.source}
    form = LabourForceCorrectForm(request.POST or None, initial=initial) if can_write else None
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                labour_force_correct(figure=figure, **form.cleaned_data, actor=request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, MESSAGE_CORRECTED % {"key": figure.key})
                return redirect("quota-labour-force-detail", pk=figure.pk)
    context = {
        "title": _("Labour force %(key)s") % {"key": figure.key},
        "figure": figure,
        "persons": persons(figure.persons),
        "status_badge": status_badge(figure),
        "form": form,
    }
    return render(request, "quota/labour_force_detail.html", context)
