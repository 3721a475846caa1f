"""The quota demo (Step 5): `seed_demo_data` leaves an approved 2026 plan — proposed by `ministry`, approved by
`ministry2` — with illustrative 2025 labour-force figures, so the demo shows live balances; a second run changes
nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from common.models import AuditEvent, Region
from quota.amendments import plan_version
from quota.demo import DEMO_SOURCE, NATIONAL_LABOUR_FORCE
from quota.models import LabourForceFigure, QuotaAmendment, QuotaCell, QuotaPlan

pytestmark = pytest.mark.django_db


def test_the_demo_approves_the_2026_plan_with_four_eyes_and_opens_its_ledger(settings, client):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo_data", stdout=out)
    plan = QuotaPlan.objects.get(year=2026)
    assert (plan.status, plan.proposed_by.username, plan.approved_by.username) == ("approved", "ministry", "ministry2")
    # The shipped policy: 0.25 % in 2026 of an illustrative 9,400,000 → 23,500 places.
    assert plan.ceiling == 23_500 and plan.computation_snapshot["policy"]["quota_rate_percent"]["value"] == "0.250"
    figures = LabourForceFigure.objects.filter(year=2025)
    regions = Region.objects.valid_on(plan.relevant_date)
    assert set(figures.regional().values_list("region__code", flat=True)) == set(regions.values_list("code", flat=True))
    assert sum(figures.regional().values_list("persons", flat=True)) == NATIONAL_LABOUR_FORCE
    assert set(figures.values_list("status", "source")) == {("illustrative", DEMO_SOURCE)}
    cells = QuotaCell.objects.filter(year=2026)
    assert sum(c.allocated for c in cells.exclude(kind="country")) == 23_500
    assert cells.filter(kind="project", project_key="atyrau-refinery").get().allocated == 400
    assert cells.get(kind="country").country == "CN"
    assert "the 2026 plan is approved" in out.getvalue()
    # Amendments: headroom places moved to Astana (approved, version 2), a cut of cat 4 waiting for ministry2.
    approved, proposed = QuotaAmendment.objects.filter(plan=plan).order_by("number")
    assert (approved.status, approved.approved_by.username, plan_version(plan)) == ("approved", "ministry2", 2)
    assert (proposed.status, proposed.proposed_by.username) == ("proposed", "ministry")
    assert cells.get(kind="headroom").allocated == plan.national_headroom - 200
    assert proposed.total_after < proposed.total_before == 23_500

    events = AuditEvent.objects.count()
    call_command("seed_demo_data", stdout=StringIO())
    assert AuditEvent.objects.count() == events and QuotaPlan.objects.count() == 1

    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="employer"))
    content = client.get("/quota/balances/?year=2026").content.decode()
    assert "No quota plan has been approved yet" not in content
    assert "Published quota 2026" in client.get("/quota/published/").content.decode()
