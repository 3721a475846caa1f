from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .registry import nav_entries_for
from .roles import role_label, user_role


def role_entries(user) -> list[dict]:
    """The navigation entries of this user's role, with their URLs (entries whose URL is None are hidden)."""
    entries = []
    for entry in nav_entries_for(user_role(user)):
        url = entry.url(user)
        if url:
            entries.append({"key": entry.key, "label": entry.label, "url": url, "description": entry.description})
    return entries


def navigation(request):
    """Links of the header navigation: Home, then the entries of the user's role (common.registry)."""
    items = [{"key": "home", "label": _("Home"), "url": reverse("home")}]
    context = {"brand_name": _("Kvota"), "languages": settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items += role_entries(user)
        role = user_role(user)
        context["current_role"] = role
        context["current_role_label"] = role_label(role)
    context["nav_items"] = items
    return context
