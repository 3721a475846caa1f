from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotaConfig(AppConfig):
    """The annual quota plan, its amendments and the quota ledger (DOMAIN §3–§5)."""

    name = "quota"
    verbose_name = _("Quota")

    def ready(self):
        from . import contributions

        contributions.register()
