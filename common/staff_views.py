"""Administrators manage users and roles in pages (/staff/users/): list, create, edit, deactivate.

Users are never deleted. Every change goes through common.services, which re-checks the actor.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .filtersets import UserFilterSet
from .forms import UserCreateForm, UserEditForm
from .models import User
from .pages import role_required
from .registry import role_links
from .roles import ADMINISTRATOR, assigned_role, role_label
from .services import user_create, user_deactivate, user_reactivate, user_update

MESSAGE_USER_CREATED = _("The user %(username)s was created.")
MESSAGE_USER_SAVED = _("The changes to %(username)s were saved.")
MESSAGE_USER_DEACTIVATED = _("%(username)s was deactivated: they can no longer sign in.")
MESSAGE_USER_REACTIVATED = _("%(username)s was reactivated.")


def _scoped_users(request):
    related = [link.source.replace(".", "__") for link in role_links()]
    return User.objects.visible_to(request.user).with_role_facts().select_related(*related)


def _links_text(user) -> str:
    profile = getattr(user, "regional_profile", None)
    parts = [region.code for region in profile.regions.all()] if profile is not None else []
    for link in role_links():
        target = link.get(user)
        if target is not None:
            parts.append(link.describe(target))
    return ", ".join(parts) or "—"


@role_required(ADMINISTRATOR)
def user_list(request):
    filterset = UserFilterSet(request.GET, queryset=_scoped_users(request))
    users = filterset.qs if filterset.is_valid() else User.objects.none()
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    rows = [
        [
            format_html('<a href="{}">{}</a>', reverse("staff-user-edit", args=[user.pk]), user.username),
            user.get_full_name() or "—",
            role_label(assigned_role(user)),
            _links_text(user),
            format_html('<span class="badge ok">{}</span>', _("active"))
            if user.is_active
            else format_html('<span class="badge err">{}</span>', _("deactivated")),
        ]
        for user in page
    ]
    columns = [_("Username"), _("Name"), _("Role"), _("Regions or employer"), _("Status")]
    return render(
        request,
        "common/staff/user_list.html",
        {"title": _("Users"), "columns": columns, "rows": rows, "page": page, "filterset": filterset},
    )


@role_required(ADMINISTRATOR)
def user_create_page(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(**form.service_arguments(), actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, MESSAGE_USER_CREATED % {"username": user.username})
            return redirect("staff-user-edit", pk=user.pk)
    return render(request, "common/staff/user_form.html", {"title": _("New user"), "form": form})


@role_required(ADMINISTRATOR)
def user_edit_page(request, pk):
    user = get_object_or_404(_scoped_users(request), pk=pk)
    form = UserEditForm(request.POST or None, initial=UserEditForm.initial_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            user_update(user=user, **form.service_arguments(), actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, MESSAGE_USER_SAVED % {"username": user.username})
            return redirect("staff-user-edit", pk=user.pk)
    context = {"title": user.username, "form": form, "edited": user, "edited_role": role_label(assigned_role(user))}
    return render(request, "common/staff/user_form.html", context)


@require_POST
@role_required(ADMINISTRATOR)
def user_deactivate_page(request, pk):
    user = get_object_or_404(_scoped_users(request), pk=pk)
    try:
        user_deactivate(user=user, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, MESSAGE_USER_DEACTIVATED % {"username": user.username})
    return redirect("staff-user-edit", pk=user.pk)


@require_POST
@role_required(ADMINISTRATOR)
def user_reactivate_page(request, pk):
    user = get_object_or_404(_scoped_users(request), pk=pk)
    user_reactivate(user=user, actor=request.user)
    messages.success(request, MESSAGE_USER_REACTIVATED % {"username": user.username})
    return redirect("staff-user-edit", pk=user.pk)
