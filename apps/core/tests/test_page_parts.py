"""The frame of every page (templates/base.html): what many people share is drawn once per
process ({% shared_part %}), what is one person's is drawn on each request."""

import re

import pytest
from django.template.base import TextNode
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode

from apps.accounts.capabilities import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.core.templatetags import page_parts
from conftest import client_for

pytestmark = pytest.mark.django_db


def _member(school, role, first_name):
    return MembershipFactory(school=school, roles=[role], user=UserFactory(first_name=first_name)).user


def _lit(html):
    """The data-testid of the navbar's links marked active."""
    return re.findall(r'class="nav-link[^"]*\bactive\b[^"]*"[^>]*data-testid="([^"]+)"', html)


def test_base_is_not_a_root_template():
    """Django walks a root template's whole tree for its blocks on every render: base.html,
    with the navbar, extends a root of one block instead."""
    nodelist = get_template("base.html").template.nodelist
    first = next(node for node in nodelist if not isinstance(node, TextNode))
    assert isinstance(first, ExtendsNode)


def test_the_parts_of_a_role_are_drawn_once_for_everyone_holding_it(school):
    first = client_for(_member(school, Role.TEACHER, "Вера"))
    second = client_for(_member(school, Role.TEACHER, "Зоя"))
    first.get("/accounts/password/change/done/")
    drawn = page_parts._rendered.cache_info()
    assert drawn.misses >= 6  # head, its end, the menu's start, the menu, the account menu, languages, scripts
    second.get("/accounts/password/change/done/")
    first.get("/accounts/password/change/done/")
    again = page_parts._rendered.cache_info()
    assert again.misses == drawn.misses
    assert again.hits >= drawn.hits + 2 * drawn.misses


def test_each_person_still_sees_their_own_name_and_schools(school, other_school):
    vera = _member(school, Role.TEACHER, "Вера")
    zoya = _member(school, Role.TEACHER, "Зоя")
    MembershipFactory(school=other_school, user=zoya, roles=[Role.TEACHER])
    vera_page = client_for(vera).get("/").content.decode()
    zoya_page = client_for(zoya).get("/").content.decode()
    assert 'title="Вера"' in vera_page
    assert 'title="Зоя"' in zoya_page
    assert "Зоя" not in vera_page
    assert other_school.short_name in zoya_page
    assert other_school.short_name not in vera_page


def test_the_menu_follows_the_role_and_lights_the_section_of_the_page(school):
    teacher = client_for(_member(school, Role.TEACHER, "Вера"))
    curator = client_for(_member(school, Role.CURATOR, "Зоя"))
    teacher_home = teacher.get("/").content.decode()
    curator_home = curator.get("/").content.decode()
    curator_staff = curator.get("/staff/").content.decode()
    assert 'data-testid="nav-staff"' not in teacher_home
    assert 'data-testid="nav-staff"' in curator_home
    assert _lit(teacher_home) == _lit(curator_home) == ["nav-todos"]
    assert _lit(curator_staff) == ["nav-staff"]


def test_the_shared_parts_are_drawn_in_each_language(school):
    client = client_for(_member(school, Role.TEACHER, "Вера"))
    russian = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert '<html lang="ru">' in russian and '<html lang="en">' in english
    assert "Наставничество" in russian and "Наставничество" not in english
    assert ">Mentoring<" in english
    assert ">Log out<" in english and ">Log out<" not in russian
