"""Reads of the employers app that other code uses (STYLE.md: `<entity>_list`, `<entity>_get`)."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import Employer, EmployerMembership


def employer_of_user(user) -> Employer | None:
    """The employer an employer user is linked to, or None."""
    if user is None or not user.is_authenticated:
        return None
    membership = EmployerMembership.objects.select_related("employer").filter(user=user).first()
    return membership.employer if membership is not None else None


def employer_list(*, user):
    """Employers visible to `user`, with what the list shows prefetched."""
    memberships = Prefetch("memberships", queryset=EmployerMembership.objects.select_related("user"))
    return Employer.objects.visible_to(user).prefetch_related("regions", memberships)
