"""Roles (DOMAIN §10): who a user is. A role is a Django group of the same name; a user has exactly one.

Groups are created by migration common/0003. Region links of regional officials live in
`RegionalOfficialProfile`; the link of an employer user to an employer lives in the employers app and
reaches common only through `common.registry` (common imports no app).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

EMPLOYER = "employer"
REGIONAL_OFFICIAL = "regional_official"
MINISTRY_OFFICIAL = "ministry_official"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"

ROLES = (EMPLOYER, REGIONAL_OFFICIAL, MINISTRY_OFFICIAL, AUDITOR, ADMINISTRATOR)
ROLE_LABELS = {
    EMPLOYER: _("Employer user"),
    REGIONAL_OFFICIAL: _("Regional official"),
    MINISTRY_OFFICIAL: _("Ministry official"),
    AUDITOR: _("Auditor"),
    ADMINISTRATOR: _("Administrator"),
}
ROLE_CHOICES = [(role, ROLE_LABELS[role]) for role in ROLES]

# Who works with domain data at all: administrators manage users and roles only (DOMAIN §10).
DOMAIN_ROLES = frozenset({EMPLOYER, REGIONAL_OFFICIAL, MINISTRY_OFFICIAL, AUDITOR})
# Who sees every row of a scoped model (auditors read-only).
SEES_EVERYTHING = frozenset({MINISTRY_OFFICIAL, AUDITOR})
# Who may read but never change domain data.
READ_ONLY_ROLES = frozenset({AUDITOR})

_CACHE = "_kvota_role_cache"


def _role_facts(user) -> tuple[str | None, frozenset[int]]:
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    names = {group.name for group in user.groups.all()} & set(ROLES)
    if len(names) == 1:
        role = names.pop()
    elif not names and user.is_superuser:
        # `createsuperuser` makes no group: such an account administers users, nothing more.
        role = ADMINISTRATOR
    else:
        # No role, or a broken invariant (two roles): least privilege.
        role = None
    region_ids: frozenset[int] = frozenset()
    if role == REGIONAL_OFFICIAL:
        # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
        profile = getattr(user, "regional_profile", None)
        if profile is not None:
            region_ids = frozenset(region.pk for region in profile.regions.all())
    facts = (role, region_ids)
    setattr(user, _CACHE, facts)
    return facts


def user_role(user) -> str | None:
    """The role of a signed-in, active user, or None (anonymous, deactivated, no role)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return _role_facts(user)[0]


def assigned_role(user) -> str | None:
    """The role a user account holds, active or not (for administration pages and services)."""
    if user is None or not user.is_authenticated:
        return None
    return _role_facts(user)[0]


def user_region_ids(user) -> frozenset[int]:
    """Ids of the regions of a regional official; empty for every other role."""
    if user_role(user) != REGIONAL_OFFICIAL:
        return frozenset()
    return _role_facts(user)[1]


def has_role(user, *roles: str) -> bool:
    return user_role(user) in roles


def role_label(role: str | None):
    return ROLE_LABELS.get(role, _("No role")) if role else _("No role")


def forget_role(user) -> None:
    """Drop the cached role of this user object (services call it after changing a role)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
