"""Input and output serializers of the quota API (no business logic: services decide)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..imports import MAX_PERSONS, MAX_SOURCE_LENGTH
from ..models import LabourForceFigure

MESSAGE_ROWS_HELP = _("Rows as JSON objects, instead of a file.")


# ---------------------------------------------------------------------------------------------------------------------
# Labour force
# ---------------------------------------------------------------------------------------------------------------------
class LabourForceFigureOutputSerializer(serializers.ModelSerializer):
    region = serializers.SerializerMethodField(help_text=_("Region code, or KZ for the whole country."))
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
    persons = serializers.IntegerField(min_value=1, max_value=MAX_PERSONS)
    status = serializers.ChoiceField(choices=LabourForceFigure.Status.choices, required=False)
    source = serializers.CharField(max_length=MAX_SOURCE_LENGTH)
    reason = serializers.CharField(max_length=1000)
