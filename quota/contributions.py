"""What the quota app contributes to common (common.registry): navigation entries for the roles that read quota
data — ministry officials write it; regional officials and auditors read it; every role but administrators reads the
published quota and the balances (DOMAIN §10) — and its part of the demo data."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.registry import NavEntry, register_demo_seeder, register_nav_entry, register_policy_decision_source
from common.roles import DOMAIN_ROLES

from .querysets import QUOTA_DATA_READERS


def _seed(*, stdout):
    from .demo import seed_demo_quota

    seed_demo_quota(stdout=stdout)


def _decisions_under_policy(**kwargs):
    from .selectors import decisions_under_policy

    return decisions_under_policy(**kwargs)


def register() -> None:
    register_demo_seeder(_seed)
    register_policy_decision_source("quota", _decisions_under_policy)
    register_nav_entry(
        NavEntry(
            key="quota-published",
            label=_("Published quota"),
            roles=DOMAIN_ROLES,
            url=lambda user: reverse("quota-published-page"),
            description=_("The approved quota of the year by region and category, with reserves, caps and headroom."),
            order=28,
        )
    )
    register_nav_entry(
        NavEntry(
            key="priority-projects",
            label=_("Priority projects"),
            roles=QUOTA_DATA_READERS,
            url=lambda user: reverse("quota-project-list-page"),
            description=_("Priority investment projects: operator, mode, and the places each plan reserves for them."),
            order=32,
        )
    )
    register_nav_entry(
        NavEntry(
            key="quota-plans",
            label=_("Quota plans"),
            roles=QUOTA_DATA_READERS,
            url=lambda user: reverse("quota-plan-list-page"),
            description=_("Annual quota plans: inputs, accepted demand and the computed distribution."),
            order=30,
        )
    )
    register_nav_entry(
        NavEntry(
            key="labour-force",
            label=_("Labour force"),
            roles=QUOTA_DATA_READERS,
            url=lambda user: reverse("labour-force-list-page"),
            description=_("Labour-force statistics by region and year, official or illustrative."),
            order=31,
        )
    )
    register_nav_entry(
        NavEntry(
            key="quota-balances",
            label=_("Quota balances"),
            roles=DOMAIN_ROLES,
            url=lambda user: reverse("quota-balances-page"),
            description=_("Live places of the approved quota by region and category: allocated, reserved, used."),
            order=29,
        )
    )
