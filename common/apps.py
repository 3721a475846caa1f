from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """What every app shares and no app owns: users, errors, audit trail, policy, reference data."""

    name = "common"
    verbose_name = _("Common")
