"""Walks every URL pattern of the project.

Each app's `tests/routes.py` says how each of its routes is called, which object
of the school its URL names, and who may use it: the capability it needs and the
personas its object lets in (apps/core/tests/world.py); a route declared nowhere
fails the suite. Anonymous → login page; a user of another school (holding every
role there) → 404 on every object URL; each role → 403 where neither a capability
it holds nor a relation lets it in. Every response carries the security headers
and every page holds no inline code (apps/core/tests/headers.py). See
docs/testing.md#the-url-walk.
"""

import importlib
from urllib.parse import quote

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.capabilities import roles_with
from apps.accounts.models import Role
from apps.core.tests.headers import assert_nothing_inline, assert_security_headers
from apps.core.tests.world import World, route_capabilities, route_roles
from conftest import PERSONAS, client_for


def _collect():
    """Merge every app's `tests/routes.py` (see apps/core/tests/world.py)."""
    objects, routes, public, network = {}, {}, {}, {}
    for config in django_apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.routes")
        except ModuleNotFoundError:
            continue
        assert not set(objects) & set(module.OBJECTS), f"object kinds declared twice in {config.name}"
        assert not set(routes) & set(module.ROUTES), f"routes declared twice in {config.name}"
        objects.update(module.OBJECTS)
        routes.update(module.ROUTES)
        public.update(getattr(module, "PUBLIC", {}))
        network.update(getattr(module, "NETWORK_ROUTES", {}))
    return objects, routes, public, network


OBJECTS, SCHOOL_ROUTES, APP_PUBLIC_ROUTES, NETWORK_ROUTES = _collect()

# Routes outside a school: sign-in pages, language, password change.
PUBLIC_ROUTES = {
    "login": ("get", {}),
    "logout": ("post", {}),
    "password_reset": ("get", {}),
    "password_reset_done": ("get", {}),
    "password_reset_confirm": ("get", {"uidb64": "MQ", "token": "bad-token"}),
    "password_reset_complete": ("get", {}),
    "set_language": ("post", {}),
    **APP_PUBLIC_ROUTES,
}
# Public, but 200 or 503 by the state of the services: see test_health.py.
OPERATIONS_ROUTES = {"health"}
# Signed-in users only, whatever their school.
ACCOUNT_ROUTES = {
    "password_change": "get",
    "password_change_done": "get",
    "two_factor": "get",
    "two_factor_setup": "get",
    "two_factor_verify": "get",
    "two_factor_recovery_codes": "get",
}
# The Django admin has its own login and is for superusers (tested in test_admin).
EXEMPT_NAMESPACES = {"admin"}


def _walk(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"
            yield name, pattern.callback


def _walked():
    return {
        name: view
        for name, view in _walk(get_resolver())
        if name.split(":")[0] not in EXEMPT_NAMESPACES or ":" not in name
    }


def all_route_names():
    return set(_walked())


def test_every_url_pattern_has_declared_access_rules():
    declared = set(SCHOOL_ROUTES) | set(PUBLIC_ROUTES) | set(ACCOUNT_ROUTES) | set(NETWORK_ROUTES) | OPERATIONS_ROUTES
    walked = all_route_names()
    assert walked - declared == set(), "routes without access rules in test_url_walk.py"
    assert declared - walked == set(), "access rules for routes that no longer exist"


@pytest.mark.parametrize("name", sorted(SCHOOL_ROUTES))
def test_each_view_needs_a_capability_its_route_declares(name):
    """The walk's rules and the views' rules are one: a view that names a capability
    (`school_view("...")`) is declared with that capability in its app's routes.py."""
    _method, _kind, who = SCHOOL_ROUTES[name]
    needed = getattr(_walked()[name], "school_capability", None)
    if needed is None:
        return
    if route_capabilities(who):
        assert needed in route_capabilities(who), f"{name} needs {needed!r}; its routes.py says {who!r}"
    else:  # only personas, let in by their relation to the object: each holds it too
        assert route_roles(who) <= set(roles_with(needed)), f"{name} needs {needed!r}; its routes.py says {who!r}"


@pytest.fixture
def world(school, teacher, curator, deputy_head, administrator):
    return World(
        school,
        {
            Role.TEACHER: teacher,
            Role.CURATOR: curator,
            Role.DEPUTY_HEAD: deputy_head,
            Role.ADMINISTRATOR: administrator,
        },
    )


def _call(client, name, world, method, kind, data=None):
    kwargs = OBJECTS[kind](world) if kind else {}
    url = reverse(name, kwargs=kwargs)
    return getattr(client, method)(url, data or {})


@pytest.mark.parametrize("name", sorted(SCHOOL_ROUTES))
def test_anonymous_is_sent_to_login(name, world):
    method, kind, _roles = SCHOOL_ROUTES[name]
    response = _call(client_for(None), name, world, method, kind)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert_security_headers(response)


@pytest.mark.parametrize("name", sorted(ACCOUNT_ROUTES))
def test_anonymous_is_sent_to_login_from_account_pages(name, db):
    response = client_for(None).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert_security_headers(response)


@pytest.mark.parametrize("name", sorted(ACCOUNT_ROUTES))
@pytest.mark.parametrize("persona", ["teacher", "administrator"])
def test_account_pages_carry_the_headers_and_nothing_inline(name, persona, request):
    response = client_for(request.getfixturevalue(persona)).get(reverse(name))
    assert response.status_code in (200, 302), response.status_code
    assert_security_headers(response)
    assert_nothing_inline(response)


@pytest.mark.parametrize("name", sorted(n for n, (_m, kind, _r) in SCHOOL_ROUTES.items() if kind))
def test_user_of_other_school_gets_404_on_object_urls(name, world, outsider):
    method, kind, _roles = SCHOOL_ROUTES[name]
    response = _call(client_for(outsider), name, world, method, kind)
    assert response.status_code == 404
    assert_security_headers(response)
    assert_nothing_inline(response)


@pytest.mark.parametrize(
    "name,role",
    [(name, role) for name in sorted(SCHOOL_ROUTES) for role in PERSONAS],
)
def test_role_matrix(name, role, world):
    method, kind, who = SCHOOL_ROUTES[name]
    response = _call(client_for(world.users[role]), name, world, method, kind)
    if role in route_roles(who):
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403
    assert_security_headers(response)
    assert_nothing_inline(response)


@pytest.mark.parametrize("name", sorted(SCHOOL_ROUTES))
def test_unverified_administrator_is_sent_to_two_factor_then_gets_in(name, world):
    """Signed in with the password only, an administrator reaches no school page
    (but is sent to the code, the page asked for kept as `next`); after the code
    every page answers as in the role matrix."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from apps.accounts.tests.factories import TOTPDeviceFactory, totp_code

    method, kind, who = SCHOOL_ROUTES[name]
    administrator = world.users[Role.ADMINISTRATOR]
    device = TOTPDeviceFactory(user=administrator)
    client = Client()
    client.force_login(administrator)
    url = reverse(name, kwargs=OBJECTS[kind](world) if kind else {})

    response = getattr(client, method)(url)
    assert response.status_code == 302
    verify_url = reverse("two_factor_verify")
    if method == "get":
        assert response["Location"] == f"{verify_url}?next={quote(url)}"
    else:
        assert response["Location"] == verify_url
    assert DEVICE_ID_SESSION_KEY not in client.session

    verified = client.post(verify_url, {"code": totp_code(device), "next": "/"})
    assert verified.status_code == 302 and verified["Location"] == "/"
    response = getattr(client, method)(url)
    if Role.ADMINISTRATOR not in route_roles(who):
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith((reverse("login"), verify_url, reverse("two_factor_setup")))


def test_user_without_any_school_gets_403(db):
    from apps.accounts.tests.factories import UserFactory

    response = client_for(UserFactory()).get(reverse("home"))
    assert response.status_code == 403


@pytest.mark.parametrize("name", sorted(PUBLIC_ROUTES))
def test_public_routes_answer_without_login(name, db):
    method, kwargs = PUBLIC_ROUTES[name]
    response = getattr(client_for(None), method)(reverse(name, kwargs=kwargs))
    assert response.status_code in (200, 302)
    assert_security_headers(response)
    assert_nothing_inline(response)


@pytest.mark.parametrize("name", sorted(NETWORK_ROUTES))
def test_network_routes(name, world, outsider):
    """A network's pages: anonymous → login; any school role without coordinating
    the network → 403; the coordinator of another network → 404; its own → 200."""
    from apps.accounts.tests.factories import SchoolNetworkFactory, UserFactory

    network = SchoolNetworkFactory()
    world.school.network = network
    world.school.save()
    coordinator, other_coordinator = UserFactory(), UserFactory()
    network.coordinators.add(coordinator)
    SchoolNetworkFactory().coordinators.add(other_coordinator)
    method = NETWORK_ROUTES[name]
    url = reverse(name, kwargs={"network_id": network.pk})

    response = getattr(client_for(None), method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in [*world.users.values(), outsider]:
        assert getattr(client_for(user), method)(url).status_code == 403
    assert getattr(client_for(other_coordinator), method)(url).status_code == 404
    response = getattr(client_for(coordinator), method)(url)
    assert response.status_code == 200
    assert_security_headers(response)
    assert_nothing_inline(response)
