from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    """Employers, their workforce declarations and the vacancy register (DOMAIN §6)."""

    name = "employers"
    verbose_name = _("Employers")

    def ready(self):
        from . import contributions

        contributions.register()
