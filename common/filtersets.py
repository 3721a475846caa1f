import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Region, User
from .roles import ROLE_CHOICES


class RegionFilterSet(django_filters.FilterSet):
    valid_on = django_filters.DateFilter(
        method="filter_valid_on", label=_("Valid on"), help_text=_("Only regions in force on this date (YYYY-MM-DD).")
    )

    class Meta:
        model = Region
        fields = ["kind", "valid_on"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.valid_on(value)


class UserFilterSet(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=ROLE_CHOICES, field_name="groups__name", label=_("Role"))
    is_active = django_filters.BooleanFilter(label=_("Active"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), help_text=_("Username, name or e-mail."))

    class Meta:
        model = User
        fields = ["role", "is_active", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )
