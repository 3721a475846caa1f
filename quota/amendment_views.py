"""Pages of quota-plan amendments (DOMAIN §5): a plan's amendments with their before and after per cell, the
amendment form, and an amendment's outcome with its workflow controls (quota.workflow.AMENDMENT_TRANSITIONS).
Ministry officials write; regional officials and auditors read every amendment; employers read approved ones only
(404 otherwise); administrators none. Every change goes through quota.amendments; a refusal shows the amendment page
with its code, answered with its status (409 for the state, 400 for input)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from common.models import Region
from common.pages import role_required
from common.roles import DOMAIN_ROLES, MINISTRY_OFFICIAL, user_role
from common.workflow_views import WorkflowPages

from . import workflow
from .amendment_forms import AmendmentChangeForm, AmendmentChangeFormSet, AmendmentForm, add_service_errors
from .amendments import (
    CODE_CHECKS_FAILED,
    CODE_STALE,
    MESSAGE_STALE,
    amendment_approve,
    amendment_confirm_override,
    amendment_create,
    amendment_outcome,
    amendment_override,
    amendment_propose,
    amendment_refusal,
    amendment_return,
    amendment_step_refusals,
    amendment_update,
    plan_ceiling,
    plan_version,
)
from .calculation import CATEGORIES
from .forms import ReasonForm
from .models import AmendmentChangeKind, CellKind, QuotaAmendment, QuotaCategory, QuotaCell, QuotaPlan
from .querysets import QUOTA_DATA_READERS
from .selectors import quota_plan_list
from .views import MESSAGE_OVERRIDE_RECORDED, persons

MESSAGE_CREATED = _("Amendment %(number)s was saved as a draft: check its outcome, then propose it.")
MESSAGE_SAVED = _("Amendment %(number)s was saved.")
MESSAGE_OVERRIDE_CONFIRMED = _("The override was confirmed: the amendment can be proposed.")
MESSAGE_PROPOSED = _("Amendment %(number)s was proposed: another ministry official must approve it.")
MESSAGE_APPROVED = _("Amendment %(number)s was approved: the plan is at version %(version)s and its ledger changed.")
MESSAGE_RETURNED = _("Amendment %(number)s was returned to draft.")
MESSAGE_NOT_DRAFT = _("Amendment %(number)s is %(status)s: only a draft is edited.")


def _amendments(user):
    """Amendments `user` may read, with the people the pages name."""
    return QuotaAmendment.objects.visible_to(user).select_related(
        "plan",
        "created_by",
        "proposed_by",
        "approved_by",
        "returned_by",
        "overridden_by",
        "override_confirmed_by",
    )


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _year_regions(plan: QuotaPlan):
    """The regions with cells in the plan year's ledger: the ones an amendment may name."""
    cells = QuotaCell.objects.filter(year=plan.year, kind=CellKind.REGIONAL).values("region_id")
    return Region.objects.filter(pk__in=cells).order_by("code")


def _refusal_to_amend(plan: QuotaPlan) -> str | None:
    refused = amendment_refusal(plan)
    return None if refused is None else str(refused.message)


def _cell_label(cell: QuotaCell) -> str:
    """A project reserve's or a country cap's name on its line (regional cells and the headroom have theirs)."""
    if cell.kind == CellKind.PROJECT:
        return str(
            _("Reserve of %(project)s in %(region)s") % {"project": cell.project_key, "region": cell.region.code}
        )
    if cell.kind == CellKind.COUNTRY:
        return str(_("Cap on citizens of %(country)s") % {"country": cell.country})
    return ""


def _cell_row(cell: QuotaCell, before: int, after: int, *, check_held: bool) -> dict:
    """One cell's line: where, before, after, the change, and what it holds (reserved + used) now."""
    held = cell.reserved + cell.used
    return {
        "headroom": cell.kind == CellKind.HEADROOM,
        "label": _cell_label(cell),
        "region": cell.region,
        "category": cell.category,
        "before": before,
        "after": after,
        "change": after - before,
        "reserved": cell.reserved,
        "used": cell.used,
        "held": held,
        "below": check_held and after < held,
    }


def _cell_rows(cells, *, check_held: bool) -> list[dict]:
    """(cell, before, after) as lines, by region and category, the national headroom last."""
    rows = [_cell_row(cell, before, after, check_held=check_held) for cell, before, after in cells]
    return sorted(
        rows, key=lambda r: (r["headroom"], bool(r["label"]), r["region"].code if r["region"] else "", r["category"])
    )


def _end(region, category) -> str:
    if region is None:
        return str(_("the national headroom"))
    return str(
        _("%(region)s, category %(category)s") % {"region": f"{region.code} {region.name}", "category": category}
    )


def _describe(change) -> str:
    """A change in plain words."""
    if change.kind == AmendmentChangeKind.RESERVE:
        return str(
            _("The reserve of project %(project)s in %(place)s set to %(places)s places.")
            % {
                "project": change.project_key,
                "place": _end(change.region, change.category),
                "places": persons(change.target),
            }
        )
    if change.kind == AmendmentChangeKind.CAP:
        return str(
            _("The cap on citizens of %(country)s set to %(places)s places.")
            % {"country": change.country, "places": persons(change.target)}
        )
    if change.kind == AmendmentChangeKind.MOVE:
        return str(
            _("Move %(places)s places from %(source)s to %(destination)s.")
            % {
                "places": persons(change.places),
                "source": _end(change.from_region, change.from_category),
                "destination": _end(change.to_region, change.to_category),
            }
        )
    scope = (
        _("Category %(category)s in %(region)s") % {"category": change.category, "region": change.region.name}
        if change.region_id
        else _("Category %(category)s, all regions") % {"category": change.category}
    )
    if change.target is not None:
        return str(
            _("%(scope)s: a new total of %(target)s places.") % {"scope": scope, "target": persons(change.target)}
        )
    return str(
        _("%(scope)s: the current total × %(factor)s, rounded down.")
        % {"scope": scope, "factor": f"{change.factor.normalize():f}"}
    )


def _totals(before: dict, after: dict) -> list[dict]:
    return [
        {
            "category": c,
            "before": before.get(c, 0),
            "after": after.get(c, 0),
            "change": after.get(c, 0) - before.get(c, 0),
        }
        for c in CATEGORIES
    ]


def _outcome(amendment: QuotaAmendment, live=None) -> dict:
    """What the amendment does: computed live from the ledger for a draft (`live`: amendment_outcome's, if already
    computed), as stored when proposed for the others."""
    if amendment.is_draft:
        outcome = live or amendment_outcome(amendment)
        return {
            "live": True,
            "cells": _cell_rows(((c.cell, c.before, c.after) for c in outcome.cells), check_held=True),
            "totals": _totals(outcome.totals_before, outcome.totals_after),
            "headroom_before": outcome.headroom_before,
            "headroom_after": outcome.headroom_after,
            "total_before": outcome.total_before,
            "total_after": outcome.total_after,
            "ceiling_before": outcome.ceiling_before,
            "ceiling_after": outcome.ceiling_after,
            "rate_period": outcome.rate_period,
            "share": None if outcome.share is None else outcome.share.as_dict(),
            "problems": outcome.problems,
        }
    stored = amendment.rule_results or {}
    rows = amendment.cells.select_related("cell__region")
    return {
        "live": False,
        # Approval refuses a cell below what it holds, so only a proposed amendment can still show one.
        "cells": _cell_rows(
            ((row.cell, row.allocated_before, row.allocated_after) for row in rows),
            check_held=not amendment.is_approved,
        ),
        "totals": _totals(stored.get("totals_before", {}), stored.get("totals_after", {})),
        "headroom_before": stored.get("headroom_before"),
        "headroom_after": stored.get("headroom_after"),
        "total_before": amendment.total_before,
        "total_after": amendment.total_after,
        "ceiling_before": amendment.ceiling_before,
        "ceiling_after": amendment.ceiling_after,
        "rate_period": (stored.get("ceiling") or {}).get("rate_period"),
        "share": stored.get("managers_specialists"),
        "problems": stored.get("problems", []),
    }


# ---------------------------------------------------------------------------------------------------------------------
# A plan's amendments
# ---------------------------------------------------------------------------------------------------------------------
@role_required(*DOMAIN_ROLES)
def plan_amendments_page(request, pk):
    """The plan's current version and ceiling, and every amendment visible to the user, oldest first, with its
    before and after per cell once proposed."""
    plan = get_object_or_404(quota_plan_list(user=request.user), pk=pk)
    amendments = _amendments(request.user).filter(plan=plan).prefetch_related("cells__cell__region").order_by("number")
    items = [
        {
            "amendment": amendment,
            "cells": _cell_rows(
                ((row.cell, row.allocated_before, row.allocated_after) for row in amendment.cells.all()),
                check_held=False,
            ),
        }
        for amendment in amendments
    ]
    approved = plan.status == QuotaPlan.Status.APPROVED
    refusal = _refusal_to_amend(plan)
    context = {
        "title": _("Amendments of the quota plan %(year)s") % {"year": plan.year},
        "plan": plan,
        "approved": approved,
        "version": plan_version(plan) if approved else None,
        "ceiling": plan_ceiling(plan) if approved else plan.ceiling,
        "items": items,
        "refusal": refusal,
        "can_create": user_role(request.user) == MINISTRY_OFFICIAL and refusal is None,
        # Employers read the approved numbers, not the officials behind them (as on the published quota), and have
        # no plan page.
        "quota_reader": user_role(request.user) in QUOTA_DATA_READERS,
    }
    return render(request, "quota/amendments/list.html", context)


# ---------------------------------------------------------------------------------------------------------------------
# The form: a new draft, or a draft changed
# ---------------------------------------------------------------------------------------------------------------------
def _form_page(request, plan, *, amendment=None, status=200, **context):
    context = {
        "title": (
            _("Amendment %(number)s to the quota plan %(year)s") % {"number": amendment.number, "year": plan.year}
            if amendment
            else _("New amendment to the quota plan %(year)s") % {"year": plan.year}
        ),
        "plan": plan,
        "amendment": amendment,
        "version": plan_version(plan) if plan.status == QuotaPlan.Status.APPROVED else None,
        "category_labels": QuotaCategory.labels,
        "action_error": None,
        **context,
    }
    return render(request, "quota/amendments/form.html", context, status=status)


def _save(request, plan, *, amendment=None, initial_rows=()):
    """Show the form, or save it through the service: its errors land on the fields and rows they name."""
    regions = _year_regions(plan)
    initial = {"effective_date": amendment.effective_date, "reason": amendment.reason} if amendment else None
    form = AmendmentForm(request.POST or None, initial=initial)
    year_cells = QuotaCell.objects.filter(year=plan.year)
    changes = AmendmentChangeFormSet(
        request.POST or None,
        regions=regions,
        projects=sorted(set(year_cells.filter(kind=CellKind.PROJECT).values_list("project_key", flat=True))),
        countries=sorted(year_cells.filter(kind=CellKind.COUNTRY).values_list("country", flat=True)),
        initial=list(initial_rows) or None,
    )
    if request.method != "POST":
        return _form_page(request, plan, amendment=amendment, form=form, changes=changes)
    if form.is_valid() and changes.is_valid():
        try:
            if amendment is None:
                amendment = amendment_create(
                    plan=plan, **form.cleaned_data, changes=changes.changes(), actor=request.user
                )
                message = MESSAGE_CREATED
            else:
                amendment = amendment_update(
                    amendment=amendment, **form.cleaned_data, changes=changes.changes(), actor=request.user
                )
                message = MESSAGE_SAVED
        except ValidationError as exc:
            add_service_errors(form, changes, exc)
        except DomainError as exc:
            return _form_page(
                request, plan, amendment=amendment, status=exc.status_code, form=form, changes=changes, action_error=exc
            )
        else:
            messages.success(request, message % {"number": amendment.number})
            return redirect("quota-amendment-detail-page", pk=amendment.pk)
    return _form_page(request, plan, amendment=amendment, status=400, form=form, changes=changes)


@role_required(MINISTRY_OFFICIAL)
def amendment_create_page(request, pk):
    plan = get_object_or_404(quota_plan_list(user=request.user), pk=pk)
    refusal = _refusal_to_amend(plan)
    if refusal and request.method != "POST":
        return _form_page(request, plan, status=409, refusal=refusal)
    return _save(request, plan)


@role_required(MINISTRY_OFFICIAL)
def amendment_edit_page(request, pk):
    amendment = get_object_or_404(_amendments(request.user), pk=pk)
    plan = amendment.plan
    if request.method != "POST":
        refusal = _refusal_to_amend(plan)
        if not amendment.is_draft:
            refusal = MESSAGE_NOT_DRAFT % {"number": amendment.number, "status": amendment.get_status_display()}
        if refusal:
            return _form_page(request, plan, amendment=amendment, status=409, refusal=refusal)
    rows = amendment.changes.select_related("region", "from_region", "to_region").order_by("position")
    return _save(request, plan, amendment=amendment, initial_rows=[AmendmentChangeForm.initial_for(c) for c in rows])


# ---------------------------------------------------------------------------------------------------------------------
# An amendment: its changes, its outcome, its workflow
# ---------------------------------------------------------------------------------------------------------------------
def _detail_context(request, amendment, **overrides) -> dict:
    plan = amendment.plan
    role = user_role(request.user)
    changes = amendment.changes.select_related("region", "from_region", "to_region").order_by("position")
    live = amendment_outcome(amendment) if amendment.is_draft else None
    outcome = _outcome(amendment, live)
    share = outcome["share"]
    flagged = share is not None and not share["passes"]
    current = plan_version(plan)
    # Editing, proposing and approving need an approved plan whose year is open (the services check it again).
    refusal = None if amendment.is_approved else _refusal_to_amend(plan)
    # What this user may do now is the services' answer (quota.amendments.amendment_step_refusals), never re-derived.
    refusals = amendment_step_refusals(amendment, request.user, outcome=live)
    stale = (
        MESSAGE_STALE % {"current": current, "based_on": amendment.based_on_version}
        if amendment.status == QuotaAmendment.Status.PROPOSED and amendment.based_on_version != current
        else None
    )
    context = {
        "title": _("Amendment %(number)s to the quota plan %(year)s") % {"number": amendment.number, "year": plan.year},
        "amendment": amendment,
        "plan": plan,
        "changes": [{"change": change, "text": _describe(change)} for change in changes],
        "outcome": outcome,
        "flagged": flagged,
        "current_version": current,
        "stale": stale,
        "refusal": refusal,
        "quota_reader": role in QUOTA_DATA_READERS,
        "action_error": None,
        # Why a step this official would take next is refused is shown beside the controls, except what has its own
        # place on the page: the stale version, the failed checks and an unamendable plan.
        **AMENDMENT_PAGES.controls(
            amendment,
            refusals,
            lead="change",
            hints=refusal is None,
            shown_elsewhere={CODE_STALE, CODE_CHECKS_FAILED},
        ),
    }
    context.update(overrides)
    return context


def _render_detail(request, amendment, status=200, **overrides):
    context = _detail_context(request, amendment, **overrides)
    return render(request, "quota/amendments/detail.html", context, status=status)


@role_required(*DOMAIN_ROLES)
def amendment_detail_page(request, pk):
    return _render_detail(request, get_object_or_404(_amendments(request.user), pk=pk))


def _amendment_for_step(request, pk):
    return get_object_or_404(_amendments(request.user), pk=pk)


#: The amendment's step pages and workflow controls (common/workflow_views.py), shared in shape with the plan's.
AMENDMENT_PAGES = WorkflowPages(
    workflow=workflow.AMENDMENT_WORKFLOW,
    subject="amendment",
    lookup=_amendment_for_step,
    render=_render_detail,
    route_prefix="quota-amendment",
    reason_form=ReasonForm,
    roles=(MINISTRY_OFFICIAL,),
)

amendment_override_page = AMENDMENT_PAGES.step_view("override", amendment_override, MESSAGE_OVERRIDE_RECORDED)
amendment_confirm_override_page = AMENDMENT_PAGES.step_view(
    "confirm_override", amendment_confirm_override, MESSAGE_OVERRIDE_CONFIRMED
)
amendment_propose_page = AMENDMENT_PAGES.step_view(
    "propose", amendment_propose, lambda amendment: MESSAGE_PROPOSED % {"number": amendment.number}
)
amendment_approve_page = AMENDMENT_PAGES.step_view(
    "approve",
    amendment_approve,
    lambda amendment: MESSAGE_APPROVED % {"number": amendment.number, "version": amendment.version},
)
amendment_return_page = AMENDMENT_PAGES.step_view(
    "return", amendment_return, lambda amendment: MESSAGE_RETURNED % {"number": amendment.number}
)
