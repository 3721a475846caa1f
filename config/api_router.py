"""The one router of /api/v1/: each app registers its viewsets here."""

from rest_framework.routers import SimpleRouter

from common.api.audit import AuditEventViewSet
from common.api.reference_views import CountryViewSet, OccupationViewSet, PolicyParameterViewSet, SectorViewSet
from common.api.views import RegionViewSet, UserViewSet
from employers.api.views import EmployerViewSet
from quota.api.amendments import QuotaAmendmentViewSet
from quota.api.balances import QuotaBalanceViewSet
from quota.api.views import (
    CountryCapViewSet,
    LabourForceFigureViewSet,
    PriorityProjectViewSet,
    ProjectReserveViewSet,
    QuotaPlanViewSet,
)
from quota.api.years import QuotaYearViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("countries", CountryViewSet, basename="country")
router.register("sectors", SectorViewSet, basename="sector")
router.register("occupations", OccupationViewSet, basename="occupation")
router.register("policy-parameters", PolicyParameterViewSet, basename="policy-parameter")
router.register("audit-trail", AuditEventViewSet, basename="audit-event")
router.register("users", UserViewSet, basename="user")
router.register("employers", EmployerViewSet, basename="employer")
router.register("labour-force", LabourForceFigureViewSet, basename="labour-force")
router.register("quota-plans", QuotaPlanViewSet, basename="quota-plan")
router.register("quota-balances", QuotaBalanceViewSet, basename="quota-balance")
router.register("quota-years", QuotaYearViewSet, basename="quota-year")
router.register("quota-amendments", QuotaAmendmentViewSet, basename="quota-amendment")
router.register("priority-projects", PriorityProjectViewSet, basename="priority-project")
router.register(r"quota-plans/(?P<plan_id>[0-9]+)/project-reserves", ProjectReserveViewSet, basename="project-reserve")
router.register(r"quota-plans/(?P<plan_id>[0-9]+)/country-caps", CountryCapViewSet, basename="country-cap")
