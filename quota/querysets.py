"""Query vocabulary of the quota models: no writes here (STYLE.md)."""

from __future__ import annotations

from django.db import models

from common.models import AppendOnlyQuerySet
from common.roles import AUDITOR, DOMAIN_ROLES, EMPLOYER, MINISTRY_OFFICIAL, REGIONAL_OFFICIAL, user_role

#: Who reads labour-force statistics and draft or computed plans (DOMAIN §10 "Quota data"): ministry officials
#: write them, regional officials and auditors read them whole (national data, not tied to one region).
QUOTA_DATA_READERS = frozenset({MINISTRY_OFFICIAL, REGIONAL_OFFICIAL, AUDITOR})
#: Who writes them.
QUOTA_DATA_WRITERS = frozenset({MINISTRY_OFFICIAL})


class LabourForceFigureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Ministry officials, regional officials and auditors see every figure; employers and administrators none."""
        return self if user_role(user) in QUOTA_DATA_READERS else self.none()

    def national(self):
        return self.filter(region__isnull=True)

    def regional(self):
        return self.filter(region__isnull=False)

    def for_year(self, year: int):
        return self.filter(year=year)

    def official(self):
        return self.filter(status=self.model.Status.OFFICIAL)


class QuotaPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every plan for ministry officials, regional officials and auditors; approved plans only for employers
        (DOMAIN §10: "employers see only approved numbers and balances"); none for administrators."""
        role = user_role(user)
        if role in QUOTA_DATA_READERS:
            return self
        if role == EMPLOYER:
            return self.approved()
        return self.none()

    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)


class PriorityProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Priority projects are quota data: written by ministry officials, read by regional officials and auditors
        (DOMAIN §10); employers and administrators see none."""
        return self if user_role(user) in QUOTA_DATA_READERS else self.none()


class QuotaCellQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Approved numbers and live balances: every signed-in role except administrators (DOMAIN §10)."""
        return self if user_role(user) in DOMAIN_ROLES else self.none()


class LedgerMovementQuerySet(AppendOnlyQuerySet):
    """Movements are written once (DOMAIN §5): this queryset refuses update() and delete()."""

    def for_cause(self, cause_type: str, cause_id: str):
        return self.filter(cause_type=cause_type, cause_id=cause_id)


class QuotaAmendmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Amendments are quota data (DOMAIN §10): ministry officials write them, regional officials and auditors read
        them all; employers see approved ones only (the approved numbers); administrators none."""
        role = user_role(user)
        if role in QUOTA_DATA_READERS:
            return self
        if role == EMPLOYER:
            return self.approved()
        return self.none()

    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)
