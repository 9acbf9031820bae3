"""The Django admin of problem-theme days only looks up, and never shows a
reflection's text (apps/problemdays/admin.py)."""

import pytest

from apps.core.tests.admin_checks import admin_url, assert_looked_up_not_changed, superuser_client
from apps.problemdays.models import Reflection

from .factories import DayActivityFactory, ProblemDayFactory

pytestmark = pytest.mark.django_db

WORKED = "Дети спорили о воде до хрипоты"
TO_CHANGE = "Меньше докладов, больше опытов"


@pytest.fixture
def reflection():
    return Reflection.objects.create(
        day=ProblemDayFactory(theme="Вода"), what_worked=WORKED, what_to_change=TO_CHANGE, students_count=87
    )


def test_a_reflection_shows_its_counts_never_its_text(reflection):
    client = superuser_client()
    pages = [
        admin_url(Reflection, "changelist"),
        admin_url(Reflection, "change", reflection.pk),
        admin_url(Reflection, "history", reflection.pk),
        f"{admin_url(Reflection, 'changelist')}?q=вод",
        admin_url(type(reflection.day), "change", reflection.day.pk),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert WORKED not in page and TO_CHANGE not in page, url
    assert "87" in client.get(admin_url(Reflection, "change", reflection.pk)).content.decode()


def test_a_reflection_is_not_written_in_the_admin(reflection):
    assert_looked_up_not_changed(
        superuser_client(), reflection, {"day": reflection.day_id, "what_worked": "Подделка", "students_count": 1}
    )
    reflection.refresh_from_db()
    assert (reflection.what_worked, reflection.students_count) == (WORKED, 87)


def test_days_and_activities_are_looked_up_only():
    client = superuser_client()
    day = ProblemDayFactory(working_title="Неделя воды")
    assert_looked_up_not_changed(client, day, {"school": day.school_id, "working_title": "Иное", "date": "2030-01-01"})
    activity = DayActivityFactory(day=day, title="Опыты")
    assert_looked_up_not_changed(client, activity, {"day": day.pk, "title": "Иное"})
    day.refresh_from_db()
    activity.refresh_from_db()
    assert (day.working_title, activity.title) == ("Неделя воды", "Опыты")
