"""Step 2's user, role and employer changes appear in the audit chain (Step 3, item 1)."""

import pytest

from common.audit import audit_trail_verify
from common.models import AuditEvent
from common.roles import AUDITOR, EMPLOYER, REGIONAL_OFFICIAL
from common.services import user_create, user_deactivate, user_reactivate, user_update
from employers.services import employer_create
from tests.common.factories import RegionFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-new-password-2026"


def events_for(obj):
    return list(AuditEvent.objects.for_object(obj).order_by("sequence"))


def test_user_creation_and_role_change_are_chained(administrator_user, region_1, region_2):
    user = user_create(
        username="dana", password=PASSWORD, role=REGIONAL_OFFICIAL, regions=[region_1], actor=administrator_user
    )
    user_update(user=user, regions=[region_1, region_2], actor=administrator_user)
    user_update(user=user, role=AUDITOR, regions=[], actor=administrator_user)

    created, widened, changed = events_for(user)
    assert (created.action, created.actor_id) == ("user.created", administrator_user.pk)
    assert created.after["role"] == REGIONAL_OFFICIAL and created.after["region_ids"] == [region_1.pk]
    assert widened.action == "user.role_changed"
    assert widened.before["region_ids"] == [region_1.pk]
    assert widened.after["region_ids"] == sorted([region_1.pk, region_2.pk])
    assert (changed.before["role"], changed.after["role"], changed.after["region_ids"]) == (
        REGIONAL_OFFICIAL,
        AUDITOR,
        [],
    )
    assert audit_trail_verify().intact


def test_detail_changes_record_field_names_not_personal_data(administrator_user):
    user = user_create(username="erlan", password=PASSWORD, role=AUDITOR, actor=administrator_user)
    user_update(user=user, first_name="Erlan", email="erlan@example.kz", actor=administrator_user)
    event = events_for(user)[-1]
    assert event.action == "user.details_changed"
    assert event.after == {"fields": ["first_name", "email"]}
    assert "erlan@example.kz" not in str(event.after) + str(event.before)


def test_an_update_that_changes_nothing_records_nothing(administrator_user):
    user = user_create(username="gulnar", password=PASSWORD, role=AUDITOR, actor=administrator_user)
    before = AuditEvent.objects.count()
    user_update(user=user, role=AUDITOR, actor=administrator_user)
    assert AuditEvent.objects.count() == before


def test_deactivation_and_reactivation_are_recorded(administrator_user, auditor_user):
    user_deactivate(user=auditor_user, actor=administrator_user)
    user_reactivate(user=auditor_user, actor=administrator_user)
    assert [e.action for e in events_for(auditor_user)] == ["user.deactivated", "user.reactivated"]


def test_employer_registration_and_user_link_are_recorded(ministry_user, administrator_user):
    region = RegionFactory(code="KZ-79")
    employer = employer_create(bin="240140012342", name="Shymkent Build LLP", regions=[region], actor=ministry_user)
    registered = events_for(employer)[0]
    assert registered.action == "employer.registered"
    assert registered.after == {"bin": "240140012342", "name": "Shymkent Build LLP", "region_ids": [region.pk]}

    user = user_create(
        username="boss", password=PASSWORD, role=EMPLOYER, links={"employer": employer}, actor=administrator_user
    )
    events = {e.action: e for e in events_for(user)}
    assert events["employer.user_linked"].after == {"employer_id": employer.pk}
    assert events["user.created"].after["links"] == {"employer": employer.pk}


def test_a_refused_change_leaves_no_event(administrator_user):
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - the validation error itself is tested elsewhere
        user_create(username="x", password="short", role=AUDITOR, actor=administrator_user)
    assert AuditEvent.objects.count() == before
