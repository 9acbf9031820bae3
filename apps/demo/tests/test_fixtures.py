"""The demo fixtures: what a demo test writes, even committed, stays in its own copy."""

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper

from apps.accounts.models import School
from apps.demo.accounts import MAIN_SCHOOL


def _main_school_names(database):
    other = DatabaseWrapper({**connection.settings_dict, "NAME": database}, alias="demo_check")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT short_name FROM accounts_school WHERE short_name = %s", [MAIN_SCHOOL["short_name"]])
            return cursor.fetchall()
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_what_a_demo_test_commits_stays_in_its_own_copy(demo_database):
    assert connection.settings_dict["NAME"] == demo_database.run
    School.objects.filter(short_name=MAIN_SCHOOL["short_name"]).update(short_name="Переименованная СОШ")

    assert not School.objects.filter(short_name=MAIN_SCHOOL["short_name"]).exists()
    assert _main_school_names(demo_database.run) == []
    assert _main_school_names(demo_database.template) == [(MAIN_SCHOOL["short_name"],)]
