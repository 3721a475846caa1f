import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Employer


class EmployerFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="regions__code", label=_("Region code"))
    bin = django_filters.CharFilter(label=_("BIN"))
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))

    class Meta:
        model = Employer
        fields = ["region", "bin", "name"]
