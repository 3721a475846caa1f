from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from common.permissions import DOMAIN_PERMISSIONS

from ..filtersets import EmployerFilterSet
from ..selectors import employer_list
from .serializers import EmployerOutputSerializer


@extend_schema_view(list=extend_schema(tags=["employers"]), retrieve=extend_schema(tags=["employers"]))
class EmployerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Employers in the caller's scope: an employer user their own, a regional official those operating in
    their regions, ministry officials and auditors all; administrators none (403). Out of scope: 404."""

    serializer_class = EmployerOutputSerializer
    permission_classes = DOMAIN_PERMISSIONS
    filterset_class = EmployerFilterSet

    def get_queryset(self):
        return employer_list(user=self.request.user)
