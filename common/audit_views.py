"""The audit-trail browser: filters, before/after of each event, and a button that verifies the chain."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .audit import audit_trail_verify
from .audit_filters import AuditEventFilterSet
from .models import AuditEvent
from .pages import role_required
from .roles import AUDITOR, MINISTRY_OFFICIAL

MESSAGE_TRAIL_INTACT = _("The audit trail is intact: %(checked)s events checked.")
MESSAGE_TRAIL_BROKEN = _("The audit trail is BROKEN at event %(sequence)s: %(message)s")


@role_required(MINISTRY_OFFICIAL, AUDITOR)
def audit_trail(request):
    filterset = AuditEventFilterSet(request.GET, queryset=AuditEvent.objects.select_related("actor"))
    events = filterset.qs.order_by("-sequence") if filterset.is_valid() else AuditEvent.objects.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "common/audit_trail.html",
        {"title": _("Audit trail"), "filterset": filterset, "page": page, "query": query.urlencode()},
    )


@require_POST
@role_required(MINISTRY_OFFICIAL, AUDITOR)
def audit_trail_verify_page(request):
    result = audit_trail_verify()
    if result.intact:
        messages.success(request, MESSAGE_TRAIL_INTACT % {"checked": result.checked})
    else:
        details = {"sequence": result.first_broken_sequence, "message": result.message}
        messages.error(request, MESSAGE_TRAIL_BROKEN % details)
    return redirect("audit-trail")
