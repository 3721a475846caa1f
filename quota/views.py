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
from django.views.decorators.http import require_POST

from common.errors import DomainError
from common.pages import role_required
from common.roles import MINISTRY_OFFICIAL, user_role

from .calculation import CATEGORIES
from .filtersets import LabourForceFilterSet
from .forms import (
    DemandGridForm,
    DemandImportForm,
    LabourForceCorrectForm,
    LabourForceImportForm,
    QuotaPlanCreateForm,
    QuotaPlanInputsForm,
    demand_field_name,
)
from .imports import FileRejected
from .querysets import QUOTA_DATA_READERS
from .selectors import (
    labour_force_list,
    plan_demand_table,
    plan_national_labour_force,
    plan_regions,
    plan_result_table,
    quota_plan_list,
)
from .services import (
    labour_force_correct,
    labour_force_import,
    quota_plan_compute,
    quota_plan_create,
    quota_plan_demand_replace,
    quota_plan_update,
)

MESSAGE_IMPORTED = _("Imported: %(created)s figures created, %(updated)s updated, %(unchanged)s unchanged.")
MESSAGE_CORRECTED = _("The figure %(key)s was corrected.")
MESSAGE_PLAN_CREATED = _("The draft plan for %(year)s was created: enter the accepted demand, then compute it.")
MESSAGE_PLAN_SAVED = _("The plan's inputs were saved.")
MESSAGE_DEMAND_SAVED = _("The accepted demand was saved.")
MESSAGE_PLAN_COMPUTED = _("The plan for %(year)s was computed.")


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
                return redirect("labour-force-list-page")
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
                reverse("labour-force-detail-page", args=[f.pk]),
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
                return redirect("labour-force-detail-page", pk=figure.pk)
    context = {
        "title": _("Labour force %(key)s") % {"key": figure.key},
        "figure": figure,
        "persons": persons(figure.persons),
        "status_badge": status_badge(figure),
        "form": form,
    }
    return render(request, "quota/labour_force_detail.html", context)


# ---------------------------------------------------------------------------------------------------------------------
# Quota plans
# ---------------------------------------------------------------------------------------------------------------------
@role_required(*QUOTA_DATA_READERS)
def plan_list_page(request):
    plans = quota_plan_list(user=request.user)
    rows = [
        [
            format_html('<a href="{}">{}</a>', reverse("quota-plan-detail-page", args=[plan.pk]), plan.year),
            plan.get_status_display(),
            plan.statistics_year,
            persons(plan.ceiling),
            persons(plan.national_headroom),
            _rule_badge(plan),
            format_html('<span class="badge warn">{}</span>', _("illustrative figures"))
            if plan.uses_illustrative_figures
            else "",
        ]
        for plan in plans
    ]
    columns = [_("Quota year"), _("Status"), _("Statistics year"), _("Ceiling"), _("National headroom"), _("Rule"), ""]
    context = {"title": _("Quota plans"), "columns": columns, "rows": rows, "can_write": _can_write(request)}
    return render(request, "quota/plan_list.html", context)


def _rule_badge(plan):
    rule = (plan.rule_results or {}).get("managers_specialists")
    if rule is None:
        return "—"
    if rule["flagged"]:
        return format_html('<span class="badge err" data-testid="flagged">{}</span>', _("flagged"))
    return format_html('<span class="badge ok" data-testid="passes">{}</span>', _("passes"))


@role_required(MINISTRY_OFFICIAL)
def plan_create_page(request):
    form = QuotaPlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = quota_plan_create(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            form.add_error("year" if exc.field == "year" else None, exc.message)
        else:
            messages.success(request, MESSAGE_PLAN_CREATED % {"year": plan.year})
            return redirect("quota-plan-detail-page", pk=plan.pk)
    return render(request, "quota/plan_form.html", {"title": _("New quota plan"), "form": form})


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _plan_context(request, plan, **overrides) -> dict:
    """Everything the plan page shows; forms may be overridden by a failed POST to show its errors."""
    can_write = _can_write(request) and plan.is_editable
    regions = plan_regions(plan)
    demand = plan_demand_table(plan, regions=regions)
    initial_grid = {
        demand_field_name(region, category): places
        for region, cells, _total in demand.rows
        for category, places in zip(CATEGORIES, cells, strict=True)
        if places
    }
    snapshot = plan.computation_snapshot or {}
    context = {
        "title": _("Quota plan %(year)s") % {"year": plan.year},
        "plan": plan,
        "can_write": can_write,
        "categories": CATEGORIES,
        "national_labour_force": plan_national_labour_force(plan),
        "demand": demand,
        "result": plan_result_table(plan),
        "share": (plan.rule_results or {}).get("managers_specialists"),
        "snapshot": snapshot,
        "snapshot_inputs": snapshot.get("inputs", {}),
        "policy_used": list((snapshot.get("policy") or {}).values()),
        "compute_error": None,
        "import_errors": [],
    }
    if can_write:
        context["inputs_form"] = QuotaPlanInputsForm(
            initial={
                "statistics_year": plan.statistics_year,
                "entered_labour_force": plan.entered_labour_force,
                "entered_labour_force_source": plan.entered_labour_force_source,
            }
        )
        context["grid_form"] = DemandGridForm(regions=demand_regions(demand), initial=initial_grid)
        context["import_form"] = DemandImportForm()
    context.update(overrides)
    return context


def demand_regions(demand) -> list:
    return [region for region, _cells, _total in demand.rows]


def _render_plan(request, plan, status=200, **overrides):
    return render(request, "quota/plan_detail.html", _plan_context(request, plan, **overrides), status=status)


@role_required(*QUOTA_DATA_READERS)
def plan_detail_page(request, pk):
    plan = get_object_or_404(quota_plan_list(user=request.user), pk=pk)
    return _render_plan(request, plan)


def _plan_for_change(request, pk):
    return get_object_or_404(quota_plan_list(user=request.user), pk=pk)


@require_POST
@role_required(MINISTRY_OFFICIAL)
def plan_inputs_page(request, pk):
    plan = _plan_for_change(request, pk)
    form = QuotaPlanInputsForm(request.POST)
    if form.is_valid():
        changes = dict(form.cleaned_data)
        if changes["statistics_year"] is None:
            changes["statistics_year"] = plan.year - 1
        try:
            quota_plan_update(plan=plan, **changes, actor=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, MESSAGE_PLAN_SAVED)
            return redirect("quota-plan-detail-page", pk=plan.pk)
    return _render_plan(request, plan, status=400, inputs_form=form)


@require_POST
@role_required(MINISTRY_OFFICIAL)
def plan_demand_page(request, pk):
    plan = _plan_for_change(request, pk)
    form = DemandGridForm(request.POST, regions=plan_regions(plan))
    if form.is_valid():
        try:
            quota_plan_demand_replace(plan=plan, rows=form.rows(), actor=request.user)
        except FileRejected as rejected:
            form.add_error(None, rejected.message)
            return _render_plan(request, plan, status=400, grid_form=form, import_errors=rejected.errors)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, MESSAGE_DEMAND_SAVED)
            return redirect("quota-plan-detail-page", pk=plan.pk)
    return _render_plan(request, plan, status=400, grid_form=form)


@require_POST
@role_required(MINISTRY_OFFICIAL)
def plan_demand_import_page(request, pk):
    plan = _plan_for_change(request, pk)
    form = DemandImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            quota_plan_demand_replace(plan=plan, file=upload, filename=upload.name, actor=request.user)
        except FileRejected as rejected:
            form.add_error(None, rejected.message)
            return _render_plan(request, plan, status=400, import_form=form, import_errors=rejected.errors)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, MESSAGE_DEMAND_SAVED)
            return redirect("quota-plan-detail-page", pk=plan.pk)
    return _render_plan(request, plan, status=400, import_form=form)


@require_POST
@role_required(MINISTRY_OFFICIAL)
def plan_compute_page(request, pk):
    plan = _plan_for_change(request, pk)
    try:
        quota_plan_compute(plan=plan, actor=request.user)
    except DomainError as exc:
        return _render_plan(request, plan, status=exc.status_code, compute_error=exc)
    messages.success(request, MESSAGE_PLAN_COMPUTED % {"year": plan.year})
    return redirect("quota-plan-detail-page", pk=plan.pk)
