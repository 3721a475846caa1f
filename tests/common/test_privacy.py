"""Personal data masked for auditors (DOMAIN §10)."""

import pytest

from common.privacy import mask_personal

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("Aigerim Sadykova", "A****** S*******"),
        ("aigerim@kvota.example", "a******@kvota.example"),
        ("Ә", "*"),
        ("Әлия Нұрланқызы", "Ә*** Н*********"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_personal(value, masked):
    assert mask_personal(value) == masked


def test_auditor_sees_employer_contacts_masked_in_the_api(as_user, employer_a, employer_a_user, auditor_user):
    body = as_user(auditor_user).get(f"/api/v1/employers/{employer_a.pk}/").json()
    assert body["contacts"] == [{"full_name": "A****** B*****", "email": "e*********@kvota.example"}]


def test_ministry_official_sees_employer_contacts_unmasked(as_user, employer_a, employer_a_user, ministry_user):
    body = as_user(ministry_user).get(f"/api/v1/employers/{employer_a.pk}/").json()
    assert body["contacts"] == [{"full_name": "Aruzhan Bekova", "email": "employer.a@kvota.example"}]


def test_auditor_sees_employer_contacts_masked_on_the_page(client, employer_a, employer_a_user, auditor_user):
    client.force_login(auditor_user)
    content = client.get(f"/employers/{employer_a.pk}/").content.decode()
    assert "A****** B*****" in content and "Aruzhan" not in content and "employer.a@" not in content
