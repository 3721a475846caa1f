from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """What every app shares and no app owns: users, roles, errors, audit trail, policy, reference data."""

    name = "common"
    verbose_name = _("Common")

    def ready(self):
        from . import navigation, periodic, signals  # noqa: F401 - signals connects the login-event receivers

        navigation.register_common_entries()
        periodic.register_common_periodic_tasks()
