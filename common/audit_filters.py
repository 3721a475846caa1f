"""Filters of the audit trail, shared by its API and its page."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    actor = django_filters.NumberFilter(
        field_name="actor_id", label=_("Actor (user id)"), min_value=1, max_value=2**63 - 1, decimal_places=0
    )
    actor_username = django_filters.CharFilter(
        field_name="actor__username", lookup_expr="iexact", label=_("Actor (username)")
    )
    action = django_filters.CharFilter(lookup_expr="istartswith", label=_("Action"), help_text=_("e.g. user.created"))
    object_type = django_filters.CharFilter(label=_("Object type"), help_text=_("e.g. common.user"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    occurred_from = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte", label=_("From"))
    occurred_to = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "actor_username", "action", "object_type", "object_id", "occurred_from", "occurred_to"]
