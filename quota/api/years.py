"""Quota years: whose ledger is open, and closing a year (DOMAIN §5) by a ministry official."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from common.permissions import DOMAIN_PERMISSIONS
from common.roles import MINISTRY_OFFICIAL, user_role

from ..ledger import quota_year_close
from ..models import QuotaYear


class QuotaYearOutputSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)
    closed_by = serializers.CharField(source="closed_by.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = QuotaYear
        fields = ["year", "plan", "is_open", "opened_at", "closed_at", "closed_by"]
        read_only_fields = fields


class ClosesQuotaYears(BasePermission):
    message = "Only a ministry official may close a quota year."

    def has_permission(self, request, view):
        return view.action != "close" or user_role(request.user) == MINISTRY_OFFICIAL


class QuotaYearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Approved quota years. Closing one stops new reservations and give-backs; reservations already made
    may still be committed or released. A year closes no earlier than 1 January of the next year."""

    serializer_class = QuotaYearOutputSerializer
    permission_classes = [*DOMAIN_PERMISSIONS, ClosesQuotaYears]
    lookup_field = "year"
    lookup_value_regex = r"[0-9]{4}"
    queryset = QuotaYear.objects.select_related("closed_by").order_by("-year")

    @extend_schema(request=None, responses=QuotaYearOutputSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, year=None):
        quota_year = self.get_object()
        closed = quota_year_close(year=quota_year.year, actor=request.user)
        return Response(QuotaYearOutputSerializer(closed).data)
