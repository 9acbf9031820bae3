"""Personal data (152-FZ): the export of everything about one person, and erasure.

The person is Загорулько Снежана Игоревна, a teacher with a user account; her
colleagues are made by the factories (surnames «Петрова…»), so any colleague's
name in her file is easy to spot, and her own surname anywhere after erasure.
"""

import datetime
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from apps.accounts import personal_data as accounts_personal_data
from apps.accounts.models import Membership, Role
from apps.accounts.services import membership_grant
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.audit import personal_data as audit_personal_data
from apps.audit.models import ERASED_LABEL, AuditEvent
from apps.audit.services import audit_record
from apps.core import personal_data as core_personal_data
from apps.dashboards.models import ReportExport
from apps.mentoring.models import MentorGroupMember
from apps.mentoring.tests.factories import GroupEventFactory, MentorGroupFactory
from apps.mentoring.tests.route_factories import DevelopmentRouteFactory, RouteStepFactory
from apps.notifications.models import Notification
from apps.partners.tests.factories import JointActivityFactory
from apps.privacy.erasure import AlreadyErased, erased_label, staff_member_erase
from apps.privacy.export import staff_personal_data_export
from apps.problemdays.models import PreparationRole
from apps.problemdays.tests.factories import DayActivityFactory, ProblemDayFactory
from apps.staff import services
from apps.staff.models import (
    Achievement,
    CategoryAward,
    ErasureRecord,
    QualificationCategory,
    StaffImport,
    StaffMember,
)
from apps.staff.tests.factories import AchievementFactory, CategoryAwardFactory, StaffMemberFactory
from apps.surveys.models import SurveyAnalysis, SurveyAnswer, SurveyParticipant, SurveyTie
from apps.surveys.services import survey_answer_submit, survey_round_analyse, survey_round_close
from apps.surveys.tests.factories import SurveyRoundFactory
from apps.teams.tests.factories import TaskTeamFactory
from apps.visits.models import Feedback, SelfReflection
from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory
from conftest import client_for

SURNAME = "Загорулько"
EMAIL = "zagorulko@school.test"
CARD_EMAIL = "snezhana.z@mail.test"
PASSWORD = "correct-horse-42"
READINESS = {"open_lessons": 4, "asks_advice": 5, "shares_materials": 3, "discusses_mistakes": 2}


@pytest.fixture
def person(school):
    user = UserFactory(email=EMAIL, last_name=SURNAME, first_name="Снежана", patronymic="Игоревна")
    MembershipFactory(school=school, user=user, roles=[Role.TEACHER])
    return StaffMemberFactory(
        school=school,
        user=user,
        last_name=SURNAME,
        first_name="Снежана",
        patronymic="Игоревна",
        email=CARD_EMAIL,
        position="учитель истории",
    )


def _teacher_with_account(school):
    user = MembershipFactory(school=school, roles=[Role.TEACHER]).user
    return StaffMemberFactory(school=school, user=user)


def _fill(staff, tag):
    """One more piece of every kind of data about `staff`; `tag` marks the texts."""
    school = staff.school
    colleague, other, peer = (StaffMemberFactory(school=school) for _ in range(3))
    CategoryAwardFactory(staff=staff, awarded_on=datetime.date(2010 + tag, 12, 20), order_number=f"№ {tag}-к")
    AchievementFactory(staff=staff, title=f"Конкурс «Учитель года» {tag}")
    own_group = MentorGroupFactory(school=school, members=[staff, colleague])
    GroupEventFactory(group=own_group, title=f"Встреча пары {tag}")
    curated = MentorGroupFactory(school=school, curator=staff)
    route = DevelopmentRouteFactory(school=school, teacher=staff, mentor=colleague, goals=f"Цели маршрута {tag}")
    RouteStepFactory(route=route, title=f"Шаг маршрута {tag}")
    TaskTeamFactory(school=school, members=[staff], why_these_people=f"Загорулько С. И. ведёт проектную работу ({tag})")

    # A lesson of hers: a colleague's feedback (hers to read), another's draft (not shown to her).
    own_lesson = LessonVisitFactory(school=school, observed=staff, observers=[colleague, other])
    FeedbackFactory(visit=own_lesson, observer=colleague, facts=f"FB-ABOUT-HER-{tag}")
    FeedbackFactory(visit=own_lesson, observer=other, facts=f"DRAFT-ABOUT-HER-{tag}", submitted_at=None)
    SelfReflection.objects.create(visit=own_lesson, text=f"REFLECTION-HERS-{tag}")
    # A colleague's lesson she observed: her feedback is hers; the other observer's and the reflection are not.
    peer_lesson = LessonVisitFactory(school=school, observed=peer, observers=[staff, other])
    FeedbackFactory(visit=peer_lesson, observer=staff, facts=f"FB-BY-HER-{tag}")
    FeedbackFactory(visit=peer_lesson, observer=other, facts=f"FB-BY-OTHER-{tag}")
    SelfReflection.objects.create(visit=peer_lesson, text=f"REFLECTION-OF-PEER-{tag}")
    # A lesson in a pair she curates: the app shows it to her, but it is about others.
    first, second = (m.staff for m in curated.members.all())
    curated_lesson = LessonVisitFactory(school=school, group=curated, observed=first, observers=[second])
    FeedbackFactory(visit=curated_lesson, observer=second, facts=f"FB-IN-CURATED-PAIR-{tag}")

    day = ProblemDayFactory(school=school, organisers=[staff], working_title=f"День {tag}")
    PreparationRole.objects.create(day=day, kind=PreparationRole.Kind.FACILITATOR, staff=staff, place="Актовый зал")
    DayActivityFactory(day=day, responsible=[staff], title=f"Классный час {tag}")
    JointActivityFactory(school=school, responsible=staff, title=f"Акция {tag}")
    JointActivityFactory(school=school, teachers=[staff], title=f"Экскурсия {tag}")

    survey = SurveyRoundFactory(school=school, people=[staff, colleague, other])
    survey_answer_submit(survey_round=survey, respondent=staff, choices={"advice": [colleague]}, readiness=READINESS)
    survey_answer_submit(survey_round=survey, respondent=colleague, choices={"trust": [staff]}, readiness=READINESS)

    # Its title names the colleague it is about (as the reminders' titles do).
    Notification.objects.create(
        user=staff.user,
        school=school,
        kind=Notification.Kind.DEBRIEF_OVERDUE,
        key=f"t:{tag}",
        title=f"Разбор просрочен: {colleague.full_name}",
        body=f"Урок {colleague.short_name}",
    )
    # Someone else's data in the same school.
    AchievementFactory(staff=colleague, title=f"ЧУЖОЕ-ДОСТИЖЕНИЕ-{tag}")
    return {"own_lesson": own_lesson, "peer_lesson": peer_lesson, "peer": peer, "survey": survey}


def _open(content):
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert sorted(archive.namelist()) == ["personal-data.json", "personal-data.xlsx"]
    document = json.loads(archive.read("personal-data.json"))
    workbook = load_workbook(io.BytesIO(archive.read("personal-data.xlsx")))
    cells = " ".join(
        str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
    )
    return document, workbook, cells


def person_lesson_id(document):
    """The one visit where she was the observed teacher."""
    (visit,) = [row["visit"] for row in _rows(document, "visits") if row["role"] == _("observed teacher")]
    return visit


def _rows(document, key):
    return document["sections"][key]["rows"]


# --- the export ------------------------------------------------------------------------------------------------


def test_export_holds_every_kind_of_data_in_json_and_in_a_sheet_each(person):
    _fill(person, 1)
    document, workbook, cells = _open(staff_personal_data_export(staff=person))

    assert document["staff_id"] == person.pk
    card = _rows(document, "card")[0]
    assert (card["last_name"], card["first_name"], card["email"]) == (SURNAME, "Снежана", CARD_EMAIL)
    assert _rows(document, "categories")[0]["order_number"] == "№ 1-к"
    assert _rows(document, "achievements")[0]["title"] == "Конкурс «Учитель года» 1"
    account = _rows(document, "account")[0]
    assert account["email"] == EMAIL and account["roles"] == "учитель"
    roles = {row["role"] for row in _rows(document, "groups")}
    assert {str(MentorGroupMember.Role.MENTOR.label), _("curator")} <= roles
    assert _rows(document, "group_events")[0]["title"] == "Встреча пары 1"
    assert _rows(document, "routes")[0]["step"] == "Шаг маршрута 1"
    assert len(_rows(document, "teams")) == 1
    assert {row["role"] for row in _rows(document, "visits")} == {_("observed teacher"), _("observer")}
    # Feedback is listed, never quoted: the administrator downloading the file must not read it.
    feedback = _rows(document, "feedback")
    assert sorted(row["author"] for row in feedback) == sorted([_("an observer"), _("this person")])
    assert all(row["submitted_at"] for row in feedback)
    assert [row["visit"] for row in _rows(document, "self_reflections")] == [person_lesson_id(document)]
    assert len(_rows(document, "problem_days")) == 3  # organiser, preparation role, an activity
    assert {row["title"] for row in _rows(document, "partner_activities")} == {"Акция 1", "Экскурсия 1"}
    survey = _rows(document, "surveys")[0]
    assert survey["answered_at"] and survey["asks_advice"] == 5
    assert (survey["named_advice"], survey["named_trust"]) == (1, 0)
    notification = _rows(document, "notifications")[0]
    assert notification["kind"] == str(Notification.Kind.DEBRIEF_OVERDUE.label) and notification["created_at"]

    # The workbook has a sheet per kind, with a header and the same rows.
    assert len(workbook.worksheets) == len(document["sections"])
    for sheet, section in zip(workbook.worksheets, document["sections"].values(), strict=True):
        assert sheet.title == section["title"][:31]
        assert sheet.max_row == 1 + len(section["rows"])
    for text in (SURNAME, "Классный час 1"):
        assert text in cells


def test_export_holds_nothing_about_others_nor_what_she_is_not_shown(person, school):
    _fill(person, 1)
    content = staff_personal_data_export(staff=person)
    document, _workbook, cells = _open(content)
    text = json.dumps(document, ensure_ascii=False)
    for forbidden in (
        # Feedback text is never in the file, not even her own words: an administrator downloads it.
        "FB-BY-HER",
        "FB-ABOUT-HER",
        "REFLECTION-HERS",
        "DRAFT-ABOUT-HER",  # another observer's draft: not shown to her in the app
        "FB-BY-OTHER",  # another observer's feedback on a colleague's lesson
        "REFLECTION-OF-PEER",  # the colleague's own reflection
        "FB-IN-CURATED-PAIR",  # visits of the pair she curates: about others
        "ЧУЖОЕ-ДОСТИЖЕНИЕ",  # a colleague's card
        "Петрова",  # colleagues' names: other people appear by role only
        person.user.password,  # never the password hash
        "pbkdf2",
        "md5$",
    ):
        assert forbidden not in text
        assert forbidden not in cells
    # A colleague named her ("trust"): the file says only how many she named herself, per question.
    survey = _rows(document, "surveys")[0]
    assert survey["named_trust"] == 0
    assert set(survey) == {"round", "opens_on", "closes_on", "answered_at", *READINESS} | {
        f"named_{kind}" for kind in SurveyTie.Kind.values
    }


def test_export_reads_a_fixed_number_of_queries_whatever_the_amount_of_data(person):
    _fill(person, 1)
    with CaptureQueriesContext(connection) as small:
        staff_personal_data_export(staff=person)
    for tag in range(2, 6):
        _fill(person, tag)
    with CaptureQueriesContext(connection) as large:
        document, _wb, _cells = _open(staff_personal_data_export(staff=person))
    assert len(_rows(document, "feedback")) == 10
    assert len(large) == len(small)


def test_administrator_downloads_the_zip_and_the_export_is_audited(person, administrator):
    _fill(person, 1)
    response = client_for(administrator).post(reverse("privacy:personal_data_export", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="personal-data-{person.pk}.zip"'
    document, _wb, _cells = _open(response.content)
    assert _rows(document, "card")[0]["last_name"] == SURNAME
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSONAL_DATA_EXPORTED)
    assert (event.actor, event.school, event.target_id) == (administrator, person.school, str(person.pk))


@pytest.mark.parametrize("persona", ["teacher", "curator", "deputy_head"])
def test_only_an_administrator_may_export_or_erase(persona, person, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(reverse("privacy:personal_data_export", args=[person.pk])).status_code == 403
    response = client.post(reverse("privacy:erase", args=[person.pk]), {"surname": SURNAME, "reason": "x"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_EXPORTED).exists()
    assert not ErasureRecord.objects.exists()


def test_administrator_of_another_school_gets_404(person, outsider):
    client = client_for(outsider)
    assert client.post(reverse("privacy:personal_data_export", args=[person.pk])).status_code == 404
    response = client.post(reverse("privacy:erase", args=[person.pk]), {"surname": SURNAME, "reason": "Заявление"})
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.last_name == SURNAME


def test_export_is_a_post(person, administrator):
    assert client_for(administrator).get(reverse("privacy:personal_data_export", args=[person.pk])).status_code == 405


# --- erasure ---------------------------------------------------------------------------------------------------


def _erase_through_the_page(administrator, person, reason="Письменное заявление работника от 01.02.2027"):
    return client_for(administrator).post(
        reverse("privacy:erase", args=[person.pk]), {"surname": SURNAME.upper(), "reason": reason}
    )


def _tables_mentioning(*needles):
    """Every table whose rows, read as text, contain one of `needles` (like a grep of a dump)."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            for needle in needles:
                cursor.execute(f"SELECT count(*) FROM {quoted} AS r WHERE r::text ILIKE %s", [f"%{needle}%"])
                if cursor.fetchone()[0]:
                    found.setdefault(table, []).append(needle)
    return found


def test_erasure_removes_her_name_and_e_mail_from_every_table(person, administrator, school, client):
    _fill(person, 1)
    # The trail names her: a card change (a diff of her name), roles granted, sign-in, an export.
    services.staff_member_update(staff=person, last_name=SURNAME, first_name="Снежана-Мария")
    membership_grant(user=person.user, school=school, roles=[Role.CURATOR])
    assert client.post(reverse("login"), {"username": EMAIL, "password": PASSWORD}).status_code == 302
    client_for(administrator).post(reverse("privacy:personal_data_export", args=[person.pk]))
    # Her name in a colleague's notification, a prepared report and an uploaded staff list.
    Notification.objects.create(
        user=administrator,
        school=school,
        kind=Notification.Kind.FEEDBACK_RECEIVED,
        key="f:1",
        title=f"Отзыв на урок от {person.short_name}",
    )
    ReportExport.objects.create(
        school=school,
        requested_by=administrator,
        kind=ReportExport.Kind.PARTICIPATION_MATRIX,
        status=ReportExport.Status.READY,
        file_name="participation.csv",
        content=f"ФИО;Посещения\n{person.full_name};3\n".encode(),
    )
    StaffImport.objects.create(
        school=school, file_name="staff.csv", content=f"Фамилия;Имя\n{SURNAME};Снежана\n".encode("cp1251")
    )
    needles = (SURNAME, "Снежана", EMAIL, CARD_EMAIL)
    assert set(_tables_mentioning(*needles)) >= {
        "staff_staffmember",
        "accounts_user",
        "audit_auditevent",
        "notifications_notification",
        "teams_taskteam",
    }

    response = _erase_through_the_page(administrator, person)
    assert response.status_code == 302 and response["Location"] == reverse("privacy:erasures")

    assert _tables_mentioning(*needles) == {}
    person.refresh_from_db()
    assert person.last_name == erased_label(person.pk)
    assert (person.first_name, person.patronymic, person.email, person.position) == ("", "", "", "")
    assert not person.is_active and person.left_on is not None
    assert not StaffImport.objects.exists() and not ReportExport.objects.exists()
    assert Notification.objects.get(user=administrator).title == f"Отзыв на урок от {erased_label(person.pk)}"
    # The audit rows stay, without her name.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_SUCCEEDED, actor__isnull=True).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERSON_ERASED, target_id=str(person.pk)).exists()


def test_erasure_keeps_what_the_school_figures_need_and_drops_free_text(person, administrator):
    _fill(person, 1)
    award = CategoryAward.objects.get(staff=person)
    _erase_through_the_page(administrator, person)
    kept = CategoryAward.objects.get(pk=award.pk)
    assert (kept.category, kept.awarded_on, kept.valid_until, kept.order_number) == (
        award.category,
        award.awarded_on,
        award.valid_until,
        "",
    )
    achievement = Achievement.objects.get(staff=person)
    assert achievement.title == "—" and achievement.kind == Achievement.Kind.CONTEST
    person.refresh_from_db()
    assert person.teaching_since == datetime.date(2010, 9, 1) and person.association_id is not None
    assert person.subjects.count() == 1


def test_erased_person_cannot_sign_in_and_her_open_session_ends(person, administrator, client):
    assert client.post(reverse("login"), {"username": EMAIL, "password": PASSWORD}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    TOTPDevice.objects.create(user=person.user, name="authenticator")

    _erase_through_the_page(administrator, person)

    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    user = get_user_model().objects.get(pk=person.user_id)
    assert not user.is_active and not user.has_usable_password()
    assert user.email.endswith(".invalid") and (user.first_name, user.last_name) == ("", "")
    assert not Membership.objects.filter(user=user).exists()
    assert not TOTPDevice.objects.filter(user=user).exists()
    for email in (EMAIL, user.email):
        response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
        assert response.status_code == 200 and response.context["form"].errors
    assert client.get(reverse("home")).status_code == 302


def test_erasure_deletes_only_her_sessions_and_the_files_that_mention_her(person, administrator, school, monkeypatch):
    # Read in chunks of two, so that the scans cross chunk boundaries.
    monkeypatch.setattr(core_personal_data, "FILE_CHUNK", 2)
    monkeypatch.setattr(accounts_personal_data, "SESSION_CHUNK", 2)
    colleague = _teacher_with_account(school)
    hers, theirs = [], []
    for user, keys in ((person.user, hers), (colleague.user, theirs), (person.user, hers), (colleague.user, theirs)):
        client = client_for(user)
        assert client.get(reverse("home")).status_code == 200
        keys.append(client.session.session_key)

    def report(number, content):
        return ReportExport.objects.create(
            school=school,
            requested_by=administrator,
            kind=ReportExport.Kind.PARTICIPATION_MATRIX,
            status=ReportExport.Status.READY,
            file_name=f"report-{number}.csv",
            content=content,
        ).pk

    mentioning = [report(1, f"{person.full_name};3".encode()), report(3, f"{SURNAME};1".encode("cp1251"))]
    kept = [report(2, "Петрова М. И.;2".encode()), report(4, b"nobody;0"), report(5, "Иванов;1".encode())]

    assert _erase_through_the_page(administrator, person).status_code == 302
    record = ErasureRecord.objects.get()

    assert not Session.objects.filter(session_key__in=hers).exists()
    assert Session.objects.filter(session_key__in=theirs).count() == 2
    assert sorted(ReportExport.objects.values_list("pk", flat=True)) == sorted(kept)
    assert not ReportExport.objects.filter(pk__in=mentioning).exists()
    counts = {item["category"]: item["count"] for item in record.categories}
    assert (counts["sessions"], counts["report_exports"]) == (2, 2)


def test_observed_teacher_still_reads_the_erased_observers_feedback_without_her_name(person, administrator, school):
    made = _fill(person, 1)
    peer = made["peer"]
    peer.user = UserFactory()
    peer.save()
    MembershipFactory(school=school, user=peer.user, roles=[Role.TEACHER])

    _erase_through_the_page(administrator, person)

    page = client_for(peer.user).get(reverse("visits:detail", args=[made["peer_lesson"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "FB-BY-HER-1" in html
    assert erased_label(person.pk) in html
    assert SURNAME not in html and "Снежана" not in html
    assert Feedback.objects.filter(observer=person).count() == 1


def test_erasure_writes_an_act_without_her_data_shown_to_administrators(person, administrator):
    _fill(person, 1)
    _erase_through_the_page(administrator, person)

    record = ErasureRecord.objects.get()
    assert (record.school, record.staff_id, record.erased_by) == (person.school, person.pk, administrator)
    assert record.reason == "Письменное заявление работника от 01.02.2027"
    counts = {item["category"]: (item["action"], item["count"]) for item in record.categories}
    assert counts["staff_card"] == ("anonymised", 1)
    assert counts["user_account"] == ("anonymised", 1)
    assert counts["memberships"] == ("deleted", 1)
    assert counts["survey_answers"] == ("deleted", 1)
    assert counts["notifications"] == ("deleted", 1)
    assert counts["category_awards"] == ("anonymised", 1) and counts["achievements"] == ("anonymised", 1)
    assert counts["texts"][1] >= 1  # the team's "why these people"
    assert SURNAME not in json.dumps(record.categories, ensure_ascii=False) + record.reason

    page = client_for(administrator).get(reverse("privacy:erasures"))
    html = page.content.decode()
    assert page.status_code == 200 and f"№ {record.pk}" in html and f"№ {person.pk}" in html
    assert SURNAME not in html
    detail = client_for(administrator).get(reverse("staff:detail", args=[person.pk])).content.decode()
    assert 'data-testid="erased-banner"' in detail and 'data-testid="personal-data-erase"' not in detail


def test_erasing_twice_is_a_clear_message_not_an_error(person, administrator):
    _erase_through_the_page(administrator, person)
    again = client_for(administrator).get(reverse("privacy:erase", args=[person.pk]))
    assert again.status_code == 200 and 'data-testid="already-erased"' in again.content.decode()
    response = client_for(administrator).post(
        reverse("privacy:erase", args=[person.pk]), {"surname": erased_label(person.pk), "reason": "Ещё раз"}
    )
    assert response.status_code == 200 and ErasureRecord.objects.count() == 1
    with pytest.raises(AlreadyErased):
        staff_member_erase(staff=person, reason="Ещё раз", erased_by=administrator)
    # An erased card cannot be edited, given categories or achievements, or brought back.
    for name in ("staff:edit", "staff:category_add", "staff:achievement_add"):
        assert client_for(administrator).get(reverse(name, args=[person.pk])).status_code == 302
    client_for(administrator).post(reverse("staff:reactivate", args=[person.pk]))
    person.refresh_from_db()
    assert not person.is_active


@pytest.fixture
def erased_card(school, administrator):
    card = StaffMemberFactory(school=school, last_name=SURNAME)
    CategoryAwardFactory(staff=card)
    AchievementFactory(staff=card)
    staff_member_erase(staff=card, reason="Истёк срок хранения", erased_by=administrator)
    card.refresh_from_db()
    return card


def _card_state(card):
    return (
        StaffMember.objects.values().get(pk=card.pk),
        list(CategoryAward.objects.filter(staff=card).values()),
        list(Achievement.objects.filter(staff=card).values()),
        AuditEvent.objects.filter(target_type="staff.staffmember", target_id=str(card.pk)).count(),
    )


CHANGES = {
    "update": lambda card: services.staff_member_update(staff=card, last_name=SURNAME, first_name="Снежана"),
    "deactivate": lambda card: services.staff_member_deactivate(staff=card, left_on=card.hired_on),
    "reactivate": lambda card: services.staff_member_reactivate(staff=card),
    "category_award_create": lambda card: services.category_award_create(
        staff=card, category=QualificationCategory.HIGHEST, awarded_on=datetime.date(2026, 1, 10), order_number="№ 7"
    ),
    "category_award_delete": lambda card: services.category_award_delete(award=card.category_awards.get()),
    "achievement_create": lambda card: services.achievement_create(
        staff=card,
        kind=Achievement.Kind.CONTEST,
        title="Учитель года",
        date=datetime.date(2026, 2, 1),
        level=Achievement.Level.REGIONAL,
        result=Achievement.Result.WINNER,
    ),
    "achievement_delete": lambda card: services.achievement_delete(achievement=card.achievements.get()),
}


@pytest.mark.parametrize("change", CHANGES)
def test_services_refuse_to_change_an_erased_card(erased_card, change):
    before = _card_state(erased_card)
    with pytest.raises(services.StaffErased):
        CHANGES[change](erased_card)
    assert _card_state(erased_card) == before


@pytest.mark.parametrize(
    "name,target",
    [
        ("staff:reactivate", "card"),
        ("staff:deactivate", "card"),
        ("staff:category_delete", "award"),
        ("staff:achievement_delete", "achievement"),
    ],
)
def test_change_pages_of_an_erased_card_answer_with_a_message(erased_card, administrator, name, target):
    pk = {
        "card": erased_card.pk,
        "award": erased_card.category_awards.get().pk,
        "achievement": erased_card.achievements.get().pk,
    }[target]
    before = _card_state(erased_card)
    response = client_for(administrator).post(reverse(name, args=[pk]), {"left_on": "2026-06-01"}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        _("The personal data of this person were erased; the card cannot be changed.")
    ]
    assert _card_state(erased_card) == before


@pytest.mark.parametrize(
    "data,field",
    [
        ({"surname": "Иванова", "reason": "Заявление"}, "surname"),
        ({"surname": SURNAME, "reason": ""}, "reason"),
        ({"surname": SURNAME, "reason": "Заявление Загорулько С. И."}, "reason"),
        ({"surname": SURNAME, "reason": "уволилась загорулько"}, "reason"),
    ],
)
def test_erasure_needs_the_surname_typed_and_a_reason_that_does_not_name_her(person, administrator, data, field):
    response = client_for(administrator).post(reverse("privacy:erase", args=[person.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    person.refresh_from_db()
    assert person.last_name == SURNAME and not ErasureRecord.objects.exists()


def test_administrator_cannot_erase_herself(school, administrator):
    own_card = StaffMemberFactory(school=school, user=administrator)
    with translation.override("en"), pytest.raises(Exception, match="own data"):
        staff_member_erase(staff=own_card, reason="Заявление", erased_by=administrator)
    own_card.refresh_from_db()
    assert own_card.first_name == "Мария"


def test_erasure_is_all_or_nothing(person, administrator, monkeypatch):
    _fill(person, 1)

    def broken(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(audit_personal_data, "audit_events_anonymise", broken)
    with pytest.raises(RuntimeError):
        staff_member_erase(staff=person, reason="Заявление", erased_by=administrator)
    person.refresh_from_db()
    assert person.last_name == SURNAME and person.user.is_active
    assert SurveyAnswer.objects.filter(respondent=person).exists()
    assert Notification.objects.filter(user=person.user).exists()
    assert not ErasureRecord.objects.exists()


def test_account_working_in_another_school_keeps_signing_in_there(person, administrator, client):
    elsewhere = SchoolFactory()
    MembershipFactory(school=elsewhere, user=person.user, roles=[Role.CURATOR])
    assert client.post(reverse("login"), {"username": EMAIL, "password": PASSWORD}).status_code == 302

    _erase_through_the_page(administrator, person)

    # The account's own trail (its sign-ins) is still its own; the card's rows lost the name.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_SUCCEEDED, actor__email=EMAIL).exists()

    person.refresh_from_db()
    assert person.user_id is None and person.last_name == erased_label(person.pk)
    memberships = Membership.objects.filter(user__email=EMAIL)
    assert [m.school for m in memberships] == [elsewhere]
    assert client.post(reverse("login"), {"username": EMAIL, "password": PASSWORD}).status_code == 302
    counts = {item["category"] for item in ErasureRecord.objects.get().categories}
    assert "memberships" in counts and "user_account" not in counts


def _trail_text(school):
    rows = AuditEvent.objects.filter(school=school).values("actor_label", "target_label", "changes")
    return json.dumps(list(rows), ensure_ascii=False)


def test_account_kept_for_another_school_loses_her_name_in_this_schools_trail_only(
    person, administrator, school, client
):
    elsewhere = SchoolFactory()
    MembershipFactory(school=elsewhere, user=person.user, roles=[Role.CURATOR])
    membership_grant(user=person.user, school=school, roles=[Role.CURATOR])  # about her account, here
    assert client.post(reverse("login"), {"username": EMAIL, "password": PASSWORD}).status_code == 302  # in both
    colleague = StaffMemberFactory(school=school)
    # What she did in each school, as the acting user.
    for where, card in ((school, colleague), (elsewhere, StaffMemberFactory(school=elsewhere))):
        audit_record(action=AuditEvent.Action.STAFF_UPDATED, school=where, target=card, actor=person.user)
    for where in (school, elsewhere):
        assert SURNAME in _trail_text(where) and EMAIL in _trail_text(where)

    _erase_through_the_page(administrator, person)

    here = _trail_text(school)
    assert SURNAME not in here and EMAIL not in here and "Снежана" not in here
    assert not AuditEvent.objects.filter(school=school, actor=person.user).exists()
    kept = AuditEvent.objects.filter(school=school, action=AuditEvent.Action.STAFF_UPDATED, target_id=str(colleague.pk))
    assert kept.get().actor_label == ERASED_LABEL
    # The other school's rows are not this school's to erase.
    there = AuditEvent.objects.filter(school=elsewhere, actor=person.user)
    assert {row.action for row in there} == {AuditEvent.Action.SIGN_IN_SUCCEEDED, AuditEvent.Action.STAFF_UPDATED}
    assert all(EMAIL in row.actor_label for row in there)
    about = AuditEvent.objects.filter(school=elsewhere, target_type="accounts.user", target_id=str(person.user_id))
    assert about.exists() and all(SURNAME in row.target_label for row in about)


def test_surveys_keep_their_stored_results_and_lose_her_own_answers(person, administrator, school):
    colleagues = [_teacher_with_account(school) for _ in range(3)]
    analysed = SurveyRoundFactory(school=school, people=[person, *colleagues])
    for respondent in [person, *colleagues]:
        others = [p for p in [person, *colleagues] if p != respondent][:2]
        survey_answer_submit(
            survey_round=analysed, respondent=respondent, choices={"advice": others}, readiness=READINESS
        )
    survey_round_close(survey_round=analysed)
    survey_round_analyse(round_id=analysed.pk)
    stored = SurveyAnalysis.objects.values().get(round=analysed)
    still_open = SurveyRoundFactory(school=school, people=[person, *colleagues])
    survey_answer_submit(
        survey_round=still_open, respondent=person, choices={"advice": colleagues[:1]}, readiness=READINESS
    )

    _erase_through_the_page(administrator, person)

    assert SurveyAnalysis.objects.values().get(round=analysed) == stored
    assert analysed.participants.filter(answered_at__isnull=False).count() == 4  # the count pages show
    assert not SurveyAnswer.objects.filter(respondent=person).exists()
    assert not SurveyTie.objects.filter(respondent=person).exists()
    # Colleagues' answers that named her are theirs, and stay.
    assert SurveyTie.objects.filter(target=person, answer__round=analysed).exists()
    # A round not analysed yet will count her as neither participant nor respondent.
    assert not SurveyParticipant.objects.filter(round=still_open, staff=person).exists()
    assert SurveyParticipant.objects.filter(round=analysed, staff=person).exists()


def test_erase_page_names_the_person_and_what_will_happen(person, administrator):
    page = client_for(administrator).get(reverse("privacy:erase", args=[person.pk]))
    assert page.status_code == 200
    assert person.full_name in page.content.decode()
    assert StaffMember.objects.get(pk=person.pk).last_name == SURNAME


def test_a_card_without_an_account_is_erased_too(school, administrator):
    card = StaffMemberFactory(school=school, last_name=SURNAME, email=CARD_EMAIL)
    document, _wb, _cells = _open(staff_personal_data_export(staff=card))
    assert _rows(document, "account") == [] and _rows(document, "notifications") == []
    record = staff_member_erase(staff=card, reason="Истёк срок хранения", erased_by=administrator)
    card.refresh_from_db()
    assert card.last_name == erased_label(card.pk) and card.email == ""
    assert "user_account" not in {item["category"] for item in record.categories}


def test_acts_page_reads_a_fixed_number_of_queries(school, administrator):
    client = client_for(administrator)

    def erase_and_count(how_many):
        for _number in range(how_many):
            staff_member_erase(staff=_teacher_with_account(school), reason="Заявление", erased_by=administrator)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("privacy:erasures")).status_code == 200
        return len(queries)

    assert erase_and_count(1) == erase_and_count(6)
