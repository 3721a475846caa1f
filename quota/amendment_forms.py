"""Forms of the amendment pages (DOMAIN §5): the amendment's effective date and reason, and its changes as rows of a
formset. Input only — quota.amendments decides; its dotted errors ("changes.2.target") are put back on the row and
field they name, the rows being counted without the blank ones, which are ignored."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .amendments import MAX_CHANGES
from .forms import WholeNumberField
from .inputs import FACTOR_DECIMAL_PLACES, FACTOR_MAX_DIGITS, MAX_FACTOR, MAX_PLACES, MAX_REASON_LENGTH
from .models import AmendmentChangeKind, QuotaCategory

MESSAGE_NOT_FOR_KIND = _("Leave this empty in a %(kind)s row.")

#: Short names of the kinds for the row's select (the help above the table explains them).
KIND_CHOICES = [
    ("", "—"),
    (AmendmentChangeKind.SCALE, _("scale")),
    (AmendmentChangeKind.MOVE, _("move")),
    (AmendmentChangeKind.RESERVE, _("reserve")),
    (AmendmentChangeKind.CAP, _("cap")),
]

#: The fields of each kind of row; the others stay empty (a scale row has no places, a move row no target).
SCALE_FIELDS = ("category", "region", "target", "factor")
MOVE_FIELDS = ("places", "from_region", "from_category", "to_region", "to_category")
RESERVE_FIELDS = ("project", "region", "category", "target")
CAP_FIELDS = ("country", "target")
KIND_FIELDS = {
    AmendmentChangeKind.SCALE: SCALE_FIELDS,
    AmendmentChangeKind.MOVE: MOVE_FIELDS,
    AmendmentChangeKind.RESERVE: RESERVE_FIELDS,
    AmendmentChangeKind.CAP: CAP_FIELDS,
}
ROW_FIELDS = ("kind", *dict.fromkeys(name for fields in KIND_FIELDS.values() for name in fields))


class AmendmentForm(forms.Form):
    effective_date = forms.DateField(
        label=_("Effective date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("In the plan year, and not before the last approved amendment's."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The order or decision behind the amendment."),
    )


def _number(*, minimum: int) -> WholeNumberField:
    return WholeNumberField(
        minimum=minimum,
        maximum=MAX_PLACES,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*", "size": 7}),
    )


class AmendmentChangeForm(forms.Form):
    """One change: *scale* — a category's new total (target or factor), nationally or in one region; *move* — exact
    places from one end to the other, an end without region and category being the national headroom."""

    kind = forms.ChoiceField(label=_("Change"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    target = _number(minimum=0)
    factor = forms.DecimalField(
        label=_("Factor"),
        required=False,
        min_value=0,
        max_value=MAX_FACTOR,
        max_digits=FACTOR_MAX_DIGITS,
        decimal_places=FACTOR_DECIMAL_PLACES,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )
    places = _number(minimum=1)
    from_region = forms.ChoiceField(label=_("From region"), required=False)
    from_category = forms.ChoiceField(label=_("From category"), required=False)
    to_region = forms.ChoiceField(label=_("To region"), required=False)
    to_category = forms.ChoiceField(label=_("To category"), required=False)
    project = forms.ChoiceField(label=_("Project"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, regions, projects=(), countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        region_choices = [(region.code, f"{region.code} {region.name}") for region in regions]
        # The grid has eight columns: the category's code alone (1, 2, 3, 4, S); the page lists the names above it.
        categories = [(value, value) for value in QuotaCategory.values]
        self.fields["kind"].choices = KIND_CHOICES
        self.fields["category"].choices = [("", "—"), *categories]
        self.fields["region"].choices = [("", _("All regions")), *region_choices]
        for end in ("from", "to"):
            self.fields[f"{end}_region"].choices = [("", _("National headroom")), *region_choices]
            self.fields[f"{end}_category"].choices = [("", "—"), *categories]
        self.fields["project"].choices = [("", "—"), *((code, code) for code in projects)]
        self.fields["country"].choices = [("", "—"), *((code, code) for code in countries)]
        self.fields["target"].label, self.fields["places"].label = _("Target total"), _("Places")
        for field in self.fields.values():
            # The row is a line of a table: each box is named by its column for screen readers.
            field.widget.attrs.setdefault("aria-label", field.label)

    @property
    def is_blank(self) -> bool:
        """Nothing typed or chosen: the row is ignored."""
        return all(self.cleaned_data.get(name) in (None, "") for name in ROW_FIELDS)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        own = KIND_FIELDS.get(kind)
        others = [name for name in ROW_FIELDS[1:] if name not in own] if own else []
        for name in others:
            if data.get(name) not in (None, ""):
                self.add_error(name, MESSAGE_NOT_FOR_KIND % {"kind": dict(KIND_CHOICES)[kind]})
        return data

    def change(self) -> dict:
        """The row as quota.amendments takes it (regions by code, None for none)."""
        data = self.cleaned_data
        if data["kind"] == AmendmentChangeKind.SCALE:
            return {
                "kind": data["kind"],
                "category": data["category"],
                "region": data["region"] or None,
                "target": data["target"],
                "factor": data["factor"],
            }
        if data["kind"] in (AmendmentChangeKind.MOVE, AmendmentChangeKind.RESERVE, AmendmentChangeKind.CAP):
            # Empty choices are None ("" would be a region or category named ""); a target of 0 stays 0.
            values = {
                name: data[name] if name == "target" else (data[name] or None) for name in KIND_FIELDS[data["kind"]]
            }
            return {"kind": data["kind"], **values}
        return {name: data.get(name) for name in ROW_FIELDS}  # no kind: the service names the row's problem

    @staticmethod
    def initial_for(change) -> dict:
        """A stored AmendmentChange as the row's initial values."""
        return {
            "kind": change.kind,
            "category": change.category,
            "region": change.region.code if change.region_id else "",
            "target": change.target,
            "factor": change.factor,
            "places": change.places,
            "from_region": change.from_region.code if change.from_region_id else "",
            "from_category": change.from_category,
            "to_region": change.to_region.code if change.to_region_id else "",
            "to_category": change.to_category,
            "project": change.project_key,
            "country": change.country,
        }


class BaseAmendmentChangeFormSet(forms.BaseFormSet):
    """The rows in order; blank ones are skipped, so the service's position N is the N-th row that is not blank.
    Every field is optional, so a stored row emptied by hand is a change removed."""

    def __init__(self, *args, regions, projects=(), countries=(), **kwargs):
        kwargs.setdefault("prefix", "changes")
        kwargs["form_kwargs"] = {
            **kwargs.get("form_kwargs", {}),
            "regions": regions,
            "projects": projects,
            "countries": countries,
        }
        super().__init__(*args, **kwargs)
        self.service_errors: list[str] = []

    def filled(self) -> list[AmendmentChangeForm]:
        return [form for form in self.forms if form.is_valid() and not form.is_blank]

    def changes(self) -> list[dict]:
        return [form.change() for form in self.filled()]


AmendmentChangeFormSet = forms.formset_factory(
    AmendmentChangeForm,
    formset=BaseAmendmentChangeFormSet,
    extra=3,
    max_num=MAX_CHANGES,
    validate_max=True,
    absolute_max=MAX_CHANGES,
)


def add_service_errors(form: AmendmentForm, changes: BaseAmendmentChangeFormSet, exc: ValidationError) -> None:
    """Put the service's errors where they belong: "changes.2.target" on row 2's target, "changes" above the rows,
    "effective_date" and "reason" on the amendment's fields."""
    filled_before = changes.filled()  # adding errors makes rows invalid: count the positions first
    for key, messages in exc.message_dict.items():
        parts = key.split(".")
        for message in messages:
            if parts[0] == "changes":
                position = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                if position is not None and 0 <= position < len(filled_before):
                    row = filled_before[position]
                    row.add_error(parts[2] if len(parts) > 2 and parts[2] in row.fields else None, message)
                else:
                    changes.service_errors.append(message)
            else:
                form.add_error(key if key in form.fields else None, message)
