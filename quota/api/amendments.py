"""Amendments of an approved quota plan in the API (DOMAIN §5): /api/v1/quota-amendments/ with the actions propose,
approve, return, override and confirm-override. Thin: quota/amendments.py decides every rule; the serializers check
only the shape and types of the input (the services answer the rest field by field, "changes.2.target")."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from common.api.inputs import InputSerializer
from common.api.workflow import WorkflowStepsMixin
from common.errors import DomainError

from ..amendments import (
    MAX_CHANGES,
    MESSAGE_NO_CHANGES,
    amendment_approve,
    amendment_confirm_override,
    amendment_create,
    amendment_outcome,
    amendment_override,
    amendment_propose,
    amendment_return,
    amendment_step_refusals,
    amendment_update,
)
from ..inputs import FACTOR_DECIMAL_PLACES, FACTOR_MAX_DIGITS, MAX_FACTOR, MAX_PLACES, MAX_REASON_LENGTH
from ..models import (
    AmendmentCell,
    AmendmentChange,
    AmendmentChangeKind,
    AmendmentStatus,
    CellKind,
    QuotaAmendment,
    QuotaCategory,
    QuotaPlan,
)
from ..permissions import QUOTA_PLAN_PERMISSIONS
from .serializers import ReasonInputSerializer, WholeNumberField

MAX_ID = 2**63 - 1


# ---------------------------------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------------------------------
class VisiblePlanField(serializers.PrimaryKeyRelatedField):
    """A plan id among the plans the user sees (QuotaPlan.objects.visible_to); whether it may be amended — approved,
    its year open — is the service's to say (409)."""

    def __init__(self, **kwargs):
        super().__init__(pk_field=serializers.IntegerField(min_value=1, max_value=MAX_ID), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return QuotaPlan.objects.visible_to(request.user if request else None)


class AmendmentChangeInputSerializer(InputSerializer):
    """One change. *scale*: `category`, optional `region`, and `target` or `factor`. *move*: `places`, `from_region` +
    `from_category` and `to_region` + `to_category`; an end given neither is the national headroom. *reserve*:
    `project`, `region`, `category` and `target` (the reserve's new places). *cap*: `country` and `target` (the
    cap's new places)."""

    kind = serializers.ChoiceField(choices=AmendmentChangeKind.choices)
    category = serializers.ChoiceField(choices=QuotaCategory.choices, required=False, allow_blank=True, allow_null=True)
    region = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("scale: a region code to change only that region's total; empty for the national total."),
    )
    target = WholeNumberField(
        min_value=0, max_value=MAX_PLACES, required=False, allow_null=True, help_text=_("scale: the new total.")
    )
    factor = serializers.DecimalField(
        max_digits=FACTOR_MAX_DIGITS,
        decimal_places=FACTOR_DECIMAL_PLACES,
        min_value=0,
        max_value=MAX_FACTOR,
        required=False,
        allow_null=True,
        help_text=_("scale: new total = floor(current total × factor), e.g. 0.8."),
    )
    places = WholeNumberField(min_value=1, max_value=MAX_PLACES, required=False, allow_null=True)
    from_region = serializers.CharField(max_length=10, required=False, allow_blank=True, allow_null=True)
    from_category = serializers.ChoiceField(
        choices=QuotaCategory.choices, required=False, allow_blank=True, allow_null=True
    )
    to_region = serializers.CharField(max_length=10, required=False, allow_blank=True, allow_null=True)
    to_category = serializers.ChoiceField(
        choices=QuotaCategory.choices, required=False, allow_blank=True, allow_null=True
    )
    project = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("reserve: the priority project's code."),
    )
    country = serializers.CharField(
        max_length=2,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("cap: the country's ISO 3166-1 alpha-2 code."),
    )


def changes_field(**kwargs):
    message = MESSAGE_NO_CHANGES % {"limit": MAX_CHANGES}
    return AmendmentChangeInputSerializer(
        many=True,
        min_length=1,
        max_length=MAX_CHANGES,
        error_messages={"min_length": message, "max_length": message, "empty": message},
        help_text=_("The ordered changes, applied one after the other."),
        **kwargs,
    )


class AmendmentCreateInputSerializer(InputSerializer):
    plan = VisiblePlanField(help_text=_("The id of the approved plan to amend."))
    effective_date = serializers.DateField()
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH)
    changes = changes_field()


class AmendmentUpdateInputSerializer(InputSerializer):
    """A draft's effective date, reason or changes (a new list replaces the old one)."""

    effective_date = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH, required=False)
    changes = changes_field(required=False)


# ---------------------------------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------------------------------
class AmendmentChangeOutputSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", default=None, allow_null=True, read_only=True)
    project = serializers.CharField(source="project_key", read_only=True)
    from_region = serializers.CharField(source="from_region.code", default=None, allow_null=True, read_only=True)
    to_region = serializers.CharField(source="to_region.code", default=None, allow_null=True, read_only=True)
    # Blank where the change has no such category (a cap has none; a move's national-headroom end neither).
    category = serializers.ChoiceField(choices=QuotaCategory.choices, allow_blank=True, read_only=True)
    from_category = serializers.ChoiceField(choices=QuotaCategory.choices, allow_blank=True, read_only=True)
    to_category = serializers.ChoiceField(choices=QuotaCategory.choices, allow_blank=True, read_only=True)

    class Meta:
        model = AmendmentChange
        fields = [
            "position",
            "kind",
            "category",
            "region",
            "target",
            "factor",
            "places",
            "from_region",
            "from_category",
            "to_region",
            "to_category",
            "project",
            "country",
        ]
        read_only_fields = fields


def _username(field: str):
    return serializers.CharField(source=f"{field}.username", default=None, allow_null=True, read_only=True)


class QuotaAmendmentListOutputSerializer(serializers.ModelSerializer):
    plan_year = serializers.IntegerField(source="plan.year", read_only=True)
    version = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The plan version the amendment makes.")
    )
    status = serializers.ChoiceField(choices=AmendmentStatus.choices, read_only=True)
    changes = AmendmentChangeOutputSerializer(many=True, read_only=True)
    created_by = _username("created_by")
    proposed_by = _username("proposed_by")
    approved_by = _username("approved_by")
    returned_by = _username("returned_by")
    overridden_by = _username("overridden_by")
    override_confirmed_by = _username("override_confirmed_by")

    class Meta:
        model = QuotaAmendment
        fields = [
            "id",
            "plan",
            "plan_year",
            "number",
            "version",
            "status",
            "effective_date",
            "reason",
            "changes",
            "based_on_version",
            "total_before",
            "total_after",
            "ceiling_before",
            "ceiling_after",
            "created_by",
            "created_at",
            "updated_at",
            "proposed_by",
            "proposed_at",
            "approved_by",
            "approved_at",
            "returned_by",
            "returned_at",
            "return_reason",
            "override_reason",
            "overridden_by",
            "overridden_at",
            "override_confirmed_by",
            "override_confirmed_at",
        ]
        read_only_fields = fields


class AmendmentCellOutputSerializer(serializers.Serializer):
    cell = serializers.IntegerField(help_text=_("The ledger cell's id (/api/v1/quota-balances/{id}/)."))
    kind = serializers.ChoiceField(choices=CellKind.choices)
    region = serializers.CharField(allow_null=True, help_text=_("Region code; null for the national headroom."))
    category = serializers.CharField(allow_null=True)
    project = serializers.CharField(allow_null=True, help_text=_("A project reserve's project code."))
    country = serializers.CharField(allow_null=True, help_text=_("A country cap's country."))
    before = serializers.IntegerField()
    after = serializers.IntegerField()
    delta = serializers.IntegerField()
    reserved = serializers.IntegerField(help_text=_("Held now by reservations."))
    used = serializers.IntegerField(help_text=_("Held now by issued permits."))


class AmendmentProblemSerializer(serializers.Serializer):
    check = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class AmendmentOutcomeSerializer(serializers.Serializer):
    """What a draft would do now, computed live (quota.amendments.AmendmentOutcome); the same shape as the
    `rule_results` a proposal stores, plus `can_propose`."""

    can_propose = serializers.BooleanField()
    problems = AmendmentProblemSerializer(many=True)
    totals_before = serializers.DictField(child=serializers.IntegerField(), help_text=_("Places per category."))
    totals_after = serializers.DictField(child=serializers.IntegerField())
    headroom_before = serializers.IntegerField()
    headroom_after = serializers.IntegerField()
    total_before = serializers.IntegerField()
    total_after = serializers.IntegerField()
    ceiling = serializers.DictField(help_text=_("before, after, total and the new rate period (if any)."))
    managers_specialists = serializers.DictField(allow_null=True, help_text=_("The share after the amendment."))
    targets = serializers.ListField(child=serializers.DictField())


class OutcomeErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


def _cell_row(cell, before: int, after: int) -> dict:
    return {
        "cell": cell.pk,
        "kind": cell.kind,
        "region": cell.region.code if cell.region_id else None,
        "category": cell.category or None,
        "project": cell.project_key or None,
        "country": cell.country or None,
        "before": before,
        "after": after,
        "delta": after - before,
        "reserved": cell.reserved,
        "used": cell.used,
    }


class QuotaAmendmentDetailOutputSerializer(WorkflowStepsMixin, QuotaAmendmentListOutputSerializer):
    """An amendment with its cells before and after: stored when proposed or approved, computed live for a draft
    (with the live `outcome`)."""

    cells = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    outcome_error = serializers.SerializerMethodField(
        help_text=_("Why a draft's live outcome cannot be computed now (e.g. no policy in force), else null.")
    )

    class Meta(QuotaAmendmentListOutputSerializer.Meta):
        fields = [
            *QuotaAmendmentListOutputSerializer.Meta.fields,
            "rule_results",
            "cells",
            "outcome",
            "outcome_error",
            "allowed_steps",
            "refused_steps",
        ]
        read_only_fields = fields

    step_refusals = staticmethod(amendment_step_refusals)

    def step_facts(self, amendment) -> dict:
        return {"outcome": self._live(amendment)[0]} if amendment.is_draft else {}

    def _live(self, amendment):
        """(outcome, error) of a draft, computed once per serialisation."""
        cache = self.context.setdefault("outcomes", {})
        if amendment.pk not in cache:
            try:
                cache[amendment.pk] = (amendment_outcome(amendment), None)
            except DomainError as error:
                cache[amendment.pk] = (None, error)
        return cache[amendment.pk]

    @extend_schema_field(AmendmentCellOutputSerializer(many=True))
    def get_cells(self, amendment) -> list[dict]:
        if not amendment.is_draft:
            return [_cell_row(row.cell, row.allocated_before, row.allocated_after) for row in amendment.cells.all()]
        outcome, _error = self._live(amendment)
        return [] if outcome is None else [_cell_row(c.cell, c.before, c.after) for c in outcome.cells]

    @extend_schema_field(AmendmentOutcomeSerializer(allow_null=True))
    def get_outcome(self, amendment) -> dict | None:
        if not amendment.is_draft:
            return None
        outcome, _error = self._live(amendment)
        if outcome is None:
            return None
        return {
            "can_propose": outcome.can_propose,
            "total_before": outcome.total_before,
            "total_after": outcome.total_after,
            **outcome.rule_results(),
        }

    @extend_schema_field(OutcomeErrorSerializer(allow_null=True))
    def get_outcome_error(self, amendment) -> dict | None:
        if not amendment.is_draft:
            return None
        _outcome, error = self._live(amendment)
        return None if error is None else {"code": error.code, "message": str(error.message)}


# ---------------------------------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------------------------------
class QuotaAmendmentFilterSet(django_filters.FilterSet):
    """`?year=2016` (the plan year), `?status=draft`."""

    year = django_filters.NumberFilter(field_name="plan__year", label=_("Plan year"))
    status = django_filters.ChoiceFilter(choices=AmendmentStatus.choices)

    class Meta:
        model = QuotaAmendment
        fields = ["year", "status"]


DETAIL = QuotaAmendmentDetailOutputSerializer


@extend_schema_view(
    list=extend_schema(tags=["quota"], responses=QuotaAmendmentListOutputSerializer),
    retrieve=extend_schema(tags=["quota"], responses=DETAIL),
    create=extend_schema(
        tags=["quota"],
        summary="Draft an amendment of an approved plan",
        request=AmendmentCreateInputSerializer,
        responses={201: DETAIL},
    ),
    partial_update=extend_schema(
        tags=["quota"],
        summary="Change a draft's effective date, reason or changes",
        request=AmendmentUpdateInputSerializer,
        responses=DETAIL,
    ),
    override=extend_schema(
        tags=["quota"],
        summary="Record a reasoned override of the managers/specialists rule",
        request=ReasonInputSerializer,
        responses=DETAIL,
    ),
    confirm_override=extend_schema(
        tags=["quota"], summary="Confirm another official's override", request=None, responses=DETAIL
    ),
    propose=extend_schema(tags=["quota"], summary="Propose the amendment for approval", request=None, responses=DETAIL),
    approve=extend_schema(
        tags=["quota"],
        summary="Approve the amendment (another official than its proposer); applies it to the ledger",
        request=None,
        responses=DETAIL,
    ),
    return_to_draft=extend_schema(
        tags=["quota"],
        summary="Return a proposed amendment to draft, with a reason",
        request=ReasonInputSerializer,
        responses=DETAIL,
    ),
)
class QuotaAmendmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Amendments of approved quota plans (DOMAIN §5), newest first: draft → proposed → approved (quota/workflow.py),
    each a new plan version with an effective date, a reason and ordered changes. Ministry officials draft, change and
    propose them; another ministry official approves (applied to the year's ledger at once) or returns them. A draft
    shows its live outcome and every check; a proposed or approved one the cells stored when it was proposed.
    Regional officials and auditors read them all, employers approved ones only; administrators get 403."""

    permission_classes = QUOTA_PLAN_PERMISSIONS
    filterset_class = QuotaAmendmentFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        amendments = (
            QuotaAmendment.objects.visible_to(self.request.user)
            .select_related(
                "plan",
                "created_by",
                "proposed_by",
                "approved_by",
                "returned_by",
                "overridden_by",
                "override_confirmed_by",
            )
            .prefetch_related(
                Prefetch(
                    "changes",
                    queryset=AmendmentChange.objects.select_related("region", "from_region", "to_region").order_by(
                        "position"
                    ),
                )
            )
            .order_by("-created_at", "-pk")
        )
        if self.action == "list":
            return amendments
        return amendments.prefetch_related(
            Prefetch("cells", queryset=AmendmentCell.objects.select_related("cell__region").order_by("cell_id"))
        )

    def get_serializer_class(self):
        return QuotaAmendmentListOutputSerializer if self.action == "list" else DETAIL

    def _detail(self, amendment, status_code=status.HTTP_200_OK):
        amendment = self.get_queryset().get(pk=amendment.pk)
        return Response(DETAIL(amendment, context=self.get_serializer_context()).data, status_code)

    def create(self, request):
        serializer = AmendmentCreateInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        amendment = amendment_create(**serializer.validated_data, actor=request.user)
        return self._detail(amendment, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        amendment = self.get_object()
        serializer = AmendmentUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(amendment_update(amendment=amendment, **serializer.validated_data, actor=request.user))

    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """Record a reasoned override of the managers/specialists rule the draft breaks; another ministry official
        must confirm it before the amendment can be proposed. Changing the draft clears it. 409 `not_flagged` when the
        rule holds."""
        amendment = self.get_object()
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(amendment_override(amendment=amendment, **serializer.validated_data, actor=request.user))

    @action(detail=True, methods=["post"], url_path="confirm-override")
    def confirm_override(self, request, pk=None):
        """Confirm the override another ministry official recorded (409 `same_official` for its author)."""
        return self._detail(amendment_confirm_override(amendment=self.get_object(), actor=request.user))

    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Propose a draft whose checks all pass (409 `amendment_checks_failed` naming them otherwise): its outcome —
        cells before and after, totals, ceiling, rule results, the plan version it is based on — is stored, and
        approval applies exactly that."""
        return self._detail(amendment_propose(amendment=self.get_object(), actor=request.user))

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a proposed amendment — by a ministry official other than its proposer (409 `same_official`) — and
        apply it to the year's ledger. 409 `amendment_not_yet_effective` before its effective date,
        `amendment_stale` when the plan moved to another version since, and `below_reserved_and_used` (naming the
        cells) when a cell would go below its reserved + used places."""
        return self._detail(amendment_approve(amendment=self.get_object(), actor=request.user))

    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request, pk=None):
        """Return a proposed amendment to draft with a reason: its stored outcome is cleared, its changes stay."""
        amendment = self.get_object()
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(amendment_return(amendment=amendment, **serializer.validated_data, actor=request.user))
