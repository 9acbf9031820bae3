"""The network community on the dashboards: network events and association meetings
are forms of participation (per teacher and in the coverage); sharing, commenting and
answering are counted per school and per association only, never per teacher."""

import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.associations.models import Meeting, MeetingAttendance
from apps.associations.tests.factories import YearPlanFactory
from apps.community.models import Answer, Material, MaterialComment, MaterialVersion
from apps.community.tests.factories import AnswerFactory, MaterialCommentFactory, MaterialFactory, QuestionFactory
from apps.core.shares import disclosure_note
from apps.core.tenancy import Circle
from apps.dashboards import aggregates, selectors
from apps.dashboards.models import ReportExport, YearSummary
from apps.dashboards.periods import Period, academic_year
from apps.dashboards.report import annual_report
from apps.dashboards.report_exports import report_export_build
from apps.dashboards.services import summaries_refresh
from apps.network_events.models import Event
from apps.network_events.tests.factories import EventFactory, RegistrationFactory
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory
from conftest import client_for

D = datetime.date
YEAR = 2025  # the academic year 2025/26, over by now
SAMARA = zoneinfo.ZoneInfo("Europe/Samara")
COUNT_ONLY = ("shared_materials", "commented", "answered")


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SAMARA)


def held_event(school, day, *, by, leads=(), attended=(), absent=(), status=Event.Status.HELD):
    event = EventFactory(
        school=school,
        created_by=by,
        starts_at=at(day, 15),
        ends_at=at(day, 17),
        status=status,
        circle="network",
        leads=list(leads),
    )
    for person in attended:
        RegistrationFactory(event=event, staff=person, attended=True)
    for person in absent:
        RegistrationFactory(event=event, staff=person, attended=False)
    return event


def meeting(association, day, *, head, present=(), absent=(), held=True):
    plan = YearPlanFactory(association=association, year=YEAR, head=head)
    status = Meeting.Status.HELD if held else Meeting.Status.PLANNED
    held_meeting = Meeting.objects.create(
        plan=plan,
        school=association.school,
        number=1,
        planned_on=day,
        agenda="1. Итоги взаимопосещений.",
        status=status,
        held_on=day if held else None,
    )
    for person in present:
        MeetingAttendance.objects.create(meeting=held_meeting, staff=person, present=True)
    for person in absent:
        MeetingAttendance.objects.create(meeting=held_meeting, staff=person, present=False)
    return held_meeting


def new_version(material, day):
    version = MaterialVersion.objects.create(
        material=material, number=2, link="https://example.org/v2", change_note="Добавлен лист самооценки.", title="v2"
    )
    MaterialVersion.objects.filter(pk=version.pk).update(created_at=at(day))


def written_on(model, obj, day):
    model.objects.filter(pk=obj.pk).update(created_at=at(day))


@pytest.fixture
def community(school):
    """School A: ann and bob in association X, cat and dan in Y; school B: olga.

    ann   leads a held event; shares a material in the year and a new version of it (2 items)
    bob   attended a held event; a material still a draft; 2 comments in the year, 1 before it
    cat   absent from a held event; present at a held meeting; a new version of an older material
    dan   attended only a planned event; absent at the meeting; one answer in the year
    olga  (school B) attended school A's held event; one comment in the year
    """
    x = SubjectAssociationFactory(school=school, name="ШМО гуманитарного цикла")
    y = SubjectAssociationFactory(school=school, name="ШМО начальных классов")
    other = SchoolFactory(short_name="Ольховская ООШ")
    hired = {"hired_on": D(2015, 8, 30)}
    ann = StaffMemberFactory(school=school, last_name="Ann", association=x, **hired)
    bob = StaffMemberFactory(school=school, last_name="Bob", association=x, **hired)
    cat = StaffMemberFactory(school=school, last_name="Cat", association=y, **hired)
    dan = StaffMemberFactory(school=school, last_name="Dan", association=y, **hired)
    olga = StaffMemberFactory(school=other, last_name="Olga", **hired)

    held_event(school, D(2025, 11, 12), by=dan, leads=[ann], attended=[bob, olga], absent=[cat])
    held_event(school, D(2026, 2, 10), by=ann, attended=[dan], status=Event.Status.PLANNED)
    held_event(school, D(2025, 3, 3), by=ann, attended=[cat])  # the year before
    meeting(y, D(2025, 10, 20), head=dan, present=[cat], absent=[dan])
    meeting(x, D(2025, 5, 20), head=ann, present=[bob])  # the year before

    shared = MaterialFactory(school=school, author=ann, circle=Circle.SCHOOL, published_at=at(D(2025, 10, 1)))
    new_version(shared, D(2026, 1, 15))
    MaterialFactory(school=school, author=bob, circle=Circle.DRAFT)
    older = MaterialFactory(school=school, author=cat, circle=Circle.NETWORK, published_at=at(D(2024, 10, 1)))
    new_version(older, D(2026, 3, 1))
    for day in (D(2025, 12, 1), D(2026, 4, 1), D(2025, 6, 1)):
        written_on(MaterialComment, MaterialCommentFactory(material=shared, author=bob), day)
    written_on(MaterialComment, MaterialCommentFactory(material=older, author=olga, school=other), D(2026, 1, 10))
    question = QuestionFactory(school=school, author=ann)
    written_on(Answer, AnswerFactory(question=question, author=dan), D(2026, 2, 2))
    return {"x": x, "y": y, "other": other, "ann": ann, "bob": bob, "cat": cat, "dan": dan, "olga": olga}


def window(school):
    return selectors._period_window(school, academic_year(YEAR))


def test_each_form_counts_the_right_people_of_the_school_and_period(school, community):
    rows = aggregates.participation_counts(
        schools=[school.pk, community["other"].pk], by_association=True, **window(school)
    )
    by_key = {(row["school_id"], row["association_id"]): row for row in rows}
    mine = by_key[(school.pk, None)]
    assert mine["staff"] == 4
    assert (mine["in_network_events"], mine["in_association_meetings"]) == (2, 1)  # ann, bob; cat
    assert mine["covered"] == 3  # dan only attended a planned event and was absent at the meeting
    assert (mine["shared_materials"], mine["shared_materials_items"]) == (2, 3)  # ann 2, cat 1; bob's draft none
    assert (mine["commented"], mine["commented_items"]) == (1, 2)  # bob's comment of June 2025 is last year's
    assert (mine["answered"], mine["answered_items"]) == (1, 1)
    # Olga attended school A's event and commented on its material: she counts for her own school.
    theirs = by_key[(community["other"].pk, None)]
    assert (theirs["in_network_events"], theirs["commented"], theirs["commented_items"]) == (1, 1, 1)
    assert (theirs["in_association_meetings"], theirs["shared_materials"], theirs["answered"]) == (0, 0, 0)
    # Per association.
    x = by_key[(school.pk, community["x"].pk)]
    y = by_key[(school.pk, community["y"].pk)]
    assert (x["in_network_events"], x["in_association_meetings"], x["covered"]) == (2, 0, 2)
    assert (x["shared_materials"], x["shared_materials_items"], x["commented_items"], x["answered"]) == (1, 2, 2, 0)
    assert (y["in_network_events"], y["in_association_meetings"], y["covered"]) == (0, 1, 1)
    assert (y["shared_materials"], y["shared_materials_items"], y["commented"], y["answered_items"]) == (1, 1, 0, 1)


def test_the_year_before_counts_its_own_people(school, community):
    before = academic_year(YEAR - 1)
    start_at, end_at = before.bounds(school.time_zone)
    [row] = aggregates.participation_counts(
        schools=[school.pk], start=before.start, end=before.end, start_at=start_at, end_at=end_at
    )
    # cat attended last year's event and shared her material then; bob was at last
    # year's meeting and commented.
    assert (row["in_network_events"], row["in_association_meetings"]) == (1, 1)
    assert (row["commented"], row["commented_items"]) == (1, 1)
    assert (row["shared_materials"], row["shared_materials_items"], row["answered"]) == (1, 1, 0)


def test_the_page_counts_from_the_matrix_as_the_counts_query_does(school, community):
    for association in (None, community["x"], community["y"]):
        for period in (academic_year(YEAR), Period(D(2026, 1, 1), D(2026, 3, 31), "III четверть")):
            matrix = selectors.participation_matrix(school=school, period=period, association=association)
            from_matrix = selectors.participation_summary(
                school=school, period=period, association=association, matrix=matrix
            )
            assert from_matrix == selectors.participation_summary(school=school, period=period, association=association)
    summary = selectors.participation_summary(school=school, period=academic_year(YEAR))
    community_lines = {line.key: (line.people, line.items) for line in summary["community"]}
    assert community_lines == {"shared_materials": (2, 3), "commented": (1, 2), "answered": (1, 1)}


def test_no_person_carries_what_they_shared_commented_or_answered(school, community):
    rows = selectors.participation_matrix(school=school, period=academic_year(YEAR))
    people = {row["last_name"]: row for row in rows}
    assert people["Ann"]["in_network_events"] and not people["Ann"]["in_association_meetings"]
    assert people["Cat"]["in_association_meetings"] and people["Cat"]["covered"]
    assert not people["Dan"]["covered"]
    for row in rows:
        assert not {key for key in row if key.startswith(COUNT_ONLY)}
    assert set(rows.community) == {*COUNT_ONLY, *(f"{form}_items" for form in COUNT_ONLY)}


def test_the_per_teacher_table_and_its_export_have_no_community_columns(school, community, administrator):
    body = client_for(administrator).get(reverse("dashboards:participation"), {"year": YEAR}).content.decode()
    matrix = body[body.index('data-testid="participation-matrix"') :]
    matrix = matrix[: matrix.index("</table>")]
    assert 'data-form="in_network_events"' in matrix and 'data-form="in_association_meetings"' in matrix
    for form in COUNT_ONLY:
        assert f'data-form="{form}"' not in matrix
        assert str(selectors.community_labels()[form]) not in matrix
    # The school's counts: people and items.
    assert 'data-testid="community-shared_materials">2 · 3<' in body
    assert 'data-testid="community-commented">1 · 2<' in body
    assert 'data-testid="count-in_network_events">2 · 50 %' in body
    assert 'data-testid="count-covered">3 · 75 %' in body

    export = ReportExport.objects.create(
        school=school, requested_by=administrator, kind=ReportExport.Kind.PARTICIPATION_MATRIX, params={"year": YEAR}
    )
    report_export_build(export_id=export.pk)
    export.refresh_from_db()
    sheet = load_workbook(io.BytesIO(bytes(export.content))).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    header = next(row for row in rows if row[0] == "ФИО")
    assert "Сетевые мероприятия: проводил(а) или посетил(а)" in header
    assert "Заседания методических объединений" in header
    text = " ".join(str(cell) for row in rows for cell in row if cell is not None).lower()
    for word in ("подел", "коммент", "ответ"):
        assert word not in text
    # Ann's row: the ticks stop at the forms of participation.
    ann = next(row for row in rows if row[0].startswith("Ann"))
    assert len([cell for cell in ann if cell is not None]) == 2 + 2  # name, employed, network event, covered


def test_the_summary_xlsx_counts_the_community_for_the_school(school, community, administrator):
    response = client_for(administrator).get(reverse("dashboards:participation_xlsx"), {"year": YEAR})
    book = load_workbook(io.BytesIO(response.content))
    community_sheet = book.worksheets[-1]
    rows = list(community_sheet.iter_rows(values_only=True))
    # The headers are whole Russian phrases.
    assert rows[0][1:3] == (f"{academic_year(YEAR).label}: человек", "записей")
    assert rows[1][1:3] == (2, 3)  # shared: people, items
    names = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    for person in ("Ann", "Bob", "Cat", "Dan"):
        assert person not in names


def test_summaries_and_the_yearly_report_hold_the_new_forms(school, community):
    summaries_refresh(now=at(D(2026, 11, 23)))
    row = YearSummary.objects.get(school=school, year=YEAR, association=None)
    assert (row.in_network_events, row.in_association_meetings, row.covered) == (2, 1, 3)
    assert (row.shared_materials, row.shared_materials_items, row.commented, row.commented_items) == (2, 3, 1, 2)
    assert (row.answered, row.answered_items) == (1, 1)
    y = YearSummary.objects.get(school=school, year=YEAR, association=community["y"])
    assert (y.in_association_meetings, y.shared_materials, y.answered) == (1, 1, 1)
    report = annual_report(school=school, year=YEAR)
    assert report.criterion("covered").count == 3
    assert (report.criterion("network_events").count, report.criterion("network_events").share) == (2, 50)
    assert report.criterion("association_meetings").count == 1
    assert report.criterion("materials_shared").count == 3
    assert report.criterion("community_replies").count == 3  # two comments and an answer


@pytest.fixture
def network(school, community):
    net = SchoolNetworkFactory(name="Сеть «Эффективная школа»")
    school.network, school.is_network_leader = net, True
    school.save()
    community["other"].network = net
    community["other"].save()
    # Olga's two colleagues, who wrote nothing: her school's counts are a group of three's.
    for name in ("Pia", "Raya"):
        StaffMemberFactory(school=community["other"], last_name=name, hired_on=D(2015, 8, 30))
    coordinator = UserFactory()
    net.coordinators.add(coordinator)
    return {"network": net, "coordinator": coordinator}


def test_the_network_page_counts_the_community_per_school(school, community, network):
    summaries_refresh(now=at(D(2026, 11, 23)))
    url = reverse("dashboards:network", kwargs={"network_id": network["network"].pk})
    client = client_for(network["coordinator"])
    body = client.get(url, {"year": YEAR}).content.decode()
    other = community["other"].pk
    assert f'data-testid="in_network_events-{school.pk}">2<' in body
    assert f'data-testid="in_association_meetings-{school.pk}">1<' in body
    assert f'data-testid="shared_materials-{school.pk}">2 · 3<' in body
    assert f'data-testid="commented-{other}">1 · 1<' in body
    assert f'data-testid="answered-{school.pk}">1 · 1<' in body
    for name in ("Ann", "Bob", "Cat", "Dan", "Olga"):
        assert name not in body
    response = client.get(
        reverse("dashboards:network_xlsx", kwargs={"network_id": network["network"].pk}), {"year": YEAR}
    )
    sheet = load_workbook(io.BytesIO(response.content))["Сетевое сообщество"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows[school.short_name][1:] == (2, 1, 2, 3, 1, 2, 1, 1)


def test_a_small_group_s_community_counts_are_not_shown(school, community, administrator):
    # Association X is Ann and Bob: «1 · 2» would be what Ann shared (and Bob's comments).
    params = {"year": YEAR, "association": community["x"].pk}
    client = client_for(administrator)
    body = client.get(reverse("dashboards:participation"), params).content.decode()
    for form in COUNT_ONLY:
        assert f'data-testid="community-{form}">—<' in body
    assert disclosure_note() in body
    # The forms of participation stay: they are what the per-teacher table shows the administration.
    assert 'data-testid="count-in_network_events">2 · 100 %' in body

    response = client.get(reverse("dashboards:participation_xlsx"), params)
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[-1].iter_rows(values_only=True))
    assert [row[1:] for row in rows[1:4]] == [("—", "—", "—", "—")] * 3
    assert "3" in rows[-1][0]  # the rule, under the table

    # The whole school (four people) shows its counts.
    body = client.get(reverse("dashboards:participation"), {"year": YEAR}).content.decode()
    assert 'data-testid="community-shared_materials">2 · 3<' in body


def test_the_network_page_hides_a_small_association_s_community_counts(school, community, network):
    summaries_refresh(now=at(D(2026, 11, 23)))
    url = reverse("dashboards:network", kwargs={"network_id": network["network"].pk})
    params = {"year": YEAR, "association_name": community["y"].name}
    client = client_for(network["coordinator"])
    body = client.get(url, params).content.decode()
    # Association Y is Cat and Dan: Dan's one answer and Cat's one version stay theirs.
    for form in COUNT_ONLY:
        assert f'data-testid="{form}-{school.pk}">—<' in body
    assert f'data-testid="in_association_meetings-{school.pk}">1<' in body
    response = client.get(reverse("dashboards:network_xlsx", kwargs={"network_id": network["network"].pk}), params)
    sheet = load_workbook(io.BytesIO(response.content))["Сетевое сообщество"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows[school.short_name][1:] == (0, 1, "—", "—", "—", "—", "—", "—")


def _grow(school, n, association):
    """`n` more people who lead events, attend meetings, share, comment and answer."""
    for i in range(n):
        a = StaffMemberFactory(school=school, association=association, hired_on=D(2015, 8, 30))
        b = StaffMemberFactory(school=school, association=association, hired_on=D(2015, 8, 30))
        held_event(school, D(2025, 10, 1 + i % 20), by=a, leads=[a], attended=[b])
        material = MaterialFactory(school=school, author=a, published_at=at(D(2025, 10, 2)))
        written_on(MaterialComment, MaterialCommentFactory(material=material, author=b), D(2025, 10, 3))
        written_on(Answer, AnswerFactory(question=QuestionFactory(school=school, author=a), author=b), D(2025, 10, 4))
    Material.objects.filter(school=school).update(published_at=at(D(2025, 10, 2)))


@pytest.mark.parametrize(
    "name,role,expected",
    [
        # One more than before: the collective-work rating's totals by criterion (one query).
        ("dashboards:participation", Role.ADMINISTRATOR, 8),
        ("dashboards:participation_xlsx", Role.ADMINISTRATOR, 5),
        ("dashboards:my_participation", Role.TEACHER, 6),
    ],
)
def test_query_counts_stay_fixed_as_the_community_grows(
    school, community, administrator, teacher, name, role, expected, django_assert_num_queries
):
    # The same numbers as before the community's forms were counted.
    user = teacher if role == Role.TEACHER else administrator
    community["ann"].user = user
    community["ann"].save()
    client = client_for(user)
    client.get(reverse(name), {"year": YEAR})
    with django_assert_num_queries(expected):
        assert client.get(reverse(name), {"year": YEAR}).status_code == 200
    _grow(school, 15, community["x"])
    with django_assert_num_queries(expected):
        assert client.get(reverse(name), {"year": YEAR}).status_code == 200


def test_the_network_query_count_stays_fixed_as_the_community_grows(
    school, community, network, django_assert_num_queries
):
    MembershipFactory(user=network["coordinator"], school=school, roles=[Role.ADMINISTRATOR])
    url = reverse("dashboards:network", kwargs={"network_id": network["network"].pk})
    summaries_refresh()
    client = client_for(network["coordinator"])
    client.get(url)
    with django_assert_num_queries(9):
        client.get(url)
    _grow(school, 10, community["y"])
    summaries_refresh()
    with django_assert_num_queries(9):
        client.get(url)
