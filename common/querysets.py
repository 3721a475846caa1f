"""Query vocabulary of the common models: no writes here (STYLE.md)."""

from __future__ import annotations

from datetime import date

from django.db import models

from .roles import ADMINISTRATOR, user_role


class RegionQuerySet(models.QuerySet):
    """Regions are reference data: every signed-in user may read them, so there is no `visible_to`."""

    def valid_on(self, day: date):
        """Regions in force on `day` (valid_from and valid_to inclusive; empty means open)."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Administrators see every account; everyone else only their own (DOMAIN §10)."""
        if user_role(user) == ADMINISTRATOR:
            return self
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(pk=user.pk)

    def with_role_facts(self):
        """Prefetch what `user_role` and `user_region_ids` read, for lists of users."""
        return self.prefetch_related("groups", "regional_profile__regions")
