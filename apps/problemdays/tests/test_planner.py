"""The planner on one page: sections that add several rows at once and edit a
row in place (htmx fragments, or plain POST and back to the section), the theme
that fills the problem question, the confirmed clashes of a ready day, the
printout and the quotes around titles."""

import datetime

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.typography import quoted
from apps.problemdays import selectors, services
from apps.problemdays.forms import ActivityRowsFormSet, IdeaRowsFormSet, RoleRowsFormSet
from apps.problemdays.models import DayActivity, DayStageChange, PreparationRole, ProblemDay, ThemeIdea
from apps.problemdays.tests.factories import DayActivityFactory, ProblemDayFactory, ThemeIdeaFactory, at
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def day(school):
    return ProblemDayFactory(school=school, problem_question="")


class CountingClient(Client):
    """A client that counts the forms a person sends."""

    posts = 0

    def post(self, *args, **kwargs):
        self.posts += 1
        return super().post(*args, **kwargs)


def _signed_in(user):
    client = CountingClient()
    client.cookies = client_for(user).cookies
    return client


def rows(prefix, *filled):
    """The POST of a section's add-rows form with these rows typed in."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(filled)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(filled):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def _url(name, obj):
    return reverse(f"problemdays:{name}", kwargs={"pk": obj.pk})


# A small plan in five submissions, without JavaScript.


def test_a_small_plan_takes_five_submissions(school, deputy_head):
    StaffMemberFactory(school=school, user=deputy_head)
    anna, boris = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    client = _signed_in(deputy_head)

    response = client.post(
        reverse("problemdays:day_create"), {"date": "2027-05-09", "working_title": "День памяти", "grades": "1–11"}
    )
    day = ProblemDay.objects.get()
    assert response.status_code == 302
    response = client.post(
        _url("role_create", day),
        rows("roles", {"kind": "facilitator", "staff": anna.pk}, {"kind": "recorder", "staff": boris.pk}),
    )
    assert response.status_code == 302 and response["Location"].endswith("#roles")
    client.post(
        _url("idea_create", day),
        rows(
            "ideas",
            {"title": "Книга или ролик?", "proposed_by_kind": "class", "votes": "21"},
            {"title": "Мы помним", "proposed_by_kind": "class", "votes": "9"},
        ),
    )
    client.post(_url("idea_choose", day.ideas.get(title="Книга или ролик?")))
    response = client.post(
        _url("activity_create", day),
        rows(
            "plan",
            {"title": "Классный час", "kind": "class_hour", "starts": "09:00", "ends": "09:45", "responsible": anna.pk},
            {"title": "Линейка", "kind": "school_event", "starts": "10:00", "ends": "10:30", "responsible": boris.pk},
        ),
    )
    assert response.status_code == 302 and response["Location"].endswith("#plan")

    assert client.posts == 5
    day.refresh_from_db()
    assert day.theme == "Книга или ролик?" and day.problem_question == "Книга или ролик?"
    assert day.roles.count() == 2 and day.ideas.count() == 2
    assert [a.starts_at for a in day.activities.order_by("starts_at")] == [at(day, 9), at(day, 10)]


def test_rows_left_as_they_were_are_skipped(deputy_head, day):
    # The three role rows start with the three kinds; only the one with a teacher is saved.
    teacher = StaffMemberFactory(school=day.school)
    data = rows("roles", {"kind": "facilitator", "staff": teacher.pk}, {"kind": "continues_in_class"})
    data["roles-TOTAL_FORMS"] = "3"
    data["roles-2-kind"] = "recorder"
    client_for(deputy_head).post(_url("role_create", day), data)
    assert list(day.roles.values_list("kind", flat=True)) == ["facilitator"]


def test_a_bad_row_keeps_what_was_typed_and_saves_nothing(deputy_head, day):
    data = rows(
        "ideas",
        {"title": "Космос рядом", "proposed_by_kind": "class", "votes": "3"},
        {"title": "Мы помним", "proposed_by_kind": "class", "votes": "-1"},
    )
    response = client_for(deputy_head).post(_url("idea_create", day), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "greater than or equal to 0" in page and "Космос рядом" in page
    assert not ThemeIdea.objects.exists()


def test_nothing_typed_is_a_form_error(deputy_head, day):
    response = client_for(deputy_head).post(_url("idea_create", day), rows("ideas"))
    assert response.status_code == 200
    assert "Fill in at least one row." in response.content.decode()


def test_an_activity_that_ends_before_it_starts_is_a_form_error(deputy_head, day):
    data = rows("plan", {"title": "Линейка", "kind": "school_event", "starts": "10:00", "ends": "09:00"})
    response = client_for(deputy_head).post(_url("activity_create", day), data)
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert not DayActivity.objects.exists()


def test_the_service_refuses_a_teacher_of_another_school_in_any_row(day, other_school):
    stranger = StaffMemberFactory(school=other_school)
    good = StaffMemberFactory(school=day.school)
    with pytest.raises(ValidationError) as error:
        services.roles_add(
            day=day, rows=[{"kind": "facilitator", "staff": good}, {"kind": "recorder", "staff": stranger}]
        )
    assert error.value.row == 1
    assert not PreparationRole.objects.exists()


# In place, with htmx: the section (or the row) comes back, not the page.


def test_htmx_add_returns_the_section_and_the_stage_panel(deputy_head, day):
    teacher = StaffMemberFactory(school=day.school, last_name="Белова")
    data = rows("roles", {"kind": "recorder", "staff": teacher.pk})
    response = client_for(deputy_head).post(_url("role_create", day), data, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="roles"' in page and "Белова" in page
    assert 'id="stages"' in page and 'data-hx-swap-oob="true"' in page
    assert 'id="planner-status"' in page and "The roles are assigned." in page


def test_htmx_edit_opens_the_row_as_a_form_and_saves_it(deputy_head, day):
    idea = ThemeIdeaFactory(day=day, title="Космос")
    client = client_for(deputy_head)
    response = client.get(f"{_url('day_detail', day)}?edit=idea-{idea.pk}", **HTMX)
    page = response.content.decode()
    assert page.startswith(f'<li class="list-group-item px-0" id="idea-{idea.pk}"')
    assert f'name="idea-{idea.pk}-title"' in page
    prefix = f"idea-{idea.pk}"
    response = client.post(
        _url("idea_edit", idea),
        {f"{prefix}-title": "Космос рядом", f"{prefix}-proposed_by_kind": "class", f"{prefix}-votes": "4"},
        **HTMX,
    )
    assert 'id="ideas"' in response.content.decode()
    idea.refresh_from_db()
    assert idea.title == "Космос рядом" and idea.votes == 4


def test_htmx_edit_with_errors_comes_back_in_its_row(deputy_head, day):
    idea = ThemeIdeaFactory(day=day)
    prefix = f"idea-{idea.pk}"
    response = client_for(deputy_head).post(
        _url("idea_edit", idea),
        {f"{prefix}-title": "", f"{prefix}-proposed_by_kind": "class", f"{prefix}-votes": "1"},
        **HTMX,
    )
    assert response["HX-Retarget"] == f"#idea-{idea.pk}"
    assert "This field is required." in response.content.decode()


# The same without JavaScript.


def test_without_js_edit_opens_the_row_on_the_planner_and_comes_back_to_it(deputy_head, day):
    teacher, other = StaffMemberFactory(school=day.school), StaffMemberFactory(school=day.school)
    role = services.role_save(day=day, kind="recorder", staff=teacher)
    client = client_for(deputy_head)
    response = client.get(_url("role_edit", role))
    assert response["Location"] == f"{_url('day_detail', day)}?edit=role-{role.pk}#role-{role.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'action="{_url("role_edit", role)}"' in page and "<html" in page
    response = client.post(
        _url("role_edit", role), {f"role-{role.pk}-kind": "facilitator", f"role-{role.pk}-staff": other.pk}
    )
    assert response.status_code == 302 and response["Location"].endswith("#roles")
    role.refresh_from_db()
    assert (role.kind, role.staff) == ("facilitator", other)


def test_without_js_remove_comes_back_to_the_section(deputy_head, day):
    activity = DayActivityFactory(day=day)
    response = client_for(deputy_head).post(_url("activity_delete", activity))
    assert response["Location"].endswith("#plan")
    assert not DayActivity.objects.exists()


def test_teacher_cannot_open_a_row_for_editing(teacher, day):
    idea = ThemeIdeaFactory(day=day)
    page = client_for(teacher).get(f"{_url('day_detail', day)}?edit=idea-{idea.pk}").content.decode()
    assert "idea-edit" not in page and f'name="idea-{idea.pk}-title"' not in page


# The chosen theme fills the problem question.


def test_choosing_a_theme_fills_an_empty_question(day):
    services.idea_choose(idea=ThemeIdeaFactory(day=day, title="Мы помним"))
    day.refresh_from_db()
    assert day.problem_question == "What does «Мы помним» mean for us today?"
    # Another choice replaces the suggestion, since nobody wrote over it.
    services.idea_choose(idea=ThemeIdeaFactory(day=day, title="Книга или ролик?"))
    day.refresh_from_db()
    assert day.problem_question == "Книга или ролик?"


def test_choosing_a_theme_keeps_a_written_question(day):
    day.problem_question = "Зачем помнить о войне, которую мы не видели?"
    day.save()
    services.idea_choose(idea=ThemeIdeaFactory(day=day, title="Мы помним"))
    day.refresh_from_db()
    assert day.problem_question == "Зачем помнить о войне, которую мы не видели?"


def test_saving_the_theme_without_js_fills_an_empty_question(deputy_head, day):
    response = client_for(deputy_head).post(
        _url("day_edit", day),
        {"date": day.date.isoformat(), "working_title": day.working_title, "theme": "Вода в селе", "grades": "1–11"},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.problem_question == "What does «Вода в селе» mean for us today?"


def test_htmx_choice_swaps_the_question_on_the_planner(deputy_head, day):
    idea = ThemeIdeaFactory(day=day, title="Книга или ролик?")
    page = client_for(deputy_head).post(_url("idea_choose", idea), **HTMX).content.decode()
    assert 'id="question"' in page and "Книга или ролик?</textarea>" in page


def test_theme_typed_in_the_day_form_fills_the_question_field(deputy_head, day):
    client = client_for(deputy_head)
    form_page = client.get(_url("day_edit", day)).content.decode()
    assert f'data-hx-post="{_url("question_suggest", day)}"' in form_page
    response = client.post(_url("question_suggest", day), {"theme": "Космос рядом", "problem_question": ""}, **HTMX)
    page = response.content.decode()
    assert page.startswith('<div id="question-field">')
    assert "What does «Космос рядом» mean for us today?</textarea>" in page
    # The next theme replaces the suggestion it offered, never a question someone wrote.
    suggested = "What does «Космос рядом» mean for us today?"
    data = {"theme": "Мы помним", "problem_question": suggested, "question_suggested": suggested}
    page = client.post(_url("question_suggest", day), data, **HTMX).content.decode()
    assert "What does «Мы помним» mean for us today?</textarea>" in page
    data = {"theme": "Мы помним", "problem_question": "Свой вопрос", "question_suggested": suggested}
    page = client.post(_url("question_suggest", day), data, **HTMX).content.decode()
    assert "Свой вопрос</textarea>" in page
    day.refresh_from_db()
    assert day.problem_question == ""


# «Ready» with clashes is confirmed, and the confirmation recorded.


@pytest.fixture
def clashing_day(school, day):
    teacher = StaffMemberFactory(school=school, last_name="Белова")
    services.idea_choose(idea=ThemeIdeaFactory(day=day))
    DayActivityFactory(day=day, title="Урок мужества", responsible=[teacher])
    DayActivityFactory(day=day, title="Встреча", responsible=[teacher])
    return day


def _clashes(day):
    loaded = selectors.planner_queryset(school=day.school).get(pk=day.pk)
    return [check.message for check in selectors.stage_checks(loaded)["ready"] if check.clash]


def test_ready_with_clashes_needs_a_confirmation(clashing_day):
    assert len(_clashes(clashing_day)) == 2
    with pytest.raises(ValidationError, match="confirm that the day is ready"):
        services.stage_move(day=clashing_day, to_status="ready")
    with pytest.raises(ValidationError):
        services.stage_move(day=clashing_day, to_status="ready", confirmed_clashes=_clashes(clashing_day)[:1])
    clashing_day.refresh_from_db()
    assert clashing_day.status == "planning"
    assert not DayStageChange.objects.exists()


def test_confirmed_clashes_are_recorded_and_audited(clashing_day, deputy_head):
    clashes = _clashes(clashing_day)
    services.stage_move(day=clashing_day, to_status="ready", changed_by=deputy_head, confirmed_clashes=clashes)
    clashing_day.refresh_from_db()
    change = DayStageChange.objects.get()
    assert clashing_day.status == "ready"
    assert (change.changed_by, change.from_status, change.to_status) == (deputy_head, "planning", "ready")
    assert change.clash_list == clashes
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROBLEM_DAY_STAGE_CHANGED)
    assert event.actor == deputy_head and event.target_id == str(clashing_day.pk)
    assert event.changes == {"status": ["planning", "ready"], "clashes_confirmed": "2"}


def test_next_stage_without_the_checkbox_does_not_advance(clashing_day, deputy_head):
    client = client_for(deputy_head)
    page = client.get(_url("day_detail", clashing_day)).content.decode()
    assert 'data-testid="confirm-clashes"' in page
    data = {"to_status": "ready", "clash": _clashes(clashing_day)}
    client.post(_url("day_stage", clashing_day), data)
    clashing_day.refresh_from_db()
    assert clashing_day.status == "planning"
    client.post(_url("day_stage", clashing_day), {**data, "confirm_clashes": "1"})
    clashing_day.refresh_from_db()
    assert clashing_day.status == "ready"
    page = client.get(_url("day_detail", clashing_day)).content.decode()
    assert 'data-testid="clash-confirmation"' in page and "Белова" in page


def test_every_stage_change_is_recorded(school, day, deputy_head):
    day.status = ProblemDay.Status.READY
    day.save()
    services.stage_move(day=day, to_status="planning", changed_by=deputy_head)
    change = DayStageChange.objects.get()
    assert (change.from_status, change.to_status, change.confirmed_clashes) == ("ready", "planning", "")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PROBLEM_DAY_STAGE_CHANGED).count() == 1


# The printout and the quotes.


def test_the_printout_lists_the_preparation_roles(school, teacher, day):
    services.role_save(day=day, kind="facilitator", staff=StaffMemberFactory(school=school, last_name="Соколова"))
    page = client_for(teacher).get(_url("day_print", day)).content.decode()
    assert 'data-testid="print-roles"' in page
    assert "Asks the leading questions" in page and "Соколова" in page


@pytest.mark.parametrize(
    "title,expected",
    [
        ("Мы помним", "«Мы помним»"),
        ("Классный час «Книга или ролик?»", "«Классный час „Книга или ролик?“»"),
        ("«Книга или ролик?»", "«Книга или ролик?»"),
        ('Урок "Вода"', "«Урок „Вода“»"),
        ("«Вода» и «Лес»", "«„Вода“ и „Лес“»"),
    ],
)
def test_quotes_never_double(title, expected):
    assert quoted(title) == expected


def test_clash_warnings_quote_a_quoted_title_once(school, day):
    teacher = StaffMemberFactory(school=school)
    DayActivityFactory(day=day, title="Классный час «Книга или ролик?»", responsible=[teacher])
    _activity, clashes = services.activity_save(
        day=day, title="Встреча", kind="other", starts_at=at(day, 10), ends_at=at(day, 10, 30), responsible=[teacher]
    )
    assert "«Классный час „Книга или ролик?“»" in clashes[0]
    assert "««" not in " ".join(clashes) and "»»" not in " ".join(clashes)


def test_planner_pages_never_double_quotes(school, deputy_head, day):
    teacher = StaffMemberFactory(school=school)
    DayActivityFactory(day=day, title="Классный час «Книга или ролик?»", responsible=[teacher])
    DayActivityFactory(day=day, title="Встреча", responsible=[teacher])
    client = client_for(deputy_head)
    for name in ("day_detail", "timetable", "day_print"):
        page = client.get(_url(name, day)).content.decode()
        assert "»»" not in page and "««" not in page, name


def test_a_long_list_of_confirmed_clashes_is_kept_within_its_column(school, day):
    services.idea_choose(idea=ThemeIdeaFactory(day=day))
    teacher = StaffMemberFactory(school=school, last_name="Б" * 90)
    for number in range(12):
        DayActivityFactory(day=day, title=f"Урок {number} " + "м" * 240, place="Зал", responsible=[teacher])
    clashes = _clashes(day)
    assert len("\n".join(clashes)) > 8000
    services.stage_move(day=day, to_status="ready", confirmed_clashes=clashes)
    change = DayStageChange.objects.get()
    assert len(change.confirmed_clashes) <= 8000 and change.confirmed_clashes.endswith("…")


def test_the_services_refuse_a_teacher_who_has_left_as_the_forms_do(day):
    gone = StaffMemberFactory(school=day.school, is_active=False, left_on=datetime.date(2025, 6, 30))
    with pytest.raises(ValidationError, match="no longer works here"):
        services.role_save(day=day, kind="recorder", staff=gone)
    with pytest.raises(ValidationError, match="no longer works here"):
        services.activity_save(
            day=day,
            title="Линейка",
            kind="school_event",
            starts_at=at(day, 9),
            ends_at=at(day, 9, 30),
            responsible=[gone],
        )
    assert not PreparationRole.objects.exists() and not DayActivity.objects.exists()


@pytest.mark.parametrize(
    ("formset_class", "prefix", "initial"),
    [
        (ActivityRowsFormSet, "plan", [{"grades": "5–7"}] * 2),
        (IdeaRowsFormSet, "ideas", [{"proposed_by_kind": ThemeIdea.ProposedBy.CLASS}] * 3),
        (RoleRowsFormSet, "roles", [{"kind": kind} for kind in PreparationRole.Kind.values]),
    ],
)
def test_add_rows_alike_are_rendered_once_and_read_as_each_row_alone(day, formset_class, prefix, initial):
    StaffMemberFactory.create_batch(3, school=day.school)
    formset = formset_class(prefix=prefix, form_kwargs={"day": day}, row_initial=initial)
    markup = formset.rows_markup()
    alone = formset_class(prefix=prefix, form_kwargs={"day": ProblemDay.objects.get(pk=day.pk)}, row_initial=initial)
    assert markup == [as_crispy_form(form) for form in alone]
    assert f'name="{prefix}-1-' in markup[1] and f"{prefix}-0-" not in markup[1]


def test_role_rows_that_differ_only_in_the_role_are_rendered_once(day, monkeypatch):
    """The three role rows start from three roles: one crispy render, the role moved in the copies."""
    from apps.problemdays import forms as planner_forms

    StaffMemberFactory.create_batch(2, school=day.school)
    rendered = []
    real = planner_forms.as_crispy_form
    monkeypatch.setattr(planner_forms, "as_crispy_form", lambda form: rendered.append(form) or real(form))
    initial = [{"kind": kind} for kind in PreparationRole.Kind.values]
    markup = RoleRowsFormSet(prefix="roles", form_kwargs={"day": day}, row_initial=initial).rows_markup()
    assert len(rendered) == 1
    for index, kind in enumerate(PreparationRole.Kind.values):
        assert markup[index].count(" selected>") == 2  # the role and the empty teacher
        assert f'<option value="{kind}" selected>' in markup[index]


def test_blank_rows_are_rendered_once_and_follow_the_staff(day, administrator, monkeypatch):
    """Every view of the planner shows the same blank rows: crispy draws them once,
    and again when the staff they offer changes."""
    from apps.problemdays import forms as planner_forms

    person = StaffMemberFactory(school=day.school, last_name="Орлова")
    client = client_for(administrator)
    url = reverse("problemdays:day_detail", args=[day.pk])
    assert "Орлова" in client.get(url).content.decode()
    rendered = []
    real = planner_forms.as_crispy_form
    monkeypatch.setattr(planner_forms, "as_crispy_form", lambda form: rendered.append(form) or real(form))
    client.get(url)
    assert rendered == []
    person.last_name = "Соколова"
    person.save()
    page = client.get(url).content.decode()
    assert "Соколова" in page and "Орлова" not in page
    assert rendered
