"""HTTP wiring of the quota API: /api/v1/labour-force/, /api/v1/quota-plans/ with the plan's workflow actions and
its project reserves and country caps, and /api/v1/priority-projects/ (thin: services decide)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from common.errors import error_body, error_item
from common.parsers import JSONParser

from ..filtersets import LabourForceFilterSet, QuotaPlanFilterSet
from ..imports import FileRejected
from ..models import CountryCap, ProjectReserve
from ..permissions import QUOTA_DATA_PERMISSIONS, QUOTA_PLAN_PERMISSIONS
from ..selectors import (
    labour_force_list,
    plan_country_caps,
    plan_demand_table,
    plan_reserves,
    priority_project_list,
    quota_plan_list,
)
from ..services import (
    country_cap_add,
    country_cap_change,
    country_cap_remove,
    labour_force_correct,
    labour_force_import,
    priority_project_create,
    priority_project_update,
    project_reserve_add,
    project_reserve_change,
    project_reserve_remove,
    quota_plan_apply_fix,
    quota_plan_approve,
    quota_plan_compute,
    quota_plan_confirm_override,
    quota_plan_create,
    quota_plan_demand_replace,
    quota_plan_override,
    quota_plan_propose,
    quota_plan_return,
    quota_plan_update,
)
from .serializers import (
    CountryCapCreateInputSerializer,
    CountryCapOutputSerializer,
    CountryCapUpdateInputSerializer,
    LabourForceCorrectInputSerializer,
    LabourForceFigureOutputSerializer,
    LabourForceImportInputSerializer,
    LabourForceImportOutputSerializer,
    PlanDemandInputSerializer,
    PlanDemandOutputSerializer,
    PriorityProjectCreateInputSerializer,
    PriorityProjectOutputSerializer,
    PriorityProjectUpdateInputSerializer,
    ProjectReserveCreateInputSerializer,
    ProjectReserveOutputSerializer,
    ProjectReserveUpdateInputSerializer,
    QuotaPlanCreateInputSerializer,
    QuotaPlanDetailOutputSerializer,
    QuotaPlanListOutputSerializer,
    QuotaPlanUpdateInputSerializer,
    ReasonInputSerializer,
)

IMPORT_PARSERS = [MultiPartParser, FormParser, JSONParser]  # JSON: common.parsers, with its depth limit
REJECTED_FILE = OpenApiResponse(
    description="Invalid input. A rejected file lists one error per problem, its field the row's path "
    "(`rows.3.persons`; a CSV file's rows are numbered as a spreadsheet shows them, the header being row 1)."
)


class RowErrorsMixin:
    """A rejected import answers 400 with one error item per row problem (field `rows.<row>.<column>`)."""

    def handle_exception(self, exc):
        if isinstance(exc, FileRejected):
            items = [error_item(field=e.path, code=e.code, message=e.message) for e in exc.errors]
            return Response(error_body(items), status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


def _upload(serializer):
    """The uploaded file (or None) and its name."""
    upload = serializer.validated_data.get("file")
    return upload, (upload.name if upload is not None else "")


@extend_schema_view(
    list=extend_schema(tags=["quota"]),
    retrieve=extend_schema(tags=["quota"]),
    partial_update=extend_schema(
        tags=["quota"],
        summary="Correct a figure",
        request=LabourForceCorrectInputSerializer,
        responses=LabourForceFigureOutputSerializer,
    ),
    import_figures=extend_schema(
        tags=["quota"],
        summary="Import figures (CSV or JSON rows)",
        request={
            "multipart/form-data": LabourForceImportInputSerializer,
            "application/json": LabourForceImportInputSerializer,
        },
        responses={200: LabourForceImportOutputSerializer, 400: REJECTED_FILE},
    ),
)
class LabourForceFigureViewSet(
    RowErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Labour-force statistics (DOMAIN §1): integer persons per region (or KZ, national), year and period, official
    or illustrative, with their source. Ministry officials import and correct them; regional officials and auditors
    read them; employers and administrators get 403."""

    serializer_class = LabourForceFigureOutputSerializer
    permission_classes = QUOTA_DATA_PERMISSIONS
    filterset_class = LabourForceFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return labour_force_list(user=self.request.user)

    def partial_update(self, request, pk=None):
        figure = self.get_object()
        serializer = LabourForceCorrectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        figure = labour_force_correct(figure=figure, **serializer.validated_data, actor=request.user)
        return Response(self.get_serializer(figure).data)

    @action(detail=False, methods=["post"], url_path="import", parser_classes=IMPORT_PARSERS)
    def import_figures(self, request):
        """Import figures from a CSV file or JSON rows: all or nothing. Existing (region, year, period) figures are
        updated; a rejected file answers 400 with one error per problem and changes nothing."""
        serializer = LabourForceImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload, filename = _upload(serializer)
        report = labour_force_import(
            file=upload,
            rows=serializer.validated_data.get("rows"),
            source=serializer.validated_data.get("source", ""),
            filename=filename,
            actor=request.user,
        )
        return Response(LabourForceImportOutputSerializer(report.as_dict()).data)


@extend_schema_view(
    list=extend_schema(tags=["quota"], responses=QuotaPlanListOutputSerializer),
    retrieve=extend_schema(tags=["quota"], responses=QuotaPlanDetailOutputSerializer),
    create=extend_schema(
        tags=["quota"],
        summary="Create the draft plan of a year",
        request=QuotaPlanCreateInputSerializer,
        responses={201: QuotaPlanDetailOutputSerializer},
    ),
    partial_update=extend_schema(
        tags=["quota"],
        summary="Change a plan's inputs (a computed plan returns to draft)",
        request=QuotaPlanUpdateInputSerializer,
        responses=QuotaPlanDetailOutputSerializer,
    ),
    demand=extend_schema(tags=["quota"], summary="The accepted-demand table", responses=PlanDemandOutputSerializer),
    compute=extend_schema(
        tags=["quota"], summary="Compute the plan", request=None, responses=QuotaPlanDetailOutputSerializer
    ),
    apply_fix=extend_schema(
        tags=["quota"],
        summary="Apply the managers/specialists fix",
        request=None,
        responses=QuotaPlanDetailOutputSerializer,
    ),
    override=extend_schema(
        tags=["quota"],
        summary="Record a reasoned override of the managers/specialists rule",
        request=ReasonInputSerializer,
        responses=QuotaPlanDetailOutputSerializer,
    ),
    confirm_override=extend_schema(
        tags=["quota"],
        summary="Confirm another official's override",
        request=None,
        responses=QuotaPlanDetailOutputSerializer,
    ),
    propose=extend_schema(
        tags=["quota"], summary="Propose the plan for approval", request=None, responses=QuotaPlanDetailOutputSerializer
    ),
    approve=extend_schema(
        tags=["quota"],
        summary="Approve the plan (another official than its proposer); opens the year's ledger",
        request=None,
        responses=QuotaPlanDetailOutputSerializer,
    ),
    return_to_draft=extend_schema(
        tags=["quota"],
        summary="Return a proposed plan to draft, with a reason",
        request=ReasonInputSerializer,
        responses=QuotaPlanDetailOutputSerializer,
    ),
)
class QuotaPlanViewSet(RowErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Annual quota plans (DOMAIN §3), one per year: draft → computed → proposed → approved (quota/workflow.py).
    Ministry officials create them, enter or import the accepted demand, set project reserves and country caps,
    compute them, apply the managers/specialists fix or record an override that another official confirms, propose
    them, and approve (another official than the proposer) or return them. Regional officials and auditors read every
    plan, employers approved plans only (`?status=approved`); administrators get 403. Every write on an approved plan
    answers 409 `plan_approved`."""

    permission_classes = QUOTA_PLAN_PERMISSIONS
    filterset_class = QuotaPlanFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        plans = quota_plan_list(user=self.request.user)
        if self.action == "list":
            return plans
        return plans.prefetch_related(
            Prefetch("project_reserves", queryset=ProjectReserve.objects.select_related("project", "region")),
            Prefetch("country_caps", queryset=CountryCap.objects.select_related("country")),
        )

    def get_serializer_class(self):
        return QuotaPlanListOutputSerializer if self.action == "list" else QuotaPlanDetailOutputSerializer

    def _detail(self, plan, status_code=status.HTTP_200_OK):
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(QuotaPlanDetailOutputSerializer(plan, context=self.get_serializer_context()).data, status_code)

    def create(self, request):
        serializer = QuotaPlanCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = quota_plan_create(**serializer.validated_data, actor=request.user)
        return self._detail(plan, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        plan = self.get_object()
        serializer = QuotaPlanUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = quota_plan_update(plan=plan, **serializer.validated_data, actor=request.user)
        return self._detail(plan)

    @extend_schema(
        methods=["PUT"],
        summary="Replace the accepted-demand table (CSV file or JSON rows)",
        request={"multipart/form-data": PlanDemandInputSerializer, "application/json": PlanDemandInputSerializer},
        responses={200: PlanDemandOutputSerializer, 400: REJECTED_FILE},
    )
    @action(detail=True, methods=["get", "put"], parser_classes=IMPORT_PARSERS)
    def demand(self, request, pk=None):
        """GET: the accepted demand D[region, category]. PUT: replace it as a whole with a CSV file (long
        `region_code,category,places` or wide `region_code,1,2,3,4,S`) or JSON `rows` of {region, category, places};
        all or nothing, a rejected file answers 400 row by row. A computed plan returns to draft."""
        plan = self.get_object()
        if request.method == "PUT":
            serializer = PlanDemandInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            upload, filename = _upload(serializer)
            plan = quota_plan_demand_replace(
                plan=plan,
                file=upload,
                rows=serializer.validated_data.get("rows"),
                filename=filename,
                actor=request.user,
            )
        rows = plan.demand_rows.select_related("region")
        data = {
            "rows": [{"region": r.region.code, "category": r.category, "places": r.places} for r in rows],
            "table": plan_demand_table(plan).as_dict(),
        }
        return Response(PlanDemandOutputSerializer(data).data)

    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        """Compute the plan: ceiling, pool, the region × category distribution with totals, national headroom, the
        managers/specialists share and each rule's result, stored with the inputs and policy versions used. 409 when
        a policy value, the national labour force or (without demand) a regional figure is missing."""
        plan = quota_plan_compute(plan=self.get_object(), actor=request.user)
        return self._detail(plan)

    @action(detail=True, methods=["post"], url_path="apply-fix")
    def apply_fix(self, request, pk=None):
        """Apply the fix the computation offered (DOMAIN §3 step 4): category 4 (and S when the seasonal switch
        includes it) keep floor(m × (1 − t) / t) places less their reserves; the cut places go to national headroom.
        409 `not_flagged` when the plan meets the rule, `no_fix_exists` when the reserves alone exceed the kept
        total."""
        return self._detail(quota_plan_apply_fix(plan=self.get_object(), actor=request.user))

    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """Record a reasoned override of the broken managers/specialists rule; another ministry official must
        confirm it before the plan can be proposed. Recomputing the plan or changing an input clears it."""
        plan = self.get_object()
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(quota_plan_override(plan=plan, **serializer.validated_data, actor=request.user))

    @action(detail=True, methods=["post"], url_path="confirm-override")
    def confirm_override(self, request, pk=None):
        """Confirm the override another ministry official recorded (409 `same_official` for its author)."""
        return self._detail(quota_plan_confirm_override(plan=self.get_object(), actor=request.user))

    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Propose a computed plan: every rule passes or its override is confirmed (409 `rules_not_met`
        otherwise). Its inputs are frozen from now on."""
        return self._detail(quota_plan_propose(plan=self.get_object(), actor=request.user))

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a proposed plan — by a ministry official other than its proposer (409 `same_official`). The year's
        quota ledger opens in the same transaction; an approved plan never changes again."""
        return self._detail(quota_plan_approve(plan=self.get_object(), actor=request.user))

    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request, pk=None):
        """Return a proposed plan to draft with a reason: its inputs are editable again and its result is cleared."""
        plan = self.get_object()
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(quota_plan_return(plan=plan, **serializer.validated_data, actor=request.user))


PLAN_ID = OpenApiParameter("plan_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The plan's id.")


class PlanInputMixin:
    """A viewset nested under /quota-plans/{plan_id}/: the plan must be visible to the user (404 otherwise)."""

    def plan(self):
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(quota_plan_list(user=self.request.user), pk=self.kwargs["plan_id"])
        return self._plan


@extend_schema_view(
    list=extend_schema(tags=["quota"], parameters=[PLAN_ID]),
    retrieve=extend_schema(tags=["quota"], parameters=[PLAN_ID]),
    create=extend_schema(
        tags=["quota"],
        summary="Reserve places for a priority project",
        parameters=[PLAN_ID],
        request=ProjectReserveCreateInputSerializer,
        responses={201: ProjectReserveOutputSerializer},
    ),
    partial_update=extend_schema(
        tags=["quota"],
        summary="Change a reserve's places",
        parameters=[PLAN_ID],
        request=ProjectReserveUpdateInputSerializer,
        responses=ProjectReserveOutputSerializer,
    ),
    destroy=extend_schema(tags=["quota"], summary="Remove a reserve", parameters=[PLAN_ID]),
)
class ProjectReserveViewSet(
    PlanInputMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A plan's project reserves (DOMAIN §3 step 2): places in a region and category set aside for a priority project
    in reserve mode. Inputs of the plan like its demand: changed while it is a draft or computed (a computed plan
    returns to draft), frozen once proposed (409), never after approval (409 `plan_approved`)."""

    serializer_class = ProjectReserveOutputSerializer
    permission_classes = QUOTA_DATA_PERMISSIONS
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no plan
            return ProjectReserve.objects.none()
        return plan_reserves(self.plan())

    def create(self, request, plan_id=None):
        plan = self.plan()
        serializer = ProjectReserveCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reserve = project_reserve_add(plan=plan, **serializer.validated_data, actor=request.user)
        return Response(self.get_serializer(reserve).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, plan_id=None, pk=None):
        reserve = self.get_object()
        serializer = ProjectReserveUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reserve = project_reserve_change(reserve=reserve, **serializer.validated_data, actor=request.user)
        return Response(self.get_serializer(reserve).data)

    def perform_destroy(self, instance):
        project_reserve_remove(reserve=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(tags=["quota"], parameters=[PLAN_ID]),
    retrieve=extend_schema(tags=["quota"], parameters=[PLAN_ID]),
    create=extend_schema(
        tags=["quota"],
        summary="Cap one country's permits",
        parameters=[PLAN_ID],
        request=CountryCapCreateInputSerializer,
        responses={201: CountryCapOutputSerializer},
    ),
    partial_update=extend_schema(
        tags=["quota"],
        summary="Change a cap's places",
        parameters=[PLAN_ID],
        request=CountryCapUpdateInputSerializer,
        responses=CountryCapOutputSerializer,
    ),
    destroy=extend_schema(tags=["quota"], summary="Remove a cap", parameters=[PLAN_ID]),
)
class CountryCapViewSet(
    PlanInputMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A plan's country caps (DOMAIN §3 step 5): a cap on the permits of one country's citizens across all regions for
    the year, inside the total. Inputs of the plan, like its reserves."""

    serializer_class = CountryCapOutputSerializer
    permission_classes = QUOTA_DATA_PERMISSIONS
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CountryCap.objects.none()
        return plan_country_caps(self.plan())

    def create(self, request, plan_id=None):
        plan = self.plan()
        serializer = CountryCapCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cap = country_cap_add(plan=plan, **serializer.validated_data, actor=request.user)
        return Response(self.get_serializer(cap).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, plan_id=None, pk=None):
        cap = self.get_object()
        serializer = CountryCapUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cap = country_cap_change(cap=cap, **serializer.validated_data, actor=request.user)
        return Response(self.get_serializer(cap).data)

    def perform_destroy(self, instance):
        country_cap_remove(cap=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(tags=["quota"]),
    retrieve=extend_schema(tags=["quota"]),
    create=extend_schema(
        tags=["quota"],
        summary="Register a priority project",
        request=PriorityProjectCreateInputSerializer,
        responses={201: PriorityProjectOutputSerializer},
    ),
    partial_update=extend_schema(
        tags=["quota"],
        summary="Change a project's name, operator or mode",
        request=PriorityProjectUpdateInputSerializer,
        responses=PriorityProjectOutputSerializer,
    ),
)
class PriorityProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Priority investment projects (DOMAIN §3 step 2): name, operator employer, mode (reserve: each plan sets places
    aside for it; exempt: its listed staff need no permit), and a permanent code that keys its ledger cells. They
    persist across years. Ministry officials write them; regional officials and auditors read them."""

    serializer_class = PriorityProjectOutputSerializer
    permission_classes = QUOTA_DATA_PERMISSIONS
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return priority_project_list(user=self.request.user)

    def create(self, request):
        serializer = PriorityProjectCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = priority_project_create(**serializer.validated_data, actor=request.user)
        return Response(self.get_serializer(project).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        project = self.get_object()
        serializer = PriorityProjectUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = priority_project_update(project=project, **serializer.validated_data, actor=request.user)
        return Response(self.get_serializer(project).data)
