from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    """Links of the header navigation. Later steps add role-specific entries here, in one place."""
    items = [{"label": _("Home"), "url": reverse("home")}]
    if request.user.is_authenticated:
        items.append({"label": _("API documentation"), "url": reverse("swagger-ui")})
    return {"nav_items": items, "site_name": _("Kvota"), "languages": settings.LANGUAGES}
