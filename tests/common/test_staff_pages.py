"""Pages by role: administrators manage users in /staff/users/; navigation and home adapt to the role."""

import re

import pytest

from common.roles import AUDITOR, EMPLOYER, MINISTRY_OFFICIAL, REGIONAL_OFFICIAL, user_region_ids, user_role
from common.services import MESSAGE_LINK_REQUIRED
from common.staff_views import MESSAGE_USER_DEACTIVATED
from employers.selectors import employer_of_user
from tests.common.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-2026"


def nav_labels(response) -> list[str]:
    nav = re.search(r'<nav class="main-nav".*?</nav>', response.content.decode(), re.S).group(0)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


# ---------------------------------------------------------------------------------------------
# Navigation and home
# ---------------------------------------------------------------------------------------------
# Entries each role must see, and entries only other roles see. Later steps add entries of their own,
# so the test names what must and must not be there rather than the whole list.
NAV_ONLY_FOR = {
    "My employer": {"employer_a"},
    "Employers": {"official_1", "ministry", "auditor"},
    "Users": {"administrator"},
    "Audit trail": {"ministry", "auditor"},
}


@pytest.mark.parametrize("role", ["employer_a", "official_1", "ministry", "auditor", "administrator"])
def test_navigation_adapts_to_the_role(client, world, role):
    client.force_login(world.users[role])
    response = client.get("/")
    labels = nav_labels(response)
    assert labels[0] == "Home" and labels[-1] == "API documentation" and "Regions" in labels
    for label, roles in NAV_ONLY_FOR.items():
        assert (label in labels) == (role in roles), (role, label, labels)
    content = response.content.decode()
    for label in labels[1:-1]:
        assert f">{label}</a></h2>" in content  # a home card for each entry of the role


def test_anonymous_navigation_has_home_only(client):
    assert nav_labels(client.get("/")) == ["Home"]


def test_home_names_the_role_and_its_scope(client, world):
    client.force_login(world.users["official_1"])
    role_line = re.search(r'data-testid="role">(.*?)</p>', client.get("/").content.decode(), re.S).group(1)
    assert "Regional official" in role_line and "Astana" in role_line
    client.force_login(world.users["employer_a"])
    role_line = re.search(r'data-testid="role">(.*?)</p>', client.get("/").content.decode(), re.S).group(1)
    assert "Employer user" in role_line and "Astana Builders LLP" in role_line


def test_my_employer_link_opens_the_own_employer(client, world):
    client.force_login(world.users["employer_a"])
    response = client.get(f"/employers/{world.objects['employer_a'].pk}/")
    assert response.status_code == 200
    assert world.objects["employer_a"].bin in response.content.decode()


# ---------------------------------------------------------------------------------------------
# /staff/users/
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["employer_a", "official_1", "ministry", "auditor"])
def test_staff_pages_are_for_administrators_only(client, world, role):
    client.force_login(world.users[role])
    user = world.objects["employer_a_user"]
    for url in ("/staff/users/", "/staff/users/new/", f"/staff/users/{user.pk}/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/staff/users/{user.pk}/deactivate/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/staff/users/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/users/"


def test_administrator_lists_and_filters_users(client, world):
    client.force_login(world.users["administrator"])
    content = client.get("/staff/users/").content.decode()
    for username in ("employer.a", "official.1", "ministry", "auditor"):
        assert f">{username}</a>" in content
    assert "KZ-71" in content and "Astana Builders LLP" in content
    content = client.get("/staff/users/", {"role": AUDITOR}).content.decode()
    assert ">auditor</a>" in content and ">ministry</a>" not in content


def test_administrator_creates_a_regional_official(client, world, django_user_model):
    client.force_login(world.users["administrator"])
    region = world.objects["region_2"]
    form = {
        "username": "official.new",
        "first_name": "Dana",
        "last_name": "Serikova",
        "email": "dana@kvota.example",
        "role": REGIONAL_OFFICIAL,
        "regions": [region.pk],
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    response = client.post("/staff/users/new/", form, follow=True)
    assert response.status_code == 200
    created = django_user_model.objects.get(username="official.new")
    assert "The user official.new was created." in response.content.decode()
    assert user_role(created) == REGIONAL_OFFICIAL
    assert user_region_ids(created) == {region.pk}
    assert created.check_password(NEW_PASSWORD)


def test_create_form_shows_service_and_password_errors(client, world, django_user_model):
    client.force_login(world.users["administrator"])
    form = {"username": "e.new", "role": EMPLOYER, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    response = client.post("/staff/users/new/", form)
    assert response.status_code == 200
    assert str(MESSAGE_LINK_REQUIRED) in response.content.decode()
    response = client.post("/staff/users/new/", {**form, "role": AUDITOR, "password": "123", "password_confirm": "123"})
    assert "This password is too short" in response.content.decode()
    response = client.post("/staff/users/new/", {**form, "role": AUDITOR, "password_confirm": "different-password-1"})
    assert "The two passwords differ." in response.content.decode()
    assert not django_user_model.objects.filter(username="e.new").exists()


def test_administrator_changes_a_role_and_employer_link(client, world):
    client.force_login(world.users["administrator"])
    user = world.objects["employer_a_user"]
    form = {"first_name": "Aruzhan", "last_name": "Bekova", "email": "a@kvota.example", "role": EMPLOYER}
    response = client.post(f"/staff/users/{user.pk}/", {**form, "employer": world.objects["employer_b"].pk})
    assert response.status_code == 302
    assert employer_of_user(user) == world.objects["employer_b"]
    response = client.post(f"/staff/users/{user.pk}/", {**form, "role": MINISTRY_OFFICIAL})
    assert response.status_code == 302
    assert user_role(user) == MINISTRY_OFFICIAL and employer_of_user(user) is None


def test_edit_page_shows_the_current_values(client, world):
    client.force_login(world.users["administrator"])
    content = client.get(f"/staff/users/{world.objects['official_1'].pk}/").content.decode()
    assert re.search(r'<option value="regional_official" selected>', content)
    assert re.search(rf'value="{world.objects["region_1"].pk}"[^>]*checked', content)


def test_administrator_deactivates_then_the_user_cannot_sign_in(client, world):
    admin, user = world.users["administrator"], world.users["ministry"]
    client.force_login(admin)
    response = client.post(f"/staff/users/{user.pk}/deactivate/", follow=True)
    assert str(MESSAGE_USER_DEACTIVATED % {"username": "ministry"}) in response.content.decode()
    assert 'data-testid="deactivated"' in response.content.decode()
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"username": "ministry", "password": PASSWORD})
    assert response.status_code == 200  # the login form again, with its error
    client.force_login(admin)
    client.post(f"/staff/users/{user.pk}/reactivate/")
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", {"username": "ministry", "password": PASSWORD}).status_code == 302


def test_deactivation_is_post_only(client, world):
    client.force_login(world.users["administrator"])
    assert client.get(f"/staff/users/{world.users['ministry'].pk}/deactivate/").status_code == 405


def test_django_admin_cannot_delete_users(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@kvota.example", PASSWORD)
    client.force_login(root)
    assert client.get(f"/admin/common/user/{root.pk}/delete/").status_code == 403
    assert 'value="delete_selected"' not in client.get("/admin/common/user/").content.decode()


# ---------------------------------------------------------------------------------------------
# Regions page
# ---------------------------------------------------------------------------------------------
def test_regions_page_needs_a_role(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password=PASSWORD))
    assert client.get("/regions/").status_code == 403


def test_regions_page_lists_regions_valid_on_a_date(client, ministry_user):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    client.force_login(ministry_user)
    content = client.get("/regions/").content.decode()
    assert "KZ-YUZ" in content and "KZ-62" in content
    content = client.get("/regions/", {"valid_on": "2020-01-01"}).content.decode()
    assert "KZ-62" not in content and "KZ-61" in content


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("kk", ["Басты бет", "Пайдаланушылар", "Өңірлер", "API құжаттамасы"]),
        ("ru", ["Главная", "Пользователи", "Регионы", "Документация API"]),
    ],
)
def test_role_navigation_is_translated(client, administrator_user, language, labels):
    client.force_login(administrator_user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert nav_labels(response) == labels
    assert {"kk": "Әкімші", "ru": "Администратор"}[language] in response.content.decode()
