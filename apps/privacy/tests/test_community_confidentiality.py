"""The three circles, proved page by page across the network community.

A draft is its author's alone; an association-only material, its comments and
an association's question are seen by the members of that association and
nobody else (not the school's administration, not a colleague of another
association, not the network); an association's minutes and decisions stay in
its school; an event's attendee list is its organisers'; a programme of help is
seen by its two schools, and the network's coordinator sees its status, never
its content. A school outside the network sees nothing.

Every GET page and export of the four apps is taken from the URL walk's routes by
namespace, so a page added later is swept without touching this file; the
calendar feed and the personal-data export are swept too.
See docs/testing.md#the-confidentiality-matrix.
"""

import datetime
import re
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.associations.tests.factories import DecisionFactory, HeldMeetingFactory, YearPlanFactory, network_association
from apps.calendar import ical
from apps.community.models import MaterialVersion
from apps.community.tests.factories import AnswerFactory, MaterialCommentFactory, MaterialFactory, QuestionFactory
from apps.core.tenancy import Circle
from apps.core.tests.test_url_walk import NETWORK_ROUTES, SCHOOL_ROUTES
from apps.help_programmes.models import HelpForm
from apps.help_programmes.tests.factories import (
    DifficultyFactory,
    HelpFormFactory,
    ProgrammeFactory,
    leader_and_supported,
)
from apps.network_events.models import EventMaterial
from apps.network_events.tests.factories import EventFactory, RegistrationFactory
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory
from apps.visits.tests.test_confidentiality import archive_text
from conftest import client_for

T, C, D, A = Role.TEACHER, Role.CURATOR, Role.DEPUTY_HEAD, Role.ADMINISTRATOR
NAMESPACES = ("community", "associations", "network_events", "help_programmes")

# Each secret has an ASCII tag too, found where a page escapes non-ASCII text.
TEXTS = {
    "draft": ("ЧЕРНОВИК-МАТЕРИАЛА-31", "SECRET-DRAFT-31"),
    "draft file": ("ФАЙЛ-ЧЕРНОВИКА-32", "SECRET-DRAFT-FILE-32"),
    "association material": ("МАТЕРИАЛ-ШМО-33", "SECRET-ASSOCIATION-33"),
    "association file": ("ФАЙЛ-ШМО-34", "SECRET-ASSOCIATION-FILE-34"),
    "association comment": ("КОММЕНТАРИЙ-ШМО-35", "SECRET-COMMENT-35"),
    "association question": ("ВОПРОС-ШМО-36", "SECRET-QUESTION-36"),
    "association answer": ("ОТВЕТ-ШМО-37", "SECRET-ANSWER-37"),
    "school material": ("МАТЕРИАЛ-ШКОЛЫ-38", "SECRET-SCHOOL-38"),
    "network material": ("МАТЕРИАЛ-СЕТИ-39", "SECRET-NETWORK-39"),
    "minutes": ("ПРОТОКОЛ-ЗАСЕДАНИЯ-40", "SECRET-MINUTES-40"),
    "decision": ("РЕШЕНИЕ-ЗАСЕДАНИЯ-41", "SECRET-DECISION-41"),
    "attendee": ("Записавшаяся-Тайная", "SECRET-ATTENDEE-42"),
    "difficulty": ("ЗАТРУДНЕНИЕ-ШКОЛЫ-43", "SECRET-DIFFICULTY-43"),
}

SCHOOL_PEOPLE = ("teacher", "curator", "deputy head", "administrator", "colleague of another association")
ROLES = [*SCHOOL_PEOPLE, "teacher of a network school", "school outside the network", "network coordinator"]

# Who may ever read each secret, on any page of any of the four apps.
ASSOCIATION = {"teacher", "curator"}  # the teacher's ШМО; the deputy head heads another one
ALLOWED = {
    "draft": {"teacher"},
    "draft file": {"teacher"},
    "association material": ASSOCIATION,
    "association file": ASSOCIATION,
    "association comment": ASSOCIATION,
    "association question": ASSOCIATION,
    "association answer": ASSOCIATION,
    "school material": set(SCHOOL_PEOPLE),
    "network material": {*SCHOOL_PEOPLE, "teacher of a network school"},
    # The association's members, its head and who manages associations (the deputy head, the administrator).
    "minutes": {"teacher", "curator", "deputy head", "administrator"},
    "decision": {"teacher", "curator", "deputy head", "administrator"},
    # The organisers: the curator created the event; the deputy head and the administrator organise for the school.
    "attendee": {"curator", "deputy head", "administrator"},
    "difficulty": {*SCHOOL_PEOPLE, "teacher of a network school"},
}


def text(key):
    russian, tag = TEXTS[key]
    return f"{russian} ({tag})"


def readable(response):
    """Everything a person could read in an answer: HTML, a file, the sheets of an
    .xlsx, an .ics with its lines unfolded (RFC 5545 folds them at 75 octets)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        return archive_text(content)
    return content.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode("utf-8", errors="replace")


def shown(body):
    return {key for key, (russian, tag) in TEXTS.items() if russian in body or tag in body}


@dataclass
class Scene:
    users: dict
    staff: dict
    objects: dict  # object kind of the URL walk → the scene's objects of that kind
    homes: list = field(default_factory=list)  # (label, url, secrets it must show to whoever may read them)
    network: object = None


def _version_with_file(material, secret):
    version = MaterialVersion.objects.create(
        material=material,
        number=2,
        file=SimpleUploadedFile("plan.txt", text(secret).encode()),
        file_size=64,
        file_name="plan.txt",
        change_note="Добавлен этап рефлексии",
        title=material.title,
        description=material.description,
    )
    material.current_version = 2
    material.save(update_fields=["current_version"])
    return version


def build_scene(school, other_school):
    """The school leads a network with a second school; `other_school` is in no network."""
    network = SchoolNetworkFactory()
    school.network = network
    school.save()
    network_school = SchoolFactory(short_name="Ольховская СОШ", network=network)
    leader_and_supported(school, network_school)
    ours = SubjectAssociationFactory(school=school, name="ШМО филологов")
    another = SubjectAssociationFactory(school=school, name="ШМО математиков")
    theirs = SubjectAssociationFactory(school=network_school, name="ШМО филологов Ольховской")

    users, staff = {}, {}

    def person(key, where, roles, association=None, **names):
        user = UserFactory(last_name=names.get("last_name", key.replace(" ", "-")))
        MembershipFactory(user=user, school=where, roles=roles)
        users[key] = user
        staff[key] = StaffMemberFactory(
            school=where, user=user, last_name=user.last_name, first_name=user.first_name, association=association
        )

    person("teacher", school, [T], ours)
    person("curator", school, [T, C], ours)
    person("deputy head", school, [T, D], another)
    person("administrator", school, [A])
    person("colleague of another association", school, [T], another)
    person("teacher of a network school", network_school, [T], theirs)
    person("school outside the network", other_school, list(Role.values))
    coordinator = UserFactory(last_name="Координатор")
    network.coordinators.add(coordinator)
    users["network coordinator"] = coordinator
    # A teacher of the network school on the seminar's list: her name is the attendee list's secret.
    attendee = StaffMemberFactory(
        school=network_school, last_name=TEXTS["attendee"][0], first_name=TEXTS["attendee"][1]
    )

    teacher = staff["teacher"]

    def material(circle, secret):
        return MaterialFactory(
            school=school, author=teacher, circle=circle, title=text(secret), description=text(secret)
        )

    draft = material(Circle.DRAFT, "draft")
    _version_with_file(draft, "draft file")
    only_ours = material(Circle.ASSOCIATION, "association material")
    _version_with_file(only_ours, "association file")
    school_wide = material(Circle.SCHOOL, "school material")
    network_wide = material(Circle.NETWORK, "network material")
    comment = MaterialCommentFactory(
        material=only_ours, author=staff["curator"], school=school, text=text("association comment")
    )
    question = QuestionFactory(
        school=school,
        author=teacher,
        circle=Circle.ASSOCIATION,
        title=text("association question"),
        body=text("association question"),
    )
    answer = AnswerFactory(question=question, author=staff["curator"], school=school, text=text("association answer"))

    plan = YearPlanFactory(association=ours, head=teacher)
    meeting = HeldMeetingFactory(plan=plan, minutes=text("minutes"), minutes_by=teacher)
    decision = DecisionFactory(meeting=meeting, responsible=teacher, text=text("decision"))
    joined = network_association(lead=ours, others=[theirs])

    event = EventFactory(school=school, created_by=staff["curator"], circle=Circle.NETWORK)
    RegistrationFactory(event=event, staff=attendee)
    RegistrationFactory(event=event, staff=teacher)
    held = EventFactory(
        school=school,
        created_by=staff["curator"],
        circle=Circle.NETWORK,
        starts_at=timezone.now() - datetime.timedelta(days=20),
        ends_at=timezone.now() - datetime.timedelta(days=20) + datetime.timedelta(minutes=90),
    )
    RegistrationFactory(event=held, staff=attendee)

    programme = ProgrammeFactory(leader_school=school, supported_school=network_school)
    difficulty = DifficultyFactory(programme=programme, text=text("difficulty"))
    # Linked where the work happens, a material keeps its own circle: the draft and the
    # association's material on the held seminar and in the programme's shared materials.
    for linked in (draft, only_ours, network_wide):
        EventMaterial.objects.create(event=held, material=linked, attached_by=staff["curator"])
    shared = HelpFormFactory(programme=programme, kind=HelpForm.Kind.SHARED_MATERIALS)
    shared.materials.set([draft, only_ours, network_wide])

    objects = {
        "material": [draft, only_ours, school_wide, network_wide],
        "material_version": [draft.versions.get(number=2), only_ours.versions.get(number=2)],
        "material_comment": [comment],
        "material_comment_own": [comment],
        "question": [question],
        "answer": [answer],
        "association_workspace": [ours],
        "association_meeting": [meeting],
        "association_held_meeting": [meeting],
        "association_decision": [decision],
        "network_association": [joined],
        "network_event": [event],
        "past_network_event": [held],
        "help_programme": [programme],
        "help_difficulty": [difficulty],
    }
    scene = Scene(users, staff, objects, network=network)

    def detail(name, obj):
        return reverse(name, kwargs={"pk": obj.pk})

    scene.homes = [
        ("draft", detail("community:material_detail", draft), {"draft"}),
        ("draft's file", detail("community:version_file", objects["material_version"][0]), {"draft file"}),
        (
            "association material",
            detail("community:material_detail", only_ours),
            {"association material", "association comment"},
        ),
        ("association file", detail("community:version_file", objects["material_version"][1]), {"association file"}),
        (
            "association question",
            detail("community:question_detail", question),
            {"association question", "association answer"},
        ),
        ("school material", detail("community:material_detail", school_wide), {"school material"}),
        ("network material", detail("community:material_detail", network_wide), {"network material"}),
        # The meeting itself (its date, its agenda) is the school's; the minutes are not.
        ("minutes", detail("associations:meeting_detail", meeting), {"minutes", "decision"}),
        ("attendee list", detail("network_events:attendees_xlsx", event), {"attendee"}),
        ("programme", detail("help_programmes:detail", programme), {"difficulty"}),
    ]
    return scene


def swept_pages(scene):
    """(label, url) of every GET page and export of the four apps, for each object of the scene."""
    pages, unknown = [], []
    for name, (method, kind, _who) in sorted(SCHOOL_ROUTES.items()):
        if method != "get" or name.split(":")[0] not in NAMESPACES:
            continue
        if kind is None:
            pages.append((name, reverse(name)))
            continue
        if kind not in scene.objects:
            unknown.append(f"{name} ({kind})")
            continue
        for obj in scene.objects[kind]:
            try:
                pages.append((f"{name} #{obj.pk}", reverse(name, kwargs={"pk": obj.pk})))
            except NoReverseMatch:
                unknown.append(f"{name} ({kind}): not reversed by pk")
    for name, method in sorted(NETWORK_ROUTES.items()):
        if method == "get" and name.split(":")[0] in NAMESPACES:
            pages.append((name, reverse(name, kwargs={"network_id": scene.network.pk})))
    # Search and the lists filtered by circle: every secret asked for by its tag (the
    # page repeats what was typed, so only its Russian text in a result tells a leak).
    for _russian, tag in TEXTS.values():
        pages.append((f"search for {tag}", reverse("community:search") + f"?q={tag}"))
    for circle in Circle.values:
        pages.append((f"materials in {circle}", reverse("community:material_list") + f"?circle={circle}"))
        pages.append((f"questions in {circle}", reverse("community:question_list") + f"?circle={circle}"))
    pages.append(("past events", reverse("network_events:list") + "?when=past"))
    assert not unknown, "the scene has no object for these routes; add one to build_scene: " + ", ".join(unknown)
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_community_secrets_show_exactly_where_the_circles_allow(school, other_school, role):
    scene = build_scene(school, other_school)
    client = client_for(scene.users[role])
    may_read = {key for key, who in ALLOWED.items() if role in who}
    problems = []
    pages = swept_pages(scene)
    feed = ical.calendar_feed_get_or_create(user=scene.users[role]).token
    pages.append(("calendar feed (.ics)", reverse("mentoring:ical", kwargs={"token": feed})))
    for label, url in pages:
        response = (client_for(None) if label.endswith("(.ics)") else client).get(url)
        assert response.status_code < 500, f"{label} ({url}): {response.status_code}"
        body = readable(response) if response.status_code == 200 else ""
        if label.startswith("search for "):
            body = re.sub(r"</?mark>", "", body).replace(label.removeprefix("search for "), "")
        found = shown(body)
        if found - may_read:
            problems.append(f"{label} ({url}): shows {sorted(found - may_read)}")
    # Each secret is really there for whoever may read it: the matrix cannot pass on empty pages.
    for label, url, secrets in scene.homes:
        response = client.get(url)
        # Its own secrets exactly; whatever else it links is the sweep's to judge.
        found = (shown(readable(response)) if response.status_code == 200 else set()) & secrets
        expected = secrets & may_read
        if found != expected:
            problems.append(f"{label} ({url}, {response.status_code}): shows {sorted(found)}, not {sorted(expected)}")
        if not expected and label != "minutes" and response.status_code not in (403, 404):
            problems.append(f"{label} ({url}): answers {response.status_code}, not 403/404")
    assert not problems, f"{role}:\n" + "\n".join(problems)


def test_outside_the_circle_is_not_found(school, other_school):
    """Outside the circle the answer is 404, as for another school's object: a
    same-school colleague does not learn that a draft or an association's material exists."""
    scene = build_scene(school, other_school)
    draft, only_ours = scene.objects["material"][:2]
    question = scene.objects["question"][0]
    outside = ("colleague of another association", "deputy head", "administrator")
    for role in (*outside, "teacher of a network school", "school outside the network"):
        client = client_for(scene.users[role])
        for url in (
            reverse("community:material_detail", args=[draft.pk]),
            reverse("community:material_detail", args=[only_ours.pk]),
            reverse("community:question_detail", args=[question.pk]),
            reverse("community:version_file", args=[scene.objects["material_version"][1].pk]),
        ):
            assert client.get(url).status_code == 404, (role, url)
    curator = client_for(scene.users["curator"])
    assert curator.get(reverse("community:material_detail", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("subject", SCHOOL_PEOPLE)
def test_personal_data_export_holds_only_what_its_subject_may_read(school, other_school, subject):
    """The administrator exports a person's data: their own rows, never a colleague's
    draft or an association's content the person is outside of."""
    scene = build_scene(school, other_school)
    url = reverse("privacy:personal_data_export", args=[scene.staff[subject].pk])
    response = client_for(scene.users["administrator"]).post(url)
    assert response.status_code == 200
    found = shown(readable(response))
    may_read = {key for key, who in ALLOWED.items() if subject in who}
    assert found <= may_read, sorted(found - may_read)
    if subject == "teacher":  # her own materials, the draft too, and her question
        assert {"draft", "association material", "association question"} <= found
    if subject == "curator":  # her comment and her answer
        assert {"association comment", "association answer"} <= found
