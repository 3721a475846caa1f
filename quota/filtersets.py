import django_filters
from django.utils.translation import gettext_lazy as _

from .models import NATIONAL_CODE, LabourForceFigure, QuotaPlan


class LabourForceFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        method="filter_region", label=_("Region code"), help_text=_("A region code, or KZ for the national figures.")
    )

    class Meta:
        model = LabourForceFigure
        fields = ["year", "period", "status", "region"]

    def filter_region(self, queryset, name, value):
        code = value.strip().upper()
        if code == NATIONAL_CODE:
            return queryset.filter(region__isnull=True)
        return queryset.filter(region__code=code)


class QuotaPlanFilterSet(django_filters.FilterSet):
    """`?status=approved`, `?year=2026`."""

    class Meta:
        model = QuotaPlan
        fields = ["status", "year"]
