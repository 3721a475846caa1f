"""Forms of the quota pages (input only; services decide)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .imports import MAX_PERSONS, MAX_SOURCE_LENGTH, WHOLE_NUMBER
from .models import LabourForceFigure

MESSAGE_WHOLE_PERSONS = _("Enter a whole number of persons with digits only (no decimals or separators).")
MESSAGE_PERSONS_RANGE = _("Enter a number from %(minimum)s to %(maximum)s.")


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
        if not WHOLE_NUMBER.fullmatch(text):
            raise forms.ValidationError(MESSAGE_WHOLE_PERSONS, code="not_whole_number")
        number = int(text)
        if not self.minimum <= number <= self.maximum:
            raise forms.ValidationError(
                MESSAGE_PERSONS_RANGE % {"minimum": self.minimum, "maximum": self.maximum}, code="out_of_range"
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
        label=_("Reason for the correction"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
