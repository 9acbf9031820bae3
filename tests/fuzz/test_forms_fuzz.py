"""Hypothesis fuzzing of every route: hostile input never yields a 500.

The routes and who may use them come from the URL walk's registry. For each route,
signed in as the strongest persona allowed, the test reads the forms on its page
(tests/fuzz/forms.py) and POSTs hostile form data, and GETs the page with hostile
query strings; before the examples, each text of each form goes one
character over its limit (a form error) and then to 5,000,000 characters (413).
Every answer is below 500, no redirect leaves the site, and a form
that comes back with errors still shows what the person typed. Few examples per
route, derandomised, so the run is repeatable; a deeper random run:
`FUZZ_RANDOM=1 FUZZ_EXAMPLES=100 pytest tests/fuzz`. See docs/testing.md#fuzzing.
"""

import os
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.accounts.models import Role
from apps.core.tests import test_url_walk as walk
from apps.core.tests.world import World, route_roles
from conftest import client_for
from tests.fuzz.forms import (
    QUERY_KEYS,
    TYPED,
    Field,
    form_data,
    handles_post,
    page_forms,
    plausible_value,
    query_data,
    query_names,
    reads_query,
    typed_values,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
DERANDOMIZE = os.environ.get("FUZZ_RANDOM") != "1"

# The strongest persona first: they see the most forms.
PERSONA_ORDER = (Role.ADMINISTRATOR, Role.DEPUTY_HEAD, Role.CURATOR, Role.TEACHER)
# Answers 200 or 503 by the state of the services, whatever the input.
NOT_FUZZED = {"health", *getattr(walk, "OPERATIONS_ROUTES", ())}


@dataclass(frozen=True)
class Route:
    name: str
    method: str  # as declared: "get" (a page) or "post" (a button's action)
    kind: str | None = None  # the object kind of the school routes
    kwargs: dict | None = None  # fixed URL kwargs of public routes
    personas: tuple = (None,)  # the Roles allowed, strongest first; None: anonymous
    network: bool = False
    posts: bool = False  # reads POST data (its view's source says so, or a button's action)
    queries: bool = False  # reads its query string
    query_keys: frozenset = frozenset()  # the query parameters its view reads by name


def _callbacks(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _callbacks(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def _routes():
    routes = {}
    for name, (method, kind, who) in walk.SCHOOL_ROUTES.items():
        personas = tuple(role for role in PERSONA_ORDER if role in route_roles(who))
        routes[name] = Route(name, method, kind=kind, personas=personas)
    for name, (method, kwargs) in walk.PUBLIC_ROUTES.items():
        routes[name] = Route(name, method, kwargs=kwargs)
    for name, method in walk.ACCOUNT_ROUTES.items():
        routes[name] = Route(name, method, personas=(Role.TEACHER, Role.ADMINISTRATOR))
    for name, method in walk.NETWORK_ROUTES.items():
        routes[name] = Route(name, method, network=True)
    callbacks = dict(_callbacks(get_resolver()))
    fuzzed = {}
    for name, route in routes.items():
        if name in NOT_FUZZED:
            continue
        posts = route.method == "post" or handles_post(callbacks[name])
        queries = route.method == "get" and reads_query(callbacks[name])
        if posts or queries:
            keys = frozenset(query_names(callbacks[name])) if queries else frozenset()
            fuzzed[name] = replace(route, posts=posts, queries=queries, query_keys=keys)
    return fuzzed


ROUTES = _routes()


@pytest.fixture
def world(school, teacher, curator, deputy_head, administrator):
    users = {Role.TEACHER: teacher, Role.CURATOR: curator, Role.DEPUTY_HEAD: deputy_head}
    return World(school, {**users, Role.ADMINISTRATOR: administrator})


@pytest.fixture
def foreign_ids(other_school):
    """Ids of another school's objects, to slip into forms."""
    from apps.staff.tests.factories import StaffMemberFactory

    staff = StaffMemberFactory(school=other_school)
    return sorted({str(staff.pk), str(staff.association_id), *(str(s.pk) for s in staff.subjects.all())})


@dataclass
class Target:
    route: Route
    client: Client
    url: str
    page_fields: dict  # fields of the page's GET forms (filters) and the parameters its view reads
    post_forms: list  # the fields of each form that posts to `url` ([{}]: none seen); []: no POST here
    echoes: bool  # a 200 answer to a POST is this form again


def _forms_posting_to(html, page_url, url):
    return [
        form.fields
        for form in page_forms(html)
        if form.method == "post" and (urlsplit(form.action).path or page_url) == url
    ]


def _get_fields(html):
    fields = {}
    for form in page_forms(html):
        if form.method == "get":
            fields.update(form.fields)
    return fields


def _sign_in(route, world, persona):
    """A client for `persona`, and the URL kwargs of a new object of the route."""
    if route.network:
        from apps.accounts.tests.factories import SchoolNetworkFactory, UserFactory

        network = SchoolNetworkFactory()
        world.school.network = network
        world.school.save()
        coordinator = UserFactory()
        network.coordinators.add(coordinator)
        return client_for(coordinator), {"network_id": network.pk}
    if persona is None:
        return Client(), dict(route.kwargs or {})
    client = client_for(world.users[persona])  # before the object: a notification is the signed-in person's
    return client, walk.OBJECTS[route.kind](world) if route.kind else {}


def _html(response):
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        return response.content.decode()
    return None


def _build(route, world):
    """Sign in, make the route's object, and read the forms of its page, or for a
    button's action, of a page of the same object that shows the button. The
    strongest persona allowed whose page shows the form is taken (the teacher
    persona is the one who answers a survey or reflects on their lesson)."""
    for persona in route.personas:
        savepoint, staff = transaction.savepoint(), dict(world._staff)  # another persona's try starts afresh
        client, kwargs = _sign_in(route, world, persona)
        url = reverse(route.name, kwargs=kwargs)
        page_fields = {key: Field(name=key, kind="text") for key in route.query_keys}
        post_forms = []
        if route.method == "get":
            response = client.get(url)
            assert response.status_code < 500
            html = _html(response)
            if html is not None:
                page_fields.update(_get_fields(html))
                post_forms = _forms_posting_to(html, url, url)
        else:
            for host in _hosts(route, persona):
                html = _html(client.get(reverse(host, kwargs=kwargs)))
                post_forms = _forms_posting_to(html, None, url) if html is not None else []
                if post_forms:
                    break
        if post_forms or not route.posts or persona == route.personas[-1]:
            transaction.savepoint_commit(savepoint)
            echoes = route.method == "get" and bool(post_forms)
            if route.posts and not post_forms:
                post_forms = [{}]  # no form seen: post junk anyway
            return Target(route, client, url, page_fields, post_forms, echoes)
        transaction.savepoint_rollback(savepoint)
        world._staff = staff
    raise AssertionError("unreachable")


def _hosts(route, persona):
    """Pages that may show a button posting to `route`: the pages of the same object
    in the same app (the object's page first), or the app's pages without an object;
    for a public action, the sign-in page."""
    if persona is None and not route.network:
        return ["login"]
    namespace = route.name.rpartition(":")[0]
    hosts = [
        name
        for name, (method, kind, who) in walk.SCHOOL_ROUTES.items()
        if method == "get"
        and kind == route.kind
        and persona in route_roles(who)
        and name.rpartition(":")[0] == namespace
    ]
    hosts.sort(key=lambda name: not name.endswith(("detail", "list", "s", "board", "feed", "home")))
    return hosts[:4] if route.kind else hosts[:6]


@pytest.fixture
def target(request, world):
    target = _build(ROUTES[request.param], world)
    _every_field_at_once(target)
    _each_text_over_its_limit(target)
    return target


def _every_field_at_once(target):
    """Before the random examples, the inputs that broke pages before, in every
    field at once: a NUL byte, and a digit that `str.isdigit` takes and `int`
    refuses. Each in a rolled-back savepoint."""
    for value in ("\x00", "²"):
        with transaction.atomic():
            if target.route.queries:
                keys = set(target.page_fields) | set(QUERY_KEYS)
                _check(target.client.get(target.url, dict.fromkeys(keys, value)), url=target.url)
            for fields in target.post_forms if value == "\x00" else []:
                data = {name: value for name, spec in fields.items() if spec.kind != "file"}
                _check(target.client.post(target.url, data), url=target.url)
            transaction.set_rollback(True)


# Far over any form's limit: a body no form of ours sends.
HUGE = 5_000_000


def _each_text_over_its_limit(target):
    """Each text input and text area of a form has a maxlength, and one
    character more, the rest of the form plausible, is refused: never a 500,
    and a form page comes back (200) with its note rather than taking it. Then
    the form with a text of 5,000,000 characters: refused (413), never a 500.
    Each post in a rolled-back savepoint."""
    for fields in target.post_forms:
        typed = [spec for spec in fields.values() if spec.kind in TYPED]
        for spec in typed:
            assert spec.max_length, f"{target.url}: «{spec.name}» has no maxlength"
            data = {name: plausible_value(other) for name, other in fields.items()}
            data[spec.name] = "x" * (spec.max_length + 1)
            with transaction.atomic():
                response = target.client.post(target.url, data)
                _check(response, url=target.url)
                if target.echoes:
                    assert response.status_code == 200, f"{target.url} took «{spec.name}» over its limit"
                transaction.set_rollback(True)
        if typed:
            with transaction.atomic():
                data = {name: plausible_value(other) for name, other in fields.items()}
                data[typed[0].name] = "x" * HUGE
                response = target.client.post(target.url, data)
                assert response.status_code == 413, f"{response.status_code} from {target.url} for {HUGE} characters"
                transaction.set_rollback(True)


def _check(response, *, url):
    assert response.status_code < 500, f"{response.status_code} from {url}"
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"])
        assert location.netloc in ("", "testserver"), f"redirect off the site: {response['Location']}"


@pytest.mark.parametrize("target", sorted(ROUTES), indirect=True)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_hostile_input_never_fails(target, foreign_ids, data):
    methods = (["get"] if target.route.queries else []) + (["post"] if target.post_forms else [])
    method = data.draw(st.sampled_from(methods), label="method")
    # Each example starts from the same database: a failure replays exactly.
    with transaction.atomic():
        if method == "get":
            query = data.draw(query_data(target.page_fields, foreign_ids), label="query")
            _check(target.client.get(target.url, query), url=target.url)
        else:
            fields = data.draw(st.sampled_from(target.post_forms), label="which form")
            form, spoiled = data.draw(form_data(fields, foreign_ids), label="form")
            response = target.client.post(target.url, form)
            _check(response, url=target.url)
            _check_echo(target, response, form, fields, spoiled)
        transaction.set_rollback(True)


def _check_echo(target, response, form, fields, spoiled):
    """A form that comes back (200) shows what the person typed. Only when the
    person could have sent it: hidden fields, options and buttons as on the page."""
    typed = typed_values(form, fields)
    if not (target.echoes and typed and response.status_code == 200):
        return
    if not response["Content-Type"].startswith("text/html"):
        return
    if any(fields[name].kind not in TYPED for name in spoiled):
        return
    content = response.content.decode()
    assert any(escape(value) in content for value in typed), "the form came back without what was typed"


def test_an_autosave_of_five_million_characters_is_refused_and_stores_nothing(world):
    from apps.visits.models import Feedback

    target = _build(ROUTES["visits:feedback_draft"], world)
    [fields] = target.post_forms
    assert "facts" in fields  # the feedback form, as the page's htmx autosave posts it
    stored = list(Feedback.objects.values_list("pk", "facts", "updated_at"))
    data = {name: plausible_value(spec) for name, spec in fields.items()}
    for name in ("facts", "questions"):
        response = target.client.post(target.url, {**data, name: "x" * HUGE}, HTTP_HX_REQUEST="true")
        assert 400 <= response.status_code < 500
        assert "<html" not in response.content.decode()  # a note where the draft status goes
    assert list(Feedback.objects.values_list("pk", "facts", "updated_at")) == stored
