"""Input and output serializers of the quota API (no business logic: services decide)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.inputs import InputSerializer
from common.api.workflow import WorkflowStepsMixin
from common.models import Country, Region
from employers.models import Employer

from ..inputs import (
    FIRST_PLAN_YEAR,
    FIRST_STATISTICS_YEAR,
    LAST_PLAN_YEAR,
    MAX_CORRECTION_REASON_LENGTH,
    MAX_PERSONS,
    MAX_PLACES,
    MAX_REASON_LENGTH,
    MAX_SOURCE_LENGTH,
    MESSAGE_WHOLE_NUMBER,
    whole_text,
)
from ..models import (
    CountryCap,
    FigureStatus,
    LabourForceFigure,
    PlanStatus,
    PriorityProject,
    ProjectMode,
    ProjectReserve,
    QuotaCategory,
    QuotaPlan,
)
from ..selectors import plan_demand_table, plan_national_labour_force, plan_result_table
from ..services import MAX_PROJECT_CODE, MAX_PROJECT_NAME, plan_step_refusals


class WholeNumberField(serializers.IntegerField):
    """A head-count: a JSON integer or a string of ASCII digits; never 1.5, 9e6, "9,100,000" or true."""

    default_error_messages = {"invalid": MESSAGE_WHOLE_NUMBER}

    def __init__(self, *, max_value: int, **kwargs):
        super().__init__(max_value=max_value, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = whole_text(data.strip(), maximum=self.max_value)
            except DjangoValidationError:
                self.fail("invalid")
            if data is None:  # more digits than the maximum has: simply too large (refused before int())
                self.fail("max_value", max_value=self.max_value)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


MESSAGE_ROWS_HELP = _("Rows as JSON objects, instead of a file.")


# ---------------------------------------------------------------------------------------------------------------------
# Labour force
# ---------------------------------------------------------------------------------------------------------------------
class LabourForceFigureOutputSerializer(serializers.ModelSerializer):
    region = serializers.SerializerMethodField(help_text=_("Region code, or KZ for the whole country."))
    status = serializers.ChoiceField(choices=FigureStatus.choices, read_only=True)
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


class LabourForceImportInputSerializer(InputSerializer):
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


class LabourForceCorrectInputSerializer(InputSerializer):
    persons = WholeNumberField(min_value=1, max_value=MAX_PERSONS)
    status = serializers.ChoiceField(choices=FigureStatus.choices, required=False)
    source = serializers.CharField(max_length=MAX_SOURCE_LENGTH)
    reason = serializers.CharField(max_length=MAX_CORRECTION_REASON_LENGTH)


# ---------------------------------------------------------------------------------------------------------------------
# Quota plans
# ---------------------------------------------------------------------------------------------------------------------
class QuotaPlanCreateInputSerializer(InputSerializer):
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


class QuotaPlanUpdateInputSerializer(InputSerializer):
    statistics_year = serializers.IntegerField(
        required=False, min_value=FIRST_STATISTICS_YEAR, max_value=LAST_PLAN_YEAR
    )
    entered_labour_force = WholeNumberField(required=False, allow_null=True, min_value=1, max_value=MAX_PERSONS)
    entered_labour_force_source = serializers.CharField(required=False, allow_blank=True, max_length=MAX_SOURCE_LENGTH)


class QuotaPlanListOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=PlanStatus.choices, read_only=True)
    flagged = serializers.SerializerMethodField(
        help_text=_("The managers/specialists rule is not met by the stored cells (null before a computation).")
    )

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
            "proposed_at",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_flagged(self, plan) -> bool | None:
        rule = plan.managers_specialists
        return None if rule is None else rule["flagged"]


class PlanTableSerializer(serializers.Serializer):
    """A region × category table: rows of {region, cells {1, 2, 3, 4, S}, total}, category totals, total."""

    rows = serializers.ListField(child=serializers.DictField())
    category_totals = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class ProjectReserveOutputSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    category = serializers.ChoiceField(choices=QuotaCategory.choices, read_only=True)

    class Meta:
        model = ProjectReserve
        fields = ["id", "plan", "project", "project_name", "region", "category", "places"]
        read_only_fields = fields


class CountryCapOutputSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.alpha_2", read_only=True)
    country_name = serializers.CharField(source="country.name", read_only=True)

    class Meta:
        model = CountryCap
        fields = ["id", "plan", "country", "country_name", "places"]
        read_only_fields = fields


class QuotaPlanDetailOutputSerializer(WorkflowStepsMixin, QuotaPlanListOutputSerializer):
    step_refusals = staticmethod(plan_step_refusals)

    national_labour_force = serializers.SerializerMethodField(
        help_text=_("The national figure the plan uses: official of the statistics year, else the entered one.")
    )
    demand = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    project_reserves = ProjectReserveOutputSerializer(many=True, read_only=True)
    country_caps = CountryCapOutputSerializer(many=True, read_only=True)

    class Meta(QuotaPlanListOutputSerializer.Meta):
        fields = [
            *QuotaPlanListOutputSerializer.Meta.fields,
            "entered_labour_force",
            "entered_labour_force_source",
            "national_labour_force",
            "demand",
            "result",
            "project_reserves",
            "country_caps",
            "share_numerator",
            "share_denominator",
            "rule_results",
            "computed_by",
            "computation_snapshot",
            "fix_applied_at",
            "fix_applied_by",
            "override_reason",
            "overridden_at",
            "overridden_by",
            "override_confirmed_at",
            "override_confirmed_by",
            "proposed_by",
            "approved_by",
            "returned_at",
            "returned_by",
            "return_reason",
            "allowed_steps",
            "refused_steps",
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


class PlanDemandInputSerializer(InputSerializer):
    """The whole accepted-demand table: a CSV file (region_code,category,places or region_code,1,2,3,4,S) or JSON
    rows {region, category, places}. It replaces the plan's table."""

    file = serializers.FileField(required=False, help_text=_("CSV, UTF-8: region_code,category,places"))
    rows = serializers.ListField(
        child=serializers.DictField(), required=False, allow_empty=True, help_text=MESSAGE_ROWS_HELP
    )


class ReasonInputSerializer(InputSerializer):
    """The reason of an override or of a return to draft."""

    reason = serializers.CharField(max_length=MAX_REASON_LENGTH)


# ---------------------------------------------------------------------------------------------------------------------
# Priority projects, project reserves, country caps
# ---------------------------------------------------------------------------------------------------------------------
class EmployerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = ["id", "bin", "name"]
        read_only_fields = fields


class PriorityProjectOutputSerializer(serializers.ModelSerializer):
    operator = EmployerRefSerializer(read_only=True)
    mode = serializers.ChoiceField(choices=ProjectMode.choices, read_only=True)

    class Meta:
        model = PriorityProject
        fields = ["id", "code", "name", "operator", "mode", "created_at", "updated_at"]
        read_only_fields = fields


class PriorityProjectCreateInputSerializer(InputSerializer):
    code = serializers.CharField(
        max_length=MAX_PROJECT_CODE, help_text=_("Permanent key: lower-case words joined by hyphens.")
    )
    name = serializers.CharField(max_length=MAX_PROJECT_NAME)
    operator = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.all(), help_text=_("The id of the operating employer.")
    )
    mode = serializers.ChoiceField(choices=ProjectMode.choices)


class PriorityProjectUpdateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=MAX_PROJECT_NAME, required=False)
    operator = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all(), required=False)
    mode = serializers.ChoiceField(choices=ProjectMode.choices, required=False)


class ProjectReserveCreateInputSerializer(InputSerializer):
    project = serializers.SlugRelatedField(
        slug_field="code", queryset=PriorityProject.objects.all(), help_text=_("The project's code.")
    )
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text=_("Region code."))
    category = serializers.ChoiceField(choices=QuotaCategory.choices)
    places = WholeNumberField(min_value=1, max_value=MAX_PLACES)


class ProjectReserveUpdateInputSerializer(InputSerializer):
    places = WholeNumberField(min_value=1, max_value=MAX_PLACES)


class CountryCapCreateInputSerializer(InputSerializer):
    country = serializers.SlugRelatedField(
        slug_field="alpha_2", queryset=Country.objects.all(), help_text=_("ISO 3166-1 alpha-2 code.")
    )
    places = WholeNumberField(min_value=0, max_value=MAX_PLACES)


class CountryCapUpdateInputSerializer(InputSerializer):
    places = WholeNumberField(min_value=0, max_value=MAX_PLACES)
