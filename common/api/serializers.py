from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.inputs import InputSerializer
from common.models import Region
from common.privacy import mask_personal, must_mask_for
from common.registry import role_links
from common.roles import ROLE_CHOICES, assigned_role, role_label

User = get_user_model()


class PersonalDataField(serializers.CharField):
    """A personal value (a name, an e-mail) that auditors see masked (DOMAIN §10)."""

    def to_representation(self, value):
        value = super().to_representation(value)
        request = self.context.get("request")
        return mask_personal(value) if request is not None and must_mask_for(request.user) else value


# ---------------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------------
class RegionOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the language of the request."))

    class Meta:
        model = Region
        fields = ["code", "kind", "name", "name_kk", "name_ru", "name_en", "admin_centre_en", "valid_from", "valid_to"]
        read_only_fields = fields


class RegionSummarySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name"]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------
# Role links contributed by other apps (common.registry), as fields named after each link
# ---------------------------------------------------------------------------------------------
class RoleLinkOutputFields:
    """Adds one read-only nested field per registered role link (e.g. `employer`), null when unlinked."""

    def get_fields(self):
        fields = super().get_fields()
        for link in role_links():
            fields[link.name] = link.summary_serializer()(source=link.source, read_only=True, allow_null=True)
        return fields


class RoleLinkInputFields:
    """Adds one writable id field per registered role link (e.g. `employer`): required for its role only."""

    def get_fields(self):
        fields = super().get_fields()
        for link in role_links():
            fields[link.name] = serializers.PrimaryKeyRelatedField(
                queryset=link.choices(), required=False, allow_null=True, label=link.label
            )
        return fields


def link_inputs(validated_data: dict) -> dict | None:
    """Pop the role-link values out of validated input; None when none was given."""
    given = {link.name: validated_data.pop(link.name) for link in role_links() if link.name in validated_data}
    return given or None


# ---------------------------------------------------------------------------------------------
# Who am I
# ---------------------------------------------------------------------------------------------
class MeOutputSerializer(RoleLinkOutputFields, serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name")
    role = serializers.SerializerMethodField(help_text=_("One of the roles, or null for an account without one."))
    role_label = serializers.SerializerMethodField()
    regions = serializers.SerializerMethodField(help_text=_("A regional official's regions; empty for other roles."))

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "role", "role_label", "regions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ROLE_CHOICES, allow_null=True))
    def get_role(self, user):
        return assigned_role(user)

    def get_role_label(self, user) -> str:
        return str(role_label(assigned_role(user)))

    @extend_schema_field(RegionSummarySerializer(many=True))
    def get_regions(self, user):
        return RegionSummarySerializer(_regions_of(user), many=True).data


def _regions_of(user):
    profile = getattr(user, "regional_profile", None)
    return list(profile.regions.all()) if profile is not None else []


# ---------------------------------------------------------------------------------------------
# Users (administrators)
# ---------------------------------------------------------------------------------------------
class UserOutputSerializer(RoleLinkOutputFields, serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    regions = serializers.SerializerMethodField(help_text=_("Codes of a regional official's regions."))

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "role",
            "regions",
            "last_login",
            "date_joined",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ROLE_CHOICES, allow_null=True))
    def get_role(self, user):
        return assigned_role(user)

    def get_regions(self, user) -> list[str]:
        return [region.code for region in _regions_of(user)]


class UserCreateInputSerializer(RoleLinkInputFields, InputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=ROLE_CHOICES)
    regions = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), many=True, required=False, default=list
    )


class UserUpdateInputSerializer(RoleLinkInputFields, InputSerializer):
    password = serializers.CharField(max_length=128, write_only=True, required=False, style={"input_type": "password"})
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=ROLE_CHOICES, required=False)
    regions = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), many=True, required=False)


# ---------------------------------------------------------------------------------------------
# API tokens
# ---------------------------------------------------------------------------------------------
class TokenLoginInputSerializer(InputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send as `Authorization: Token <token>`. Shown once; stored hashed."))
    expiry = serializers.DateTimeField(help_text=_("When the token stops working (UTC)."))
