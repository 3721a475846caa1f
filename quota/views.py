"""Quota pages: labour-force statistics, quota plans with their workflow, priority projects and the published quota.
Ministry officials write; regional officials and auditors read; every signed-in role but administrators reads the
published quota (DOMAIN §10). Every change goes through quota.services; a refusal answers with its status (409 for
a frozen or approved plan)."""

import json
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from common.pages import role_required
from common.roles import DOMAIN_ROLES, MINISTRY_OFFICIAL, user_role
from common.workflow_views import WorkflowPages

from . import workflow
from .amendments import plan_ceiling, plan_last_amendment, plan_version
from .calculation import CATEGORIES
from .filtersets import LabourForceFilterSet
from .forms import (
    CountryCapForm,
    DemandGridForm,
    DemandImportForm,
    LabourForceCorrectForm,
    LabourForceImportForm,
    PriorityProjectCreateForm,
    PriorityProjectEditForm,
    ProjectReserveForm,
    QuotaPlanCreateForm,
    QuotaPlanInputsForm,
    ReasonForm,
    add_service_errors,
    demand_field_name,
)
from .imports import FileRejected
from .querysets import QUOTA_DATA_READERS, QUOTA_DATA_WRITERS
from .selectors import (
    labour_force_list,
    plan_country_caps,
    plan_current_headroom,
    plan_current_reserve_totals,
    plan_current_table,
    plan_demand_table,
    plan_history,
    plan_national_labour_force,
    plan_region_bars,
    plan_regions,
    plan_reserve_totals,
    plan_reserves,
    plan_result_table,
    priority_project_list,
    published_plans,
    quota_plan_list,
)
from .services import (
    country_cap_add,
    country_cap_remove,
    labour_force_correct,
    labour_force_import,
    plan_step_refusals,
    priority_project_create,
    priority_project_update,
    project_reserve_add,
    project_reserve_remove,
    quota_plan_apply_fix,
    quota_plan_approve,
    quota_plan_compute,
    quota_plan_confirm_override,
    quota_plan_create,
    quota_plan_demand_replace,
    quota_plan_override,
    quota_plan_propose,
    quota_plan_return,
    quota_plan_update,
)

MESSAGE_IMPORTED = _("Imported: %(created)s figures created, %(updated)s updated, %(unchanged)s unchanged.")
MESSAGE_CORRECTED = _("The figure %(key)s was corrected.")
MESSAGE_PLAN_CREATED = _("The draft plan for %(year)s was created: enter the accepted demand, then compute it.")
MESSAGE_PLAN_SAVED = _("The plan's inputs were saved.")
MESSAGE_DEMAND_SAVED = _("The accepted demand was saved.")
MESSAGE_PLAN_COMPUTED = _("The plan for %(year)s was computed.")
MESSAGE_RESERVE_ADDED = _("The project reserve was added; the plan is a draft again until it is computed.")
MESSAGE_RESERVE_REMOVED = _("The project reserve was removed.")
MESSAGE_CAP_ADDED = _("The country cap was added; the plan is a draft again until it is computed.")
MESSAGE_CAP_REMOVED = _("The country cap was removed.")
MESSAGE_FIX_APPLIED = _("The fix was applied: %(moved)s places moved to national headroom.")
MESSAGE_OVERRIDE_RECORDED = _("The override was recorded: another ministry official must confirm it.")
MESSAGE_OVERRIDE_CONFIRMED = _("The override was confirmed: the plan can be proposed.")
MESSAGE_PROPOSED = _("The plan for %(year)s was proposed: another ministry official must approve it.")
MESSAGE_APPROVED = _("The plan for %(year)s was approved: its quota ledger is open.")
MESSAGE_RETURNED = _("The plan for %(year)s was returned to draft.")
MESSAGE_PROJECT_CREATED = _("The priority project %(code)s was registered.")
MESSAGE_PROJECT_SAVED = _("The priority project was saved.")


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
    """Whether this user may change what the page shows: the page's gate decided it
    (`role_required(..., writers=QUOTA_DATA_WRITERS)`); pages gated to ministry officials alone may always."""
    may_write = getattr(request, "page_may_write", None)
    return user_role(request.user) in QUOTA_DATA_WRITERS if may_write is None else may_write


# ---------------------------------------------------------------------------------------------------------------------
# Labour force
# ---------------------------------------------------------------------------------------------------------------------
@role_required(*QUOTA_DATA_READERS, writers=QUOTA_DATA_WRITERS)
def labour_force_page(request):
    """The list (filter by year, period, status, region) and, for ministry officials, the CSV import form."""
    import_form, import_errors = LabourForceImportForm(), []
    if request.method == "POST":
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


@role_required(*QUOTA_DATA_READERS, writers=QUOTA_DATA_WRITERS)
def labour_force_detail_page(request, pk):
    figure = get_object_or_404(labour_force_list(user=request.user), pk=pk)
    can_write = _can_write(request)
    initial = {"persons": figure.persons, "status": figure.status, "source": figure.source}
    form = LabourForceCorrectForm(request.POST or None, initial=initial) if can_write else None
    if request.method == "POST" and form.is_valid():
        try:
            labour_force_correct(figure=figure, **form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
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
@role_required(*QUOTA_DATA_READERS, writers=QUOTA_DATA_WRITERS)
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
            add_service_errors(form, exc)
        except DomainError as exc:
            form.add_error("year" if exc.field == "year" else None, exc.message)
        else:
            messages.success(request, MESSAGE_PLAN_CREATED % {"year": plan.year})
            return redirect("quota-plan-detail-page", pk=plan.pk)
    return render(request, "quota/plan_form.html", {"title": _("New quota plan"), "form": form})


#: Labels of a plan's audit events on its history page.
HISTORY_LABELS = {
    "quota_plan.created": _("Created"),
    "quota_plan.updated": _("Inputs changed"),
    "quota_plan.demand_replaced": _("Accepted demand replaced"),
    "quota_plan.project_reserve_added": _("Project reserve added"),
    "quota_plan.project_reserve_changed": _("Project reserve changed"),
    "quota_plan.project_reserve_removed": _("Project reserve removed"),
    "quota_plan.country_cap_added": _("Country cap added"),
    "quota_plan.country_cap_changed": _("Country cap changed"),
    "quota_plan.country_cap_removed": _("Country cap removed"),
    "quota_plan.computed": _("Computed"),
    "quota_plan.fix_applied": _("Managers/specialists fix applied"),
    "quota_plan.override_recorded": _("Override recorded"),
    "quota_plan.override_confirmed": _("Override confirmed"),
    "quota_plan.proposed": _("Proposed"),
    "quota_plan.approved": _("Approved"),
    "quota_plan.returned": _("Returned to draft"),
}

#: The chart's geometry (SVG user units): a label column, bars up to BAR_WIDTH long, one row per region.
CHART_LABEL_WIDTH, CHART_BAR_WIDTH, CHART_ROW = 70, 420, 22


def _chart(table) -> dict | None:
    """An SVG bar chart of places by region, drawn with attributes only (the CSP allows no inline styles)."""
    bars = plan_region_bars(table)
    if not bars:
        return None
    rows = [
        {
            "region": bar.region,
            "places": bar.places,
            "y": index * CHART_ROW,
            "text_y": index * CHART_ROW + 15,
            "width": round(CHART_BAR_WIDTH * bar.length / 100, 1),
            "value_x": CHART_LABEL_WIDTH + round(CHART_BAR_WIDTH * bar.length / 100, 1) + 6,
        }
        for index, bar in enumerate(bars)
    ]
    return {
        "rows": rows,
        "height": len(rows) * CHART_ROW,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 80,
        "bar_x": CHART_LABEL_WIDTH,
    }


def _national_totals(result, reserve_totals: list[int]) -> list[int] | None:
    """Places per category with the project reserves included (the share's basis, DOMAIN §3 step 4)."""
    if result is None:
        return None
    return [cells + reserved for cells, reserved in zip(result.category_totals, reserve_totals, strict=True)]


def _plan_context(request, plan, **overrides) -> dict:
    """Everything the plan page shows; forms may be overridden by a failed POST to show its errors."""
    can_write = _can_write(request) and plan.is_editable
    demand = plan_demand_table(plan, regions=plan_regions(plan))
    snapshot = plan.computation_snapshot or {}
    result = plan_result_table(plan)
    reserve_totals = plan_reserve_totals(plan)
    context = {
        "title": _("Quota plan %(year)s") % {"year": plan.year},
        "plan": plan,
        "can_write": can_write,
        "categories": CATEGORIES,
        "national_labour_force": plan_national_labour_force(plan),
        "demand": demand,
        "result": result,
        "reserves": list(plan_reserves(plan)),
        "caps": list(plan_country_caps(plan)),
        "reserve_totals": reserve_totals,
        "reserves_total": sum(reserve_totals),
        "national_totals": _national_totals(result, reserve_totals),
        "chart": _chart(result),
        "share": plan.managers_specialists,
        "rules": plan.rule_results or {},
        "snapshot": snapshot,
        "snapshot_inputs": snapshot.get("inputs", {}),
        "policy_used": list((snapshot.get("policy") or {}).values()),
        "action_error": None,
        "import_errors": [],
        **(_input_forms(plan, demand) if can_write else {}),
        # What this user may do now is the services' answer (quota.services.plan_step_refusals), never re-derived;
        # the hints say why proposing or approving is refused by the plan's own rules (a rule not met, the year's
        # ledger open).
        **PLAN_PAGES.controls(plan, plan_step_refusals(plan, request.user), lead="apply_fix"),
    }
    context.update(overrides)
    return context


def _input_forms(plan, demand) -> dict:
    """The empty forms of an editable plan's inputs, demand, reserves and caps."""
    initial_grid = {
        demand_field_name(region, category): places
        for region, cells, _total in demand.rows
        for category, places in zip(CATEGORIES, cells, strict=True)
        if places
    }
    return {
        "inputs_form": QuotaPlanInputsForm(
            initial={
                "statistics_year": plan.statistics_year,
                "entered_labour_force": plan.entered_labour_force,
                "entered_labour_force_source": plan.entered_labour_force_source,
            }
        ),
        "grid_form": DemandGridForm(regions=demand_regions(demand), initial=initial_grid),
        "import_form": DemandImportForm(),
        "reserve_form": ProjectReserveForm(plan=plan),
        "cap_form": CountryCapForm(),
    }


def demand_regions(demand) -> list:
    return [region for region, _cells, _total in demand.rows]


def _render_plan(request, plan, status=200, **overrides):
    return render(request, "quota/plan_detail.html", _plan_context(request, plan, **overrides), status=status)


@role_required(*QUOTA_DATA_READERS, writers=QUOTA_DATA_WRITERS)
def plan_detail_page(request, pk):
    plan = get_object_or_404(quota_plan_list(user=request.user), pk=pk)
    return _render_plan(request, plan)


def _plan_for_change(request, pk):
    return get_object_or_404(quota_plan_list(user=request.user), pk=pk)


#: The plan's step pages and workflow controls (common/workflow_views.py), shared in shape with the amendments'.
PLAN_PAGES = WorkflowPages(
    workflow=workflow.PLAN_WORKFLOW,
    subject="plan",
    lookup=_plan_for_change,
    render=_render_plan,
    route_prefix="quota-plan",
    reason_form=ReasonForm,
    roles=(MINISTRY_OFFICIAL,),
)


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
            add_service_errors(form, exc)
        except DomainError as exc:
            return _render_plan(request, plan, status=exc.status_code, action_error=exc)
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
            return _render_plan(request, plan, status=exc.status_code, action_error=exc)
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
            return _render_plan(request, plan, status=exc.status_code, action_error=exc)
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
        return _render_plan(request, plan, status=exc.status_code, action_error=exc)
    messages.success(request, MESSAGE_PLAN_COMPUTED % {"year": plan.year})
    return redirect("quota-plan-detail-page", pk=plan.pk)


# ---------------------------------------------------------------------------------------------------------------------
# The plan's project reserves and country caps
# ---------------------------------------------------------------------------------------------------------------------
def _plan_input_added(request, plan, form, service, message, anchor, form_name):
    """Add a reserve or a cap through its service: errors stay on the form, refusals show the plan page."""
    if form.is_valid():
        try:
            service(plan=plan, **form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            return PLAN_PAGES.refused(request, plan, exc, **{form_name: form})
        else:
            messages.success(request, message)
            return redirect(reverse("quota-plan-detail-page", args=[plan.pk]) + anchor)
    return _render_plan(request, plan, status=400, **{form_name: form})


def _plan_input_removed(request, plan, remove, message, anchor):
    try:
        remove(actor=request.user)
    except DomainError as exc:
        return PLAN_PAGES.refused(request, plan, exc)
    messages.success(request, message)
    return redirect(reverse("quota-plan-detail-page", args=[plan.pk]) + anchor)


@require_POST
@role_required(MINISTRY_OFFICIAL)
def plan_reserve_add_page(request, pk):
    plan = _plan_for_change(request, pk)
    form = ProjectReserveForm(request.POST, plan=plan)
    return _plan_input_added(
        request, plan, form, project_reserve_add, MESSAGE_RESERVE_ADDED, "#reserves", "reserve_form"
    )


@require_POST
@role_required(MINISTRY_OFFICIAL)
def plan_reserve_remove_page(request, pk, reserve_pk):
    plan = _plan_for_change(request, pk)
    reserve = get_object_or_404(plan_reserves(plan), pk=reserve_pk)
    remove = partial(project_reserve_remove, reserve=reserve)
    return _plan_input_removed(request, plan, remove, MESSAGE_RESERVE_REMOVED, "#reserves")


@require_POST
@role_required(MINISTRY_OFFICIAL)
def plan_cap_add_page(request, pk):
    plan = _plan_for_change(request, pk)
    form = CountryCapForm(request.POST)
    return _plan_input_added(request, plan, form, country_cap_add, MESSAGE_CAP_ADDED, "#caps", "cap_form")


@require_POST
@role_required(MINISTRY_OFFICIAL)
def plan_cap_remove_page(request, pk, cap_pk):
    plan = _plan_for_change(request, pk)
    cap = get_object_or_404(plan_country_caps(plan), pk=cap_pk)
    return _plan_input_removed(request, plan, partial(country_cap_remove, cap=cap), MESSAGE_CAP_REMOVED, "#caps")


# ---------------------------------------------------------------------------------------------------------------------
# The workflow: fix, override, confirm, propose, approve, return (quota/workflow.py)
# ---------------------------------------------------------------------------------------------------------------------
plan_fix_page = PLAN_PAGES.step_view(
    "apply_fix",
    quota_plan_apply_fix,
    lambda plan: (
        MESSAGE_FIX_APPLIED % {"moved": persons(plan.managers_specialists["fix_applied"]["moved_to_headroom"])}
    ),
)
plan_override_page = PLAN_PAGES.step_view("override", quota_plan_override, MESSAGE_OVERRIDE_RECORDED)
plan_confirm_override_page = PLAN_PAGES.step_view(
    "confirm_override", quota_plan_confirm_override, MESSAGE_OVERRIDE_CONFIRMED
)
plan_propose_page = PLAN_PAGES.step_view(
    "propose", quota_plan_propose, lambda plan: MESSAGE_PROPOSED % {"year": plan.year}
)
plan_approve_page = PLAN_PAGES.step_view(
    "approve", quota_plan_approve, lambda plan: MESSAGE_APPROVED % {"year": plan.year}
)
plan_return_page = PLAN_PAGES.step_view(
    "return", quota_plan_return, lambda plan: MESSAGE_RETURNED % {"year": plan.year}
)


@role_required(*QUOTA_DATA_READERS)
def plan_history_page(request, pk):
    """Every recorded event of the plan, oldest first, with its actor, reason and recorded values."""
    plan = get_object_or_404(quota_plan_list(user=request.user), pk=pk)
    events = [
        {
            "event": event,
            "label": HISTORY_LABELS.get(event.action, event.action),
            "actor": (event.actor.get_full_name() or event.actor.username) if event.actor else _("the system"),
            "details": json.dumps(
                {"before": event.before, "after": event.after}, ensure_ascii=False, indent=1, sort_keys=True
            ),
        }
        for event in plan_history(plan)
    ]
    context = {"title": _("History of the quota plan %(year)s") % {"year": plan.year}, "plan": plan, "events": events}
    return render(request, "quota/plan_history.html", context)


# ---------------------------------------------------------------------------------------------------------------------
# The published quota: approved plans for every signed-in role but administrators (DOMAIN §10 "Quota data")
# ---------------------------------------------------------------------------------------------------------------------
@role_required(*DOMAIN_ROLES)
def published_page(request):
    """The approved quota of a year: places by region × category with totals, project reserves, country caps and
    national headroom."""
    plans = list(published_plans(user=request.user))
    plan = None
    year = request.GET.get("year", "")
    if year:
        plan = next((p for p in plans if str(p.year) == year.strip()), None)
        if plan is None:
            raise Http404
    elif plans:
        plan = plans[0]
    context = {"title": _("Published quota"), "plans": plans, "plan": plan, "categories": CATEGORIES}
    if plan is not None:
        # The numbers as they stand now: version 1 as approved, or the plan as its approved amendments left it.
        result = plan_current_table(plan) or plan_result_table(plan)
        reserve_totals = plan_current_reserve_totals(plan)
        headroom = plan_current_headroom(plan)
        context.update(
            {
                "version": plan_version(plan),
                "last_amendment": plan_last_amendment(plan),
                "ceiling": plan_ceiling(plan),
                "headroom": plan.national_headroom if headroom is None else headroom,
                "result": result,
                "reserves": list(plan_reserves(plan)),
                "caps": list(plan_country_caps(plan)),
                "reserve_totals": reserve_totals,
                "reserves_total": sum(reserve_totals),
                "national_totals": _national_totals(result, reserve_totals),
                "chart": _chart(result),
            }
        )
    return render(request, "quota/published.html", context)


# ---------------------------------------------------------------------------------------------------------------------
# Priority projects (DOMAIN §3 step 2)
# ---------------------------------------------------------------------------------------------------------------------
@role_required(*QUOTA_DATA_READERS, writers=QUOTA_DATA_WRITERS)
def project_list_page(request):
    can_write = _can_write(request)
    form = PriorityProjectCreateForm(request.POST or None) if can_write else None
    if request.method == "POST" and form.is_valid():
        try:
            project = priority_project_create(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            form.add_error("code" if exc.field == "code" else None, exc.message)
        else:
            messages.success(request, MESSAGE_PROJECT_CREATED % {"code": project.code})
            return redirect("quota-project-detail-page", pk=project.pk)
    projects = priority_project_list(user=request.user)
    rows = [
        [
            format_html('<a href="{}">{}</a>', reverse("quota-project-detail-page", args=[p.pk]), p.name),
            p.code,
            p.operator.name,
            p.get_mode_display(),
        ]
        for p in projects
    ]
    context = {
        "title": _("Priority projects"),
        "columns": [_("Name"), _("Code"), _("Operator"), _("Mode")],
        "rows": rows,
        "form": form,
    }
    return render(request, "quota/project_list.html", context, status=400 if form is not None and form.errors else 200)


@role_required(*QUOTA_DATA_READERS, writers=QUOTA_DATA_WRITERS)
def project_detail_page(request, pk):
    project = get_object_or_404(priority_project_list(user=request.user), pk=pk)
    can_write = _can_write(request)
    initial = {"name": project.name, "operator": project.operator_id, "mode": project.mode}
    form = PriorityProjectEditForm(request.POST or None, initial=initial) if can_write else None
    if request.method == "POST" and form.is_valid():
        try:
            priority_project_update(project=project, **form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            form.add_error("mode" if exc.field == "mode" else None, exc.message)
        else:
            messages.success(request, MESSAGE_PROJECT_SAVED)
            return redirect("quota-project-detail-page", pk=project.pk)
    reserves = project.reserves.select_related("plan", "region").order_by("-plan__year", "region__code", "category")
    context = {"title": project.name, "project": project, "reserves": reserves, "form": form}
    status = 400 if form is not None and form.errors else 200
    return render(request, "quota/project_detail.html", context, status=status)
