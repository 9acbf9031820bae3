"""The catalogue of indicators of collective work and its trust rule: collective work
earns points; being watched, named or praised does not. The catalogue refuses an
indicator that declares a forbidden read, every registered indicator declares its
reads honestly (the SQL it runs reads nothing else), and its output does not move
when feedback, reflections, who was observed, survey answers or recognitions change."""

import datetime
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.accounts.tests.factories import SchoolFactory
from apps.community.models import Material
from apps.core.indicators import (
    FORBIDDEN_READS,
    INDICATORS,
    PERMITTED_READS,
    Evidence,
    ForbiddenIndicator,
    Indicator,
    IndicatorCatalogue,
    forbidden_reads,
)
from apps.core.tests.indicators_world import END, START, collective_work
from apps.mentoring.models import ProblemTag
from apps.network_events.models import Event
from apps.problemdays.models import Reflection
from apps.recognition.tests.factories import RecognitionFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.surveys.models import SurveyAnswer, SurveyTie
from apps.surveys.tests.factories import SurveyRoundFactory
from apps.teams.models import TeamOutcome
from apps.visits.models import Feedback, FeedbackCheck, LessonVisit, SelfReflection

KEYS = [
    "mentoring.months_as_curator",
    "mentoring.months_as_mentor",
    "mentoring.months_as_mentee",
    "mentoring.months_as_peer",
    "visits.observed_on_time",
    "visits.reverse_visits",
    "teams.membership",
    "teams.outcomes",
    "problemdays.roles",
    "problemdays.activities_led",
    "partners.activities_responsible",
    "mentoring.network_results",
    "community.materials_shared",
    "community.comments_helped",
    "network_events.events_led",
]


def _indicator(reads):
    return Indicator(key="test.some", label="some", unit="units", reads=frozenset(reads), compute=lambda **kwargs: [])


# (1) The catalogue refuses what must never earn points.


@pytest.mark.parametrize(
    "read",
    [
        "visits.Feedback.facts",
        "visits.Feedback.next_step",
        "visits.FeedbackCheck.checked",
        "visits.SelfReflection.text",
        "problemdays.Reflection.what_worked",
        "visits.LessonVisit.observed",
        "surveys.SurveyAnswer.asks_advice",
        "surveys.SurveyTie.target",
        "surveys.SurveyNodeMetric.named_by",
        "recognition.Recognition.recipients",
    ],
)
def test_the_catalogue_refuses_an_indicator_reading_a_forbidden_field(read):
    catalogue = IndicatorCatalogue("test")
    with pytest.raises(ForbiddenIndicator, match=re.escape(read)):
        catalogue.register("test.some", _indicator({"visits.LessonVisit.status", read}))
    assert catalogue.get("test.some") is None


def test_the_catalogue_takes_timeliness_and_the_observers_but_no_content():
    catalogue = IndicatorCatalogue("test")
    reads = {"visits.Feedback.submitted_at", "visits.LessonVisit.status", "visits.VisitObserver.staff"}
    catalogue.register("test.some", _indicator(reads))
    assert [i.key for i in catalogue.ordered()] == ["test.some"]
    assert forbidden_reads(reads) == []


def test_a_feedback_field_nobody_permitted_is_forbidden_every_field_of_it_is_checked():
    """Feedback is an allow-list: a field added to it later is content until named."""
    names = {f"visits.Feedback.{field.name}" for field in Feedback._meta.get_fields() if field.concrete}
    assert forbidden_reads(names) == sorted(names - PERMITTED_READS)
    assert {"visits.Feedback.facts", "visits.Feedback.next_step"} <= set(forbidden_reads(names))
    assert forbidden_reads({"visits.Feedback.a_field_added_later"}) == ["visits.Feedback.a_field_added_later"]


def test_the_catalogue_refuses_an_indicator_registered_under_another_key():
    with pytest.raises(ValueError, match="called 'test.some'"):
        IndicatorCatalogue("test").register("test.other", _indicator(set()))


# (2) Every registered indicator: what it declares.


def test_the_catalogue_holds_the_indicators_of_every_domain_app():
    assert sorted(i.key for i in INDICATORS.ordered()) == sorted(KEYS)
    assert [i.key for i in INDICATORS.ordered()][:2] == ["mentoring.months_as_curator", "mentoring.months_as_mentor"]


@pytest.mark.parametrize("key", KEYS)
def test_an_indicator_declares_real_fields_none_of_them_forbidden(key):
    indicator = INDICATORS.get(key)
    assert indicator.reads
    assert forbidden_reads(indicator.reads) == []
    for read in indicator.reads:
        app_label, model, field = read.split(".")
        apps.get_model(app_label, model)._meta.get_field(field)  # raises for a made-up name
    with translation.override("ru"):
        assert str(indicator.label) and str(indicator.unit)


def test_forbidden_reads_name_real_models():
    """A typo in FORBIDDEN_READS would forbid nothing."""
    for pattern in FORBIDDEN_READS:
        app_label, model, field = [*pattern.split("."), "*"][:3]
        if model == "*":
            assert apps.get_app_config(app_label)
            continue
        meta = apps.get_model(app_label, model)._meta
        if field != "*":
            meta.get_field(field)


# What the SQL of an indicator really reads, as "app_label.Model.field".

_ALIAS = re.compile(r'"(\w+)"\s+(?:AS\s+)?([A-Z]\d+)\b')
_COLUMN = re.compile(r'(?:"(\w+)"|\b([A-Z]\d+))\."(\w+)"')


def _models_by_table():
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        tables[model._meta.db_table] = model
    return tables


def _field_name(model, column):
    """`column` of `model` as "app_label.Model.field"; a column of an automatic
    many-to-many table is read as the many-to-many field; None for a primary key."""
    meta = model._meta
    if meta.auto_created:
        owner = meta.auto_created
        for field in owner._meta.many_to_many:
            if field.remote_field.through is model:
                return f"{owner._meta.app_label}.{owner.__name__}.{field.name}"
    for field in meta.concrete_fields:
        if field.column == column:
            return None if field.primary_key else f"{meta.app_label}.{model.__name__}.{field.name}"
    raise AssertionError(f"{meta.db_table}.{column} is not a column of a model")


def sql_reads(sql):
    tables = _models_by_table()
    aliases = {alias: table for table, alias in _ALIAS.findall(sql) if table in tables}
    reads = set()
    for table, alias, column in _COLUMN.findall(sql):
        table = table or aliases[alias]
        name = _field_name(tables[table], column)
        if name:
            reads.add(name)
    return reads


@pytest.fixture
def scene(db):
    school = SchoolFactory()
    crews = collective_work(school)
    return school, crews


def _run(key, school):
    return list(INDICATORS.get(key).compute(school_id=school.pk, start=START, end=END))


@pytest.mark.parametrize("key", KEYS)
def test_an_indicator_reads_in_sql_only_what_it_declares(scene, key):
    school, _crews = scene
    with CaptureQueriesContext(connection) as queries:
        evidence = _run(key, school)
    assert evidence, "the scene must give every indicator something to count"
    read = set().union(*(sql_reads(q["sql"]) for q in queries.captured_queries))
    assert read, queries.captured_queries
    indicator = INDICATORS.get(key)
    assert read <= indicator.reads, f"reads but does not declare: {sorted(read - indicator.reads)}"
    assert forbidden_reads(read) == []


def test_the_sql_reader_sees_a_forbidden_column(db):
    """The check above would catch an indicator that reads the observed teacher."""
    with CaptureQueriesContext(connection) as queries:
        list(LessonVisit.objects.filter(observed_id=1).order_by().values("pk"))
    assert sql_reads(queries.captured_queries[0]["sql"]) == {"visits.LessonVisit.observed"}


# (3) Behaviour: being watched, named or praised moves nothing.


def _all_outputs(school):
    return {indicator.key: sorted(_run(indicator.key, school), key=repr) for indicator in INDICATORS.ordered()}


def _rewrite_feedback_and_reflections(school):
    feedback = Feedback.objects.filter(visit__school=school)
    feedback.update(
        facts="Иные факты.", toward_goal="Иное.", reconsider="Иное.", questions="Иные вопросы?", next_step="Иное."
    )
    tag = ProblemTag.objects.create(school=school, name="Дисциплина на уроке")
    for row in feedback:
        row.problem_tags.add(tag)
        FeedbackCheck.objects.create(feedback=row, text="Вопросы открытые", checked=True)
    SelfReflection.objects.filter(visit__school=school).update(text="Совсем другая самооценка урока.")
    for visit in LessonVisit.objects.filter(school=school, self_reflection__isnull=True):
        SelfReflection.objects.create(visit=visit, text="Новая самооценка.")
    Reflection.objects.filter(day__school=school).update(what_worked="Иначе.", what_to_change="Всё.", teachers_count=30)


def _swap_the_observed(school, crews):
    """Each visit now observes someone else of the school: one of the crew who is
    not its observer, or a newcomer."""
    people = [person for crew in crews for person in crew.teachers]
    for visit in LessonVisit.objects.filter(school=school):
        watching = set(visit.observer_links.values_list("staff_id", flat=True))
        others = [p for p in people if p.pk not in watching and p.pk != visit.observed_id]
        visit.observed = others[0] if others else StaffMemberFactory(school=school)
        visit.save(update_fields=["observed"])


def _answer_surveys(school, crews):
    people = [person for crew in crews for person in crew.teachers]
    survey = SurveyRoundFactory(school=school, people=people, opens_on=START, closes_on=END)
    for index, person in enumerate(people):
        answer = SurveyAnswer.objects.create(
            round=survey, respondent=person, open_lessons=5, asks_advice=1, shares_materials=5, discusses_mistakes=2
        )
        target = people[(index + 1) % len(people)]
        for kind in SurveyTie.Kind.values:
            SurveyTie.objects.create(answer=answer, respondent=person, kind=kind, target=target)
    SurveyAnswer.objects.filter(round=survey).update(open_lessons=1, asks_advice=5)


def _recognise(school, crews):
    """Colleagues thank each crew's people for the visit, the material, the outcome and the seminar."""
    for crew in crews:
        links = [
            {"visit": crew.visits[0]},
            {"material": Material.objects.filter(author=crew.mentee).first()},
            {"team_outcome": TeamOutcome.objects.filter(team__members__staff=crew.curator).first()},
            {"event": Event.objects.filter(leads=crew.curator).first()},
            {},
        ]
        for link in links:
            RecognitionFactory(
                school=school, author=crew.peer, recipients=[crew.curator, crew.mentor, crew.mentee], **link
            )


def test_no_indicator_moves_when_content_who_is_observed_survey_answers_or_recognitions_change(db):
    school = SchoolFactory()
    crews = collective_work(school, times=2)
    before = _all_outputs(school)
    assert all(before.values()), [key for key, rows in before.items() if not rows]

    _rewrite_feedback_and_reflections(school)
    assert _all_outputs(school) == before
    _swap_the_observed(school, crews)
    assert _all_outputs(school) == before
    _answer_surveys(school, crews)
    assert _all_outputs(school) == before
    _recognise(school, crews)
    assert _all_outputs(school) == before


def test_the_behaviour_check_would_see_an_indicator_that_counts_being_observed(db):
    """The same scene and changes catch an indicator counting the lessons one was observed in."""
    school = SchoolFactory()
    crews = collective_work(school)

    def observed(**kwargs):
        return sorted(LessonVisit.objects.filter(school=school).values_list("observed_id", flat=True))

    before = observed()
    _swap_the_observed(school, crews)
    assert observed() != before


# (5) One query for each indicator, whatever the school's size.


@pytest.mark.parametrize("key", KEYS)
def test_an_indicator_is_one_query_at_two_sizes(db, django_assert_num_queries, key):
    small, large = SchoolFactory(), SchoolFactory()
    collective_work(small)
    collective_work(large, times=3)
    with django_assert_num_queries(1):
        few = _run(key, small)
    with django_assert_num_queries(1):
        many = _run(key, large)
    assert 0 < len(few) < len(many)


# The evidence itself.


@pytest.mark.parametrize("key", KEYS)
def test_evidence_names_the_thing_in_the_active_language_with_its_page(scene, key):
    school, crews = scene
    people = {person.pk for crew in crews for person in crew.teachers}
    with translation.override("ru"):
        evidence = _run(key, school)
    for row in evidence:
        assert isinstance(row, Evidence)
        assert row.staff_id in people
        assert isinstance(row.units, Decimal) and row.units > 0
        assert START <= row.on <= END
        assert row.url.startswith("/")
        assert re.search("[а-яё]", row.label, re.IGNORECASE), row.label


def test_nothing_counts_for_another_school(scene):
    _school, _crews = scene
    elsewhere = SchoolFactory()
    for indicator in INDICATORS.ordered():
        assert list(indicator.compute(school_id=elsewhere.pk, start=START, end=END)) == []


def test_nothing_counts_outside_the_period(scene):
    school, _crews = scene
    for indicator in INDICATORS.ordered():
        rows = indicator.compute(school_id=school.pk, start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 31))
        # Pairs and teams still at work count in December; nothing held in the autumn does.
        if indicator.key.startswith("mentoring.months") or indicator.key == "teams.membership":
            continue
        assert list(rows) == [], indicator.key
