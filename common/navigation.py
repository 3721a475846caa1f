"""Common's own navigation entries (apps add theirs through common.registry)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .registry import NavEntry, register_nav_entry
from .roles import ADMINISTRATOR, AUDITOR, DOMAIN_ROLES, MINISTRY_OFFICIAL, REGIONAL_OFFICIAL, ROLES


def register_common_entries() -> None:
    register_nav_entry(
        NavEntry(
            key="staff-users",
            label=_("Users"),
            roles=frozenset({ADMINISTRATOR}),
            url=lambda user: reverse("staff-user-list"),
            description=_("Create accounts, give each one role (and its regions or employer), deactivate."),
            order=10,
        )
    )
    register_nav_entry(
        NavEntry(
            key="audit-trail",
            label=_("Audit trail"),
            roles=frozenset({MINISTRY_OFFICIAL, AUDITOR}),
            url=lambda user: reverse("audit-trail"),
            description=_("Every decision and state change, hash-chained; verify that none was altered."),
            order=70,
        )
    )
    register_nav_entry(
        NavEntry(
            key="policy-parameters",
            label=_("Policy parameters"),
            roles=frozenset({MINISTRY_OFFICIAL, REGIONAL_OFFICIAL, AUDITOR}),
            url=lambda user: reverse("policy-list-page"),
            description=_("Rates, thresholds, deadlines, MCI and fees, each with its periods of validity."),
            order=60,
        )
    )
    register_nav_entry(
        NavEntry(
            # Administrators may open the lists too (like the API), but their work is users and roles only.
            key="reference-lists",
            label=_("Reference lists"),
            roles=DOMAIN_ROLES,
            url=lambda user: reverse("reference-countries-page"),
            description=_("Countries with the EAEU flag, sectors with their fee groups, occupations (ISCO-08)."),
            order=75,
        )
    )
    register_nav_entry(
        NavEntry(
            key="regions",
            label=_("Regions"),
            roles=frozenset(ROLES),
            url=lambda user: reverse("region-list-page"),
            description=_("Oblasts and cities of republican significance, with their validity dates."),
            order=80,
        )
    )
    register_nav_entry(
        NavEntry(
            key="api-docs",
            label=_("API documentation"),
            roles=frozenset(ROLES),
            url=lambda user: reverse("swagger-ui"),
            description=_("Every operation of the API, with an API token from POST /api/v1/auth/token/."),
            order=90,
        )
    )
