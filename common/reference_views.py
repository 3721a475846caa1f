"""Reference list pages (/reference/countries/, /reference/sectors/, /reference/occupations/): every role
reads them (with search); ministry officials correct the names, audited through common.services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .filtersets import CountryFilterSet, OccupationFilterSet, SectorFilterSet
from .forms import ReferenceNamesForm
from .models import Country, Occupation, Sector
from .pages import role_required
from .roles import MINISTRY_OFFICIAL, ROLES, user_role
from .services import REFERENCE_NAME_FIELDS, reference_names_update

MESSAGE_NAMES_SAVED = _("The names of %(item)s were saved.")


def _eaeu(country: Country):
    if not country.eaeu_member:
        return "—"
    since = country.eaeu_member_since.isoformat() if country.eaeu_member_since else ""
    return format_html('<span class="badge ok">{}</span> {}', _("EAEU"), since)


def _fee_group(sector: Sector):
    if sector.fee_group_status == Sector.FeeGroupStatus.INFERRED:
        return format_html(
            '{} <span class="badge warn">{}</span>', sector.get_fee_group_display(), _("inferred, to be confirmed")
        )
    return sector.get_fee_group_display()


@dataclass(frozen=True)
class ReferenceList:
    kind: str
    title: Any
    model: type
    lookup: str
    filterset: type
    columns: tuple
    cells: Callable[[Any], list]
    queryset: Callable[[], Any]


REFERENCE_LISTS = {
    "countries": ReferenceList(
        kind="countries",
        title=_("Countries"),
        model=Country,
        lookup="alpha_2",
        filterset=CountryFilterSet,
        columns=(_("Code"), _("Alpha-3"), _("Name"), _("EAEU member")),
        cells=lambda c: [c.alpha_2, c.alpha_3, c.name, _eaeu(c)],
        queryset=lambda: Country.objects.all(),
    ),
    "sectors": ReferenceList(
        kind="sectors",
        title=_("Sectors (OKED sections)"),
        model=Sector,
        lookup="oked_section",
        filterset=SectorFilterSet,
        columns=(_("Section"), _("Name"), _("Fee group")),
        cells=lambda s: [s.oked_section, s.name, _fee_group(s)],
        queryset=lambda: Sector.objects.all(),
    ),
    "occupations": ReferenceList(
        kind="occupations",
        title=_("Occupations (ISCO-08)"),
        model=Occupation,
        lookup="isco08_code",
        filterset=OccupationFilterSet,
        columns=(_("Code"), _("Level"), _("Title"), _("Major group")),
        cells=lambda o: [o.isco08_code, o.get_level_display(), o.title, o.parent.isco08_code if o.parent else "—"],
        queryset=lambda: Occupation.objects.select_related("parent"),
    ),
}


def _tabs(current: str) -> list[dict]:
    tabs = [
        {"label": spec.title, "url": reverse(f"reference-{kind}-page"), "current": kind == current}
        for kind, spec in REFERENCE_LISTS.items()
    ]
    return [*tabs, {"label": _("Regions"), "url": reverse("region-list-page"), "current": False}]


@role_required(*ROLES)
def reference_list_page(request, kind: str):
    spec = REFERENCE_LISTS[kind]
    filterset = spec.filterset(request.GET, queryset=spec.queryset())
    items = filterset.qs if filterset.is_valid() else spec.model.objects.none()
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    may_edit = user_role(request.user) == MINISTRY_OFFICIAL
    columns = list(spec.columns) + ([_("Names")] if may_edit else [])
    rows = []
    for item in page:
        cells = spec.cells(item)
        if may_edit:
            url = reverse(f"reference-{kind}-edit", args=[getattr(item, spec.lookup)])
            cells.append(format_html('<a href="{}">{}</a>', url, _("Correct")))
        rows.append(cells)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": spec.title,
        "columns": columns,
        "rows": rows,
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "tabs": _tabs(kind),
    }
    return render(request, "common/reference_list.html", context)


@role_required(MINISTRY_OFFICIAL)
def reference_edit_page(request, kind: str, code: str):
    spec = REFERENCE_LISTS[kind]
    item = get_object_or_404(spec.model, **{spec.lookup: code})
    name_fields = REFERENCE_NAME_FIELDS[spec.model]
    form = ReferenceNamesForm(request.POST or None, obj=item, name_fields=name_fields)
    if request.method == "POST" and form.is_valid():
        try:
            reference_names_update(obj=item, names=form.names(), reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, MESSAGE_NAMES_SAVED % {"item": code})
            return redirect(f"reference-{kind}-page")
    context = {
        "title": f"{spec.title}: {code}",
        "item": item,
        "code": code,
        "form": form,
        "spec": spec,
        "list_url": reverse(f"reference-{kind}-page"),
    }
    return render(request, "common/reference_edit.html", context)
