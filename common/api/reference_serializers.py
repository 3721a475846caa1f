"""API input and output of policy parameters and the reference lists (countries, sectors, occupations)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.inputs import InputSerializer
from common.models import Country, Occupation, PolicyParameter, PolicyPeriod, Sector


# ---------------------------------------------------------------------------------------------
# Policy parameters
# ---------------------------------------------------------------------------------------------
class PolicyPeriodOutputSerializer(serializers.ModelSerializer):
    value = serializers.JSONField(
        help_text=_(
            'A percentage as a string with three decimals ("0.250" = 0.25 %), integers as numbers, '
            "a switch as a boolean, a structure as an object."
        )
    )
    created_by = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text=_("Id of the official who added it; null when loaded from the reference data."),
    )

    class Meta:
        model = PolicyPeriod
        fields = ["id", "valid_from", "valid_to", "value", "to_be_confirmed", "source", "created_by", "created_at"]
        read_only_fields = fields


class PolicyParameterOutputSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text=_("The period in force today (Asia/Almaty), or null."))
    periods = serializers.SerializerMethodField(help_text=_("Every period, oldest first."))

    class Meta:
        model = PolicyParameter
        fields = ["id", "name", "key", "value_type", "description", "rule_reference", "current", "periods"]
        read_only_fields = fields

    def _periods(self, parameter) -> list[PolicyPeriod]:
        # Prefetched by the view; sorted here so the order never depends on the prefetch.
        return sorted(parameter.periods.all(), key=lambda period: period.valid_from)

    @extend_schema_field(PolicyPeriodOutputSerializer(allow_null=True))
    def get_current(self, parameter):
        today = timezone.localdate()
        in_force = [p for p in self._periods(parameter) if p.valid_from <= today <= (p.valid_to or today)]
        current = in_force[0] if in_force else None
        return PolicyPeriodOutputSerializer(current).data if current is not None else None

    @extend_schema_field(PolicyPeriodOutputSerializer(many=True))
    def get_periods(self, parameter):
        return PolicyPeriodOutputSerializer(self._periods(parameter), many=True).data


class PolicyPeriodAddInputSerializer(InputSerializer):
    valid_from = serializers.DateField(help_text=_("First day of the new period; after the latest period's start."))
    value = serializers.JSONField(help_text=_("Typed as the parameter's value type (see the period's `value`)."))
    source = serializers.CharField(max_length=500, help_text=_("A URL or the document the value comes from."))
    to_be_confirmed = serializers.BooleanField(default=False)
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Why the period is added; required when `valid_from` is before today (Asia/Almaty), else 400 on `reason`."
        ),
    )


# ---------------------------------------------------------------------------------------------
# Reference lists
# ---------------------------------------------------------------------------------------------
class CountryOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the language of the request."))

    class Meta:
        model = Country
        fields = [
            "alpha_2",
            "alpha_3",
            "numeric",
            "name",
            "name_en",
            "name_ru",
            "name_kk",
            "eaeu_member",
            "eaeu_member_since",
        ]
        read_only_fields = fields


class SectorOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the language of the request."))

    class Meta:
        model = Sector
        fields = ["oked_section", "name", "name_en", "name_ru", "name_kk", "fee_group", "fee_group_status"]
        read_only_fields = fields


class OccupationOutputSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text=_("The title in the language of the request."))
    parent = serializers.SlugRelatedField(
        slug_field="isco08_code",
        read_only=True,
        allow_null=True,
        help_text=_("Code of the major group; null for a major group."),
    )

    class Meta:
        model = Occupation
        fields = ["isco08_code", "level", "title", "title_en", "title_ru", "title_kk", "parent"]
        read_only_fields = fields
