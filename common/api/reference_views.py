"""API of policy parameters (/api/v1/policy-parameters/) and the reference lists (countries, sectors,
occupations).

Policy is the ministry's (DOMAIN §10): ministry officials read it and add periods; regional officials
and auditors read it (they judge and audit decisions made with it); employer users and
administrators get 403 — the values an employer's records depend on (its fee, its checks) are shown
on those records. The reference lists are read by every signed-in role, administrators included, like
the regions; names are corrected in pages only.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from common.filtersets import CountryFilterSet, OccupationFilterSet, PolicyParameterFilterSet, SectorFilterSet
from common.models import Country, Occupation, PolicyParameter, PolicyPeriod, Sector
from common.permissions import HasAnyRole, HasRole
from common.roles import AUDITOR, MINISTRY_OFFICIAL, REGIONAL_OFFICIAL
from common.services import policy_period_add

from .reference_serializers import (
    CountryOutputSerializer,
    OccupationOutputSerializer,
    PolicyParameterOutputSerializer,
    PolicyPeriodAddInputSerializer,
    SectorOutputSerializer,
)

POLICY_READERS = frozenset({MINISTRY_OFFICIAL, REGIONAL_OFFICIAL, AUDITOR})


class CanReadPolicy(HasRole):
    """Policy parameters: ministry officials, regional officials and auditors read them."""

    roles = POLICY_READERS


class IsMinistryOfficial(HasRole):
    """Changes to policy parameters and reference data: ministry officials only."""

    roles = frozenset({MINISTRY_OFFICIAL})


def policy_parameter_queryset():
    return PolicyParameter.objects.prefetch_related(
        Prefetch("periods", queryset=PolicyPeriod.objects.order_by("valid_from"))
    )


TAG_POLICY = ["policy parameters"]
TAG_REFERENCE = ["reference data"]


@extend_schema_view(
    list=extend_schema(tags=TAG_POLICY),
    retrieve=extend_schema(tags=TAG_POLICY),
    periods=extend_schema(
        tags=TAG_POLICY,
        operation_id="policy_parameters_periods_create",
        request=PolicyPeriodAddInputSerializer,
        responses={201: PolicyParameterOutputSerializer},
    ),
)
class PolicyParameterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Policy parameters with their value in force today and every period (DOMAIN §0).

    Periods are never edited or deleted: a ministry official adds a new one
    (`POST /policy-parameters/{id}/periods/`), which closes the open period the day before.
    """

    serializer_class = PolicyParameterOutputSerializer
    filterset_class = PolicyParameterFilterSet

    def get_permissions(self):
        if self.action == "periods":
            return [IsMinistryOfficial()]
        return [CanReadPolicy()]

    def get_queryset(self):
        return policy_parameter_queryset()

    @action(detail=True, methods=["post"])
    def periods(self, request, *args, **kwargs):
        """Add a period (ministry officials): 409 `policy_period_overlap` when the latest period has a fixed
        end on or after the new start, 409 `policy_period_not_after_latest` when it does not start after the
        latest start; 400 when the value does not fit the parameter's type."""
        parameter = self.get_object()
        serializer = PolicyPeriodAddInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy_period_add(parameter=parameter, **serializer.validated_data, actor=request.user)
        parameter = policy_parameter_queryset().get(pk=parameter.pk)
        return Response(self.get_serializer(parameter).data, status=status.HTTP_201_CREATED)


class _ReferenceListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [HasAnyRole]


@extend_schema_view(list=extend_schema(tags=TAG_REFERENCE), retrieve=extend_schema(tags=TAG_REFERENCE))
class CountryViewSet(_ReferenceListViewSet):
    """Countries (ISO 3166-1) with the EAEU flag; look one up by its alpha-2 code (`/countries/KG/`)."""

    serializer_class = CountryOutputSerializer
    filterset_class = CountryFilterSet
    lookup_field = "alpha_2"
    lookup_value_regex = r"[A-Za-z]{2}"

    def get_queryset(self):
        return Country.objects.all()


@extend_schema_view(list=extend_schema(tags=TAG_REFERENCE), retrieve=extend_schema(tags=TAG_REFERENCE))
class SectorViewSet(_ReferenceListViewSet):
    """OKED sections and their permit-fee group; look one up by its letter (`/sectors/F/`)."""

    serializer_class = SectorOutputSerializer
    filterset_class = SectorFilterSet
    lookup_field = "oked_section"
    lookup_value_regex = r"[A-Za-z]"

    def get_queryset(self):
        return Sector.objects.all()


@extend_schema_view(list=extend_schema(tags=TAG_REFERENCE), retrieve=extend_schema(tags=TAG_REFERENCE))
class OccupationViewSet(_ReferenceListViewSet):
    """ISCO-08 major and sub-major groups; look one up by its code (`/occupations/25/`)."""

    serializer_class = OccupationOutputSerializer
    filterset_class = OccupationFilterSet
    lookup_field = "isco08_code"
    lookup_value_regex = r"[0-9]{1,2}"

    def get_queryset(self):
        return Occupation.objects.select_related("parent")
