"""The school's dashboards and the network's view: exact figures on hand-built data,
the edge cases of each indicator's definition, access, query counts at two sizes, exports."""

import datetime
import io
import re
import zipfile
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.dashboards import aggregates, selectors
from apps.dashboards.models import YearSummary
from apps.dashboards.periods import Period, academic_year
from apps.dashboards.report import annual_report
from apps.dashboards.services import summaries_refresh
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.partners.tests.factories import JointActivityFactory
from apps.staff.models import Achievement, QualificationCategory, StaffMember
from apps.staff.tests.factories import (
    AchievementFactory,
    CategoryAwardFactory,
    StaffMemberFactory,
    SubjectAssociationFactory,
)
from apps.teams.models import TeamMember
from apps.teams.tests.factories import TaskTeamFactory
from apps.visits.models import LessonVisit
from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory
from conftest import client_for

D = datetime.date
YEAR = 2025  # the academic year 2025/26, over by "today" (23 November 2026)
SAMARA = zoneinfo.ZoneInfo("Europe/Samara")
SECRET = "Уникальный текст отзыва 7f3a"


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SAMARA)


def visit(school, *, observed, observers, day, status, group=None, kind=LessonVisit.Kind.PAIR_VISIT, hours=None, **kw):
    starts = at(day)
    ends = starts + datetime.timedelta(minutes=45)
    fields = {"debriefed_at": ends + datetime.timedelta(hours=hours)} if hours is not None else {}
    if status == LessonVisit.Status.CANCELLED:
        fields["cancel_reason"] = "Карантин"
    return LessonVisitFactory(
        school=school,
        observed=observed,
        observers=observers,
        group=group,
        kind=kind,
        starts_at=starts,
        ends_at=ends,
        debrief_due_at=ends + datetime.timedelta(hours=48),
        status=status,
        **fields,
        **kw,
    )


@pytest.fixture
def world(school):
    """Five people of the year 2025/26 and one who left before it.

    anna   highest since 2022; in the pair; observer of v1 and v3; observed in v2 and v5
    boris  first awarded ON 1 September 2025; in the pair; observed in v1 and v3
    vera   no category; in a team; left mid-year (15 January 2026); partner activity
    gleb   fits the post until 10 January 2026; in the team; curator of the pair; contest
    dina   hired 1 February 2026; only a cancelled visit (which does not count)
    elena  left in 2024: not staff of the year
    """
    assoc_a = SubjectAssociationFactory(school=school, name="ШМО гуманитарного цикла")
    assoc_b = SubjectAssociationFactory(school=school, name="ШМО начальных классов")
    people = {}
    for name, hired, left, association in (
        ("anna", D(2012, 8, 30), None, assoc_a),
        ("boris", D(2012, 8, 30), None, assoc_a),
        ("vera", D(2012, 8, 30), D(2026, 1, 15), assoc_a),
        ("gleb", D(2012, 8, 30), None, assoc_a),
        ("dina", D(2026, 2, 1), None, assoc_b),
        ("elena", D(2012, 8, 30), D(2024, 6, 30), assoc_b),
    ):
        people[name] = StaffMemberFactory(
            school=school,
            last_name=name.capitalize(),
            hired_on=hired,
            left_on=left,
            is_active=left is None,
            association=association,
        )
    p = people
    CategoryAwardFactory(staff=p["anna"], category=QualificationCategory.HIGHEST, awarded_on=D(2022, 12, 20))
    CategoryAwardFactory(staff=p["boris"], category=QualificationCategory.FIRST, awarded_on=D(2025, 9, 1))
    CategoryAwardFactory(
        staff=p["gleb"], category=QualificationCategory.FITS_POST, awarded_on=D(2021, 1, 10), valid_until=D(2026, 1, 10)
    )
    CategoryAwardFactory(staff=p["elena"], category=QualificationCategory.HIGHEST, awarded_on=D(2020, 1, 10))
    group = MentorGroupFactory(
        school=school,
        members=[p["anna"], p["boris"]],
        curator=p["gleb"],
        starts_on=D(2025, 9, 1),
        planned_end_on=D(2026, 5, 31),
    )
    team = TaskTeamFactory(school=school, lead=p["vera"], members=[p["gleb"]])
    TeamMember.objects.filter(team=team).update(joined_on=D(2025, 10, 1))
    JointActivityFactory(school=school, teachers=[p["vera"]], responsible=p["vera"], starts_on=D(2025, 10, 15))
    AchievementFactory(staff=p["gleb"], kind=Achievement.Kind.CONTEST, date=D(2026, 3, 1))
    AchievementFactory(staff=p["dina"], kind=Achievement.Kind.COURSE, date=D(2026, 3, 1))  # not counted
    S = LessonVisit.Status
    v1 = visit(
        school,
        observed=p["boris"],
        observers=[p["anna"]],
        day=D(2025, 11, 10),
        status=S.DEBRIEFED,
        group=group,
        hours=10,
    )
    visit(
        school,
        observed=p["anna"],
        observers=[p["boris"]],
        day=D(2026, 4, 15),
        status=S.DEBRIEFED_LATE,
        group=group,
        hours=60,
    )
    visit(school, observed=p["boris"], observers=[p["anna"]], day=D(2026, 2, 2), status=S.OVERDUE)
    visit(school, observed=p["dina"], observers=[p["gleb"]], day=D(2026, 3, 3), status=S.CANCELLED)
    visit(
        school,
        observed=p["anna"],
        observers=[p["boris"]],
        day=D(2026, 3, 10),
        status=S.DEBRIEFED,
        group=group,
        kind=LessonVisit.Kind.REVERSE_VISIT,
        hours=5,
        answers_visit=v1,
    )
    FeedbackFactory(visit=v1, observer=p["anna"], facts=SECRET)
    return {"people": p, "group": group, "assoc_a": assoc_a, "assoc_b": assoc_b}


def test_categories_on_the_reference_day_count_an_award_made_that_day(school, world):
    dates = {2025: D(2025, 9, 1), 2026: D(2026, 9, 1)}
    rows = {row["year"]: row for row in aggregates.category_counts(schools=[school.pk], dates=dates)}
    assert {k: rows[2025][k] for k in ("headcount", "highest", "first", "fits_post", "no_category")} == {
        "headcount": 4,  # anna, boris, vera, gleb; dina not yet hired, elena gone
        "highest": 1,
        "first": 1,  # boris, awarded on the reference day itself
        "fits_post": 1,
        "no_category": 1,
    }
    # A year later vera has left, dina is hired and gleb's award has run out.
    assert {k: rows[2026][k] for k in ("headcount", "highest", "first", "fits_post", "no_category")} == {
        "headcount": 4,
        "highest": 1,
        "first": 1,
        "fits_post": 0,
        "no_category": 2,
    }


def test_category_breakdown_by_association_and_experience(school, world):
    result = selectors.categories_breakdown(school=school, on=D(2025, 9, 1))
    by_name = {row["name"]: row for row in result["associations"]}
    assert set(by_name) == {"ШМО гуманитарного цикла"}
    assert by_name["ШМО гуманитарного цикла"]["headcount"] == 4
    bands = {row["key"]: row["headcount"] for row in result["bands"]}
    # The factory's teachers started in September 2010: 15 years on 1 September 2025.
    assert bands == {"0-3": 0, "3-5": 0, "5-10": 0, "10-20": 4, "20+": 0}


def test_participation_of_the_year_by_hand(school, world):
    summary = selectors.participation_summary(school=school, period=academic_year(YEAR))
    counts = {line.key: line.count for line in summary["lines"]}
    assert summary["staff"] == 5  # vera (left mid-year) and dina (joined mid-year) count; elena does not
    assert counts == {
        "in_groups": 2,
        "curators": 1,  # gleb
        "in_teams": 2,
        "observers": 2,  # anna and boris; gleb observed only a cancelled visit
        "observed": 2,
        "in_events": 1,
        "in_network_events": 0,
        "in_association_meetings": 0,
        "achievers": 1,  # gleb's contest; dina's course is not an achievement of the report
        "covered": 4,  # everyone but dina
    }
    shares = {line.key: line.share for line in summary["lines"]}
    assert shares["covered"] == 80.0
    # Nobody did anything the year before: the change is the whole share.
    assert {line.key: line.change for line in summary["lines"]}["covered"] == 80.0


def test_curating_a_pair_alone_is_taking_part(school, world, administrator, teacher):
    """Curating is a form of collaboration with its own column: a curator who does
    nothing else is covered, on the page, in its export, in the per-teacher table,
    the summaries and the yearly report alike."""
    p = world["people"]
    zoya = StaffMemberFactory(school=school, last_name="Zoya", association=world["assoc_b"], user=teacher)
    MentorGroupFactory(
        school=school,
        members=[p["dina"], StaffMemberFactory(school=school, last_name="Yana", hired_on=D(2026, 9, 1))],
        curator=zoya,
        starts_on=D(2026, 2, 1),
        planned_end_on=D(2026, 5, 31),
    )
    # A group that never worked makes nobody a curator.
    MentorGroupFactory(
        school=school,
        members=[p["anna"], p["boris"]],
        curator=p["vera"],
        status="dissolved",
        starts_on=D(2025, 9, 1),
        planned_end_on=D(2026, 5, 31),
    )
    summary = selectors.participation_summary(school=school, period=academic_year(YEAR))
    counts = {line.key: line.count for line in summary["lines"]}
    assert summary["staff"] == 6
    assert (counts["curators"], counts["in_groups"], counts["covered"]) == (2, 3, 6)  # gleb, zoya; dina joins
    rows = {row["last_name"]: row for row in selectors.participation_matrix(school=school, period=academic_year(YEAR))}
    assert rows["Zoya"]["curators"] and rows["Zoya"]["covered"] and not rows["Vera"]["curators"]

    client = client_for(administrator)
    body = client.get(reverse("dashboards:participation"), {"year": YEAR}).content.decode()
    assert 'data-testid="count-curators">2 · 33 %' in body
    assert '<th scope="col" class="text-center" data-form="curators">' in body
    response = client.get(reverse("dashboards:participation_xlsx"), {"year": YEAR})
    sheet_rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert sheet_rows[3][:3] == ("курировал(а) пару или триаду", 2, 33)
    summaries_refresh(now=at(D(2026, 11, 23)))
    row = YearSummary.objects.get(school=school, year=YEAR, association=None)
    assert (row.curators, row.covered) == (2, 6)
    assert YearSummary.objects.get(school=school, year=YEAR, association=world["assoc_b"]).curators == 1
    assert annual_report(school=school, year=YEAR).criterion("covered").count == 6
    mine = client_for(teacher).get(reverse("dashboards:my_participation"), {"year": YEAR}).content.decode()
    assert 'data-testid="yes-curators"' in mine and 'data-testid="yes-in_groups"' not in mine


def test_the_participation_chart_names_the_forms(school, world, administrator):
    body = client_for(administrator).get(reverse("dashboards:participation"), {"year": YEAR}).content.decode()
    chart = body[body.index('data-testid="participation-chart"') : body.index("</figure>")]
    for label in selectors.participation_labels().values():
        # Long names are wrapped onto several lines: each of their words is there.
        for word in str(label).split():
            assert word in chart, label
    # No bare numbers stand for the forms.
    assert not re.search(r">\s*[1-8]\s*</text>", chart)
    # Readable at a phone's width: the picture is no wider than a phone screen.
    width = int(re.search(r'viewBox="0 0 (\d+) ', chart).group(1))
    assert width <= 340


def test_participation_matrix_names_each_person_once(school, world):
    rows = selectors.participation_matrix(school=school, period=academic_year(YEAR))
    flags = {row["last_name"]: row for row in rows}
    assert list(flags) == ["Anna", "Boris", "Dina", "Gleb", "Vera"]
    assert not flags["Dina"]["covered"]
    assert flags["Vera"]["in_teams"] and flags["Vera"]["in_events"] and not flags["Vera"]["is_active"]


def test_a_persons_own_row_is_their_row_of_the_matrix(school, world):
    # «Моё участие» reads the person's card only: the same flags as their row of the whole table.
    elsewhere = StaffMemberFactory(school=SchoolFactory())
    for period in (academic_year(YEAR), Period(D(2026, 2, 1), D(2026, 2, 28), "февраль")):
        matrix = selectors.participation_matrix(school=school, period=period)
        assert matrix
        for row in matrix:
            card = StaffMember.objects.get(pk=row["id"])
            assert selectors.participation_of(school=school, staff=card, period=period) == row
        on_staff = {row["id"] for row in matrix}
        for card in StaffMember.objects.filter(school=school).exclude(pk__in=on_staff):
            assert selectors.participation_of(school=school, staff=card, period=period) is None
        assert selectors.participation_of(school=school, staff=elsewhere, period=period) is None


def test_the_summary_counted_from_the_matrix_is_the_counts_query(school, world):
    # The administrators' page counts the period from its per-teacher rows: the same
    # figures as the counts query, for the whole school and for one association.
    for association in (None, world["assoc_b"]):
        for period in (academic_year(YEAR), Period(D(2026, 2, 1), D(2026, 2, 28), "февраль")):
            matrix = selectors.participation_matrix(school=school, period=period, association=association)
            from_matrix = selectors.participation_summary(
                school=school, period=period, association=association, matrix=matrix
            )
            assert from_matrix == selectors.participation_summary(school=school, period=period, association=association)


def test_one_schools_counts_are_its_row_among_many_schools(school, world):
    # One school's statement is planned for per-person lookups, many schools' for
    # hashing: the same figures either way.
    other = SchoolFactory()
    StaffMemberFactory(school=other)
    window = selectors._period_window(school, academic_year(YEAR))
    [alone] = aggregates.participation_counts(schools=[school.pk], **window)
    among = {row["school_id"]: row for row in aggregates.participation_counts(schools=[school.pk, other.pk], **window)}
    assert alone == among[school.pk] and alone["covered"] and alone["in_network"] is not None


def test_a_custom_period_and_the_previous_one(school, world):
    period = Period(D(2026, 2, 1), D(2026, 2, 28), "февраль")
    assert period.previous() == Period(D(2026, 1, 4), D(2026, 1, 31), "04.01.2026 – 31.01.2026")
    summary = selectors.participation_summary(school=school, period=period)
    counts = {line.key: line.count for line in summary["lines"]}
    assert summary["staff"] == 4  # vera left on 15 January
    assert counts["observed"] == 1 and counts["observers"] == 1  # the overdue visit of 2 February


def test_timeliness_per_curator_and_group(school, world):
    result = selectors.timeliness(school=school, period=academic_year(YEAR), now=at(D(2026, 11, 23)))
    totals = result["totals"]
    assert {k: totals[k] for k in ("visits_held", "on_time", "late", "overdue", "reverse_due", "reverse_done")} == {
        "visits_held": 4,  # the cancelled visit does not count
        "on_time": 2,
        "late": 1,
        "overdue": 1,
        "reverse_due": 2,  # the two pair visits of the group that were debriefed
        "reverse_done": 1,  # v1 is answered; the late one (after the reverse visit) is not
    }
    curator_row = next(row for row in result["by_curator"] if row["curator"] == world["people"]["gleb"])
    assert (curator_row["visits_held"], curator_row["on_time"], curator_row["late"]) == (3, 2, 1)
    assert curator_row["median_debrief_hours"] == 10.0  # of 5, 10 and 60 hours
    outside = next(row for row in result["by_curator"] if row["curator"] is None)
    assert (outside["visits_held"], outside["overdue"]) == (1, 1)
    group_row = next(row for row in result["by_group"] if row["group"] == world["group"])
    assert group_row["visits_held"] == 3


def test_a_curator_sees_only_the_groups_they_curate(school, world):
    result = selectors.timeliness(
        school=school, period=academic_year(YEAR), now=at(D(2026, 11, 23)), curator_staff_ids={-1}
    )
    assert result["by_curator"] == [] and result["by_group"] == [] and result["totals"]["visits_held"] == 0


def test_summaries_hold_the_same_figures_as_the_live_queries(school, world, settings):
    summaries_refresh(now=at(D(2026, 11, 23)))
    row = YearSummary.objects.get(school=school, year=YEAR, association=None)
    assert (row.headcount, row.highest, row.first, row.fits_post, row.no_category) == (4, 1, 1, 1, 1)
    assert (row.staff, row.in_groups, row.in_teams, row.observers, row.observed, row.covered) == (5, 2, 2, 2, 2, 4)
    assert (row.visits_held, row.on_time, row.late, row.overdue) == (4, 2, 1, 1)
    assert (row.reverse_due, row.reverse_done, row.median_debrief_hours) == (2, 1, 10.0)
    assert (row.ties, row.connected) == (2, 4)  # anna–boris (pair, visits), vera–gleb (team)
    per_association = YearSummary.objects.get(school=school, year=YEAR, association=world["assoc_b"])
    assert (per_association.staff, per_association.covered) == (1, 0)
    # Running it again rewrites the same rows.
    count = YearSummary.objects.count()
    summaries_refresh(now=at(D(2026, 11, 23)))
    assert YearSummary.objects.count() == count


def test_categories_page_shows_summary_years_and_live_years_alike(school, world, administrator):
    summaries_refresh(now=at(D(2026, 11, 23)))
    client = client_for(administrator)
    response = client.get(reverse("dashboards:categories"), {"first_year": 2024, "last_year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="highest-2025">25 %' in body
    assert "categories-chart" in body and "<svg" in body
    # The SVG's numbers are never localised (a Russian decimal comma would break it).
    assert not re.search(r'(x|y|width|height)="-?\d+,\d', body)
    # Another reference day is counted live: 31 December 2025.
    response = client.get(reverse("dashboards:categories"), {"ref_day": 31, "ref_month": 12, "first_year": 2025})
    assert 'data-testid="highest-2025">25 %' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"ref_day": 30, "ref_month": 2},
        {"date_from": "2026-02-01"},
        {"date_from": "2026-03-01", "date_to": "2026-02-01"},
        {"year": "1066"},
        {"association": "999999"},
        {"first_year": "2030", "last_year": "2020"},
        {"date_from": "not a date", "date_to": "2026-01-01"},
    ],
)
def test_bad_filters_show_an_error_and_keep_what_was_typed(school, world, administrator, params):
    names = ["dashboards:categories"]
    if not {"ref_day", "first_year"} & set(params):
        names += ["dashboards:participation", "dashboards:timeliness", "dashboards:my_participation"]
    for name in names:
        response = client_for(administrator).get(reverse(name), params)
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "is-invalid" in body, name
        # What was typed into a text box comes back in it (a select shows the error).
        for key in {"date_from", "date_to", "first_year", "last_year", "ref_day"} & set(params):
            assert f'name="{key}" id="id_{key}" value="{params[key]}"' in body, (name, key)


def test_the_teacher_sees_their_own_participation_only(school, world, teacher):
    world["people"]["vera"].user = teacher
    world["people"]["vera"].save()
    response = client_for(teacher).get(reverse("dashboards:my_participation"), {"year": YEAR})
    body = response.content.decode()
    assert 'data-testid="yes-in_teams"' in body and 'data-testid="yes-in_events"' in body
    assert 'data-testid="yes-observers"' not in body
    assert "Anna" not in body and "Boris" not in body
    assert client_for(teacher).get(reverse("dashboards:participation")).status_code == 403


def test_only_administrators_see_names_in_the_participation_table(school, world, administrator, deputy_head):
    params = {"year": YEAR}
    admin_body = client_for(administrator).get(reverse("dashboards:participation"), params).content.decode()
    deputy_body = client_for(deputy_head).get(reverse("dashboards:participation"), params).content.decode()
    assert "participation-matrix" in admin_body and "Dina" in admin_body
    assert "participation-matrix" not in deputy_body and "Dina" not in deputy_body


def _text(response):
    content = response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    return content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "dashboards:categories",
        "dashboards:categories_xlsx",
        "dashboards:participation",
        "dashboards:participation_xlsx",
        "dashboards:timeliness",
        "dashboards:timeliness_xlsx",
        "dashboards:my_participation",
    ],
)
def test_no_page_or_export_shows_feedback_text(school, world, administrator, name):
    response = client_for(administrator).get(reverse(name), {"year": YEAR})
    assert response.status_code == 200
    assert SECRET not in _text(response)


def test_exports_hold_the_tables(school, world, administrator):
    client = client_for(administrator)
    response = client.get(reverse("dashboards:timeliness_xlsx"), {"year": YEAR})
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][1:5] == (4, 2, 1, 1)  # the totals row
    response = client.get(reverse("dashboards:participation_xlsx"), {"year": YEAR})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][1:3] == (5, 100)  # the staff of the period
    assert rows[-1][1:3] == (4, 80.0)


def _grow(school, n):
    """`n` more people with visits, pairs and teams in the year."""
    for i in range(n):
        a, b = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
        group = MentorGroupFactory(school=school, members=[a, b], starts_on=D(2025, 9, 1), planned_end_on=D(2026, 5, 1))
        visit(school, observed=a, observers=[b], day=D(2025, 10, 1 + i % 20), status="debriefed", group=group, hours=3)


# A page's count includes the navbar's count of «Мои дела» (one query); an export has no navbar.
@pytest.mark.parametrize(
    "name,role,expected",
    [
        ("dashboards:categories", Role.ADMINISTRATOR, 8),
        # The counts come from the per-teacher rows; one query for the rating's totals by criterion.
        ("dashboards:participation", Role.ADMINISTRATOR, 8),
        ("dashboards:participation", Role.DEPUTY_HEAD, 8),
        ("dashboards:timeliness", Role.ADMINISTRATOR, 7),
        ("dashboards:timeliness", Role.CURATOR, 7),
        ("dashboards:my_participation", Role.TEACHER, 6),
        ("dashboards:categories_xlsx", Role.ADMINISTRATOR, 6),
        ("dashboards:participation_xlsx", Role.ADMINISTRATOR, 5),
        ("dashboards:timeliness_xlsx", Role.ADMINISTRATOR, 5),
    ],
)
def test_query_count_is_the_same_at_two_sizes(
    school, world, name, role, expected, django_assert_num_queries, teacher, curator, deputy_head, administrator
):
    user = {Role.TEACHER: teacher, Role.CURATOR: curator, Role.DEPUTY_HEAD: deputy_head}.get(role, administrator)
    world["people"]["anna"].user = user
    world["people"]["anna"].save()
    summaries_refresh()
    client = client_for(user)
    client.get(reverse(name), {"year": YEAR})  # warm the session
    with django_assert_num_queries(expected):
        assert client.get(reverse(name), {"year": YEAR}).status_code == 200
    _grow(school, 25)
    summaries_refresh()
    with django_assert_num_queries(expected):
        assert client.get(reverse(name), {"year": YEAR}).status_code == 200


# The network of schools --------------------------------------------------------


@pytest.fixture
def network(school, world):
    net = SchoolNetworkFactory(name="Сеть «Эффективная школа»")
    school.network, school.is_network_leader = net, True
    school.save()
    partner = SchoolFactory(short_name="Ольховская ООШ", network=net)
    other_net_school = SchoolFactory(short_name="Школа другой сети", network=SchoolNetworkFactory())
    pair = MentorGroupFactory(
        school=school,
        partner_school=partner,
        members=[world["people"]["anna"], StaffMemberFactory(school=partner, last_name="Секретова")],
        curator=world["people"]["gleb"],
    )
    return {"network": net, "partner": partner, "other": other_net_school, "pair": pair}


@pytest.fixture
def coordinator(network):
    user = UserFactory()
    network["network"].coordinators.add(user)
    return user


def test_network_view_side_by_side(school, network, coordinator):
    summaries_refresh(now=at(D(2026, 11, 23)))
    response = client_for(coordinator).get(
        reverse("dashboards:network", kwargs={"network_id": network["network"].pk}), {"year": YEAR}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-testid="coverage-{school.pk}">80 %' in body
    assert f'data-testid="coverage-{network["partner"].pk}">0 %' in body
    assert "Школа другой сети" not in body
    # Aggregates only: no teacher of any school is named.
    for name in ("Anna", "Boris", "Секретова"):
        assert name not in body
    assert "Ольховская ООШ</td>" in body or "↔ Ольховская ООШ" in body
    leader = selectors.network_leader_mentoring(network=network["network"], schools=[school, network["partner"]])
    assert leader[0] == school and leader[1][0]["groups"] == 1 and leader[1][0]["active_groups"] == 1


def test_network_access(school, network, coordinator, administrator):
    url = reverse("dashboards:network", kwargs={"network_id": network["network"].pk})
    assert client_for(administrator).get(url).status_code == 403  # not a coordinator
    other_coordinator = UserFactory()
    network["other"].network.coordinators.add(other_coordinator)
    assert client_for(other_coordinator).get(url).status_code == 404  # another network's coordinator
    response = client_for(coordinator).get(
        reverse("dashboards:network_xlsx", kwargs={"network_id": network["network"].pk})
    )
    assert response.status_code == 200
    assert "Секретова" not in _text(response)


def test_network_query_count_is_the_same_at_two_sizes(school, network, coordinator, django_assert_num_queries):
    MembershipFactory(user=coordinator, school=school, roles=[Role.ADMINISTRATOR])
    url = reverse("dashboards:network", kwargs={"network_id": network["network"].pk})
    summaries_refresh()
    client = client_for(coordinator)
    client.get(url)
    with django_assert_num_queries(9):  # with the navbar's count of «Мои дела»
        client.get(url)
    _grow(school, 10)
    for _ in range(5):
        SchoolFactory(network=network["network"])
    summaries_refresh()
    with django_assert_num_queries(9):
        client.get(url)


def test_a_coordinator_without_a_school_lands_on_the_network(network, coordinator):
    response = client_for(coordinator).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:network", kwargs={"network_id": network["network"].pk})


def test_what_has_not_happened_or_never_worked_does_not_count(school, world):
    """A visit still to come, a pair dissolved while forming, a team member who left
    on the period's first day."""
    p = world["people"]
    now = at(D(2026, 3, 1))
    visit(school, observed=p["dina"], observers=[p["gleb"]], day=D(2026, 3, 5), status=LessonVisit.Status.PLANNED)
    MentorGroupFactory(
        school=school,
        members=[p["dina"], p["gleb"]],
        status="dissolved",
        starts_on=D(2025, 9, 1),
        planned_end_on=D(2026, 5, 31),
    )
    team = TaskTeamFactory(school=school, lead=p["anna"], members=[p["dina"]])
    TeamMember.objects.filter(team=team, staff=p["dina"]).update(joined_on=D(2025, 5, 1), left_on=D(2025, 8, 31))
    period = academic_year(YEAR)
    start_at, end_at = period.bounds(school.time_zone)
    rows = aggregates.participation_matrix(
        school_id=school.pk, start=period.start, end=period.end, start_at=start_at, end_at=end_at, now=now
    )
    dina = next(row for row in rows if row["last_name"] == "Dina")
    assert not (dina["observed"] or dina["in_groups"] or dina["in_teams"] or dina["covered"])
    # Once the lesson has taken place, it counts.
    rows = aggregates.participation_matrix(
        school_id=school.pk, start=period.start, end=period.end, start_at=start_at, end_at=end_at, now=at(D(2026, 3, 6))
    )
    assert next(row for row in rows if row["last_name"] == "Dina")["observed"]


def test_a_reverse_visit_answers_only_the_latest_pair_visit_before_it(school, world):
    p, group = world["people"], world["group"]
    S = LessonVisit.Status
    for day in (D(2025, 12, 1), D(2025, 12, 8)):
        visit(school, observed=p["anna"], observers=[p["boris"]], day=day, status=S.DEBRIEFED, group=group, hours=2)
    visit(
        school,
        observed=p["boris"],
        observers=[p["anna"]],
        day=D(2025, 12, 15),
        status=S.DEBRIEFED,
        group=group,
        kind=LessonVisit.Kind.REVERSE_VISIT,
        hours=2,
    )
    totals = selectors.timeliness(school=school, period=academic_year(YEAR), now=at(D(2026, 11, 23)))["totals"]
    # Before: v1 (answered by name) and the late one; now two more, of which only the later is answered.
    assert (totals["reverse_due"], totals["reverse_done"]) == (4, 2)


@time_machine.travel(datetime.datetime(2027, 3, 1, 12, tzinfo=SAMARA))
def test_the_categories_page_never_counts_a_reference_day_still_to_come(school, world, administrator):
    body = client_for(administrator).get(reverse("dashboards:categories")).content.decode()
    assert 'data-year="2026"' in body and 'data-year="2027"' not in body


def test_a_network_pairs_visit_counts_for_the_partner_schools_teacher(school, world, network):
    partner_teacher = network["pair"].members.get(staff__school=network["partner"]).staff
    visit(
        school,
        observed=world["people"]["anna"],
        observers=[partner_teacher],
        day=D(2025, 12, 1),
        status=LessonVisit.Status.DEBRIEFED,
        group=network["pair"],
        hours=4,
    )
    summary = selectors.participation_summary(school=network["partner"], period=academic_year(YEAR))
    counts = {line.key: line.count for line in summary["lines"]}
    assert (counts["observers"], counts["observed"]) == (1, 0)
    # Only the partner's own staff count there: anna stays in her school's figures.
    assert summary["staff"] == 1
