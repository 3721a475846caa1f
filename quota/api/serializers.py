"""Input and output serializers of the quota API (no business logic: services decide)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..imports import FIRST_STATISTICS_YEAR, MAX_PERSONS, MAX_SOURCE_LENGTH, WHOLE_NUMBER
from ..models import FigureStatus, LabourForceFigure, PlanStatus, QuotaPlan
from ..selectors import plan_demand_table, plan_national_labour_force, plan_result_table
from ..services import FIRST_PLAN_YEAR, LAST_PLAN_YEAR

MESSAGE_WHOLE_NUMBER = _("Enter a whole number: digits only, no decimals, exponent or separators.")


# Two choice sets named "status" used in several components collide in the schema's enum components (a
# drf-spectacular warning that `check --deploy` fails on; ENUM_NAME_OVERRIDES lives in shared settings): these
# fields are documented as strings naming their values instead.
@extend_schema_field({"type": "string", "description": "official | illustrative"})
class FigureStatusField(serializers.ChoiceField):
    """A figure's status: official or illustrative."""

    def __init__(self, **kwargs):
        super().__init__(choices=FigureStatus.choices, **kwargs)


@extend_schema_field({"type": "string", "description": "draft | computed"})
class PlanStatusField(serializers.ChoiceField):
    """A plan's status: draft or computed (later steps add more)."""

    def __init__(self, **kwargs):
        super().__init__(choices=PlanStatus.choices, **kwargs)


class WholeNumberField(serializers.IntegerField):
    """A head-count: a JSON integer or a string of ASCII digits; never 1.5, 9e6, "9,100,000" or true."""

    default_error_messages = {"invalid": MESSAGE_WHOLE_NUMBER}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not (
            isinstance(data, int) or (isinstance(data, str) and WHOLE_NUMBER.fullmatch(data.strip()))
        ):
            self.fail("invalid")
        return super().to_internal_value(data)


MESSAGE_ROWS_HELP = _("Rows as JSON objects, instead of a file.")


# ---------------------------------------------------------------------------------------------------------------------
# Labour force
# ---------------------------------------------------------------------------------------------------------------------
class LabourForceFigureOutputSerializer(serializers.ModelSerializer):
    region = serializers.SerializerMethodField(help_text=_("Region code, or KZ for the whole country."))
    status = FigureStatusField(read_only=True)
    is_illustrative = serializers.BooleanField(read_only=True)

    class Meta:
        model = LabourForceFigure
        fields = [
            "id",
            "region",
            "year",
            "period",
            "persons",
            "status",
            "is_illustrative",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_region(self, figure) -> str:
        return figure.scope_code


class LabourForceImportInputSerializer(serializers.Serializer):
    """A CSV file (multipart `file`: region_code, year, period, persons, status[, source]) or JSON `rows`."""

    file = serializers.FileField(
        required=False, help_text=_("CSV, UTF-8: region_code,year,period,persons,status,source")
    )
    rows = serializers.ListField(
        child=serializers.DictField(), required=False, allow_empty=True, help_text=MESSAGE_ROWS_HELP
    )
    source = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_SOURCE_LENGTH,
        help_text=_("The source for rows that name none."),
    )


class LabourForceImportOutputSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    created_keys = serializers.ListField(child=serializers.CharField())
    updated_keys = serializers.ListField(child=serializers.CharField())


class LabourForceCorrectInputSerializer(serializers.Serializer):
    persons = WholeNumberField(min_value=1, max_value=MAX_PERSONS)
    status = FigureStatusField(required=False)
    source = serializers.CharField(max_length=MAX_SOURCE_LENGTH)
    reason = serializers.CharField(max_length=1000)


# ---------------------------------------------------------------------------------------------------------------------
# Quota plans
# ---------------------------------------------------------------------------------------------------------------------
class QuotaPlanCreateInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_PLAN_YEAR, max_value=LAST_PLAN_YEAR)
    statistics_year = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=FIRST_STATISTICS_YEAR,
        max_value=LAST_PLAN_YEAR,
        help_text=_("Default: the year before the plan year."),
    )
    entered_labour_force = WholeNumberField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_PERSONS,
        help_text=_("Persons; only when the statistics year has no official national figure."),
    )
    entered_labour_force_source = serializers.CharField(required=False, allow_blank=True, max_length=MAX_SOURCE_LENGTH)


class QuotaPlanUpdateInputSerializer(serializers.Serializer):
    statistics_year = serializers.IntegerField(
        required=False, min_value=FIRST_STATISTICS_YEAR, max_value=LAST_PLAN_YEAR
    )
    entered_labour_force = WholeNumberField(required=False, allow_null=True, min_value=1, max_value=MAX_PERSONS)
    entered_labour_force_source = serializers.CharField(required=False, allow_blank=True, max_length=MAX_SOURCE_LENGTH)


class QuotaPlanListOutputSerializer(serializers.ModelSerializer):
    status = PlanStatusField(read_only=True)
    flagged = serializers.SerializerMethodField(help_text=_("The managers/specialists rule is not met (computed)."))

    class Meta:
        model = QuotaPlan
        fields = [
            "id",
            "year",
            "status",
            "statistics_year",
            "ceiling",
            "pool",
            "national_headroom",
            "method",
            "flagged",
            "uses_illustrative_figures",
            "computed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_flagged(self, plan) -> bool | None:
        rule = (plan.rule_results or {}).get("managers_specialists")
        return None if rule is None else rule["flagged"]


class PlanTableSerializer(serializers.Serializer):
    """A region × category table: rows of {region, cells {1, 2, 3, 4, S}, total}, category totals, total."""

    rows = serializers.ListField(child=serializers.DictField())
    category_totals = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class QuotaPlanDetailOutputSerializer(QuotaPlanListOutputSerializer):
    national_labour_force = serializers.SerializerMethodField(
        help_text=_("The national figure the plan uses: official of the statistics year, else the entered one.")
    )
    demand = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    class Meta(QuotaPlanListOutputSerializer.Meta):
        fields = [
            *QuotaPlanListOutputSerializer.Meta.fields,
            "entered_labour_force",
            "entered_labour_force_source",
            "national_labour_force",
            "demand",
            "result",
            "share_numerator",
            "share_denominator",
            "rule_results",
            "computed_by",
            "computation_snapshot",
        ]
        read_only_fields = fields

    def get_national_labour_force(self, plan) -> dict | None:
        return plan_national_labour_force(plan)

    @extend_schema_field(PlanTableSerializer)
    def get_demand(self, plan) -> dict:
        return plan_demand_table(plan).as_dict()

    @extend_schema_field(PlanTableSerializer(allow_null=True))
    def get_result(self, plan) -> dict | None:
        table = plan_result_table(plan)
        return None if table is None else table.as_dict()


class PlanDemandRowSerializer(serializers.Serializer):
    region = serializers.CharField()
    category = serializers.CharField()
    places = serializers.IntegerField()


class PlanDemandOutputSerializer(serializers.Serializer):
    rows = PlanDemandRowSerializer(many=True)
    table = PlanTableSerializer()


class PlanDemandInputSerializer(serializers.Serializer):
    """The whole accepted-demand table: a CSV file (region_code,category,places or region_code,1,2,3,4,S) or JSON
    rows {region, category, places}. It replaces the plan's table."""

    file = serializers.FileField(required=False, help_text=_("CSV, UTF-8: region_code,category,places"))
    rows = serializers.ListField(
        child=serializers.DictField(), required=False, allow_empty=True, help_text=MESSAGE_ROWS_HELP
    )
