"""Every write of the employers app (STYLE.md)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.audit import record_event
from common.models import Region
from common.roles import ADMINISTRATOR, EMPLOYER, MINISTRY_OFFICIAL, assigned_role, user_role

from .models import Employer, EmployerMembership

MESSAGE_ONLY_EMPLOYER_USERS = _("Only employer users can be linked to an employer.")
MESSAGE_CANNOT_CREATE_EMPLOYER = _("Only a ministry official may register an employer here.")
MESSAGE_CANNOT_LINK = _("Only an administrator may link users to employers.")


@transaction.atomic
def employer_create(*, bin: str, name: str, regions: Iterable[Region], actor) -> Employer:
    """Register an employer (minimal; the employer registry step adds verification and the rest)."""
    if actor is not None and user_role(actor) != MINISTRY_OFFICIAL:
        raise PermissionDenied(MESSAGE_CANNOT_CREATE_EMPLOYER)
    employer = Employer(bin=bin, name=name)
    employer.full_clean()
    employer.save()
    employer.regions.set(list(regions))
    record_event(
        actor=actor,
        action="employer.registered",
        obj=employer,
        after={"bin": employer.bin, "name": employer.name, "region_ids": sorted(r.pk for r in employer.regions.all())},
    )
    return employer


@transaction.atomic
def employer_user_link(*, user, target: Employer | None, actor) -> None:
    """Link an employer user to their employer, replacing any earlier link; `target=None` removes it.

    Called by common's user services through the role link registered in EmployersConfig.ready().
    """
    if actor is not None and user_role(actor) != ADMINISTRATOR:
        raise PermissionDenied(MESSAGE_CANNOT_LINK)
    before = EmployerMembership.objects.filter(user=user).values_list("employer_id", flat=True).first()
    if target is None:
        EmployerMembership.objects.filter(user=user).delete()
    else:
        if assigned_role(user) != EMPLOYER:
            raise ValidationError({"employer": MESSAGE_ONLY_EMPLOYER_USERS})
        EmployerMembership.objects.update_or_create(user=user, defaults={"employer": target})
    after = target.pk if target is not None else None
    if before != after:
        record_event(
            actor=actor,
            action="employer.user_linked",
            obj=user,
            before={"employer_id": before},
            after={"employer_id": after},
        )
