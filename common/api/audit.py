"""API of the audit trail: ministry officials and auditors read it and verify the chain (DOMAIN §10)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..audit import audit_trail_verify
from ..audit_filters import AuditEventFilterSet
from ..models import AuditEvent
from ..permissions import HasRole
from ..roles import AUDITOR, MINISTRY_OFFICIAL


class CanReadAuditTrail(HasRole):
    roles = frozenset({MINISTRY_OFFICIAL, AUDITOR})


class AuditEventOutputSerializer(serializers.ModelSerializer):
    actor_username = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "sequence",
            "occurred_at",
            "actor",
            "actor_username",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
            "reason",
            "previous_hash",
            "hash",
        ]
        read_only_fields = fields


class AuditVerificationOutputSerializer(serializers.Serializer):
    intact = serializers.BooleanField()
    checked = serializers.IntegerField(help_text="Events whose links and hashes were recomputed.")
    first_broken_sequence = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every recorded decision and state change, newest first; filter by actor, action, object and period."""

    serializer_class = AuditEventOutputSerializer
    permission_classes = [CanReadAuditTrail]
    filterset_class = AuditEventFilterSet
    lookup_field = "sequence"
    lookup_value_regex = r"[0-9]{1,18}"
    queryset = AuditEvent.objects.select_related("actor").order_by("-sequence")

    @extend_schema(responses=AuditVerificationOutputSerializer)
    @action(detail=False, methods=["get"])
    def verify(self, request):
        """Recompute the whole hash chain: "intact", or the first broken link named."""
        return Response(AuditVerificationOutputSerializer(audit_trail_verify().as_dict()).data)
