from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    """Permit applications, their checks, permits and their lifecycle (DOMAIN §7)."""

    name = "permits"
    verbose_name = _("Permits")
