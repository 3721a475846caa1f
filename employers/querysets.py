from django.db import models
from django.db.models import Exists, OuterRef

from common.roles import EMPLOYER, REGIONAL_OFFICIAL, SEES_EVERYTHING, user_region_ids, user_role


class EmployerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """DOMAIN §10 "sees": an employer user their own employer; a regional official the employers
        operating in their regions; ministry officials and auditors every employer; anyone else none."""
        role = user_role(user)
        if role in SEES_EVERYTHING:
            return self
        if role == REGIONAL_OFFICIAL:
            operates_there = self.model.regions.through.objects.filter(
                employer=OuterRef("pk"), region_id__in=user_region_ids(user)
            )
            return self.filter(Exists(operates_there))
        if role == EMPLOYER:
            return self.filter(memberships__user=user)
        return self.none()
