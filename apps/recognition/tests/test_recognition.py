"""The recognition tree: who may be recognised and for what, the hint «за что
именно?», notifications, hiding (by the person, by the administration), the tree's
picture and pages, the live screen's poll, and what the pages read."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.capabilities import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.audit.models import AuditEvent
from apps.community.tests.factories import MaterialFactory
from apps.core.dates import academic_year_of, school_today
from apps.core.tenancy import Circle, Viewer
from apps.notifications.models import Notification
from apps.problemdays.tests.factories import ProblemDayFactory
from apps.recognition import selectors, services, tree
from apps.recognition.hint import recognition_text_is_vague
from apps.recognition.models import Recognition, RecognitionRecipient
from apps.recognition.tests.conftest import person
from apps.recognition.tests.factories import RecognitionFactory
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory
from apps.visits.tests.factories import LessonVisitFactory
from conftest import client_for

CONCRETE = "За открытый урок по смысловому чтению и разбор после него"

HTMX = {"HTTP_HX_REQUEST": "true"}


def _tree_svg(page):
    start = page.index('id="recognition-tree"')
    return page[start : page.index("</svg>", start)]


def _create(author, recipients, text=CONCRETE, **kwargs):
    return services.recognition_create(author=author, recipients=recipients, text=text, **kwargs)


# --- writing a recognition ------------------------------------------------------------------------------------


def test_a_recognition_names_colleagues_and_each_is_notified_exactly_once(author, colleague, main_school):
    other = person(main_school, last_name="Миронова")
    recognition = _create(author, [colleague, other])
    assert set(recognition.recipients.values_list("staff", flat=True)) == {colleague.pk, other.pk}
    assert recognition.year == academic_year_of(school_today(main_school))
    assert not recognition.is_network
    for user in (colleague.user, other.user):
        notes = Notification.objects.filter(user=user, kind=Notification.Kind.RECOGNITION_RECEIVED)
        assert notes.count() == 1
        assert notes.get().url == reverse("recognition:detail", args=[recognition.pk])
        assert "Соколова" in notes.get().title
    # Telling again (a retried request) tells nobody twice.
    services._tell(recognition=recognition, people=[colleague, other])
    assert Notification.objects.filter(kind=Notification.Kind.RECOGNITION_RECEIVED).count() == 2
    assert not Notification.objects.filter(user=author.user).exists()


def test_a_colleague_is_named_once_per_recognition_in_the_database(author, colleague):
    recognition = _create(author, [colleague, colleague])
    assert recognition.recipients.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        RecognitionRecipient.objects.create(recognition=recognition, staff=colleague, school_id=colleague.school_id)


def test_recipients_come_from_the_school_or_its_network_never_oneself(author, colleague, main_school):
    stranger = StaffMemberFactory(school=SchoolFactory())
    gone = person(main_school, is_active=False, left_on=datetime.date(2026, 6, 1))
    for people in ([], [author], [stranger], [gone]):
        with pytest.raises(ValidationError) as error:
            _create(author, people)
        assert "recipients" in error.value.error_dict
    assert not Recognition.objects.exists()


def test_naming_a_colleague_of_a_partner_school_makes_a_network_recognition(author, partner_colleague):
    recognition = _create(author, [partner_colleague])
    assert recognition.is_network
    row = recognition.recipients.get()
    assert row.school_id == partner_colleague.school_id
    note = Notification.objects.get(user=partner_colleague.user)
    assert note.school_id == partner_colleague.school_id


def test_a_school_outside_the_network_names_nobody_of_the_former_partner(author, partner_colleague, main_school):
    main_school.network = None
    main_school.save()
    author.refresh_from_db()
    with pytest.raises(ValidationError):
        _create(author, [partner_colleague])


def test_at_most_one_thing_is_linked_by_a_named_constraint(author, colleague, main_school):
    day = ProblemDayFactory(school=main_school)
    material = MaterialFactory(school=main_school, author=colleague)
    with pytest.raises(IntegrityError, match="recognition_at_most_one_link"), transaction.atomic():
        RecognitionFactory(school=main_school, author=author, problem_day=day, material=material)
    assert RecognitionFactory(school=main_school, author=author, problem_day=day).link_field == "problem_day"


def test_the_linked_thing_must_be_one_the_author_may_see(author, colleague, main_school):
    draft = MaterialFactory(school=main_school, author=colleague, circle=Circle.DRAFT)
    foreign_day = ProblemDayFactory(school=SchoolFactory())
    for kind, pk in (("material", draft.pk), ("problem_day", foreign_day.pk), ("visit", 10**9), ("nonsense", 1)):
        with pytest.raises(ValidationError) as error:
            _create(author, [colleague], link_kind=kind, link_id=pk)
        assert "link" in error.value.error_dict
    shared = MaterialFactory(school=main_school, author=colleague, circle=Circle.SCHOOL)
    assert _create(author, [colleague], link_kind="material", link_id=shared.pk).material == shared


def test_a_lesson_is_linked_only_with_its_teacher_among_the_people_or_as_author(author, colleague, main_school):
    teacher = person(main_school, last_name="Гусева")
    visit = LessonVisitFactory(school=main_school, observed=teacher, observers=[author, colleague])
    # Thanking a fellow observer would name another teacher's lesson without her.
    with pytest.raises(ValidationError) as error:
        _create(author, [colleague], link_kind="visit", link_id=visit.pk)
    assert "link" in error.value.error_dict
    assert _create(author, [teacher], link_kind="visit", link_id=visit.pk).visit == visit
    # The teacher thanks her observers for the debrief.
    assert _create(teacher, [author, colleague], link_kind="visit", link_id=visit.pk).visit == visit
    # A lesson the author neither taught, observed nor curated is not theirs to name.
    stranger_visit = LessonVisitFactory(school=main_school, observed=teacher)
    with pytest.raises(ValidationError):
        _create(author, [teacher], link_kind="visit", link_id=stranger_visit.pk)


def test_the_year_is_the_schools_academic_year_of_the_moment(author, colleague, main_school):
    # 31 August 21:30 UTC is already 1 September in Samara (UTC+4): the new year's tree.
    moment = datetime.datetime(2026, 8, 31, 21, 30, tzinfo=datetime.UTC)
    assert _create(author, [colleague], now=moment).year == 2026
    earlier = datetime.datetime(2026, 8, 31, 19, 30, tzinfo=datetime.UTC)
    assert _create(author, [colleague], now=earlier).year == 2025


# --- the hint «за что именно?» --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,linked,vague",
    [
        ("Спасибо за помощь!", False, True),
        ("Марина Петровна, вы молодец! Огромное спасибо!", False, True),
        ("Спасибо Ольге Викторовне за всё", False, True),
        ("Спасибо!", True, False),
        (CONCRETE, False, False),
        ("За помощь с подготовкой олимпиады", False, False),
    ],
)
def test_the_hint_asks_for_concreteness_when_only_praise_is_written(text, linked, vague):
    assert recognition_text_is_vague(text=text, linked=linked) is vague


def test_a_vague_recognition_is_posted_with_the_hint_never_blocked(author, colleague):
    client = client_for(author.user)
    response = client.post(
        reverse("recognition:create"), {"recipients": [colleague.pk], "text": "Спасибо за помощь!"}, follow=True
    )
    recognition = Recognition.objects.get()
    assert response.redirect_chain[-1][0] == reverse("recognition:detail", args=[recognition.pk])
    assert "За что именно?" in response.content.decode()
    response = client.post(reverse("recognition:create"), {"recipients": [colleague.pk], "text": CONCRETE}, follow=True)
    assert "За что именно?" not in response.content.decode()


def test_the_form_carries_the_hint_and_the_praise_words_for_the_script(author, colleague):
    page = client_for(author.user).get(reverse("recognition:create")).content.decode()
    assert 'id="praise-words"' in page
    assert "data-recognition-hint" in page
    assert "js/recognition.js" in page
    assert "Белова Анна" in page


def test_the_form_keeps_what_was_typed_on_an_error(author):
    response = client_for(author.user).post(reverse("recognition:create"), {"text": "За разбор урока в 7Б"})
    assert response.status_code == 200
    assert "За разбор урока в 7Б" in response.content.decode()
    assert not Recognition.objects.exists()


def test_from_the_qr_code_the_phone_returns_to_the_form_for_the_next(author, colleague):
    response = client_for(author.user).post(
        reverse("recognition:create") + "?from=live", {"recipients": [colleague.pk], "text": CONCRETE}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("recognition:create") + "?from=live"


def test_a_person_without_a_staff_card_is_told_who_may_recognise(main_school):
    user = UserFactory()
    MembershipFactory(user=user, school=main_school, roles=[Role.TEACHER])
    page = client_for(user).get(reverse("recognition:create"))
    assert page.status_code == 200
    assert 'data-testid="recognition-form"' not in page.content.decode()


# --- hiding ---------------------------------------------------------------------------------------------------


def test_a_person_hides_their_name_and_the_leaf_goes_when_everyone_named_hid_it(author, colleague, main_school):
    other = person(main_school, last_name="Миронова")
    recognition = _create(author, [colleague, other])
    viewer = Viewer.of_staff(author)
    year = recognition.year

    services.recognition_hide_self(recognition=recognition, staff=colleague)
    (leaf,) = selectors.tree_leaves(viewer=viewer, school=main_school, year=year)
    assert [p.staff_id for p in leaf.people] == [other.pk]
    page = client_for(author.user).get(reverse("recognition:detail", args=[recognition.pk])).content.decode()
    assert colleague.last_name not in page and other.last_name in page

    services.recognition_hide_self(recognition=recognition, staff=other)
    assert selectors.tree_leaves(viewer=viewer, school=main_school, year=year) == []
    assert client_for(author.user).get(reverse("recognition:detail", args=[recognition.pk])).status_code == 404
    # The person still opens it, and puts the name back.
    mine = client_for(colleague.user).get(reverse("recognition:detail", args=[recognition.pk]))
    assert mine.status_code == 200 and 'data-testid="show-myself"' in mine.content.decode()
    client_for(colleague.user).post(reverse("recognition:hide_self", args=[recognition.pk]), {"show": "1"})
    (leaf,) = selectors.tree_leaves(viewer=viewer, school=main_school, year=year)
    assert [p.staff_id for p in leaf.people] == [colleague.pk]


def test_the_moderation_services_refuse_a_school_whose_tree_does_not_show_it(author, colleague, partner_colleague):
    local = _create(author, [colleague])
    network = _create(author, [partner_colleague])
    partner, elsewhere = partner_colleague.school, SchoolFactory()
    moderator = person(partner, Role.ADMINISTRATOR).user
    for recognition, school in ((local, partner), (local, elsewhere), (network, elsewhere)):
        with pytest.raises(PermissionDenied):
            services.recognition_hide(recognition=recognition, user=moderator, school=school, reason="Причина")
        with pytest.raises(PermissionDenied):
            services.recognition_show(recognition=recognition, user=moderator, school=school)
    # The partner school's tree shows the network recognition: its administrator moderates it.
    services.recognition_hide(recognition=network, user=moderator, school=partner, reason="Причина")
    assert Recognition.objects.get(pk=network.pk).hidden_at is not None
    assert Recognition.objects.get(pk=local.pk).hidden_at is None
    # A school that left the network no longer sees it, and moderates it no more.
    partner.network = None
    partner.save(update_fields=["network"])
    with pytest.raises(PermissionDenied):
        services.recognition_show(recognition=network, user=moderator, school=partner)


def test_only_a_person_the_recognition_names_hides_it_for_themselves(author, colleague, main_school):
    recognition = _create(author, [colleague])
    with pytest.raises(PermissionDenied):
        services.recognition_hide_self(recognition=recognition, staff=author)
    response = client_for(author.user).post(reverse("recognition:hide_self", args=[recognition.pk]))
    assert response.status_code == 403


def test_the_administration_hides_with_a_reason_in_the_audit_trail_and_shows_again(author, colleague, main_school):
    director = person(main_school, Role.ADMINISTRATOR, last_name="Гусева")
    recognition = _create(author, [colleague])
    client = client_for(director.user)
    url = reverse("recognition:moderate", args=[recognition.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and Recognition.objects.get().hidden_at is None
    client.post(url, {"reason": "Текст задевает коллегу из другой параллели"})
    recognition.refresh_from_db()
    assert recognition.hidden_at is not None and recognition.hidden_by == director.user
    event = AuditEvent.objects.get(action=AuditEvent.Action.RECOGNITION_HIDDEN)
    assert event.school == main_school and event.target_id == str(recognition.pk)
    assert event.changes == {"reason": "Текст задевает коллегу из другой параллели"}
    assert selectors.tree_leaves(viewer=Viewer.of_staff(author), school=main_school, year=recognition.year) == []
    # A colleague no longer finds it; its author and its people see why.
    bystander = person(main_school)
    assert client_for(bystander.user).get(reverse("recognition:detail", args=[recognition.pk])).status_code == 404
    page = client_for(colleague.user).get(reverse("recognition:detail", args=[recognition.pk])).content.decode()
    assert "Текст задевает коллегу" in page

    client.post(url)
    recognition.refresh_from_db()
    assert recognition.hidden_at is None and recognition.hidden_reason == ""
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RECOGNITION_SHOWN, school=main_school).count() == 1


def test_a_hidden_recognition_keeps_its_reason_in_the_database(author, colleague):
    recognition = _create(author, [colleague])
    with pytest.raises(IntegrityError, match="recognition_hidden_has_reason"), transaction.atomic():
        Recognition.objects.filter(pk=recognition.pk).update(hidden_at=timezone.now())


def test_a_partner_schools_administrator_hides_a_network_recognition_in_both_trails(
    author, partner_colleague, main_school, partner_school
):
    director = person(partner_school, Role.ADMINISTRATOR)
    recognition = _create(author, [partner_colleague])
    services.recognition_hide(recognition=recognition, user=director.user, school=partner_school, reason="Ошибка")
    trails = set(AuditEvent.objects.filter(action="recognition_hidden").values_list("school", flat=True))
    assert trails == {main_school.pk, partner_school.pk}


# --- the tree -------------------------------------------------------------------------------------------------


def test_the_tree_has_a_branch_per_form_of_collaboration_and_a_leaf_per_recognition(author, colleague, main_school):
    day = ProblemDayFactory(school=main_school, working_title="День «Вода»")
    plain = _create(author, [colleague], text="За подмену уроков в 6А и подробные записи")
    linked = _create(author, [colleague], link_kind="problem_day", link_id=day.pk)
    page = client_for(author.user).get(reverse("recognition:tree")).content.decode()
    svg = _tree_svg(page)
    branches = re.findall(r'data-branch="([^"]*)"', svg)
    assert branches == ["visit", "team_outcome", "material", "problem_day", "network_result", "event", ""]
    assert f'data-leaf="{plain.pk}"' in svg and f'data-leaf="{linked.pk}"' in svg
    assert 'viewBox="0 0 640 ' in svg and 'width="100%"' in svg
    assert "<title>Белова А." in svg
    # The same leaves on the list beside it, under their branch.
    assert "Просто спасибо" in page and "Проблемно-тематические дни" in page
    assert "День «Вода»" in page


def test_the_tree_by_associations_hangs_a_leaf_on_each_branch_of_its_people(author, main_school, partner_colleague):
    humanities = SubjectAssociationFactory(school=main_school, name="ШМО гуманитарного цикла")
    science = SubjectAssociationFactory(school=main_school, name="ШМО естественно-математического цикла")
    reader = person(main_school, association=humanities)
    counter = person(main_school, association=science)
    loner = person(main_school, association=None)
    both = _create(author, [reader, counter])
    alone = _create(author, [loner])
    far = _create(author, [partner_colleague])
    leaves = selectors.tree_leaves(viewer=Viewer.of_staff(author), school=main_school, year=both.year)
    branches = tree.branches_by_associations(selectors.school_associations(school=main_school), networked=True)
    tree.grow(branches, leaves, by="associations", school_id=main_school.pk)
    hung = {b.key: [leaf.pk for leaf in b.leaves] for b in branches}
    assert hung[f"a{humanities.pk}"] == [both.pk] and hung[f"a{science.pk}"] == [both.pk]
    assert hung["none"] == [alone.pk]
    assert hung["network"] == [far.pk]
    page = client_for(author.user).get(reverse("recognition:tree"), {"by": "associations"}).content.decode()
    assert "ШМО гуманитарного цикла" in page and "Коллеги школ сети" in page


def test_the_picture_is_the_same_for_the_same_leaves(author, colleague, main_school):
    for n in range(25):
        _create(author, [colleague], text=f"{CONCRETE} №{n}")
    client = client_for(author.user)
    first = client.get(reverse("recognition:tree")).content.decode()
    second = client.get(reverse("recognition:tree")).content.decode()
    svg = _tree_svg
    assert svg(first) == svg(second)
    # A branch that outgrows one row grows more rows: no leaf is placed twice.
    places = re.findall(r'transform="translate\(([^)]*)\)', svg(first))
    assert len(places) == 25 == len(set(places))


def test_a_past_years_tree_stays_viewable(author, colleague, main_school):
    year = academic_year_of(school_today(main_school))
    last_year = datetime.datetime(year, 3, 10, 12, tzinfo=main_school.tzinfo)
    old = _create(author, [colleague], text="За прошлогодний педсовет и примеры из уроков", now=last_year)
    new = _create(author, [colleague])
    client = client_for(author.user)
    page = client.get(reverse("recognition:tree")).content.decode()
    assert f'data-leaf="{new.pk}"' in page and f'data-leaf="{old.pk}"' not in page
    assert f"{year - 1}/{year}" in page  # the year selector
    page = client.get(reverse("recognition:tree"), {"year": year - 1}).content.decode()
    assert f'data-leaf="{old.pk}"' in page and f'data-leaf="{new.pk}"' not in page
    # A year with nothing to show, or no year at all, is this year's tree.
    for bad in ("1812", "x", "99999999999999999999"):
        assert client.get(reverse("recognition:tree"), {"year": bad, "by": "nonsense"}).status_code == 200


# --- the live screen ------------------------------------------------------------------------------------------


def test_the_live_screen_shows_a_qr_code_of_the_form_and_polls_for_new_leaves(author, colleague):
    recognition = _create(author, [colleague])
    page = client_for(author.user).get(reverse("recognition:live")).content.decode()
    assert 'class="qr ' in page and "/recognition/new/?from=live" in page
    assert f'data-after="{recognition.pk}"' in page
    assert 'data-hx-trigger="every 2s"' in page


def test_the_poll_answers_204_until_a_leaf_grows_or_is_hidden(
    author, colleague, main_school, django_assert_num_queries
):
    first = _create(author, [colleague])
    client = client_for(author.user)
    url = reverse("recognition:live_leaves")
    state = {"after": first.pk, "leaves": 1}
    client.get(url, state, **HTMX)  # the session and the person, read once
    with django_assert_num_queries(_poll_queries(client, url, state)):
        assert client.get(url, state, **HTMX).status_code == 204
    second = _create(author, [colleague], text="За разбор урока геометрии в 8А и план следующего шага")
    response = client.get(url, state, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-after="{second.pk}"' in body and "leaves=2" in body
    assert 'data-hx-swap-oob="true"' in body
    assert re.search(rf'class="leaf leaf-new" data-leaf="{second.pk}"', body)
    assert f'class="leaf" data-leaf="{first.pk}"' in body
    state = {"after": second.pk, "leaves": 2}
    assert client.get(url, state, **HTMX).status_code == 204
    # Hidden by the administration during the meeting: the screen drops the leaf at the next poll.
    director = person(main_school, Role.ADMINISTRATOR)
    services.recognition_hide(recognition=second, user=director.user, school=main_school, reason="Не по делу")
    body = client.get(url, state, **HTMX).content.decode()
    assert f'data-leaf="{second.pk}"' not in body and f'data-after="{first.pk}"' in body and "leaves=1" in body


def _poll_queries(client, url, state):
    """The queries of an empty poll: the request's own (session, membership, card)
    plus exactly one for the leaves."""

    with CaptureQueriesContext(connection) as captured:
        client.get(url, state, **HTMX)
    leaves = [q for q in captured.captured_queries if "recognition_recognition" in q["sql"]]
    assert len(leaves) == 1, leaves
    return len(captured.captured_queries)


def test_the_poll_is_not_a_page_and_refuses_a_bad_after(author):
    client = client_for(author.user)
    url = reverse("recognition:live_leaves")
    assert client.get(url)["Location"].startswith(reverse("recognition:live"))
    assert client.get(url, {"after": "abc"}, **HTMX).status_code == 400
    assert client.get(url, {"after": "-1"}, **HTMX).status_code == 400
    assert client.get(url, {"after": "1", "leaves": "x"}, **HTMX).status_code == 400
    assert client.get(url, **HTMX).status_code == 200  # no `after`: the whole tree


# --- what the pages read --------------------------------------------------------------------------------------


def _grow(author, people, count, main_school):
    day = ProblemDayFactory(school=main_school)
    for n in range(count):
        kwargs = {"link_kind": "problem_day", "link_id": day.pk} if n % 2 else {}
        _create(author, people[n % len(people) :][:2] or people[:1], text=f"{CONCRETE} №{n}", **kwargs)


def test_the_pages_take_the_same_queries_at_two_sizes(author, main_school, partner_colleague):
    people = [person(main_school) for _n in range(4)] + [partner_colleague]
    client = client_for(author.user)
    director = client_for(person(main_school, Role.ADMINISTRATOR).user)
    pages = [
        (reverse("recognition:tree"), {}),
        (reverse("recognition:tree"), {"by": "associations"}),
        (reverse("recognition:live"), {}),
        (reverse("recognition:live_leaves"), HTMX),
        (reverse("recognition:create"), {}),
    ]

    def counts():

        found = []
        for url, headers in pages:
            client.get(url, **headers)  # warm: the session, the cached parts
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, **headers).status_code == 200
            found.append(len(captured.captured_queries))
        detail = Recognition.objects.order_by("-pk").first()
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("recognition:detail", args=[detail.pk]))
        found.append(len(captured.captured_queries))
        moderation = reverse("recognition:moderate", args=[detail.pk])
        director.get(moderation)
        with CaptureQueriesContext(connection) as captured:
            assert director.get(moderation).status_code == 200
        found.append(len(captured.captured_queries))
        return found

    _grow(author, people, 2, main_school)
    small = counts()
    _grow(author, people, 30, main_school)
    assert counts() == small


def test_nothing_counts_or_ranks_recognitions_per_person(author, colleague):
    for n in range(3):
        _create(author, [colleague], text=f"{CONCRETE} №{n}")
    page = client_for(author.user).get(reverse("recognition:tree")).content.decode()
    # The page's own content: the menu names the collective-work rating, another app.
    content = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Белова" in content
    for ranking in ("Больше всего", "Рейтинг", "most recognised", "badge rounded-pill"):
        assert ranking not in content


def test_a_linked_material_s_title_is_shown_only_to_those_its_circle_lets_in(main_school):
    association = SubjectAssociationFactory(school=main_school)
    author = person(main_school, last_name="Соколова", association=association)
    member = person(main_school, last_name="Белова", association=association)
    outsider = person(main_school, last_name="Гусева")
    material = MaterialFactory(
        school=main_school, author=member, circle=Circle.ASSOCIATION, association=association, title="Кейс «Тайный ШМО»"
    )
    recognition = _create(author, [member], link_kind="material", link_id=material.pk)
    for url in (reverse("recognition:tree"), reverse("recognition:detail", args=[recognition.pk])):
        assert "Тайный ШМО" in client_for(member.user).get(url).content.decode()
        seen = client_for(outsider.user).get(url).content.decode()
        assert "Белова" in seen and "Тайный ШМО" not in seen
        assert reverse("community:material_detail", args=[material.pk]) not in seen
