"""Walks every URL pattern of the project.

For each route the table below says how it is called, which object of the school
its URL names, and which roles may use it. A route missing from the table fails
the suite, so every new page must declare its access rules here.

- anonymous → redirected to the login page;
- a user of another school (holding every role there) → 404 on every object URL;
- role matrix: each role gets 403 where it is not listed, and gets in where it is.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.models import Role
from apps.staff.tests.factories import (
    AchievementFactory,
    CategoryAwardFactory,
    StaffImportFactory,
    StaffMemberFactory,
    SubjectAssociationFactory,
    SubjectFactory,
)
from conftest import PERSONAS, client_for

T, C, D, A = Role.TEACHER, Role.CURATOR, Role.DEPUTY_HEAD, Role.ADMINISTRATOR
ANY_MEMBER = (T, C, D, A)
READERS = (C, D, A)
MANAGERS = (D, A)

# Objects of a school that a URL can name: factory(school) → URL kwargs.
OBJECTS = {
    "staff": lambda school: {"pk": StaffMemberFactory(school=school).pk},
    "award": lambda school: {"pk": CategoryAwardFactory(staff__school=school).pk},
    "achievement": lambda school: {"pk": AchievementFactory(staff__school=school).pk},
    "import": lambda school: {"pk": StaffImportFactory(school=school).pk},
    "subject": lambda school: {"pk": SubjectFactory(school=school).pk},
    "association": lambda school: {"pk": SubjectAssociationFactory(school=school).pk},
}

# name → (method, object kind or None, roles allowed)
SCHOOL_ROUTES = {
    "home": ("get", None, ANY_MEMBER),
    "school_switch": ("post", None, ANY_MEMBER),
    "staff:list": ("get", None, READERS),
    "staff:export": ("get", None, MANAGERS),
    "staff:create": ("get", None, (A,)),
    "staff:detail": ("get", "staff", READERS),
    "staff:edit": ("get", "staff", (A,)),
    "staff:deactivate": ("post", "staff", (A,)),
    "staff:reactivate": ("post", "staff", (A,)),
    "staff:category_add": ("get", "staff", (A,)),
    "staff:category_delete": ("post", "award", (A,)),
    "staff:achievement_add": ("get", "staff", MANAGERS),
    "staff:achievement_delete": ("post", "achievement", MANAGERS),
    "staff:attestations_due": ("get", None, MANAGERS),
    "staff:import": ("get", None, (A,)),
    "staff:import_template": ("get", None, (A,)),
    "staff:import_preview": ("get", "import", (A,)),
    "staff:import_confirm": ("post", "import", (A,)),
    "staff:catalog": ("get", None, (A,)),
    "staff:subject_rename": ("get", "subject", (A,)),
    "staff:association_rename": ("get", "association", (A,)),
}

# Routes outside a school: sign-in pages, language, health, password change.
PUBLIC_ROUTES = {
    "login": ("get", {}),
    "logout": ("post", {}),
    "password_reset": ("get", {}),
    "password_reset_done": ("get", {}),
    "password_reset_confirm": ("get", {"uidb64": "MQ", "token": "bad-token"}),
    "password_reset_complete": ("get", {}),
    "set_language": ("post", {}),
    "health": ("get", {}),
}
# Signed-in users only, whatever their school.
ACCOUNT_ROUTES = {"password_change": "get", "password_change_done": "get"}
# The Django admin has its own login and is for superusers (tested in test_admin).
EXEMPT_NAMESPACES = {"admin"}


def _walk(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"


def all_route_names():
    return {name for name in _walk(get_resolver()) if name.split(":")[0] not in EXEMPT_NAMESPACES or ":" not in name}


def test_every_url_pattern_has_declared_access_rules():
    declared = set(SCHOOL_ROUTES) | set(PUBLIC_ROUTES) | set(ACCOUNT_ROUTES)
    walked = all_route_names()
    assert walked - declared == set(), "routes without access rules in test_url_walk.py"
    assert declared - walked == set(), "access rules for routes that no longer exist"


def _call(client, name, school, method, kind, data=None):
    kwargs = OBJECTS[kind](school) if kind else {}
    url = reverse(name, kwargs=kwargs)
    return getattr(client, method)(url, data or {})


@pytest.mark.parametrize("name", sorted(SCHOOL_ROUTES))
def test_anonymous_is_sent_to_login(name, school):
    method, kind, _roles = SCHOOL_ROUTES[name]
    response = _call(client_for(None), name, school, method, kind)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(ACCOUNT_ROUTES))
def test_anonymous_is_sent_to_login_from_account_pages(name, db):
    response = client_for(None).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(n for n, (_m, kind, _r) in SCHOOL_ROUTES.items() if kind))
def test_user_of_other_school_gets_404_on_object_urls(name, school, outsider):
    method, kind, _roles = SCHOOL_ROUTES[name]
    response = _call(client_for(outsider), name, school, method, kind)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name,role",
    [(name, role) for name in sorted(SCHOOL_ROUTES) for role in PERSONAS],
)
def test_role_matrix(name, role, school, request):
    method, kind, allowed = SCHOOL_ROUTES[name]
    user = request.getfixturevalue(PERSONAS[role])
    response = _call(client_for(user), name, school, method, kind)
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403


def test_user_without_any_school_gets_403(db):
    from apps.accounts.tests.factories import UserFactory

    response = client_for(UserFactory()).get(reverse("home"))
    assert response.status_code == 403


@pytest.mark.parametrize("name", sorted(PUBLIC_ROUTES))
def test_public_routes_answer_without_login(name, db):
    method, kwargs = PUBLIC_ROUTES[name]
    response = getattr(client_for(None), method)(reverse(name, kwargs=kwargs))
    assert response.status_code in (200, 302)
