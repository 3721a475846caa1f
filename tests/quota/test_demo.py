"""The quota demo (Step 5, Step 8 item 6): `seed_demo_data` leaves an approved plan for the current year — proposed by
`ministry`, approved by `ministry2` — with illustrative labour-force figures of the year before, so the demo shows
live balances on any date; a second run changes nothing; a demo database seeded last year gets this year's plan
beside last year's, untouched. Past the last MCI the shipped files know, the demo (DEBUG only) carries it forward as
an illustrative period.

The clock is moved with unittest.mock, inside whatever clock the session runs on (CI travels it with time-machine,
KVOTA_TEST_CLOCK): `timezone.now` is what `timezone.localdate()`, quota.ledger.quota_today and every `auto_now`
read."""

from contextlib import contextmanager
from datetime import date, datetime
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from common.demo import ILLUSTRATIVE_POLICY_SOURCE, seed_demo_policy
from common.models import AuditEvent, PolicyPeriod, Region
from common.policy import P, PolicyNotDefined, policy_period, policy_value
from common.services import AUDIT_POLICY_PERIOD_ADDED, reference_data_load
from quota.amendments import amendment_approve, plan_version
from quota.demo import DEMO_SOURCE, NATIONAL_LABOUR_FORCE
from quota.ledger import Placement, quota_reserve, quota_today
from quota.models import LabourForceFigure, LedgerMovement, QuotaAmendment, QuotaCell, QuotaPlan, QuotaYear
from tests.common.reference_factories import make_policy_parameter

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")


def next_new_year() -> datetime:
    """1 January 00:30 in Almaty of next year: still 31 December (19:30) in UTC, so the two disagree on the year."""
    return datetime(timezone.localdate().year + 1, 1, 1, 0, 30, tzinfo=ALMATY)


@contextmanager
def clock_at(moment: datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(ZoneInfo("UTC"))):
        yield


def seed() -> str:
    out = StringIO()
    call_command("seed_demo_data", stdout=out)
    return out.getvalue()


def plan_state(plan: QuotaPlan) -> dict:
    """Everything of a plan the demo could touch: its row, its amendments, its ledger cells and movements."""
    return {
        "plan": {f.attname: getattr(plan, f.attname) for f in QuotaPlan._meta.concrete_fields},
        "amendments": list(QuotaAmendment.objects.filter(plan=plan).order_by("number").values()),
        "cells": list(QuotaCell.objects.filter(year=plan.year).order_by("id").values()),
        "movements": LedgerMovement.objects.filter(cell__year=plan.year).count(),
        "version": plan_version(plan),
    }


def test_the_demo_approves_this_years_plan_with_four_eyes_and_opens_its_ledger(settings, client):
    settings.DEBUG = True
    year = quota_today().year
    out = seed()
    plan = QuotaPlan.objects.get()
    assert plan.year == year
    assert (plan.status, plan.proposed_by.username, plan.approved_by.username) == ("approved", "ministry", "ministry2")
    # The shipped policy: 0.25 % from 2025-08-01 (open-ended) of an illustrative 9,400,000 → 23,500 places.
    assert plan.ceiling == 23_500 and plan.computation_snapshot["policy"]["quota_rate_percent"]["value"] == "0.250"
    assert set(LabourForceFigure.objects.values_list("year", flat=True)) == {year - 1}
    figures = LabourForceFigure.objects.filter(year=year - 1)
    regions = Region.objects.valid_on(plan.relevant_date)
    assert set(figures.regional().values_list("region__code", flat=True)) == set(regions.values_list("code", flat=True))
    assert sum(figures.regional().values_list("persons", flat=True)) == NATIONAL_LABOUR_FORCE
    assert set(figures.values_list("status", "source")) == {("illustrative", DEMO_SOURCE)}
    cells = QuotaCell.objects.filter(year=year)
    assert sum(c.allocated for c in cells.exclude(kind="country")) == 23_500
    assert cells.filter(kind="project", project_key="atyrau-refinery").get().allocated == 400
    assert cells.get(kind="country").country == "CN"
    assert f"the {year} plan is approved" in out
    # Amendments: headroom places moved to Astana (approved, version 2), a cut of cat 4 waiting for ministry2; both
    # take effect on 1 January, so they can be approved on any day of the year.
    approved, proposed = QuotaAmendment.objects.filter(plan=plan).order_by("number")
    assert {approved.effective_date, proposed.effective_date} == {date(year, 1, 1)}
    assert (approved.status, approved.approved_by.username, plan_version(plan)) == ("approved", "ministry2", 2)
    assert (proposed.status, proposed.proposed_by.username) == ("proposed", "ministry")
    assert cells.get(kind="headroom").allocated == plan.national_headroom - 200
    assert proposed.total_after < proposed.total_before == 23_500
    # Fees can be computed today: an MCI is in force (the shipped one, or the demo's illustrative one after it).
    assert policy_value(P.MCI_KZT, on=quota_today()) > 0

    events = AuditEvent.objects.count()
    seed()
    assert AuditEvent.objects.count() == events and QuotaPlan.objects.count() == 1

    client.force_login(get_user_model().objects.get(username="employer"))
    content = client.get(f"/quota/balances/?year={year}").content.decode()
    assert "No quota plan has been approved yet" not in content
    assert f"Published quota {year}" in client.get("/quota/published/").content.decode()


def test_a_fresh_demo_on_next_new_year_lives_in_that_year(settings):
    """CI's clock travel: 1 January 00:30 in Almaty (31 December in UTC), past the last MCI the files know."""
    settings.DEBUG = True
    moment = next_new_year()
    year = moment.year
    with clock_at(moment):
        assert quota_today() == date(year, 1, 1)
        out = seed()
        plan = QuotaPlan.objects.get()
        assert (plan.year, plan.status) == (year, "approved")
        assert QuotaYear.objects.get(year=year).is_open
        assert set(LabourForceFigure.objects.values_list("year", "status")) == {(year - 1, "illustrative")}
        first, second = QuotaAmendment.objects.filter(plan=plan).order_by("number")
        assert (first.status, first.effective_date) == ("approved", date(year, 1, 1))
        assert (second.status, second.proposed_by.username, second.effective_date) == (
            "proposed",
            "ministry",
            date(year, 1, 1),
        )

        # The MCI: the shipped file ends before this year, so the demo carried the last known value forward.
        mci = policy_period(P.MCI_KZT, on=date(year, 1, 1))
        last_known = PolicyPeriod.objects.filter(parameter=mci.parameter, valid_from__lt=mci.valid_from).last()
        assert (mci.valid_from, mci.valid_to, mci.value) == (date(year, 1, 1), None, last_known.value)
        assert mci.to_be_confirmed and mci.source.startswith(ILLUSTRATIVE_POLICY_SOURCE) and mci.created_by is None
        assert "illustrative (demo) period" in out
        event = AuditEvent.objects.filter(action=AUDIT_POLICY_PERIOD_ADDED, object_id=str(mci.parameter_id)).get()
        assert event.after["periods"][-1]["source"] == mci.source and "DEBUG only" in event.reason
        # The plan parameters are open-ended periods in the shipped files: nothing invented for them.
        assert AuditEvent.objects.filter(action=AUDIT_POLICY_PERIOD_ADDED).count() == 1

        # ministry2 approves the second amendment that day, and a place can be reserved that day.
        users = get_user_model().objects
        amendment_approve(amendment=second, actor=users.get(username="ministry2"))
        assert plan_version(plan) == 3
        astana = Region.objects.get(code="KZ-71")
        quota_reserve(
            placements=[Placement(region_id=astana.pk, category="3")],
            cause=("demo-test", "1"),
            actor=users.get(username="official.astana"),
        )
        assert QuotaCell.objects.get(year=year, kind="regional", region=astana, category="3").reserved == 1

        events = AuditEvent.objects.count()
        seed()
        assert AuditEvent.objects.count() == events


def test_reseeding_next_year_keeps_last_years_plan_and_adds_this_years(settings):
    settings.DEBUG = True
    seed()
    old = QuotaPlan.objects.get()
    before = plan_state(old)
    moment = next_new_year()
    with clock_at(moment):
        out = seed()
    assert f"the {moment.year} plan is approved" in out
    assert list(QuotaPlan.objects.order_by("year").values_list("year", "status")) == [
        (old.year, "approved"),
        (moment.year, "approved"),
    ]
    old.refresh_from_db()
    assert plan_state(old) == before
    assert set(LabourForceFigure.objects.values_list("year", flat=True)) == {old.year - 1, moment.year - 1}
    new = QuotaPlan.objects.get(year=moment.year)
    assert [a.status for a in QuotaAmendment.objects.filter(plan=new).order_by("number")] == ["approved", "proposed"]


def test_without_debug_the_demo_adds_no_illustrative_policy(settings):
    settings.DEBUG = False
    with clock_at(next_new_year()):
        reference_data_load()
        periods = PolicyPeriod.objects.count()
        with pytest.raises(CommandError):
            seed()
        assert seed_demo_policy(stdout=StringIO()) == []
        assert PolicyPeriod.objects.count() == periods
        assert not PolicyPeriod.objects.filter(source__startswith=ILLUSTRATIVE_POLICY_SOURCE).exists()
        assert not PolicyPeriod.objects.in_force_on(timezone.localdate()).filter(parameter__name=P.MCI_KZT).exists()


def test_the_demo_carries_a_missing_plan_parameter_forward_but_never_replaces_a_period_in_force(settings):
    settings.DEBUG = True
    make_policy_parameter(P.QUOTA_RATE_PERCENT, (date(2024, 1, 1), date(2025, 12, 31), "0.230"), value_type="percent")
    make_policy_parameter(P.MCI_KZT, (date(2027, 1, 1), date(2027, 12, 31), 4500), value_type="money")
    added = seed_demo_policy(stdout=StringIO(), on=date(2027, 5, 20))
    assert [(p.parameter.name, p.valid_from, p.valid_to, p.value) for p in added] == [
        (P.QUOTA_RATE_PERCENT, date(2027, 1, 1), None, "0.230")
    ]
    with pytest.raises(PolicyNotDefined):  # the gap year is not the demo's to fill
        policy_value(P.QUOTA_RATE_PERCENT, on=date(2026, 6, 1))
    # The MCI is in force on that day: nothing added; after its end, the last value is carried from the next day.
    assert seed_demo_policy(stdout=StringIO(), on=date(2027, 5, 21)) == []
    (mci,) = seed_demo_policy(stdout=StringIO(), on=date(2028, 2, 1))
    assert (mci.valid_from, mci.value, mci.to_be_confirmed) == (date(2028, 1, 1), 4500, True)
