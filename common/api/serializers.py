from django.contrib.auth import get_user_model
from rest_framework import serializers


class MeOutputSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name")

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "full_name", "email"]
        read_only_fields = fields
