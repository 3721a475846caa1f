from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Scheduled and on-demand compliance reports for auditors (DOMAIN §8)."""

    name = "reporting"
    verbose_name = _("Reporting")
