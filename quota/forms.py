"""Forms of the quota pages (input only; services decide)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.models import Country, Region
from employers.models import Employer

from .calculation import CATEGORIES
from .inputs import (
    FIRST_PLAN_YEAR,
    FIRST_STATISTICS_YEAR,
    LAST_PLAN_YEAR,
    MAX_CORRECTION_REASON_LENGTH,
    MAX_PERSONS,
    MAX_PLACES,
    MAX_REASON_LENGTH,
    MAX_SOURCE_LENGTH,
    MESSAGE_NUMBER_RANGE,
    MESSAGE_WHOLE_PERSONS,
    whole_text,
)
from .models import LabourForceFigure, PriorityProject, ProjectMode, QuotaCategory
from .services import MAX_PROJECT_CODE, MAX_PROJECT_NAME


def add_service_errors(form: forms.Form, exc: forms.ValidationError) -> None:
    """A service's ValidationError by field (quota.inputs' messages) put back on the form's fields; a field the form
    does not have goes to the form as a whole."""
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


class WholeNumberField(forms.CharField):
    """A head-count typed by hand: ASCII digits only, like imported files ("9100000"; not "9,100,000" or "9e6")."""

    def __init__(self, *, minimum: int, maximum: int, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            number = whole_text(text, maximum=self.maximum)  # None: more digits than the maximum has
        except forms.ValidationError:
            raise forms.ValidationError(MESSAGE_WHOLE_PERSONS, code="not_whole_number") from None
        if number is None or not self.minimum <= number <= self.maximum:
            raise forms.ValidationError(
                MESSAGE_NUMBER_RANGE % {"minimum": self.minimum, "maximum": self.maximum}, code="out_of_range"
            )
        return number


class LabourForceImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, columns region_code, year, period, persons, status, source — one figure per row; KZ is the whole "
            "country; period annual or Q1–Q4; status official or illustrative. Any problem rejects the whole file."
        ),
    )
    source = forms.CharField(label=_("Source for rows without one"), max_length=MAX_SOURCE_LENGTH, required=False)


class LabourForceCorrectForm(forms.Form):
    persons = WholeNumberField(label=_("Persons"), minimum=1, maximum=MAX_PERSONS)
    status = forms.ChoiceField(label=_("Status"), choices=LabourForceFigure.Status.choices)
    source = forms.CharField(label=_("Source"), max_length=MAX_SOURCE_LENGTH)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=MAX_CORRECTION_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QuotaPlanInputsForm(forms.Form):
    """A plan's inputs other than its year: the statistics year and, where the statistics year has no official
    national figure, the national labour force to use and its source."""

    statistics_year = forms.IntegerField(
        label=_("Statistics year"),
        min_value=FIRST_STATISTICS_YEAR,
        max_value=LAST_PLAN_YEAR,
        required=False,
        help_text=_("The year whose labour force the plan uses; empty: the year before the plan year."),
    )
    entered_labour_force = WholeNumberField(
        label=_("National labour force (persons)"),
        minimum=1,
        maximum=MAX_PERSONS,
        required=False,
        help_text=_("Only when the statistics year has no official national figure."),
    )
    entered_labour_force_source = forms.CharField(
        label=_("Source of this figure"), max_length=MAX_SOURCE_LENGTH, required=False
    )


class QuotaPlanCreateForm(QuotaPlanInputsForm):
    year = forms.IntegerField(label=_("Quota year"), min_value=FIRST_PLAN_YEAR, max_value=LAST_PLAN_YEAR)

    field_order = ["year", "statistics_year", "entered_labour_force", "entered_labour_force_source"]


def demand_field_name(region, category: str) -> str:
    return f"demand-{region.code}-{category}"


class DemandGridForm(forms.Form):
    """One box per region in force on 1 January of the plan year and per category 1, 2, 3, 4, S; empty is zero."""

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = list(regions)
        for region in self.regions:
            for category in CATEGORIES:
                self.fields[demand_field_name(region, category)] = WholeNumberField(
                    label=f"{region.code} {category}",
                    minimum=0,
                    maximum=MAX_PLACES,
                    required=False,
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "numeric",
                            "pattern": "[0-9]*",
                            "size": 6,
                            "aria-label": f"{region.code} {category}",
                        }
                    ),
                )

    def grid(self):
        """(region, [bound field per category]) for the template."""
        return [(region, [self[demand_field_name(region, c)] for c in CATEGORIES]) for region in self.regions]

    def rows(self) -> list[dict]:
        """The table as JSON-like rows for quota_plan_demand_replace."""
        return [
            {"region": region.code, "category": category, "places": value}
            for region in self.regions
            for category in CATEGORIES
            if (value := self.cleaned_data.get(demand_field_name(region, category)))
        ]


class DemandImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8; either columns region_code, category, places (one row per cell) or region_code, 1, 2, 3, 4, S "
            "(one row per region). It replaces the whole table; any problem rejects the whole file."
        ),
    )


# ---------------------------------------------------------------------------------------------------------------------
# The plan workflow: reserves, caps, reasons, priority projects
# ---------------------------------------------------------------------------------------------------------------------
class ProjectReserveForm(forms.Form):
    """Places reserved for a priority project in reserve mode, in a region in force on 1 January and a category."""

    project = forms.ModelChoiceField(label=_("Priority project"), queryset=PriorityProject.objects.none())
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=QuotaCategory.choices)
    places = WholeNumberField(label=_("Places"), minimum=1, maximum=MAX_PLACES)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, prefix="reserve", **kwargs)
        self.fields["project"].queryset = PriorityProject.objects.filter(mode=ProjectMode.RESERVE)
        self.fields["region"].queryset = Region.objects.valid_on(plan.relevant_date).order_by("code")
        self.fields["region"].label_from_instance = lambda region: f"{region.code} {region.name}"


class CountryCapForm(forms.Form):
    """A cap on one country's permits (EAEU members need no permit and are not offered)."""

    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.filter(eaeu_member=False))
    places = WholeNumberField(label=_("Places"), minimum=0, maximum=MAX_PLACES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="cap", **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class PriorityProjectEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_PROJECT_NAME)
    operator = forms.ModelChoiceField(label=_("Operator"), queryset=Employer.objects.all())
    mode = forms.ChoiceField(label=_("Mode"), choices=ProjectMode.choices)


class PriorityProjectCreateForm(PriorityProjectEditForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=MAX_PROJECT_CODE,
        help_text=_("A permanent key, e.g. atyrau-refinery: lower-case letters, digits and hyphens."),
    )

    field_order = ["code", "name", "operator", "mode"]
