"""Role gates for the API (DRF permission classes). Row scoping is `visible_to(user)`, not here.

A refused anonymous request answers 401 (DRF does so when no authenticator succeeded); a signed-in
user of the wrong role answers 403. Services re-check the actor, because tasks and commands call them too.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import ADMINISTRATOR, DOMAIN_ROLES, READ_ONLY_ROLES, ROLES, user_role

MESSAGE_ROLE_NOT_ALLOWED = _("Your role may not use this.")
MESSAGE_READ_ONLY_ROLE = _("Your role may read but not change this data.")


class HasRole(BasePermission):
    """Allows users whose role is in `roles`. Subclass and set `roles`."""

    roles: frozenset[str] = frozenset()
    message = MESSAGE_ROLE_NOT_ALLOWED

    def has_permission(self, request, view):
        return user_role(request.user) in self.roles


class IsAdministrator(HasRole):
    """Users and roles: administrators only."""

    roles = frozenset({ADMINISTRATOR})


class IsDomainUser(HasRole):
    """Domain data (employers, quotas, permits…): every role except administrators (DOMAIN §10)."""

    roles = DOMAIN_ROLES


class HasAnyRole(HasRole):
    """Reference data: every signed-in user with a role, administrators included."""

    roles = frozenset(ROLES)


class ReadOnlyForAuditors(BasePermission):
    """Auditors change no domain data: any unsafe method answers 403, whatever the object."""

    message = MESSAGE_READ_ONLY_ROLE

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or user_role(request.user) not in READ_ONLY_ROLES


DOMAIN_PERMISSIONS = [IsDomainUser, ReadOnlyForAuditors]
