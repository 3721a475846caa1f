"""Filters of the quota balances, shared by their API and page."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import CellKind, QuotaCategory, QuotaCell


class QuotaBalanceFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100, decimal_places=0)
    region = django_filters.CharFilter(field_name="region__code", lookup_expr="iexact", label=_("Region code"))
    category = django_filters.ChoiceFilter(choices=QuotaCategory.choices, label=_("Category"))
    kind = django_filters.ChoiceFilter(choices=CellKind.choices, label=_("Kind"))
    country = django_filters.CharFilter(lookup_expr="iexact", label=_("Country (alpha-2)"))

    class Meta:
        model = QuotaCell
        fields = ["year", "region", "category", "kind", "country"]
