"""Pages of the quota ledger: live balances by region and category, and the reconciliation."""

from collections import defaultdict

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from common.pages import role_required
from common.roles import DOMAIN_ROLES, MINISTRY_OFFICIAL, user_role

from .ledger import quota_today, quota_year_close
from .ledger_filters import QuotaBalanceFilterSet
from .models import CATEGORIES, CellKind, QuotaCell, QuotaYear
from .querysets import QUOTA_DATA_READERS
from .reconciliation import quota_ledger_verify
from .views import persons

COUNTERS = ("allocated", "reserved", "used", "available")


def _summary(totals: dict) -> dict:
    """Counters formatted for the page, and the share of places taken (reserved + used) for its bar."""
    allocated = totals["allocated"]
    taken = totals["reserved"] + totals["used"]
    return {
        **{name: persons(totals[name]) for name in COUNTERS},
        "taken_percent": round(100 * taken / allocated) if allocated else 0,
    }


@role_required(*DOMAIN_ROLES)
def balances_page(request):
    """Allocated, reserved, used and available places of a quota year, by region × category, with bars."""
    years = list(QuotaYear.objects.order_by("-year").values_list("year", flat=True))
    default_year = quota_today().year if quota_today().year in years else (years[0] if years else None)
    data = request.GET.copy()
    data.setdefault("year", str(default_year or ""))
    filterset = QuotaBalanceFilterSet(data, queryset=QuotaCell.objects.visible_to(request.user))
    cells = (
        filterset.qs.select_related("region", "quota_year").order_by("region__code", "category")
        if filterset.is_valid()
        else QuotaCell.objects.none()
    )
    regions: dict = {}
    others, totals = [], dict.fromkeys(COUNTERS, 0)
    for cell in cells:
        if cell.kind != CellKind.REGIONAL:
            others.append({"cell": cell, **{name: persons(getattr(cell, name)) for name in COUNTERS}})
            continue
        row = regions.setdefault(cell.region.code, {"region": cell.region, "cells": {}, "total": defaultdict(int)})
        row["cells"][cell.category] = f"{persons(cell.available)} / {persons(cell.allocated)}"
        for name in COUNTERS:
            row["total"][name] += getattr(cell, name)
            totals[name] += getattr(cell, name)
    rows = [
        {
            "region": row["region"],
            "cells": [row["cells"].get(category, "—") for category in CATEGORIES],
            "total": _summary(row["total"]),
        }
        for row in regions.values()
    ]
    quota_year = QuotaYear.objects.filter(year=data.get("year") or 0).first() if filterset.is_valid() else None
    return render(
        request,
        "quota/balances.html",
        {
            "title": _("Quota balances"),
            "filterset": filterset,
            "years": years,
            "quota_year": quota_year,
            "categories": CATEGORIES,
            "rows": rows,
            "totals": _summary(totals) if rows else None,
            "others": others,
            "can_close": quota_year is not None
            and quota_year.is_open
            and user_role(request.user) == MINISTRY_OFFICIAL
            and quota_today().year > quota_year.year,
        },
    )


@role_required(*QUOTA_DATA_READERS)
def ledger_verify_page(request):
    """Every difference reconciliation finds in every year's ledger, in words: reported, never repaired."""
    return render(
        request,
        "quota/ledger_verify.html",
        {
            "title": _("Quota ledger reconciliation"),
            "differences": quota_ledger_verify(),
            "cells": QuotaCell.objects.count(),
        },
    )


MESSAGE_YEAR_CLOSED = _("The quota year %(year)s is closed: no new reservations or give-backs.")


@require_POST
@role_required(MINISTRY_OFFICIAL)
def quota_year_close_page(request, year):
    quota_year = get_object_or_404(QuotaYear, year=year)
    try:
        quota_year_close(year=quota_year.year, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, MESSAGE_YEAR_CLOSED % {"year": year})
    return redirect(f"{reverse('quota-balances-page')}?year={year}")
