"""HTTP wiring of the quota API: /api/v1/labour-force/ and /api/v1/quota-plans/ (thin: services decide)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from common.errors import error_body, error_item

from ..filtersets import LabourForceFilterSet
from ..imports import FileRejected
from ..permissions import QUOTA_DATA_PERMISSIONS
from ..selectors import labour_force_list, plan_demand_table, quota_plan_list
from ..services import (
    labour_force_correct,
    labour_force_import,
    quota_plan_compute,
    quota_plan_create,
    quota_plan_demand_replace,
    quota_plan_update,
)
from .serializers import (
    LabourForceCorrectInputSerializer,
    LabourForceFigureOutputSerializer,
    LabourForceImportInputSerializer,
    LabourForceImportOutputSerializer,
    PlanDemandInputSerializer,
    PlanDemandOutputSerializer,
    QuotaPlanCreateInputSerializer,
    QuotaPlanDetailOutputSerializer,
    QuotaPlanListOutputSerializer,
    QuotaPlanUpdateInputSerializer,
)

IMPORT_PARSERS = [MultiPartParser, FormParser, JSONParser]
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
)
class QuotaPlanViewSet(RowErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Annual quota plans (DOMAIN §3), one per year: draft → computed. Ministry officials create them, enter or import
    the accepted demand, and compute them; regional officials and auditors read them; employers and administrators
    get 403 (they will see approved numbers only)."""

    permission_classes = QUOTA_DATA_PERMISSIONS
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return quota_plan_list(user=self.request.user)

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
