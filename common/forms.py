from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Region
from .registry import role_links
from .roles import ROLE_CHOICES, assigned_role, role_label

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
