"""The curator's deadline board and the school's visit catalogs: observation
protocols and evaluative words."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from apps.mentoring.models import MentorGroup
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits import deadlines_selectors
from apps.visits.deadlines_selectors import UPCOMING_LIMIT
from apps.visits.deadlines_views import duration_text
from apps.visits.models import EvaluativeWord, LessonVisit, ObservationProtocol, ProtocolItem
from apps.visits.services import DEFAULT_EVALUATIVE_WORDS, DEFAULT_PROTOCOLS
from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory
from conftest import client_for

H = datetime.timedelta(hours=1)
BOARD = reverse("visits:deadlines")
NOW = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def curator_staff(school, curator):
    return StaffMemberFactory(school=school, user=curator, last_name="Соколова")


@pytest.fixture
def my_group(school, curator_staff):
    return MentorGroupFactory(school=school, curator=curator_staff)


def _visit(group, *, ended_ago, status=LessonVisit.Status.HELD, **fields):
    """A visit of `group` (the mentor observed, the mentee observing) that ended `ended_ago`."""
    mentor, mentee = [m.staff for m in group.members.order_by("slot")][:2]
    ends_at = timezone.now().replace(microsecond=0) - ended_ago
    return LessonVisitFactory(
        school=group.school,
        group=group,
        observed=fields.pop("observed", mentor),
        observers=fields.pop("observers", [mentee]),
        starts_at=ends_at - datetime.timedelta(minutes=45),
        ends_at=ends_at,
        status=status,
        **fields,
    )


def _debriefed(group, *, ended_ago=72 * H, **fields):
    visit = _visit(group, ended_ago=ended_ago, status=LessonVisit.Status.DEBRIEFED, **fields)
    feedback = FeedbackFactory(visit=visit, next_step=f"Следующий шаг {visit.pk}: 10 минут на работу в парах")
    LessonVisit.objects.filter(pk=visit.pk).update(debriefed_at=feedback.debrief_held_at)
    return visit


def _pks(rows):
    """The visits of a list of the board's lines (or of visits), in their order."""
    return [row.pk for row in rows]


def _page(user, url=BOARD, **params):
    response = client_for(user).get(url, params)
    assert response.status_code == 200
    return response


# The deadline board


def test_curator_sees_visits_of_own_groups_overdue_first_then_by_deadline(school, curator, my_group):
    soon = _visit(my_group, ended_ago=40 * H)  # 8 h left
    later = _visit(my_group, ended_ago=2 * H)  # 46 h left
    flagged = _visit(my_group, ended_ago=60 * H, status=LessonVisit.Status.OVERDUE)
    unswept = _visit(my_group, ended_ago=50 * H)  # past its deadline, the sweep has not run yet
    _debriefed(my_group)
    _visit(my_group, ended_ago=-24 * H, status=LessonVisit.Status.PLANNED)  # not held yet
    someone_else_s = _visit(MentorGroupFactory(school=school), ended_ago=3 * H)
    no_group = LessonVisitFactory(school=school)

    page = _page(curator)

    awaiting = list(page.context["page"].object_list)
    assert _pks(awaiting) == _pks([flagged, unswept, soon, later])
    assert [v.is_late for v in awaiting] == [True, True, False, False]
    assert someone_else_s.pk not in _pks(awaiting) and no_group.pk not in _pks(awaiting)
    assert not page.context["see_all"]


@pytest.mark.parametrize("persona", ["administrator", "deputy_head"])
def test_administration_sees_every_visit_of_the_school_and_no_other_school(
    request, school, other_school, my_group, persona
):
    mine = _visit(my_group, ended_ago=3 * H)
    other_group = _visit(MentorGroupFactory(school=school), ended_ago=4 * H)
    no_group = LessonVisitFactory(school=school)
    elsewhere = LessonVisitFactory(school=other_school)

    page = _page(request.getfixturevalue(persona))

    awaiting = set(_pks(page.context["page"].object_list))
    assert awaiting == {mine.pk, other_group.pk, no_group.pk}
    assert elsewhere.pk not in awaiting


def test_network_pair_visits_reach_the_partner_school_s_board_and_no_third_school(
    school, other_school, administrator, outsider
):
    """A network pair's visit planned at the owning school shows on the partner school's board too,
    in each of its three lists; a visit of the partner school's own pair stays there."""
    own_group = MentorGroupFactory(school=school)
    network_pair = MentorGroupFactory(school=other_school, partner_school=school)
    ours = _visit(own_group, ended_ago=3 * H)
    theirs = _visit(network_pair, ended_ago=60 * H, status=LessonVisit.Status.OVERDUE)
    upcoming = _visit(network_pair, ended_ago=-24 * H, status=LessonVisit.Status.PLANNED)
    debriefed = _debriefed(network_pair)
    third_school = MentorGroupFactory()
    _visit(third_school, ended_ago=4 * H)
    _visit(MentorGroupFactory(school=other_school), ended_ago=5 * H)

    page = _page(administrator)
    assert _pks(page.context["page"].object_list) == [theirs.pk, ours.pk]
    assert _pks(page.context["upcoming"]) == [upcoming.pk]
    assert _pks(page.context["missing_reverse"]) == [debriefed.pk]
    assert page.context["page"].paginator.count == 2

    partner_page = _pks(_page(outsider).context["page"].object_list)
    assert theirs.pk in partner_page and ours.pk not in partner_page


def test_time_left_and_due_time_are_shown_in_the_school_time_zone(school, curator, my_group):
    school.time_zone = "Asia/Yekaterinburg"  # UTC+5, no DST
    school.save()
    with time_machine.travel(NOW, tick=False):
        visit = _visit(my_group, ended_ago=30 * H + 20 * datetime.timedelta(minutes=1))
        _visit(my_group, ended_ago=51 * H)
        page = _page(curator)
    html = page.content.decode()
    # Due 17 h 40 min after 09:00 UTC: 02:40 UTC the next day, 07:40 in Yekaterinburg.
    assert visit.debrief_due_at == datetime.datetime(2026, 11, 25, 2, 40, tzinfo=datetime.UTC)
    assert "25.11 07:40" in html
    with translation.override("ru"):
        assert duration_text(datetime.timedelta(hours=17, minutes=40)) in html
        assert duration_text(3 * H) in html  # overdue by three hours


@translation.override("en")
def test_duration_text():
    assert duration_text(datetime.timedelta(minutes=15, seconds=59)) == "15 min"
    assert duration_text(datetime.timedelta(hours=3, minutes=20)) == "3 h 20 min"
    assert duration_text(-datetime.timedelta(days=2, hours=5, minutes=1)) == "2 d 5 h"


def test_missing_reverse_visits_of_active_groups(school, curator, curator_staff, my_group):
    unanswered = _debriefed(my_group)
    answered = _debriefed(my_group, ended_ago=100 * H)
    mentor, mentee = [m.staff for m in my_group.members.order_by("slot")]
    _visit(
        my_group,
        ended_ago=-48 * H,
        status=LessonVisit.Status.PLANNED,
        answers_visit=answered,
        observed=mentee,
        observers=[mentor],
    )
    cancelled_answer = _debriefed(my_group, ended_ago=200 * H)
    _visit(
        my_group,
        ended_ago=150 * H,
        status=LessonVisit.Status.CANCELLED,
        cancel_reason="Болезнь",
        answers_visit=cancelled_answer,
        kind=LessonVisit.Kind.REVERSE_VISIT,
        observed=mentee,
        observers=[mentor],
    )
    other_group = MentorGroupFactory(school=school, curator=curator_staff)
    followed = _debriefed(other_group, ended_ago=300 * H)
    _visit(other_group, ended_ago=250 * H, kind=LessonVisit.Kind.REVERSE_VISIT)  # a later reverse visit
    paused = MentorGroupFactory(school=school, curator=curator_staff, status=MentorGroup.Status.PAUSED)
    _debriefed(paused)
    not_mine = _debriefed(MentorGroupFactory(school=school))

    page = _page(curator)
    missing = _pks(page.context["missing_reverse"])

    assert missing == [unanswered.pk, cancelled_answer.pk]
    assert followed.pk not in missing and not_mine.pk not in missing
    assert f"{reverse('visits:create')}?answers={unanswered.pk}" in page.content.decode()


def test_curator_sees_the_agreed_next_steps_of_their_groups(school, curator, my_group):
    visit = _debriefed(my_group)
    feedback = visit.feedback.get()
    feedback.follow_up_on = datetime.date(2026, 12, 10)
    feedback.save()
    not_mine = _debriefed(MentorGroupFactory(school=school))
    draft = _visit(my_group, ended_ago=5 * H)
    FeedbackFactory(visit=draft, submitted_at=None, next_step="Черновик следующего шага")

    page = _page(curator)
    html = page.content.decode()

    assert [f.visit_id for f in page.context["next_steps"]] == [visit.pk]
    assert feedback.next_step in html
    assert "10.12.2026" in html
    assert not_mine.feedback.get().next_step not in html
    assert "Черновик следующего шага" not in html
    assert f"{reverse('visits:create')}?from_visit={visit.pk}" in html


@pytest.mark.parametrize("persona", ["administrator", "deputy_head"])
def test_administration_never_sees_feedback_content_on_the_board(request, school, my_group, persona):
    """Managers see that visits happened and whether on time, never what was said."""
    debriefed = _debriefed(my_group)
    awaiting = _visit(my_group, ended_ago=30 * H)
    submitted = FeedbackFactory(visit=awaiting, next_step="Секретный шаг наблюдателя")
    user = request.getfixturevalue(persona)

    page = _page(user)
    html = page.content.decode()

    assert page.context["next_steps"] == []
    assert not page.context["show_next_steps"]
    assert awaiting.pk in _pks(page.context["page"].object_list)
    for feedback in (debriefed.feedback.get(), submitted):
        for text in (feedback.facts, feedback.toward_goal, feedback.reconsider, feedback.questions, feedback.next_step):
            assert text not in html


def test_deputy_head_who_curates_a_group_sees_only_that_group_s_next_steps(school, deputy_head, my_group):
    own_group = MentorGroupFactory(school=school, curator=StaffMemberFactory(school=school, user=deputy_head))
    own = _debriefed(own_group)
    other = _debriefed(my_group)

    html = _page(deputy_head).content.decode()

    assert own.feedback.get().next_step in html
    assert other.feedback.get().next_step not in html


def _populate(school, curator_staff, size):
    for _ in range(size):
        group = MentorGroupFactory(school=school, curator=curator_staff)
        _visit(group, ended_ago=10 * H)
        _visit(group, ended_ago=60 * H, status=LessonVisit.Status.OVERDUE)
        _visit(group, ended_ago=-30 * H, status=LessonVisit.Status.PLANNED)
        _debriefed(group)
        visit = _debriefed(group, ended_ago=120 * H)
        _visit(group, ended_ago=100 * H, answers_visit=visit, kind=LessonVisit.Kind.REVERSE_VISIT)


def _count(user, url=BOARD):
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# The user with their memberships (one query), the unread notifications, the open to-dos; then the board:
# its candidate visits, the awaiting and upcoming visits (one query, the awaiting ones' count with them),
# the missing reverse visits, the observers of all three, the next steps.
@pytest.mark.parametrize("persona", ["curator", "administrator"])
def test_board_runs_a_fixed_number_of_queries(request, school, other_school, curator_staff, persona):
    user = request.getfixturevalue(persona)
    _populate(school, curator_staff, 2)
    _populate(other_school, StaffMemberFactory(school=other_school), 1)
    MentorGroup.objects.filter(school=other_school).update(partner_school=school)
    assert _count(user) == 8
    _populate(school, curator_staff, 8)
    assert _count(user) == 8


def test_board_s_lists_read_the_school_s_visits_once(school, administrator, my_group):
    """The awaiting and upcoming lists (one query) and the missing-reverse list share one list of
    the school's candidate visits, read by one query and handed to each as an array; the navbar's
    to-dos, counted in a query of their own, take the candidates as an array subquery instead."""
    _populate(school, my_group.curator, 1)
    client = client_for(administrator)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(BOARD).status_code == 200
    sqls = [query["sql"] for query in captured]
    candidates = [sql for sql in sqls if sql.count("UNION ALL") == 2 and "ARRAY(" not in sql]
    assert len(candidates) == 1
    lists = [sql for sql in sqls if '"visits_lessonvisit"."id" = ANY(ARRAY[' in sql or "= ANY('{" in sql]
    assert len(lists) == 2
    # The navbar's count, not cached in tests, uses the same candidates inline.
    assert sum("ARRAY(" in sql for sql in sqls) == 1


@pytest.mark.parametrize("number", ["1", "3", "9"])
def test_board_s_other_lists_stay_whole_on_any_page_of_the_awaiting_ones(school, administrator, my_group, number):
    """Paging the awaiting visits leaves the upcoming and the missing reverse visits (each in
    its order, within its cap) as they are."""
    [_visit(my_group, ended_ago=(i + 1) * H) for i in range(7)]
    planned = LessonVisit.Status.PLANNED
    upcoming = [_visit(my_group, ended_ago=-(i + 2) * 10 * H, status=planned) for i in range(UPCOMING_LIMIT + 1)]
    missing = [_debriefed(MentorGroupFactory(school=school), ended_ago=(i + 70) * H) for i in range(2)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("apps.visits.deadlines_views.PAGE_SIZE", 3)
        context = _page(administrator, page=number).context
    assert len(context["page"].object_list) == (3 if number == "1" else 1)
    assert _pks(context["upcoming"]) == [visit.pk for visit in upcoming[:UPCOMING_LIMIT]]
    assert _pks(context["missing_reverse"]) == [visit.pk for visit in missing]


def test_board_lines_show_observers_in_order_and_submitted_feedback_only(school, administrator, my_group):
    """A line names its observers in the order they were added and counts the submitted feedback
    of the visit, drafts left out; a visit with no observer yet shows none and counts none."""
    mentee = [m.staff for m in my_group.members.order_by("slot")][1]
    second = StaffMemberFactory(school=school, last_name="Яковлева", first_name="Ирина", patronymic="")
    observed = _visit(my_group, ended_ago=2 * H, observers=[mentee, second])
    FeedbackFactory(visit=observed, observer=mentee)
    FeedbackFactory(visit=observed, observer=second, submitted_at=None)
    alone = _visit(my_group, ended_ago=3 * H)
    alone.observer_links.all().delete()
    lines = {visit.pk: visit for visit in _page(administrator).context["page"].object_list}
    assert lines[observed.pk].observer_names == f"{mentee.short_name}, Яковлева И."
    assert (lines[observed.pk].observer_count, lines[observed.pk].feedback_submitted) == (2, 1)
    assert (lines[alone.pk].observer_names, lines[alone.pk].observer_count, lines[alone.pk].feedback_submitted) == (
        "",
        0,
        0,
    )


def test_board_pages_the_awaiting_visits_with_their_count_from_the_page_query(school, administrator, my_group):
    """The count comes with the page (a window count); a page out of range is the last one, as Django's."""
    visits = [_visit(my_group, ended_ago=(i + 1) * H) for i in range(7)]
    expected = sorted(visits, key=lambda visit: (visit.debrief_due_at, visit.pk))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("apps.visits.deadlines_views.PAGE_SIZE", 3)
        pages = {number: _page(administrator, page=number).context["page"] for number in ("1", "3", "9", "x", "0")}
        assert _count(administrator, f"{BOARD}?page=2") == _count(administrator, BOARD)
    assert _pks(pages["1"].object_list) == _pks(expected[:3]) == _pks(pages["x"].object_list)
    assert _pks(pages["3"].object_list) == _pks(expected[6:]) == _pks(pages["9"].object_list)
    assert _pks(pages["0"].object_list) == _pks(expected[6:])
    assert {page.paginator.count for page in pages.values()} == {7}
    assert {page.paginator.num_pages for page in pages.values()} == {3}
    assert pages["3"].number == 3 and pages["3"].has_previous() and not pages["3"].has_next()


def test_board_with_nothing_awaiting_counts_none(administrator):
    page = _page(administrator).context["page"]
    assert page.paginator.count == 0 and list(page.object_list) == [] and page.number == 1


@pytest.mark.parametrize("see_all", [True, False])
def test_board_reads_the_school_s_visits_through_its_own_index(school, curator, see_all):
    """The school's side of the awaiting list is read from the per-school index, not by scanning
    every visit of every school (on a region's data that scan takes a third of a second)."""
    visits = deadlines_selectors.visits_awaiting_debrief(school=school, user=curator, see_all=see_all, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "visit_school_awaiting_due" in visits.explain()


# Observation protocols


def test_first_open_gives_the_default_protocols_once(school, deputy_head):
    _page(deputy_head, reverse("visits:protocols"))
    page = _page(deputy_head, reverse("visits:protocols"))
    names = sorted(p.name for p in page.context["protocols"])
    assert names == sorted(name for name, _d, _i in DEFAULT_PROTOCOLS)
    assert ProtocolItem.objects.filter(protocol__school=school).count() == sum(
        len(i) for _n, _d, i in DEFAULT_PROTOCOLS
    )


def test_administrator_adds_a_protocol_then_writes_its_items(school, administrator):
    client = client_for(administrator)
    response = client.post(reverse("visits:protocols"), {"name": "  Работа  с текстом "})
    protocol = ObservationProtocol.objects.get(school=school, name="Работа с текстом")
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:protocol_edit", args=[protocol.pk])
    duplicate = client.post(reverse("visits:protocols"), {"name": "работа с тёкстом"})
    assert duplicate.status_code == 200
    assert duplicate.context["form"].errors["name"]


def _formset_data(protocol, rows, **fields):
    """POST data of the editor: `rows` are (item or None, kind, text, position, delete)."""
    data = {
        "name": fields.get("name", protocol.name),
        "description": fields.get("description", protocol.description),
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": str(sum(1 for row in rows if row[0] is not None)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    if fields.get("is_active", protocol.is_active):
        data["is_active"] = "on"
    for index, (item, kind, text, position, delete) in enumerate(rows):
        prefix = f"items-{index}"
        data.update({f"{prefix}-kind": kind, f"{prefix}-text": text, f"{prefix}-position": str(position)})
        data[f"{prefix}-protocol"] = str(protocol.pk)
        if item is not None:
            data[f"{prefix}-id"] = str(item.pk)
        if delete:
            data[f"{prefix}-DELETE"] = "on"
    return data


def _protocol(school, name="Протокол посещения"):
    protocol = ObservationProtocol.objects.create(school=school, name=name)
    items = [
        ProtocolItem.objects.create(protocol=protocol, kind="prompt", text=f"Вопрос {i}", position=i) for i in range(3)
    ]
    return protocol, items


def test_protocol_editor_saves_name_flag_and_items_in_order(school, deputy_head):
    protocol, (first, second, third) = _protocol(school)
    data = _formset_data(
        protocol,
        [
            (first, "prompt", "Что делали ученики после вопроса учителя?", 5, False),
            (second, "prompt", "Вопрос 1", 1, True),
            (third, "check", "Цель сформулирована вместе с учениками", 2, False),
            (None, "prompt", "Какие вопросы задали ученики?", 3, False),
            (None, "prompt", "", 0, False),  # an empty new line is skipped
        ],
        name="Протокол: вопросы учеников",
        description="Один аспект: вопросы учеников",
        is_active=False,
    )

    response = client_for(deputy_head).post(reverse("visits:protocol_edit", args=[protocol.pk]), data)

    assert response.status_code == 302, response.context["formset"].errors
    protocol.refresh_from_db()
    assert (protocol.name, protocol.description, protocol.is_active) == (
        "Протокол: вопросы учеников",
        "Один аспект: вопросы учеников",
        False,
    )
    assert [(i.kind, i.text, i.position) for i in protocol.items.all()] == [
        ("check", "Цель сформулирована вместе с учениками", 0),
        ("prompt", "Какие вопросы задали ученики?", 1),
        ("prompt", "Что делали ученики после вопроса учителя?", 2),
    ]
    assert protocol.items.filter(pk=first.pk).exists()  # kept, not replaced
    assert not ProtocolItem.objects.filter(pk=second.pk).exists()


def test_protocol_editor_labels_the_lines_order_not_a_directors_order(school, deputy_head):
    """«Приказ» is the director's order; the position of a line is its «Порядок»."""
    protocol, _items = _protocol(school)
    html = _page(deputy_head, reverse("visits:protocol_edit", args=[protocol.pk])).content.decode()
    labels = re.findall(r'<label\s+for="id_items-\d+-position"[^>]*>\s*([^<*]+?)\s*<', html)
    assert labels and set(labels) == {"Порядок"}
    assert "Приказ" not in html


def test_protocol_editor_never_touches_an_item_of_another_protocol(school, other_school, administrator):
    protocol, (first, *_rest) = _protocol(school)
    _foreign, (foreign_item, *_others) = _protocol(other_school, name="Чужой протокол")
    data = _formset_data(
        protocol, [(first, "prompt", "Вопрос 0", 0, False), (foreign_item, "prompt", "Взлом", 1, False)]
    )

    client_for(administrator).post(reverse("visits:protocol_edit", args=[protocol.pk]), data)

    foreign_item.refresh_from_db()
    assert (foreign_item.text, foreign_item.protocol_id) == ("Вопрос 0", _foreign.pk)
    assert not ProtocolItem.objects.filter(text="Взлом").exists()


def test_protocol_name_stays_unique_in_the_school(school, administrator):
    protocol, items = _protocol(school)
    ObservationProtocol.objects.create(school=school, name="Lesson Study")
    data = _formset_data(
        protocol, [(item, item.kind, item.text, item.position, False) for item in items], name="lesson study"
    )

    response = client_for(administrator).post(reverse("visits:protocol_edit", args=[protocol.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    protocol.refresh_from_db()
    assert protocol.name == "Протокол посещения"


# Evaluative words


def test_first_open_gives_the_default_words(school, deputy_head):
    page = _page(deputy_head, reverse("visits:words"))
    assert sorted(w.word for w in page.context["words"]) == sorted(DEFAULT_EVALUATIVE_WORDS)


def test_words_are_added_in_lower_case_once_and_removed(school, administrator):
    EvaluativeWord.objects.create(school=school, word="плохо")  # the list exists: no defaults
    client = client_for(administrator)

    assert client.post(reverse("visits:words"), {"word": "  Великолепно "}).status_code == 302
    duplicate = client.post(reverse("visits:words"), {"word": "ВЕЛИКОЛЕПНО"})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["word"]
    assert sorted(EvaluativeWord.objects.filter(school=school).values_list("word", flat=True)) == [
        "великолепно",
        "плохо",
    ]

    word = EvaluativeWord.objects.get(school=school, word="плохо")
    assert client.get(reverse("visits:word_delete", args=[word.pk])).status_code == 405
    assert client.post(reverse("visits:word_delete", args=[word.pk])).status_code == 302
    assert not EvaluativeWord.objects.filter(pk=word.pk).exists()


def test_word_of_another_school_is_not_found(other_school, administrator):
    word = EvaluativeWord.objects.create(school=other_school, word="молодец")
    assert client_for(administrator).post(reverse("visits:word_delete", args=[word.pk])).status_code == 404
    assert EvaluativeWord.objects.filter(pk=word.pk).exists()


@pytest.mark.parametrize("name", ["visits:protocols", "visits:words"])
def test_catalogs_run_a_fixed_number_of_queries(school, deputy_head, name):
    client_for(deputy_head).get(reverse(name))  # defaults made
    small = _count(deputy_head, reverse(name))
    for i in range(10):
        _protocol(school, name=f"Протокол {i}")
        EvaluativeWord.objects.create(school=school, word=f"слово{i}")
    assert _count(deputy_head, reverse(name)) == small
    # The user, the unread notifications, the to-do count; then the protocols with their items
    # counted (after the check that the school has any), or the words.
    assert small <= {"visits:protocols": 5, "visits:words": 4}[name]
