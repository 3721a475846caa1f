"""What the employers app contributes to common (common.registry): the employer-user link, navigation
entries and its part of the demo data. Common never imports this app; it finds these by registry."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.registry import NavEntry, RoleLink, register_demo_seeder, register_nav_entry, register_role_link
from common.roles import AUDITOR, EMPLOYER, MINISTRY_OFFICIAL, REGIONAL_OFFICIAL


def _summary_serializer():
    from .api.serializers import EmployerSummarySerializer

    return EmployerSummarySerializer


def _choices():
    from .models import Employer

    return Employer.objects.all()


def _own_employer_url(user):
    from .selectors import employer_of_user

    employer = employer_of_user(user)
    return reverse("employer-detail-page", args=[employer.pk]) if employer is not None else None


def _seed(*, stdout):
    from .demo import seed_demo_employers

    seed_demo_employers(stdout=stdout)


def register() -> None:
    from .selectors import employer_of_user
    from .services import employer_user_link

    register_role_link(
        RoleLink(
            role=EMPLOYER,
            name="employer",
            label=_("Employer"),
            choices=_choices,
            get=employer_of_user,
            set=employer_user_link,
            source="employer_membership.employer",
            summary_serializer=_summary_serializer,
        )
    )
    register_nav_entry(
        NavEntry(
            key="own-employer",
            label=_("My employer"),
            roles=frozenset({EMPLOYER}),
            url=_own_employer_url,
            description=_("Your organisation as the ministry records it: BIN, name and regions."),
            order=20,
        )
    )
    register_nav_entry(
        NavEntry(
            key="employers",
            label=_("Employers"),
            roles=frozenset({REGIONAL_OFFICIAL, MINISTRY_OFFICIAL, AUDITOR}),
            url=lambda user: reverse("employer-list-page"),
            description=_("Employers in your scope: a regional official's regions, or all of them."),
            order=20,
        )
    )
    register_demo_seeder(_seed)
