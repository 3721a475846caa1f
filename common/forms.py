from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Region
from .parsers import load_json
from .registry import role_links
from .roles import ROLE_CHOICES, assigned_role, role_label
from .validators import MAX_WHOLE_NUMBER

MESSAGE_PASSWORDS_DIFFER = _("The two passwords differ.")


class _UserRoleFields(forms.Form):
    """Role, regions, and one field per registered role link (e.g. employer)."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Regional officials only: the regions they work in."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = Region.objects.valid_on(timezone.localdate())
        for link in role_links():
            self.fields[link.name] = forms.ModelChoiceField(
                label=link.label,
                queryset=link.choices(),
                required=False,
                help_text=_("Only for users with the role “%(role)s”.") % {"role": role_label(link.role)},
            )
        links = [link.name for link in role_links()]
        self.order_fields(["username", "first_name", "last_name", "email", "role", "regions", *links])

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and password != confirm:
            self.add_error("password_confirm", MESSAGE_PASSWORDS_DIFFER)
        return cleaned

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("password_confirm", None)
        data["links"] = {link.name: data.pop(link.name, None) for link in role_links()}
        data["regions"] = list(data["regions"])
        return data


class UserCreateForm(_UserRoleFields):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password_confirm = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)


class UserEditForm(_UserRoleFields):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput,
        strip=False,
        required=False,
        help_text=_("Leave empty to keep the current password."),
    )
    password_confirm = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput, strip=False, required=False
    )

    @classmethod
    def initial_for(cls, user) -> dict:
        profile = getattr(user, "regional_profile", None)
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": assigned_role(user),
            "regions": list(profile.regions.all()) if profile is not None else [],
        }
        for link in role_links():
            initial[link.name] = link.get(user)
        return initial


# ---------------------------------------------------------------------------------------------
# Policy parameters and reference lists (ministry officials)
# ---------------------------------------------------------------------------------------------
class SafeJSONField(forms.JSONField):
    """Django's JSONField reading through common.parsers.load_json: JSON nested too deep or holding a number of
    thousands of digits is a form error, not a RecursionError or ValueError (a 500)."""

    def to_python(self, value):
        already_decoded = isinstance(value, list | dict | int | float | forms.fields.JSONString)
        if self.disabled or value in self.empty_values or already_decoded:
            return super().to_python(value)
        try:
            converted = load_json(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": ""}) from None
        return forms.fields.JSONString(converted) if isinstance(converted, str) else converted

    def bound_data(self, data, initial):
        if self.disabled or data is None:
            return super().bound_data(data, initial)
        try:
            return load_json(data)
        except ValueError:
            return forms.fields.InvalidJSONInput(data)


def policy_value_field(parameter) -> forms.Field:
    """The form field for a value of this parameter's type (the service validates it again)."""
    from .models import PolicyParameter

    types = PolicyParameter.ValueType
    if parameter.value_type == types.PERCENT:
        return forms.DecimalField(
            label=_("Value (%)"),
            max_digits=6,
            decimal_places=3,
            min_value=0,
            max_value=100,
            help_text=_("A percentage with up to three decimals: 0.250 means 0.25 %."),
        )
    if parameter.value_type == types.SWITCH:
        return forms.TypedChoiceField(
            label=_("Value"), choices=[("true", _("Yes")), ("false", _("No"))], coerce=lambda v: v == "true"
        )
    if parameter.value_type == types.STRUCTURE:
        return SafeJSONField(
            label=_("Value"),
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("A JSON object with the same keys as the current value."),
        )
    labels = {types.MONEY: _("Value (tenge)"), types.DAYS: _("Value (days)")}
    return forms.IntegerField(
        label=labels.get(parameter.value_type, _("Value")), min_value=0, max_value=MAX_WHOLE_NUMBER
    )


class PolicyPeriodForm(forms.Form):
    """Add a period to a parameter: it closes the open period the day before (common.services.policy_period_add)."""

    valid_from = forms.DateField(
        label=_("Valid from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("After the start of the latest period. Past periods are never changed."),
    )
    source = forms.CharField(
        label=_("Source"), max_length=500, help_text=_("A URL or the document the value comes from.")
    )
    to_be_confirmed = forms.BooleanField(label=_("To be confirmed"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_("Required when the period starts before today: say why it is added only now."),
    )

    def __init__(self, *args, parameter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"] = policy_value_field(parameter)
        latest = max(parameter.periods.all(), key=lambda period: period.valid_from, default=None)
        if latest is not None and parameter.value_type == parameter.ValueType.STRUCTURE:
            self.fields["value"].initial = latest.value
        self.order_fields(["valid_from", "value", "source", "to_be_confirmed", "reason"])


class PolicyParameterTextForm(forms.Form):
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    rule_reference = forms.CharField(
        label=_("Rule reference"),
        max_length=300,
        required=False,
        help_text=_("The legal text it comes from, as users see it (e.g. “Order 279 — local content ratios”)."),
    )


NAME_FIELD_LABELS = {
    "name_en": _("Name (English)"),
    "name_ru": _("Name (Russian)"),
    "name_kk": _("Name (Kazakh)"),
    "title_en": _("Title (English)"),
    "title_ru": _("Title (Russian)"),
    "title_kk": _("Title (Kazakh)"),
}


class ReferenceNamesForm(forms.Form):
    """Correct the names of a country, sector or occupation in the three languages."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, obj, name_fields: tuple[str, ...], **kwargs):
        kwargs.setdefault("initial", {name: getattr(obj, name) for name in name_fields})
        super().__init__(*args, **kwargs)
        self.name_fields = name_fields
        for name in name_fields:
            max_length = obj._meta.get_field(name).max_length
            self.fields[name] = forms.CharField(label=NAME_FIELD_LABELS[name], max_length=max_length)
        self.order_fields([*name_fields, "reason"])

    def names(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.name_fields}
