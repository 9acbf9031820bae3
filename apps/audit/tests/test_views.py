"""The audit page: administrators of the school only, their school's rows only,
filters, the school's time zone, a fixed number of queries, and the export."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory
from apps.audit.filters import AuditEventFilter
from apps.audit.models import ERASED_LABEL, AuditEvent
from apps.audit.services import audit_events_anonymise, audit_record
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")


def event(school, *, actor=None, action=Action.STAFF_UPDATED, label="Петрова Анна", at=None, changes=None):
    changes = changes or {"email": ["a", "b"]}
    if at is None:
        return audit_record(action=action, school=school, actor=actor, target_label=label, changes=changes)
    # A row at a chosen time: inserted as it is (rows are never moved afterwards).
    actor_label = actor.email if actor else ""
    return AuditEvent.objects.create(
        action=action, school=school, actor=actor, actor_label=actor_label, target_label=label, changes=changes, at=at
    )


@pytest.mark.parametrize("persona", ["teacher", "curator", "deputy_head"])
def test_only_administrators_enter(persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_administrator_sees_the_schools_rows(school, administrator):
    event(school, actor=administrator, label="Петрова Анна")
    response = client_for(administrator).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Петрова Анна" in html and administrator.email in html


def test_administrator_of_another_school_sees_none_of_this_schools_rows(school, other_school, outsider):
    event(school, label="Петрова Анна")
    event(other_school, label="Свой человек")
    response = client_for(outsider).get(LIST)
    html = response.content.decode()
    assert "Свой человек" in html
    assert "Петрова Анна" not in html
    sheet = load_workbook(io.BytesIO(client_for(outsider).get(EXPORT).content)).active
    assert "Петрова Анна" not in str([c.value for row in sheet.iter_rows() for c in row])


def test_times_are_shown_in_the_schools_time_zone(school, administrator):
    # 09:30 UTC is 13:30 in Samara (the fixture school's zone).
    event(school, at=datetime.datetime(2025, 3, 14, 9, 30, tzinfo=datetime.UTC))
    html = client_for(administrator).get(LIST).content.decode()
    assert "14.03.2025 13:30:00" in html


def test_filters_by_action_person_dates_and_object(school, administrator, deputy_head):
    utc = datetime.UTC
    event(school, actor=administrator, label="Орлова", at=datetime.datetime(2025, 3, 1, 10, tzinfo=utc))
    event(school, actor=deputy_head, label="Титов", at=datetime.datetime(2025, 3, 10, 10, tzinfo=utc))
    event(school, action=Action.EXPORT_MADE, label="Реестр", at=datetime.datetime(2025, 3, 20, 10, tzinfo=utc))
    # 21:30 UTC on the 31st is already 1 April in Samara.
    event(school, label="Поздняя", at=datetime.datetime(2025, 3, 31, 21, 30, tzinfo=utc))
    client = client_for(administrator)

    def shown(**params):
        page = client.get(LIST, params).context["page"]
        return sorted(e.target_label for e in page.object_list)

    assert shown(action=Action.EXPORT_MADE) == ["Реестр"]
    assert shown(actor=deputy_head.pk) == ["Титов"]
    assert shown(date_from="2025-03-05", date_to="2025-03-31") == ["Реестр", "Титов"]
    assert shown(date_from="2025-04-01", date_to="2025-04-30") == ["Поздняя"]
    assert shown(q="орл") == ["Орлова"]


@pytest.mark.parametrize(
    "params",
    [{"date_from": "2025-13-45"}, {"actor": "999999"}, {"actor": "x"}, {"action": "drop table"}, {"page": "-1"}],
)
def test_bad_filter_input_is_a_form_error_not_a_500(school, administrator, params):
    event(school)
    client = client_for(administrator)
    response = client.get(LIST, params)
    assert response.status_code == 200
    if "page" not in params:
        assert not response.context["page"].object_list
        assert response.context["filter"].form.errors
    assert client.get(EXPORT, params).status_code == 200


def test_a_person_of_another_school_is_no_choice_of_the_filter(school, administrator, outsider):
    form = client_for(administrator).get(LIST).context["filter"].form
    choices = {str(value) for value, _label in form.fields["actor"].choices}
    assert str(administrator.pk) in choices and str(outsider.pk) not in choices


def _fill(school, actor, count):
    for i in range(count):
        staff = StaffMemberFactory(school=school)
        event(school, actor=actor, label=str(staff), changes={"last_name": [f"Старая{i}", str(staff.last_name)]})


@pytest.mark.parametrize("view", [LIST, EXPORT])
def test_query_count_is_the_same_at_two_sizes(school, administrator, view):
    client = client_for(administrator)
    counts = []
    for size in (3, 60):
        _fill(school, administrator, size)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(view).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_export_holds_the_filtered_rows_and_is_itself_recorded(school, administrator):
    event(school, label="Орлова", changes={"last_name": ["Сидорова", "Орлова"]})
    event(school, action=Action.EXPORT_MADE, label="Реестр")
    response = client_for(administrator).get(EXPORT, {"action": Action.STAFF_UPDATED})
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][3] == "Орлова" and "Сидорова → Орлова" in rows[1][4]
    recorded = AuditEvent.objects.filter(action=Action.EXPORT_MADE, actor=administrator).get()
    assert recorded.school == school
    assert recorded.changes["file"].startswith("audit-")
    assert Action.STAFF_UPDATED in recorded.changes["filters"]


def test_erased_names_read_as_erased(school, administrator):
    staff = StaffMemberFactory(school=school, last_name="Забытова")
    audit_record(action=Action.STAFF_UPDATED, school=school, target=staff, changes={"last_name": ["А", "Забытова"]})
    audit_events_anonymise(staff=staff)
    response = client_for(administrator).get(LIST, {"action": Action.STAFF_UPDATED})
    [shown] = response.context["page"].object_list
    assert (shown.target_label, shown.changes) == (ERASED_LABEL, {"last_name": ERASED_LABEL})
    html = response.content.decode()
    assert "Забытова" not in html and ERASED_LABEL not in html  # "erased person" in words instead


def test_an_over_long_object_search_is_a_form_error_and_the_page_renders(school, administrator):
    event(school, label="Орлова")
    client = client_for(administrator)
    response = client.get(LIST, {"q": "о" * 10_000})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["q"]
    assert not response.context["page"].object_list
    assert 'maxlength="100"' in response.content.decode()  # the browser is told the limit too
    export = client.get(EXPORT, {"q": "о" * 10_000})
    assert export.status_code == 200
    assert len(list(load_workbook(io.BytesIO(export.content)).active.iter_rows())) == 1  # the header only


def test_an_export_over_the_row_limit_is_refused_with_a_message_and_no_file(school, administrator, settings):
    settings.AUDIT_EXPORT_MAX_ROWS = 3
    for label in ("Орлова", "Титов", "Петрова", "Сидоров"):
        event(school, label=label)
    client = client_for(administrator)
    params = {"action": Action.STAFF_UPDATED}
    response = client.get(EXPORT, params)
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?action={Action.STAFF_UPDATED}"  # back to the same filters
    page = client.get(response["Location"])
    messages = [str(message) for message in page.context["messages"]]
    assert len(messages) == 1 and "3" in messages[0] and "4" in messages[0]
    assert messages[0] in page.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT_MADE).exists()  # nothing left the app
    # Narrowed to the limit, the same export goes through.
    narrowed = client.get(EXPORT, {"q": "р"})
    assert narrowed.status_code == 200
    rows = list(load_workbook(io.BytesIO(narrowed.content)).active.iter_rows(values_only=True))
    assert sorted(row[3] for row in rows[1:]) == ["Орлова", "Петрова", "Сидоров"]


def test_the_export_streams_its_rows_in_one_query_whatever_their_number(school, administrator, settings):
    settings.AUDIT_EXPORT_MAX_ROWS = 10_000
    client = client_for(administrator)
    counts = []
    for size in (5, 2_500):  # more rows than one fetch of the server-side cursor
        AuditEvent.objects.bulk_create(
            AuditEvent(action=Action.STAFF_UPDATED, school=school, target_label=f"Сотрудник {i}", changes={})
            for i in range(size)
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(EXPORT)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    labels = [row[3] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert sum(label.startswith("Сотрудник") for label in labels) == 2_505


def test_each_filter_set_offers_its_own_schools_people_whichever_came_first(school, other_school, administrator):
    theirs = MembershipFactory(school=other_school, roles=[Role.ADMINISTRATOR]).user
    turns = ((school, administrator, theirs), (other_school, theirs, administrator), (school, administrator, theirs))
    for place, person, stranger in turns:
        rows = AuditEvent.objects.for_school(place)
        audit_filter = AuditEventFilter({"actor": str(person.pk)}, queryset=rows, school=place)
        offered = {str(value) for value, _label in audit_filter.form.fields["actor"].choices if value}
        assert str(person.pk) in offered and str(stranger.pk) not in offered
        assert audit_filter.is_valid()
        assert not AuditEventFilter({"actor": str(stranger.pk)}, queryset=rows, school=place).is_valid()
    # The class's own filters are never handed a school's people.
    assert AuditEventFilter.base_filters["actor"].extra.get("queryset") is None
