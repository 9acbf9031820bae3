"""The trust rule of the programme, proved page by page.

Feedback content and the self-reflection are seen only by the observed teacher, the
observers and the group's curator, and, when the teacher shares the debrief, by the
colleagues who were in her subject association then (never administration, never
later joiners); a draft by its author alone; the administration sees that a visit
happened, never what was said. The ticks of the protocol's checklist are content
too. Every role × every page: `PAGES` names the pages
whose expectation is exact, and every other GET page of the URL walk is swept too,
so a page added later is covered without touching this file.
See docs/testing.md#the-confidentiality-matrix.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.calendar import ical
from apps.core.tests.test_url_walk import SCHOOL_ROUTES
from apps.mentoring.models import MentorGroup
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff import services as staff_services
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory
from apps.visits import catalog_services, services
from apps.visits.catalog_services import ItemSpec
from apps.visits.models import LessonVisit, ObservationProtocol, ProtocolItem
from conftest import client_for

T, C, D, A = Role.TEACHER, Role.CURATOR, Role.DEPUTY_HEAD, Role.ADMINISTRATOR
H = datetime.timedelta(hours=1)

# Each text has an ASCII tag too, so that it is found even where a page escapes
# non-ASCII characters (json_script, JSON answers).
TEXTS = {
    "facts": ("СЕКРЕТНЫЙ-ФАКТ-42", "SECRET-FACT-42"),
    "toward_goal": ("ТАЙНОЕ-ПРОДВИЖЕНИЕ-11", "SECRET-GOAL-11"),
    "reconsider": ("ТАЙНОЕ-ПЕРЕСМОТРЕТЬ-12", "SECRET-RECONSIDER-12"),
    "questions": ("ТАЙНЫЙ-ВОПРОС-13", "SECRET-QUESTION-13"),
    "next_step": ("СЕКРЕТНЫЙ-ШАГ-17", "SECRET-STEP-17"),
    "reflection": ("САМОАНАЛИЗ-ТАЙНА-9", "SECRET-REFLECTION-9"),
    "draft": ("ЧЕРНОВИК-СКРЫТЫЙ-77", "SECRET-DRAFT-77"),
    # The checklist item as the observer ticked it: the submitted feedback keeps its
    # text, and the protocol is reworded afterwards, so this text is the feedback's alone.
    "tick": ("ОТМЕЧЕННЫЙ-ПУНКТ-5", "SECRET-TICK-5"),
}
# A ticked box of the checklist on a feedback form: a draft's tick.
DRAFT_TICK = re.compile(r'<input type="checkbox" name="checks"[^>]*\bchecked\b')
SUBMITTED = ("facts", "toward_goal", "reconsider", "questions", "next_step")

ROLES = [
    "observed teacher",
    "observer",
    "second observer",
    "curator of the group",
    "another curator",
    "another teacher",
    "deputy head",
    "administrator",
    "association colleague",
    "administrator in the association",
    "deputy head in the association",
    "colleague who joined the association later",
    "user of another school",
]


def text(key):
    russian, tag = TEXTS[key]
    return f"{russian} ({tag})"


@dataclass
class Scene:
    """Two visits of the observed teacher.

    - `debriefed`: a pair visit of the triad, observed by "observer" only, whose
      feedback (every field carries a secret) is submitted; the observed teacher
      wrote a self-reflection. Its readers: the observed teacher, the observer,
      the curator of the triad (and the association when shared). The second
      observer is in the triad but did not observe it: no content for them.
    - `drafted`: a visit outside any group, observed by both observers; the
      second observer has only a draft, which is theirs alone, with a tick.
    Both follow a protocol with a checklist; the observer ticked its first item.
    """

    users: dict
    staff: dict
    group: MentorGroup
    debriefed: LessonVisit
    drafted: LessonVisit
    shared: bool
    readers: set = field(default_factory=set)


def build_scene(school, other_school, *, shared):
    association = SubjectAssociationFactory(school=school, name="ШМО филологов")
    users, staff = {}, {}

    def member(key, *roles, **staff_fields):
        user = UserFactory(last_name=key.replace(" ", "-"))
        MembershipFactory(user=user, school=school, roles=list(roles))
        users[key] = user
        staff[key] = StaffMemberFactory(school=school, user=user, last_name=user.last_name, **staff_fields)

    member("observed teacher", T, association=association)
    member("observer", T)
    member("second observer", T)
    member("curator of the group", T, C)
    member("another curator", C)
    member("another teacher", T)
    member("deputy head", T, D)
    member("administrator", A)
    member("association colleague", T, association=association)
    # Administration whose staff cards are in the teacher's association: sharing never reaches them.
    member("administrator in the association", A, association=association)
    member("deputy head in the association", T, D, association=association)
    member("colleague who joined the association later", T)
    outsider = UserFactory(last_name="outsider")
    MembershipFactory(user=outsider, school=other_school, roles=list(Role.values))
    users["user of another school"] = outsider

    group = MentorGroupFactory(
        school=school,
        kind=MentorGroup.Kind.TRIAD,
        curator=staff["curator of the group"],
        members=[staff["observed teacher"], staff["observer"], staff["second observer"]],
    )
    MentorGroupFactory(school=school, curator=staff["another curator"], members=[staff["another teacher"]])

    protocol = ObservationProtocol.objects.create(school=school, name="Протокол с чек-листом")
    ticked, unticked = (
        ProtocolItem.objects.create(protocol=protocol, kind="check", text=wording, position=position)
        for position, wording in enumerate([text("tick"), "Учитель проверил понимание"])
    )
    ends = timezone.now().replace(second=0, microsecond=0) - 5 * H
    common = {
        "school": school,
        "observed": staff["observed teacher"],
        "starts_at": ends - datetime.timedelta(minutes=45),
        "ends_at": ends,
        "grade": "7Б",
        "topic": "Причастный оборот",
        "observed_aspect": "Вопросы учителя после объяснения",
        "created_by": users["curator of the group"],
        "protocol": protocol,
    }
    debriefed = services.visit_create(
        kind=LessonVisit.Kind.PAIR_VISIT, observers=[staff["observer"]], group=group, **common
    )
    drafted = services.visit_create(
        kind=LessonVisit.Kind.OPEN_LESSON, observers=[staff["observer"], staff["second observer"]], **common
    )
    LessonVisit.objects.filter(pk__in=[debriefed.pk, drafted.pk]).update(status=LessonVisit.Status.HELD)
    services.feedback_submit(
        visit=debriefed,
        observer=staff["observer"],
        debrief_held_at=ends + H,
        follow_up_on=timezone.localdate() + datetime.timedelta(days=14),
        checks=[ticked],
        **{key: text(key) for key in SUBMITTED},
    )
    services.self_reflection_save(visit=debriefed, text=text("reflection"))
    services.feedback_save_draft(
        visit=drafted, observer=staff["second observer"], facts=text("draft"), checks=[unticked]
    )
    # The protocol reworded afterwards (its catalog page is the administration's).
    catalog_services.protocol_update(
        protocol=protocol,
        name=protocol.name,
        description="",
        is_active=True,
        items=[
            ItemSpec(kind="check", text="Цель урока сформулирована", position=0, item=ticked),
            ItemSpec(kind="check", text=unticked.text, position=1, item=unticked),
        ],
    )
    if shared:
        services.visit_share_set(visit=debriefed, shared=True)
    # Moved into the association after the debrief was shared: does not read it.
    joiner = staff["colleague who joined the association later"]
    staff_services.staff_member_update(staff=joiner, association=association)
    debriefed.refresh_from_db()
    assert debriefed.status == LessonVisit.Status.DEBRIEFED
    scene = Scene(users, staff, group, debriefed, drafted, shared)
    scene.readers = {"observed teacher", "observer", "curator of the group"} | (
        {"association colleague"} if shared else set()
    )
    return scene


def allowed(scene, key):
    """Who may ever see the text `key`, on any page."""
    return {"second observer"} if key in ("draft", "draft tick") else scene.readers


@dataclass
class Page:
    """A page with exact expectations: `shows[key](scene)` is the set of roles
    who must see the text `key` on it; everyone else must not (absent key: nobody)."""

    label: str
    url: object  # (scene, role) → URL, or None when the role has no such page
    shows: dict = field(default_factory=dict)


def _visit_url(name, visit_attr):
    return lambda s, role: reverse(name, args=[getattr(s, visit_attr).pk])


def _ical(s, role):
    return reverse("mentoring:ical", kwargs={"token": ical.calendar_feed_get_or_create(user=s.users[role]).token})


PAGES = [
    Page(
        "visit page (debriefed)",
        _visit_url("visits:detail", "debriefed"),
        {
            **{key: (lambda s: s.readers) for key in SUBMITTED},
            "reflection": lambda s: s.readers,
            "tick": lambda s: s.readers,
        },
    ),
    Page("visit page (draft)", _visit_url("visits:detail", "drafted")),
    Page(
        "feedback form (draft)",
        _visit_url("visits:feedback", "drafted"),
        {"draft": lambda s: {"second observer"}, "draft tick": lambda s: {"second observer"}},
    ),
    Page("feedback form (submitted)", _visit_url("visits:feedback", "debriefed")),
    Page(
        "self-reflection form",
        _visit_url("visits:reflection", "debriefed"),
        {"reflection": lambda s: {"observed teacher"}},
    ),
    # The observed teacher's own agreed next steps are listed for them alone.
    Page("my visits", lambda s, role: reverse("visits:my"), {"next_step": lambda s: {"observed teacher"}}),
    Page(
        "my visits, received, page 2",
        lambda s, role: reverse("visits:my") + "?page=2",
        {"next_step": lambda s: {"observed teacher"}},
    ),
    Page(
        "plan a visit from the next step",
        lambda s, role: reverse("visits:create") + f"?from_visit={s.debriefed.pk}",
        # The next step becomes the observed aspect, for the visit's own people only.
        {"next_step": lambda s: {"observed teacher", "observer", "curator of the group"}},
    ),
    Page("plan a reverse visit", lambda s, role: reverse("visits:create") + f"?answers={s.debriefed.pk}"),
    Page("start page", lambda s, role: reverse("home")),
    Page("my board", lambda s, role: reverse("mentoring:board")),
    Page("group page", lambda s, role: reverse("mentoring:group_detail", args=[s.group.pk])),
    Page("group calendar", lambda s, role: reverse("mentoring:group_calendar", args=[s.group.pk])),
    Page("my calendar", lambda s, role: reverse("mentoring:my_calendar")),
    Page(
        "teacher's calendar",
        lambda s, role: reverse("mentoring:staff_calendar", args=[s.staff["observed teacher"].pk]),
    ),
    Page("calendar feed (.ics)", _ical),
    Page("staff card", lambda s, role: reverse("staff:detail", args=[s.staff["observed teacher"].pk])),
    Page("staff list", lambda s, role: reverse("staff:list")),
    Page("staff export (.xlsx)", lambda s, role: reverse("staff:export")),
]


def _swept_pages():
    """Every other GET page of the URL walk: may show content only to its readers."""
    explicit = {"visits:detail", "visits:feedback", "visits:reflection", "visits:my", "home"}
    explicit |= {"mentoring:board", "mentoring:group_detail", "mentoring:group_calendar", "mentoring:my_calendar"}
    explicit |= {"mentoring:staff_calendar", "staff:detail", "staff:list", "staff:export"}
    pages = []
    for name, (method, kind, _roles) in sorted(SCHOOL_ROUTES.items()):
        if method != "get" or name in explicit:
            continue
        if kind is None:
            pages.append(Page(name, lambda s, role, name=name: reverse(name), None))
        elif name.startswith("visits:"):
            for attr in ("debriefed", "drafted"):
                try:
                    reverse(name, kwargs={"pk": 1})
                except NoReverseMatch:
                    continue
                pages.append(Page(f"{name} ({attr})", _visit_url(name, attr), None))
    return pages


def page_text(response):
    """What a person could read in the answer: HTML, .ics, the sheets of an .xlsx."""
    content = response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    # Unfold iCalendar lines (RFC 5545 folds them at 75 octets).
    content = content.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    return content.decode("utf-8", errors="replace")


def shown(body):
    found = {key for key, (russian, tag) in TEXTS.items() if russian in body or tag in body}
    return found | ({"draft tick"} if DRAFT_TICK.search(body) else set())


@pytest.mark.parametrize("shared", [False, True], ids=["not shared", "shared with the association"])
@pytest.mark.parametrize("role", ROLES)
def test_feedback_text_shows_exactly_where_allowed(school, other_school, role, shared):
    scene = build_scene(school, other_school, shared=shared)
    user = scene.users[role]
    client = client_for(user)
    problems = []
    pages = PAGES + _swept_pages()
    for page in pages:
        url = page.url(scene, role)
        if url is None:
            continue
        response = (client_for(None) if page.label.endswith("(.ics)") else client).get(url)
        found = shown(page_text(response)) if response.status_code == 200 else set()
        if page.shows is None:  # swept: content only for who may read it
            leaked = {key for key in found if role not in allowed(scene, key)}
            if leaked:
                problems.append(f"{page.label} ({url}): shows {sorted(leaked)}")
            continue
        expected = {key for key, who in page.shows.items() if role in who(scene)}
        if found != expected:
            problems.append(
                f"{page.label} ({url}, {response.status_code}): shows {sorted(found)}, expected {sorted(expected)}"
            )
    assert not problems, f"{role}:\n" + "\n".join(problems)


def test_the_matrix_covers_the_pages_it_names(school, other_school):
    """The scene is right: the visit page answers each role as the access rules say."""
    scene = build_scene(school, other_school, shared=False)
    url = reverse("visits:detail", args=[scene.debriefed.pk])
    statuses = {role: client_for(scene.users[role]).get(url).status_code for role in ROLES}
    assert statuses == {
        "observed teacher": 200,
        "observer": 200,
        "second observer": 403,  # in the triad, but did not observe this lesson
        "curator of the group": 200,
        "another curator": 403,
        "another teacher": 403,
        "deputy head": 200,  # facts only
        "administrator": 200,  # facts only
        "association colleague": 403,  # not shared
        "administrator in the association": 200,  # facts only
        "deputy head in the association": 200,  # facts only
        "colleague who joined the association later": 403,
        "user of another school": 404,
    }
    assert len(_swept_pages()) > 0


def test_sharing_through_the_page_opens_the_debrief_to_the_association_only(school, other_school):
    scene = build_scene(school, other_school, shared=False)
    detail = reverse("visits:detail", args=[scene.debriefed.pk])
    colleague = client_for(scene.users["association colleague"])
    assert colleague.get(detail).status_code == 403
    response = client_for(scene.users["observed teacher"]).post(
        reverse("visits:share", args=[scene.debriefed.pk]), {"shared": "1"}
    )
    assert response.status_code == 302
    assert "SECRET-FACT-42" in colleague.get(detail).content.decode()
    assert "SECRET-FACT-42" not in client_for(scene.users["administrator"]).get(detail).content.decode()
    for manager in ("administrator in the association", "deputy head in the association"):
        assert "SECRET-FACT-42" not in client_for(scene.users[manager]).get(detail).content.decode()
    assert client_for(scene.users["another teacher"]).get(detail).status_code == 403


def archive_text(content):
    """Everything readable in a file: nested ZIPs (a personal data export holds an
    .xlsx) opened, XML, JSON and CSV read."""
    if content[:2] != b"PK":
        return content.decode("utf-8", errors="replace")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive_text(archive.read(name)) for name in archive.namelist())


def _exports_for(scene, role):
    """(label, answer) of every file the role may take away: the GET exports of the
    URL walk, the prepared yearly files and, for an administrator, the observed
    teacher's personal data."""
    from apps.core.dates import academic_year_of
    from apps.dashboards.models import ReportExport
    from apps.dashboards.report_exports import report_export_build, report_export_request

    user, client = scene.users[role], client_for(scene.users[role])
    answers = []
    for name, (method, kind, _roles) in sorted(SCHOOL_ROUTES.items()):
        if method == "get" and kind is None and ("export" in name or name.endswith("_xlsx")):
            answers.append((name, client.get(reverse(name))))
    membership = user.memberships.get(school=scene.debriefed.school)
    if membership.can("dashboards.view_school"):
        year = academic_year_of(timezone.localdate())
        for kind in ReportExport.Kind.values:
            export = report_export_request(school=scene.debriefed.school, user=user, kind=kind, params={"year": year})
            report_export_build(export_id=export.pk)
            answers.append((kind, client.get(reverse("dashboards:export_download", args=[export.pk]))))
    if membership.can("privacy.manage_personal_data"):
        url = reverse("privacy:personal_data_export", args=[scene.staff["observed teacher"].pk])
        answers.append(("personal data", client.post(url)))
    return answers


@pytest.mark.parametrize(
    "role",
    [
        "administrator in the association",
        "deputy head in the association",
        "colleague who joined the association later",
    ],
)
def test_a_shared_debrief_stays_closed_to_administration_in_the_association_and_to_later_joiners(
    school, other_school, role
):
    scene = build_scene(school, other_school, shared=True)
    detail = reverse("visits:detail", args=[scene.debriefed.pk])
    response = client_for(scene.users[role]).get(detail)
    # Administration sees the facts, the later joiner not even those.
    assert response.status_code == (403 if role.startswith("colleague") else 200)
    assert shown(page_text(response)) == set()
    answers = _exports_for(scene, role)
    assert answers
    for label, answer in answers:
        if answer.status_code == 200:
            assert shown(archive_text(answer.content)) == set(), label
    # A colleague who was in the association when the teacher shared reads it all.
    colleague = client_for(scene.users["association colleague"]).get(detail)
    assert shown(page_text(colleague)) == set(SUBMITTED) | {"reflection", "tick"}
