"""Quota data (DOMAIN §1, §3): labour-force statistics and the annual quota plan with its demand and result.

The maths lives in quota/calculation.py; every write lives in quota/services.py.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import AppendOnlyModel, Country, Region

from .calculation import CATEGORIES
from .inputs import FACTOR_DECIMAL_PLACES, FACTOR_MAX_DIGITS
from .querysets import (
    LabourForceFigureQuerySet,
    LedgerMovementQuerySet,
    PriorityProjectQuerySet,
    QuotaAmendmentQuerySet,
    QuotaCellQuerySet,
    QuotaPlanQuerySet,
)

#: The code that stands for the whole country in files and the API (a national figure has no region).
NATIONAL_CODE = "KZ"


class QuotaCategory(models.TextChoices):
    """Permit categories that use the quota, in their order 1, 2, 3, 4, S (DOMAIN §2; ICT is outside the quota)."""

    HEADS = "1", _("1 — heads of the organisation and their deputies")
    HEADS_OF_DIVISIONS = "2", _("2 — heads of structural divisions")
    SPECIALISTS = "3", _("3 — specialists")
    SKILLED_WORKERS = "4", _("4 — skilled workers")
    SEASONAL = "S", _("S — seasonal agricultural workers")


assert tuple(QuotaCategory.values) == CATEGORIES  # one vocabulary with the pure maths


class StatisticsPeriod(models.TextChoices):
    """The period a labour-force figure covers."""

    ANNUAL = "annual", _("Annual")
    Q1 = "Q1", _("1st quarter")
    Q2 = "Q2", _("2nd quarter")
    Q3 = "Q3", _("3rd quarter")
    Q4 = "Q4", _("4th quarter")


class FigureStatus(models.TextChoices):
    """Official (published) or illustrative (demo numbers filling gaps, always shown as such; DOMAIN §1)."""

    OFFICIAL = "official", _("Official")
    ILLUSTRATIVE = "illustrative", _("Illustrative")


class LabourForceFigure(models.Model):
    """The labour force (economically active population) of one region, or of the whole country, in one year and
    period, in whole persons (DOMAIN §1). A figure is official (published) or illustrative (demo numbers that fill
    gaps — shown as illustrative wherever used). `region` empty = national.

    The published figures ship in quota/data/labour_force.csv (`load_labour_force`); officials import more by CSV
    and correct single figures, each change audited (quota.services).
    """

    Period = StatisticsPeriod
    Status = FigureStatus

    #: Which figure of a year stands for the year: annual, else the latest quarter.
    PERIOD_PREFERENCE = ("annual", "Q4", "Q3", "Q2", "Q1")

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="labour_force_figures",
        verbose_name=_("region"),
        help_text=_("Empty for the national figure."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=10, choices=StatisticsPeriod.choices)
    persons = models.PositiveBigIntegerField(_("persons"))
    status = models.CharField(_("status"), max_length=20, choices=FigureStatus.choices)
    source = models.CharField(_("source"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = LabourForceFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("labour-force figure")
        verbose_name_plural = _("labour-force figures")
        ordering = ["-year", "region__code", "period"]
        constraints = [
            # NULL never equals NULL in a unique index, so the national figure needs a constraint of its own.
            models.UniqueConstraint(
                fields=["region", "year", "period"],
                condition=models.Q(region__isnull=False),
                name="labour_force_one_regional_figure_per_period",
            ),
            models.UniqueConstraint(
                fields=["year", "period"],
                condition=models.Q(region__isnull=True),
                name="labour_force_one_national_figure_per_period",
            ),
            models.CheckConstraint(condition=models.Q(persons__gt=0), name="labour_force_persons_positive"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1991, year__lte=2100), name="labour_force_year_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(period__in=StatisticsPeriod.values), name="labour_force_period_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FigureStatus.values), name="labour_force_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.scope_code} {self.year} {self.period}: {self.persons}"

    @property
    def scope_code(self) -> str:
        """The region's code, or "KZ" for the national figure."""
        return self.region.code if self.region_id else NATIONAL_CODE

    @property
    def is_illustrative(self) -> bool:
        return self.status == self.Status.ILLUSTRATIVE

    @property
    def key(self) -> str:
        """A short natural key for audit records and messages: "KZ-71/2019/Q2"."""
        return f"{self.scope_code}/{self.year}/{self.period}"

    def as_record(self) -> dict:
        """The values an audit event stores before and after a change."""
        return {"persons": self.persons, "status": self.status, "source": self.source}


def period_bounds(year: int, period: str) -> tuple[date, date]:
    """First and last day of a statistics period, both inclusive."""
    if period == StatisticsPeriod.ANNUAL:
        return date(year, 1, 1), date(year, 12, 31)
    last_month = 3 * int(period[1])
    return date(year, last_month - 2, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


class PlanStatus(models.TextChoices):
    """Where a plan is in its lifecycle (DOMAIN §3 step 6): draft → computed → proposed → approved. A proposed plan
    that is returned goes back to draft (with the reason on the plan and in the audit trail): there is no separate
    "returned" status, because a returned plan behaves exactly as a draft. The allowed transitions and who may make
    them are in quota/workflow.py."""

    DRAFT = "draft", _("Draft")
    COMPUTED = "computed", _("Computed")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")


class QuotaPlan(models.Model):
    """The annual quota plan for one quota year (DOMAIN §3): its inputs, and the result of its last computation.

    One plan per year (the database holds it): a plan is revised, never duplicated; later amendments are versions of
    an approved plan, not second plans. Inputs — the statistics year, an entered national labour force where no
    official figure exists, the accepted-demand table (`PlanDemand`) — are editable while the plan is a draft or
    computed; any change returns a computed plan to draft and clears its result. Computing stores the result
    (`PlanCell` rows and the fields below) and a `computation_snapshot` of every input and policy version used.
    The rate, threshold, seasonal switch and default category shares come from the policy in force on 1 January of
    the plan year (DOMAIN §9). Project reserves (`ProjectReserve`) and country caps (`CountryCap`) are inputs too.

    A computed plan that breaks the managers/specialists rule is either fixed (the fix is applied to the stored
    cells) or overridden with a reason by one ministry official and confirmed by another. It is then proposed (its
    inputs frozen) and approved by a ministry official other than the proposer — approval opens the year's quota
    ledger — or returned to draft with a reason. An approved plan never changes (quota/workflow.py).
    """

    Status = PlanStatus

    #: Statuses whose inputs may still change.
    EDITABLE = frozenset({PlanStatus.DRAFT, PlanStatus.COMPUTED})
    #: Statuses that carry a computed result.
    WITH_RESULT = frozenset({PlanStatus.COMPUTED, PlanStatus.PROPOSED, PlanStatus.APPROVED})

    year = models.PositiveSmallIntegerField(_("quota year"), unique=True)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    statistics_year = models.PositiveSmallIntegerField(
        _("statistics year"), help_text=_("The year whose labour force the plan uses; by default the year before.")
    )
    entered_labour_force = models.PositiveBigIntegerField(
        _("entered national labour force"),
        null=True,
        blank=True,
        help_text=_("Persons; only when the statistics year has no official national figure."),
    )
    entered_labour_force_source = models.CharField(_("source of the entered figure"), max_length=500, blank=True)

    # The result of the last computation (empty in a draft).
    ceiling = models.PositiveBigIntegerField(_("ceiling"), null=True, blank=True)
    pool = models.PositiveBigIntegerField(_("regional pool"), null=True, blank=True)
    national_headroom = models.PositiveBigIntegerField(_("national headroom"), null=True, blank=True)
    method = models.CharField(_("distribution method"), max_length=20, blank=True)
    share_numerator = models.PositiveBigIntegerField(_("managers and specialists (cats 1–3)"), null=True, blank=True)
    share_denominator = models.PositiveBigIntegerField(_("places counted in the share"), null=True, blank=True)
    rule_results = models.JSONField(_("rule results"), default=dict, blank=True)
    uses_illustrative_figures = models.BooleanField(_("uses illustrative figures"), default=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )
    computation_snapshot = models.JSONField(_("computation snapshot"), null=True, blank=True)

    # Remedies for a broken managers/specialists rule (DOMAIN §3 step 4); cleared by every new computation.
    fix_applied_at = models.DateTimeField(_("fix applied at"), null=True, blank=True)
    fix_applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fix applied by"),
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)
    overridden_at = models.DateTimeField(_("overridden at"), null=True, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overridden by"),
    )
    override_confirmed_at = models.DateTimeField(_("override confirmed at"), null=True, blank=True)
    override_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("override confirmed by"),
    )

    # The lifecycle (quota/workflow.py).
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    # The last return to draft, shown on the plan until it is proposed again (every return is in the audit trail).
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned by"),
    )
    return_reason = models.TextField(_("reason for the return"), blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = QuotaPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("quota plan")
        verbose_name_plural = _("quota plans")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=PlanStatus.values), name="quota_plan_status_known"),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="quota_plan_year_in_range"),
            models.CheckConstraint(
                condition=models.Q(statistics_year__lte=models.F("year")),
                name="quota_plan_statistics_year_not_after_plan_year",
            ),
            models.CheckConstraint(
                condition=models.Q(entered_labour_force__isnull=True) | models.Q(entered_labour_force__gt=0),
                name="quota_plan_entered_labour_force_positive",
            ),
            # A computed plan has its result; a draft has none.
            models.CheckConstraint(
                condition=models.Q(status="draft", ceiling__isnull=True, computed_at__isnull=True)
                | (
                    ~models.Q(status="draft")
                    & models.Q(ceiling__isnull=False, pool__isnull=False, computed_at__isnull=False)
                ),
                name="quota_plan_result_iff_computed",
            ),
            # Proposed and approved plans name who proposed them; approved ones who approved them.
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "computed"])
                | models.Q(proposed_at__isnull=False, proposed_by__isnull=False),
                name="quota_plan_proposed_has_proposer",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_at__isnull=False, approved_by__isnull=False),
                name="quota_plan_approved_has_approver",
            ),
            # Four eyes (DOMAIN §3 steps 4 and 6), held by the database as well as by the services.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("proposed_by")),
                name="quota_plan_approver_is_not_proposer",
            ),
            models.CheckConstraint(
                condition=models.Q(override_confirmed_by__isnull=True)
                | (models.Q(overridden_by__isnull=False) & ~models.Q(override_confirmed_by=models.F("overridden_by"))),
                name="quota_plan_override_confirmed_by_another",
            ),
        ]

    def __str__(self):
        return str(_("Quota plan %(year)s") % {"year": self.year})

    @property
    def relevant_date(self) -> date:
        """1 January of the plan year: selects the policy values and the regions (DOMAIN §1, §9)."""
        return date(self.year, 1, 1)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_computed(self) -> bool:
        """The plan carries a computed result (computed, proposed or approved)."""
        return self.status in self.WITH_RESULT

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def managers_specialists(self) -> dict | None:
        """The managers/specialists rule's stored result (None before a computation)."""
        return (self.rule_results or {}).get("managers_specialists")

    @property
    def is_flagged(self) -> bool:
        """The managers/specialists rule fails on the stored cells (a fix applied makes it pass)."""
        rule = self.managers_specialists
        return bool(rule and rule.get("flagged"))

    @property
    def override_pending(self) -> bool:
        return bool(self.overridden_at) and not self.override_confirmed_at

    @property
    def override_confirmed(self) -> bool:
        return bool(self.overridden_at and self.override_confirmed_at)


class PlanDemand(models.Model):
    """Accepted demand D[region, category] of a plan (DOMAIN §3 step 3), entered or imported on the plan until
    demand requests exist. A missing row means no demand; rows of zero are not stored."""

    plan = models.ForeignKey(QuotaPlan, on_delete=models.CASCADE, related_name="demand_rows", verbose_name=_("plan"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    category = models.CharField(_("category"), max_length=1, choices=QuotaCategory.choices)
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("accepted demand")
        verbose_name_plural = _("accepted demand")
        ordering = ["region__code", "category"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "region", "category"], name="plan_demand_one_row_per_cell"),
            models.CheckConstraint(
                condition=models.Q(category__in=list(CATEGORIES)), name="plan_demand_category_known"
            ),
        ]

    def __str__(self):
        return f"{self.plan.year} {self.region.code}/{self.category}: {self.places}"


class PlanCell(models.Model):
    """One cell of a computed plan's distribution: places for a region and category (DOMAIN §3 step 3). Replaced
    on every computation and deleted when the plan returns to draft. The quota ledger's cells (created when a plan
    is approved) are a model of their own."""

    plan = models.ForeignKey(QuotaPlan, on_delete=models.CASCADE, related_name="cells", verbose_name=_("plan"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    category = models.CharField(_("category"), max_length=1, choices=QuotaCategory.choices)
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("plan cell")
        verbose_name_plural = _("plan cells")
        ordering = ["region__code", "category"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "region", "category"], name="plan_cell_one_row_per_cell"),
            models.CheckConstraint(condition=models.Q(category__in=list(CATEGORIES)), name="plan_cell_category_known"),
        ]

    def __str__(self):
        return f"{self.plan.year} {self.region.code}/{self.category}: {self.places}"


class ProjectMode(models.TextChoices):
    """How a priority project uses the quota (DOMAIN §3 step 2)."""

    RESERVE = "reserve", _("Reserve — places set aside in each plan")
    EXEMPT = "exempt", _("Exempt — its listed staff need no permit")


class PriorityProject(models.Model):
    """A priority investment project (DOMAIN §3 step 2): it persists across years; each plan gives it its own
    numbers. In *reserve* mode a plan sets places aside for it in a region and category (`ProjectReserve`), drawn
    only by applications that name the project; in *exempt* mode its listed staff need no permit and use no quota
    (the staff list comes with a later step). The `code` keys the project's cells in the quota ledger, so it never
    changes once created."""

    Mode = ProjectMode

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("A short permanent key, e.g. atyrau-refinery: lower-case letters, digits and hyphens."),
    )
    name = models.CharField(_("name"), max_length=300)
    operator = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        related_name="priority_projects",
        verbose_name=_("operator"),
        help_text=_("The employer that operates the project."),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=ProjectMode.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = PriorityProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("priority project")
        verbose_name_plural = _("priority projects")
        ordering = ["name", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(mode__in=ProjectMode.values), name="priority_project_mode_known"),
            models.CheckConstraint(condition=~models.Q(code=""), name="priority_project_code_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_exempt(self) -> bool:
        return self.mode == ProjectMode.EXEMPT

    def as_record(self) -> dict:
        """The values an audit event stores before and after a change."""
        return {"code": self.code, "name": self.name, "operator_id": self.operator_id, "mode": self.mode}


class ProjectReserve(models.Model):
    """Places a plan sets aside for a priority project in reserve mode, in one region and category (DOMAIN §3 step
    2). Σ reserves ≤ ceiling; the regional pool is the ceiling less the reserves. An input of the plan: editable while
    it is a draft or computed, frozen once proposed; approval opens one ledger cell per reserve."""

    plan = models.ForeignKey(
        QuotaPlan, on_delete=models.CASCADE, related_name="project_reserves", verbose_name=_("plan")
    )
    project = models.ForeignKey(
        PriorityProject, on_delete=models.PROTECT, related_name="reserves", verbose_name=_("priority project")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    category = models.CharField(_("category"), max_length=1, choices=QuotaCategory.choices)
    places = models.PositiveIntegerField(_("places"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("project reserve")
        verbose_name_plural = _("project reserves")
        ordering = ["project__code", "region__code", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "project", "region", "category"], name="project_reserve_one_per_cell"
            ),
            models.CheckConstraint(condition=models.Q(places__gt=0), name="project_reserve_places_positive"),
            models.CheckConstraint(
                condition=models.Q(category__in=list(CATEGORIES)), name="project_reserve_category_known"
            ),
        ]

    def __str__(self):
        return f"{self.plan.year} {self.project.code} {self.region.code}/{self.category}: {self.places}"

    def as_record(self) -> dict:
        return {
            "id": self.pk,
            "project": self.project.code,
            "region": self.region.code,
            "category": self.category,
            "places": self.places,
        }


class CountryCap(models.Model):
    """A cap on the permits of one country's citizens across all regions for the plan's year (DOMAIN §3 step 5),
    e.g. under a bilateral temporary-labour agreement. A cap lies inside the total, it is not an addition. An input
    of the plan like the reserves; approval opens one ledger cell per cap."""

    plan = models.ForeignKey(QuotaPlan, on_delete=models.CASCADE, related_name="country_caps", verbose_name=_("plan"))
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    places = models.PositiveIntegerField(_("places"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("country cap")
        verbose_name_plural = _("country caps")
        ordering = ["country__alpha_2"]
        constraints = [models.UniqueConstraint(fields=["plan", "country"], name="country_cap_one_per_country")]

    def __str__(self):
        return f"{self.plan.year} {self.country.alpha_2}: {self.places}"

    def as_record(self) -> dict:
        return {"id": self.pk, "country": self.country.alpha_2, "places": self.places}


# ---------------------------------------------------------------------------------------------
# The quota ledger (DOMAIN §5): cells opened when a plan is approved, changed only by movements
# ---------------------------------------------------------------------------------------------
class QuotaYear(models.Model):
    """A quota year whose plan was approved: its ledger is open until a ministry official closes it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    plan = models.OneToOneField(
        "quota.QuotaPlan", on_delete=models.PROTECT, related_name="quota_year", verbose_name=_("approved plan")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("quota year")
        verbose_name_plural = _("quota years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CellKind(models.TextChoices):
    REGIONAL = "regional", _("Region and category")
    PROJECT = "project", _("Priority-project reserve")
    COUNTRY = "country", _("Country cap")
    HEADROOM = "headroom", _("National headroom")


class QuotaCell(models.Model):
    """One balance of a quota year: a (region, category) cell, a project reserve, a country cap, or the
    national headroom. `allocated` places, of which `reserved` (approved, not yet issued) and `used`
    (issued permits); available = allocated − reserved − used, never below zero (database CHECK).

    Counters change only through quota.ledger, each change a LedgerMovement, so counters always equal
    the sum of movements.
    """

    Kind = CellKind

    quota_year = models.ForeignKey(QuotaYear, on_delete=models.PROTECT, related_name="cells")
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CellKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    category = models.CharField(_("category"), max_length=1, choices=QuotaCategory.choices, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2"))
    project_key = models.CharField(
        _("project"), max_length=64, blank=True, help_text=_("The priority project whose reserve this is.")
    )
    allocated = models.PositiveIntegerField(_("allocated"))
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    used = models.PositiveIntegerField(_("used"), default=0)

    objects = QuotaCellQuerySet.as_manager()

    class Meta:
        verbose_name = _("quota cell")
        verbose_name_plural = _("quota cells")
        ordering = ["year", "kind", "region__code", "category", "country"]
        constraints = [
            # The rule of the whole system: the quota is never oversubscribed, whatever the concurrency.
            models.CheckConstraint(
                condition=models.Q(allocated__gte=models.F("reserved") + models.F("used")),
                name="quota_cell_never_oversubscribed",
            ),
            models.UniqueConstraint(
                fields=["year", "region", "category"],
                condition=models.Q(kind="regional"),
                name="quota_cell_one_per_region_category",
            ),
            models.UniqueConstraint(
                fields=["year", "project_key", "region", "category"],
                condition=models.Q(kind="project"),
                name="quota_cell_one_per_project_reserve",
            ),
            models.UniqueConstraint(
                fields=["year", "country"], condition=models.Q(kind="country"), name="quota_cell_one_per_country"
            ),
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(kind="headroom"), name="quota_cell_one_headroom"
            ),
        ]

    def __str__(self):
        label = {
            CellKind.REGIONAL: lambda: f"{self.region.code}/{self.category}",
            CellKind.PROJECT: lambda: f"project {self.project_key} {self.region.code}/{self.category}",
            CellKind.COUNTRY: lambda: f"country {self.country}",
            CellKind.HEADROOM: lambda: "national headroom",
        }[self.kind]()
        return f"{self.year} {label}"

    @property
    def available(self) -> int:
        return self.allocated - self.reserved - self.used


class MovementKind(models.TextChoices):
    OPEN = "open", _("Opened by the approved plan")
    RESERVE = "reserve", _("Reserve (application approved)")
    RELEASE = "release", _("Release (refused, lapsed or withdrawn)")
    COMMIT = "commit", _("Commit (permit issued)")
    GIVE_BACK = "give_back", _("Give back (permit revoked or ended early)")
    AMEND = "amend", _("Amendment")


class LedgerMovement(AppendOnlyModel):
    """An append-only change of one cell's counters, with its actor, reason and cause (never updated or deleted:
    the model refuses, and on PostgreSQL a trigger refuses too — common.append_only).

    The cause is a generic reference (`cause_type`, `cause_id`: e.g. "permits.applicationworker", "17"):
    the quota app never imports the apps whose decisions move places (STYLE.md). Movements of one
    all-or-nothing operation share an `operation` id.
    """

    Kind = MovementKind

    cell = models.ForeignKey(QuotaCell, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    allocated_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    used_delta = models.IntegerField(default=0)
    operation = models.UUIDField(_("operation"), db_index=True)
    cause_type = models.CharField(_("cause type"), max_length=100, blank=True)
    cause_id = models.CharField(_("cause id"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)

    objects = LedgerMovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger movement")
        verbose_name_plural = _("ledger movements")
        ordering = ["id"]
        indexes = [models.Index(fields=["cause_type", "cause_id"], name="ledger_movement_cause_idx")]

    def __str__(self):
        return f"{self.kind} {self.cell_id} ({self.allocated_delta:+}/{self.reserved_delta:+}/{self.used_delta:+})"


# ---------------------------------------------------------------------------------------------
# Amendments (DOMAIN §5): new versions of an approved plan, applied to the ledger
# ---------------------------------------------------------------------------------------------
class AmendmentStatus(models.TextChoices):
    """draft → proposed → approved; a returned amendment is a draft again (like a plan, quota/workflow.py)."""

    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")


def _user_field(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class QuotaAmendment(models.Model):
    """A new version of an approved quota plan (DOMAIN §5): an effective date, a reason and ordered changes
    (`AmendmentChange`), proposed by one ministry official and approved by another. Approval applies the changes to
    the year's ledger cells as `amend` movements, in the same locked transaction that checks no cell goes below its
    reserved + used places. `number` counts the plan's amendments as they are drafted; `version` is the plan's
    version an approved amendment made (the approved plan itself is version 1), set on approval.

    While a draft, its outcome is computed live from the ledger (quota.amendments.amendment_outcome); proposing
    stores it — the cells before and after (`AmendmentCell`), the totals, the rule results and the ceiling — and
    approval applies exactly that, refusing if the plan moved to another version meanwhile.
    """

    Status = AmendmentStatus

    plan = models.ForeignKey(QuotaPlan, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("1 for the plan's first amendment, and so on."))
    effective_date = models.DateField(_("effective date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=AmendmentStatus.choices, default=AmendmentStatus.DRAFT
    )

    # The outcome stored when proposed (empty in a draft).
    based_on_version = models.PositiveSmallIntegerField(_("based on version"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(
        _("version"), null=True, blank=True, help_text=_("The plan's version this amendment made, once approved.")
    )
    total_before = models.PositiveBigIntegerField(_("total before"), null=True, blank=True)
    total_after = models.PositiveBigIntegerField(_("total after"), null=True, blank=True)
    ceiling_before = models.PositiveBigIntegerField(_("ceiling before"), null=True, blank=True)
    ceiling_after = models.PositiveBigIntegerField(_("ceiling after"), null=True, blank=True)
    rule_results = models.JSONField(_("rule results"), default=dict, blank=True)

    # A breaking managers/specialists rule is overridden like a plan's (DOMAIN §3 step 4, §5).
    override_reason = models.TextField(_("reason for the override"), blank=True)
    overridden_at = models.DateTimeField(_("overridden at"), null=True, blank=True)
    overridden_by = _user_field(_("overridden by"))
    override_confirmed_at = models.DateTimeField(_("override confirmed at"), null=True, blank=True)
    override_confirmed_by = _user_field(_("override confirmed by"))

    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    proposed_by = _user_field(_("proposed by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = _user_field(_("approved by"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = _user_field(_("returned by"))
    return_reason = models.TextField(_("reason for the return"), blank=True)
    operation = models.UUIDField(_("ledger operation"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = _user_field(_("created by"))

    objects = QuotaAmendmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("quota amendment")
        verbose_name_plural = _("quota amendments")
        ordering = ["-plan__year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="quota_amendment_one_number_per_plan"),
            models.UniqueConstraint(fields=["plan", "version"], name="quota_amendment_one_per_version"),
            models.CheckConstraint(
                condition=models.Q(status__in=AmendmentStatus.values), name="quota_amendment_status_known"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="quota_amendment_number_positive"),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(proposed_at__isnull=False, proposed_by__isnull=False, total_after__isnull=False),
                name="quota_amendment_proposed_has_proposer",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(
                    approved_at__isnull=False, approved_by__isnull=False, operation__isnull=False, version__gte=2
                ),
                name="quota_amendment_approved_has_approver",
            ),
            # Four eyes, held by the database as well as by the services.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("proposed_by")),
                name="quota_amendment_approver_is_not_proposer",
            ),
            models.CheckConstraint(
                condition=models.Q(override_confirmed_by__isnull=True)
                | (models.Q(overridden_by__isnull=False) & ~models.Q(override_confirmed_by=models.F("overridden_by"))),
                name="quota_amendment_override_confirmed_by_another",
            ),
        ]

    def __str__(self):
        params = {"number": self.number, "year": self.plan.year}
        return str(_("Amendment %(number)s to the quota plan %(year)s") % params)

    @property
    def is_draft(self) -> bool:
        return self.status == AmendmentStatus.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.status == AmendmentStatus.APPROVED

    @property
    def override_pending(self) -> bool:
        return bool(self.overridden_at) and not self.override_confirmed_at

    @property
    def override_confirmed(self) -> bool:
        return bool(self.overridden_at and self.override_confirmed_at)

    def as_record(self) -> dict:
        """The values an audit event stores before and after a change."""
        return {
            "plan_year": self.plan.year,
            "number": self.number,
            "status": self.status,
            "effective_date": self.effective_date.isoformat() if self.effective_date else None,
            "changes": [change.as_record() for change in self.changes.all()],
            "total_before": self.total_before,
            "total_after": self.total_after,
            "ceiling_after": self.ceiling_after,
        }


class AmendmentChangeKind(models.TextChoices):
    SCALE = "scale", _("New total for a category (target or factor)")
    MOVE = "move", _("Move places between cells or the national headroom")
    RESERVE = "reserve", _("New places for a priority project's reserve")
    CAP = "cap", _("New cap on a country's citizens")


class AmendmentChange(models.Model):
    """One change of an amendment, applied in `position` order (DOMAIN §5).

    *scale*: a category's new national total — or, with `region`, its total in that region — as a `target` or a
    `factor` (target = floor(current total × factor)), spread in proportion to the current cell values.
    *move*: exactly `places` places from (`from_region`, `from_category`) to (`to_region`, `to_category`); an end
    without a region is the national headroom.
    *reserve*: the reserve of priority project `project_key` in (`region`, `category`) set to `target` places.
    *cap*: the cap on `country`'s citizens set to `target` places (a cap lies inside the total)."""

    Kind = AmendmentChangeKind

    amendment = models.ForeignKey(
        QuotaAmendment, on_delete=models.CASCADE, related_name="changes", verbose_name=_("amendment")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=AmendmentChangeKind.choices)
    category = models.CharField(_("category"), max_length=1, choices=QuotaCategory.choices, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    target = models.PositiveIntegerField(_("target total"), null=True, blank=True)
    factor = models.DecimalField(
        _("factor"), max_digits=FACTOR_MAX_DIGITS, decimal_places=FACTOR_DECIMAL_PLACES, null=True, blank=True
    )
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    from_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from region")
    )
    from_category = models.CharField(_("from category"), max_length=1, choices=QuotaCategory.choices, blank=True)
    to_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to region")
    )
    to_category = models.CharField(_("to category"), max_length=1, choices=QuotaCategory.choices, blank=True)
    project_key = models.CharField(_("project"), max_length=64, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2"))

    class Meta:
        verbose_name = _("amendment change")
        verbose_name_plural = _("amendment changes")
        ordering = ["amendment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["amendment", "position"], name="amendment_change_one_per_position"),
            models.CheckConstraint(
                condition=models.Q(kind="scale", category__in=list(CATEGORIES), places__isnull=True)
                & (models.Q(target__isnull=False, factor__isnull=True) | models.Q(target__isnull=True, factor__gt=0))
                | models.Q(kind="move", places__gt=0, target__isnull=True, factor__isnull=True)
                | (
                    models.Q(kind="reserve", region__isnull=False, category__in=list(CATEGORIES), target__isnull=False)
                    & ~models.Q(project_key="")
                    & models.Q(factor__isnull=True, places__isnull=True)
                )
                | (
                    models.Q(kind="cap", target__isnull=False, factor__isnull=True, places__isnull=True)
                    & ~models.Q(country="")
                ),
                name="amendment_change_shape",
            ),
        ]

    def __str__(self):
        return f"{self.amendment_id}#{self.position} {self.kind}"

    def as_record(self) -> dict:
        if self.kind == AmendmentChangeKind.RESERVE:
            return {
                "kind": self.kind,
                "project": self.project_key,
                "region": self.region.code,
                "category": self.category,
                "places": self.target,
            }
        if self.kind == AmendmentChangeKind.CAP:
            return {"kind": self.kind, "country": self.country, "places": self.target}
        if self.kind == AmendmentChangeKind.SCALE:
            return {
                "kind": self.kind,
                "category": self.category,
                "region": self.region.code if self.region_id else None,
                "target": self.target,
                "factor": None if self.factor is None else str(self.factor),
            }
        return {
            "kind": self.kind,
            "places": self.places,
            "from": [self.from_region.code, self.from_category] if self.from_region_id else None,
            "to": [self.to_region.code, self.to_category] if self.to_region_id else None,
        }


class AmendmentCell(models.Model):
    """A ledger cell's allocated places before and after a proposed or approved amendment: its history per cell."""

    amendment = models.ForeignKey(
        QuotaAmendment, on_delete=models.CASCADE, related_name="cells", verbose_name=_("amendment")
    )
    cell = models.ForeignKey(QuotaCell, on_delete=models.PROTECT, related_name="+", verbose_name=_("cell"))
    allocated_before = models.PositiveIntegerField(_("allocated before"))
    allocated_after = models.PositiveIntegerField(_("allocated after"))

    class Meta:
        verbose_name = _("amended cell")
        verbose_name_plural = _("amended cells")
        ordering = ["amendment", "cell__kind", "cell__region__code", "cell__category"]
        constraints = [
            models.UniqueConstraint(fields=["amendment", "cell"], name="amendment_cell_one_per_cell"),
            models.CheckConstraint(
                condition=~models.Q(allocated_before=models.F("allocated_after")), name="amendment_cell_changes"
            ),
        ]

    def __str__(self):
        return f"{self.amendment_id}: {self.cell_id} {self.allocated_before} → {self.allocated_after}"

    @property
    def delta(self) -> int:
        return self.allocated_after - self.allocated_before
