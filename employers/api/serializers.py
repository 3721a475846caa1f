from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.serializers import PersonalDataField

from ..models import Employer


class EmployerSummarySerializer(serializers.ModelSerializer):
    """An employer as other objects show it (e.g. the employer of /api/v1/me/)."""

    class Meta:
        model = Employer
        fields = ["id", "bin", "name"]
        read_only_fields = fields


class EmployerContactSerializer(serializers.ModelSerializer):
    """A user of the employer: personal data, masked for auditors."""

    full_name = PersonalDataField(source="get_full_name")
    email = PersonalDataField()

    class Meta:
        model = get_user_model()
        fields = ["full_name", "email"]
        read_only_fields = fields


class EmployerOutputSerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    contacts = serializers.SerializerMethodField()

    class Meta:
        model = Employer
        fields = ["id", "bin", "name", "regions", "contacts", "created_at"]
        read_only_fields = fields

    @extend_schema_field(EmployerContactSerializer(many=True))
    def get_contacts(self, employer):
        users = [m.user for m in employer.memberships.all() if m.user.is_active]
        return EmployerContactSerializer(users, many=True, context=self.context).data
