"""Policy parameter pages (/policy/): ministry officials add periods and correct the texts; regional officials
and auditors read. Every change goes through common.services, which re-checks the actor and audits it."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .demo import ILLUSTRATIVE_POLICY_SOURCE
from .errors import DomainError
from .filtersets import PolicyParameterFilterSet
from .forms import PolicyParameterTextForm, PolicyPeriodForm
from .models import PolicyParameter, PolicyPeriod
from .pages import role_required
from .policy import format_policy_value, periods_ending_soon
from .registry import policy_decisions
from .roles import AUDITOR, MINISTRY_OFFICIAL, REGIONAL_OFFICIAL, user_role
from .services import policy_parameter_update, policy_period_add

POLICY_PAGE_ROLES = (MINISTRY_OFFICIAL, REGIONAL_OFFICIAL, AUDITOR)

MESSAGE_PERIOD_ADDED = _("The new period of %(parameter)s from %(valid_from)s was added.")
MESSAGE_PARAMETER_SAVED = _("The description and rule reference of %(parameter)s were saved.")


def _parameters():
    return PolicyParameter.objects.prefetch_related(
        Prefetch("periods", queryset=PolicyPeriod.objects.select_related("created_by").order_by("valid_from"))
    )


def _in_force(parameter, day):
    return next((p for p in parameter.periods.all() if p.valid_from <= day <= (p.valid_to or day)), None)


def _status_badge(period):
    if period is None:
        return format_html('<span class="badge err">{}</span>', _("not defined today"))
    if period.source.startswith(ILLUSTRATIVE_POLICY_SOURCE):
        # Added by the embedded demo (DEBUG only) so it keeps working past the last known value: never real data.
        return format_html(
            '<span class="badge warn" data-testid="illustrative-demo">{}</span>', _("illustrative (demo)")
        )
    if period.to_be_confirmed:
        return format_html('<span class="badge warn" data-testid="to-be-confirmed">{}</span>', _("to be confirmed"))
    return format_html('<span class="badge ok">{}</span>', _("in force"))


def _source_part(part: str):
    """ "https://… (a note)" -> a link to the URL, then the note; anything else stays text."""
    if not part.startswith(("https://", "http://")):
        return part
    url, _space, note = part.partition(" ")
    return format_html('<a href="{}" rel="noopener noreferrer">{}</a>{}', url, url, f" {note}" if note else "")


def _source_links(source: str):
    """A source is a URL, a document, or several separated by " ; ": link the URLs."""
    parts = [part.strip() for part in source.split(" ; ") if part.strip()]
    return format_html_join(" · ", "{}", ((_source_part(part),) for part in parts))


@role_required(*POLICY_PAGE_ROLES)
def policy_list_page(request):
    """Every parameter with its value in force today, a "to be confirmed" badge and its rule reference; ministry
    officials (who add periods) are warned of values that run out soon with no period after them."""
    filterset = PolicyParameterFilterSet(request.GET, queryset=_parameters())
    parameters = filterset.qs if filterset.is_valid() else PolicyParameter.objects.none()
    today = timezone.localdate()
    rows = []
    for parameter in parameters:
        current = _in_force(parameter, today)
        rows.append(
            [
                format_html('<a href="{}">{}</a>', reverse("policy-detail-page", args=[parameter.pk]), parameter.name),
                parameter.key or "—",
                format_policy_value(parameter.value_type, current.value) if current else "—",
                current.valid_from.isoformat() if current else "—",
                _status_badge(current),
                parameter.rule_reference or "—",
            ]
        )
    columns = [_("Parameter"), _("Key"), _("Value today"), _("In force since"), _("Status"), _("Rule reference")]
    ending_soon = periods_ending_soon(on=today) if user_role(request.user) == MINISTRY_OFFICIAL else []
    context = {
        "title": _("Policy parameters"),
        "columns": columns,
        "rows": rows,
        "filterset": filterset,
        "today": today,
        "ending_soon": ending_soon,
    }
    return render(request, "common/policy_list.html", context)


@role_required(*POLICY_PAGE_ROLES, writers={MINISTRY_OFFICIAL})
def policy_detail_page(request, pk):
    """The history of one parameter's periods, and the "add a period" form for ministry officials."""
    parameter = get_object_or_404(_parameters(), pk=pk)
    may_change = request.page_may_write
    form = PolicyPeriodForm(request.POST or None, parameter=parameter) if may_change else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            policy_period_add(parameter=parameter, **data, actor=request.user)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, MESSAGE_PERIOD_ADDED % {"parameter": parameter, "valid_from": data["valid_from"].isoformat()}
            )
            return redirect("policy-detail-page", pk=parameter.pk)
    today = timezone.localdate()
    current = _in_force(parameter, today)
    rows = [
        [
            period.valid_from.isoformat(),
            period.valid_to.isoformat() if period.valid_to else _("open"),
            format_policy_value(parameter.value_type, period.value),
            _status_badge(period) if period.to_be_confirmed else "—",
            _source_links(period.source),
            period.created_by.username if period.created_by else _("reference data"),
        ]
        for period in reversed(parameter.periods.all())
    ]
    columns = [_("Valid from"), _("Valid to"), _("Value"), _("Status"), _("Source"), _("Added by")]
    # What was decided with this parameter keeps its value (DOMAIN §9): shown so that whoever adds a period
    # starting in the past sees what it will not change.
    decisions = policy_decisions(name=parameter.name, key=parameter.key, date_from=date.min)
    decision_rows = [
        [
            format_html('<a href="{}">{}</a>', decision.url, decision.label) if decision.url else decision.label,
            decision.on.isoformat(),
            format_policy_value(parameter.value_type, decision.value),
        ]
        for decision in decisions
    ]
    past_from = (getattr(form, "cleaned_data", None) or {}).get("valid_from") if form is not None else None
    if past_from is not None and past_from >= today:
        past_from = None
    context = {
        "title": str(parameter),
        "parameter": parameter,
        "current": current,
        "current_value": format_policy_value(parameter.value_type, current.value) if current else None,
        "columns": columns,
        "rows": rows,
        "form": form,
        "may_change": may_change,
        "today": today,
        "decision_columns": [_("Decision"), _("Date that selected the value"), _("Value it was decided with")],
        "decision_rows": decision_rows,
        "past_from": past_from,
        "decided_since": [decision for decision in decisions if past_from and decision.on >= past_from],
    }
    return render(request, "common/policy_detail.html", context)


@role_required(MINISTRY_OFFICIAL)
def policy_text_page(request, pk):
    """Correct a parameter's description and rule reference (data shown to users)."""
    parameter = get_object_or_404(PolicyParameter, pk=pk)
    initial = {"description": parameter.description, "rule_reference": parameter.rule_reference}
    form = PolicyParameterTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy_parameter_update(parameter=parameter, **form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, MESSAGE_PARAMETER_SAVED % {"parameter": parameter})
            return redirect("policy-detail-page", pk=parameter.pk)
    return render(request, "common/policy_text.html", {"title": str(parameter), "parameter": parameter, "form": form})
