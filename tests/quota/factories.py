"""Factories of the quota app."""

import factory

from quota.models import LabourForceFigure
from tests.common.factories import RegionFactory


class LabourForceFigureFactory(factory.django.DjangoModelFactory):
    """`LabourForceFigureFactory(region=region, year=2024, persons=1_000_000)`; `region=None` is national."""

    class Meta:
        model = LabourForceFigure

    region = factory.SubFactory(RegionFactory)
    year = 2024
    period = LabourForceFigure.Period.ANNUAL
    persons = 1_000_000
    status = LabourForceFigure.Status.OFFICIAL
    source = "https://stat.gov.kz/ (test)"
