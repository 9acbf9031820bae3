"""Every text people type has a limit: on the field, in the database, and a
request too large is a 413 the person can act on, never a 500."""

from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.urls import reverse

from apps.core.validation import TextLengthConstraint, max_length_constraint_name, text_lengths_check


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def project_models():
    return [model for model in apps.get_models() if model.__module__.startswith("apps.")]


def text_fields(model):
    return [f for f in model._meta.local_concrete_fields if isinstance(f, models.TextField)]


def test_every_text_field_has_a_max_length_and_a_matching_constraint():
    fields = [(model, field) for model in project_models() for field in text_fields(model)]
    assert len(fields) > 20  # the walk sees the project's models
    for model, field in fields:
        label = f"{model._meta.label}.{field.name}"
        assert field.max_length, f"{label} has no max_length"
        assert field.max_length <= 10_000, f"{label}: a limit no page should hold"
        name = max_length_constraint_name(model, field.name)
        constraint = next((c for c in model._meta.constraints if c.name == name), None)
        assert isinstance(constraint, TextLengthConstraint), f"{label} has no {name}"
        assert (constraint.field, constraint.max_length) == (field.name, field.max_length), label


def test_every_char_field_has_a_sensible_max_length():
    for model in project_models():
        for field in model._meta.local_concrete_fields:
            if isinstance(field, models.CharField) and not isinstance(field, models.TextField):
                assert field.max_length and field.max_length <= 500, f"{model._meta.label}.{field.name}"


@pytest.mark.django_db
def test_every_text_constraint_is_in_the_database():
    with connection.cursor() as cursor:
        for model in project_models():
            fields = text_fields(model)
            if not fields:
                continue
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for field in fields:
                name = max_length_constraint_name(model, field.name)
                assert name in found and found[name]["check"], f"{name} missing in {model._meta.db_table}"


@pytest.mark.django_db
def test_a_raw_oversized_update_is_refused_by_the_database():
    from apps.visits.tests.factories import FeedbackFactory

    feedback = FeedbackFactory(submitted_at=None)
    refused = pytest.raises(IntegrityError, match="visits_feedback_facts_max_length")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE visits_feedback SET facts = repeat('я', 4001) WHERE id = %s", [feedback.pk])
    with connection.cursor() as cursor:  # at the limit it is a text like any other
        cursor.execute("UPDATE visits_feedback SET facts = repeat('я', 4000) WHERE id = %s", [feedback.pk])
    feedback.refresh_from_db()
    assert len(feedback.facts) == 4000


@pytest.mark.django_db
def test_adding_the_constraint_keeps_older_longer_rows_and_holds_new_writes():
    """Rows written before the limit are the teachers' own text: the migration
    neither cuts them nor fails on them; it holds every write after it."""
    from apps.visits.models import Feedback
    from apps.visits.tests.factories import FeedbackFactory

    old, short = FeedbackFactory(submitted_at=None), FeedbackFactory(submitted_at=None)
    constraint = next(c for c in Feedback._meta.constraints if c.name == "visits_feedback_facts_max_length")
    with connection.cursor() as cursor:  # the rows' deferred checks now, so the table can be altered
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Feedback, constraint)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE visits_feedback SET facts = repeat('я', 5000) WHERE id = %s", [old.pk])
    with connection.schema_editor() as editor:
        editor.add_constraint(Feedback, constraint)

    old.refresh_from_db()
    assert len(old.facts) == 5000
    assert _validated(constraint.name) is False
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE visits_feedback SET facts = repeat('я', 4001) WHERE id = %s", [short.pk])

    # Without such rows, the constraint is validated as any other.
    with connection.schema_editor() as editor:
        editor.remove_constraint(Feedback, constraint)
    Feedback.objects.filter(pk=old.pk).update(facts="короче")
    with connection.schema_editor() as editor:
        editor.add_constraint(Feedback, constraint)
    assert _validated(constraint.name) is True


def _validated(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT convalidated FROM pg_constraint WHERE conname = %s", [name])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_full_clean_names_the_field_of_a_text_over_its_limit_without_a_query(django_assert_num_queries):
    from apps.visits.models import SelfReflection

    reflection = SelfReflection(visit_id=1, text="я" * 4001)
    with django_assert_num_queries(0), pytest.raises(ValidationError) as error:
        reflection.full_clean(exclude=["visit"], validate_unique=False)
    assert list(error.value.error_dict) == ["text"]
    assert error.value.error_dict["text"][0].code == "max_length"


def test_text_lengths_check_names_each_text_over_its_limit():
    from apps.visits.models import LessonVisit

    visit = LessonVisit(topic="т" * 256, cancel_reason="п" * 1001, grade="7Б")
    with pytest.raises(ValidationError) as error:
        text_lengths_check(visit)
    assert set(error.value.error_dict) == {"topic", "cancel_reason"}
    text_lengths_check(LessonVisit(topic="т" * 255, cancel_reason="п" * 1000))  # at the limit: fine


@pytest.mark.django_db
def test_a_form_over_the_global_limit_is_a_413_page_not_a_500(settings, teacher):
    from conftest import client_for

    text = "я" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2 + 1)  # over the limit however it is encoded
    urlencoded = ("application/x-www-form-urlencoded", urlencode({"q": text}))
    multipart = (MULTIPART_CONTENT, {"q": text})  # the client encodes it
    # As in production, where the CSRF check reads the form first; and read by a view.
    for client in (Client(enforce_csrf_checks=True), client_for(teacher)):
        client.get(reverse("login"))  # the CSRF cookie a browser holds
        for content_type, body in (urlencoded, multipart):
            response = client.post(reverse("login"), body, content_type=content_type)
            assert response.status_code == 413
            assert "Too much text at once" in response.content.decode()
            fragment = client.post(reverse("login"), body, content_type=content_type, HTTP_HX_REQUEST="true")
            assert fragment.status_code == 413
            assert "Not saved" in fragment.content.decode() and "<html" not in fragment.content.decode()


def test_data_upload_limit_is_set_deliberately(settings):
    # Above the largest form at its limits (about 125 KB in Cyrillic), far below Django's 2.5 MB default.
    assert 256 * 1024 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 1024 * 1024
