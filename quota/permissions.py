"""Role gates of the quota API (DOMAIN §10 "Quota data"): labour-force statistics, plans in the making, priority
projects, project reserves and country caps are read by ministry officials, regional officials and auditors, and
written by ministry officials only. Employers read plans too, but their scope (QuotaPlan.objects.visible_to) holds
approved plans only; administrators get 403 everywhere."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from common.permissions import HasRole, ReadOnlyForAuditors
from common.roles import DOMAIN_ROLES, user_role

from .querysets import QUOTA_DATA_READERS, QUOTA_DATA_WRITERS

MESSAGE_MINISTRY_WRITES = _("Only ministry officials change labour-force statistics and quota plans.")


class ReadsQuotaData(HasRole):
    roles = QUOTA_DATA_READERS


class WritesQuotaData(BasePermission):
    message = MESSAGE_MINISTRY_WRITES

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or user_role(request.user) in QUOTA_DATA_WRITERS


QUOTA_DATA_PERMISSIONS = [ReadsQuotaData, ReadOnlyForAuditors, WritesQuotaData]


class ReadsPlans(HasRole):
    """Every domain role reads plans; employers see approved ones only (their queryset scope)."""

    roles = DOMAIN_ROLES


QUOTA_PLAN_PERMISSIONS = [ReadsPlans, ReadOnlyForAuditors, WritesQuotaData]
