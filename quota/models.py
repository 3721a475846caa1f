"""Quota data (DOMAIN §1, §3): labour-force statistics and the annual quota plan with its demand and result.

The maths lives in quota/calculation.py; every write lives in quota/services.py.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Region

from .calculation import CATEGORIES
from .querysets import LabourForceFigureQuerySet

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
