"""Live quota balances (DOMAIN §5, §10): every signed-in role but administrators reads them."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from common.permissions import DOMAIN_PERMISSIONS

from ..ledger_filters import QuotaBalanceFilterSet
from ..models import QuotaCategory, QuotaCell


class QuotaBalanceOutputSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", default=None, allow_null=True, read_only=True)
    region_name = serializers.CharField(source="region.name", default=None, allow_null=True, read_only=True)
    # Blank for a cell that has no category (a country cap, the national headroom).
    category = serializers.ChoiceField(choices=QuotaCategory.choices, allow_blank=True, read_only=True)
    available = serializers.IntegerField(read_only=True)
    year_open = serializers.SerializerMethodField()

    class Meta:
        model = QuotaCell
        fields = [
            "id",
            "year",
            "year_open",
            "kind",
            "region",
            "region_name",
            "category",
            "country",
            "project_key",
            "allocated",
            "reserved",
            "used",
            "available",
        ]
        read_only_fields = fields

    def get_year_open(self, cell) -> bool:
        return cell.quota_year.is_open


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("year", int, description="Quota year, e.g. 2026")],
    )
)
class QuotaBalanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cells of the approved quota years with allocated, reserved, used and available places, as of now."""

    serializer_class = QuotaBalanceOutputSerializer
    permission_classes = DOMAIN_PERMISSIONS
    filterset_class = QuotaBalanceFilterSet

    def get_queryset(self):
        return QuotaCell.objects.visible_to(self.request.user).select_related("region", "quota_year")
