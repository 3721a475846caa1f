import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Country, Occupation, PolicyParameter, Region, Sector, User
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


# ---------------------------------------------------------------------------------------------
# Policy parameters and reference lists
# ---------------------------------------------------------------------------------------------
def names_containing(value: str, *fields: str) -> Q:
    """Names containing `value` in any case. SQLite (the embedded default) folds case for ASCII only,
    so "казахстан" would miss "Казахстан": also try the usual capitalisations."""
    variants = {value, value.lower(), value.upper(), value.capitalize(), value.title()}
    query = Q()
    for field in fields:
        for variant in variants:
            query |= Q(**{f"{field}__icontains": variant})
    return query


class PolicyParameterFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("Name"), help_text=_("Exact parameter name, e.g. mci_kzt."))
    key = django_filters.CharFilter(label=_("Key"), help_text=_("Category, fee group or scope, e.g. A:1."))
    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Name, description or rule reference.")
    )

    class Meta:
        model = PolicyParameter
        fields = ["name", "key", "value_type", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(description__icontains=value) | Q(rule_reference__icontains=value)
        )


class CountryFilterSet(django_filters.FilterSet):
    eaeu_member = django_filters.BooleanFilter(label=_("EAEU member"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), help_text=_("Code or name in any language."))

    class Meta:
        model = Country
        fields = ["eaeu_member", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(alpha_2__iexact=value)
            | Q(alpha_3__iexact=value)
            | names_containing(value, "name_en", "name_ru", "name_kk")
        )


class SectorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), help_text=_("Section or name in any language."))

    class Meta:
        model = Sector
        fields = ["fee_group", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(oked_section__iexact=value) | names_containing(value, "name_en", "name_ru", "name_kk"))


class OccupationFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(
        field_name="parent__isco08_code", label=_("Major group"), help_text=_("ISCO-08 code of the major group.")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), help_text=_("Code or title in any language."))

    class Meta:
        model = Occupation
        fields = ["level", "parent", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(isco08_code=value) | names_containing(value, "title_en", "title_ru", "title_kk"))
