import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.services import CURRENT_SCHOOL_SESSION_KEY
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from conftest import client_for


def login(client, email, password="correct-horse-42"):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_by_email_is_case_insensitive(teacher, client):
    response = login(client, teacher.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_shows_the_form_again_with_the_email_kept(teacher, client):
    response = login(client, teacher.email, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert f'value="{teacher.email}"' in response.content.decode()


def test_repeated_failed_logins_are_throttled(teacher, curator, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, teacher.email.upper(), "wrong").status_code == 200
    assert login(client, teacher.email, "wrong").status_code == 429
    locked = login(client, teacher.email)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Слишком много попыток" in locked.content.decode()
    assert client.get(reverse("home")).status_code == 302
    # Another colleague at the same school computer can still log in.
    assert login(client, curator.email).status_code == 302


def test_logout_is_a_post(teacher):
    client = client_for(teacher)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_user_switches_between_own_schools(school):
    user = MembershipFactory(school=school, roles=[Role.TEACHER]).user
    second = SchoolFactory(short_name="Ольховская ООШ")
    MembershipFactory(school=second, user=user, roles=[Role.CURATOR])
    client = client_for(user)
    assert client.get(reverse("home")).context["current_school"] == school  # the first by name
    client.post(reverse("school_switch"), {"school": second.pk})
    assert client.get(reverse("home")).context["current_school"] == second
    assert client.session[CURRENT_SCHOOL_SESSION_KEY] == second.pk


def test_switching_to_a_school_one_does_not_belong_to_is_ignored(teacher, school, other_school):
    client = client_for(teacher)
    response = client.post(reverse("school_switch"), {"school": other_school.pk}, follow=True)
    assert response.context["current_school"] == school
    client.post(reverse("school_switch"), {"school": "not-a-number"})
    assert client.get(reverse("home")).status_code == 200


def test_roles_are_per_school(school, other_school):
    user = MembershipFactory(school=school, roles=[Role.TEACHER]).user
    MembershipFactory(school=other_school, user=user, roles=[Role.ADMINISTRATOR])
    client = client_for(user)
    client.post(reverse("school_switch"), {"school": school.pk})
    assert client.get(reverse("staff:list")).status_code == 403
    client.post(reverse("school_switch"), {"school": other_school.pk})
    assert client.get(reverse("staff:list")).status_code == 200


def test_pages_run_in_the_schools_time_zone(school, teacher):
    school.time_zone = "Asia/Vladivostok"
    school.save()
    client = client_for(teacher)
    client.get(reverse("home"))
    response = client.get(reverse("home"))
    assert "Asia/Vladivostok" in response.content.decode()
    assert timezone.get_current_timezone_name() != "Asia/Vladivostok"  # reset after the request


def test_database_refuses_unknown_roles(school):
    from django.db import IntegrityError, transaction

    membership = MembershipFactory(school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(membership).objects.filter(pk=membership.pk).update(roles=["janitor"])
    with pytest.raises(IntegrityError), transaction.atomic():
        type(membership).objects.filter(pk=membership.pk).update(roles=[])


def test_django_admin_is_for_superusers_only(administrator):
    response = client_for(administrator).get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    root = UserFactory(is_staff=True, is_superuser=True)
    assert client_for(root).get(reverse("admin:index")).status_code == 200


def test_russian_is_the_default_and_english_is_available(teacher):
    client = client_for(teacher)
    assert "Мои дела" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My to-dos" in client.get(reverse("home")).content.decode()


def test_error_pages_are_russian(teacher, settings):
    settings.DEBUG = False
    response = client_for(teacher).get("/staff/999999/")
    assert response.status_code == 403 or response.status_code == 404
    response = client_for(teacher).get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_russian_even_when_the_browser_asks_for_english(teacher):
    client = client_for(teacher)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Мои дела" in response.content.decode()
    assert response["Content-Language"] == "ru"


def test_administrator_sets_the_time_zone_and_load_limit(school, administrator):
    client = client_for(administrator)
    url = reverse("school_settings")
    data = {
        "name": school.name,
        "short_name": school.short_name,
        "municipality": "",
        "region": "",
        "time_zone": "Asia/Irkutsk",
        "max_active_groups_per_teacher": 3,
        "debrief_hours": 24,
    }
    assert client.post(url, data).status_code == 302
    school.refresh_from_db()
    assert (school.time_zone, school.max_active_groups_per_teacher, school.debrief_hours) == ("Asia/Irkutsk", 3, 24)
    bad = client.post(url, {**data, "time_zone": "Mars/Olympus", "max_active_groups_per_teacher": 99})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"time_zone", "max_active_groups_per_teacher"}
    school.refresh_from_db()
    assert school.time_zone == "Asia/Irkutsk"
