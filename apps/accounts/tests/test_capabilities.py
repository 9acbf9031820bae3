"""The one table of who may do what (apps/accounts/capabilities.py) and the rule
that nothing else decides access by naming roles."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from apps.accounts.capabilities import CAPABILITIES, Can, Role, UnknownCapability, roles_can, roles_with
from apps.accounts.models import Membership

T, C, D, A = Role.TEACHER, Role.CURATOR, Role.DEPUTY_HEAD, Role.ADMINISTRATOR
APPS = Path(settings.BASE_DIR) / "apps"
TEMPLATES = Path(settings.BASE_DIR) / "templates"

# What the programme promises each role, written out once more on purpose: a change
# to who may do what is made in the table and confirmed here.
PROMISED = {
    "accounts.edit_school": {A},
    "audit.view": {A},
    "staff.view": {C, D, A},
    "staff.edit": {A},
    "staff.export": {D, A},
    "staff.record_achievements": {D, A},
    "staff.view_attestations": {D, A},
    "privacy.manage_personal_data": {A},
    "mentoring.plan": {C, D, A},
    "mentoring.manage": {D, A},
    "mentoring.curate": {C},
    "visits.oversee": {D, A},
    "visits.plan_for_others": {C, D, A},
    "visits.view_deadlines": {C, D, A},
    "visits.manage_catalog": {D, A},
    "teams.manage": {D, A},
    "partners.manage": {D, A},
    "problemdays.manage": {D, A},
    "surveys.manage": {D, A},
    "associations.manage": {D, A},
    "network_events.organise": {D, A},
    "help_programmes.manage": {D, A},
    "recognition.moderate": {A},
    "ratings.manage": {A},
    "surveys.view_network": {A},
    "dashboards.view_school": {D, A},
    "dashboards.view_timeliness": {C, D, A},
    "dashboards.view_by_teacher": {A},
}


def test_the_table_gives_each_role_what_the_programme_promises():
    assert {name: set(roles) for name, roles in CAPABILITIES.items()} == PROMISED


def test_a_teacher_holds_no_capability_and_a_person_holds_the_union_of_their_roles():
    assert not any(roles_can([T], name) for name in CAPABILITIES)
    membership = Membership(roles=[T, C])
    assert membership.can("mentoring.curate") and membership.can("staff.view")
    assert not membership.can("staff.export")


def test_an_unknown_capability_is_an_error_not_a_refusal():
    with pytest.raises(UnknownCapability):
        roles_with("staff.edti")
    with pytest.raises(UnknownCapability):
        Membership(roles=[A]).can("staff.edti")


def test_templates_ask_the_same_table_and_a_misspelt_name_fails_the_page():
    can = Can(Membership(roles=[D]))
    assert Template("{% if can.staff_export %}yes{% endif %}").render(Context({"can": can})) == "yes"
    assert Template("{% if can.staff_edit %}yes{% endif %}").render(Context({"can": can})) == ""
    assert Template("{% if can.staff_edit %}yes{% endif %}").render(Context({"can": Can(None)})) == ""
    with pytest.raises(UnknownCapability):
        Template("{% if can.staff_edti %}yes{% endif %}").render(Context({"can": can}))


def _template_names():
    for path in TEMPLATES.rglob("*.html"):
        for name in re.findall(r"\bcan\.(\w+)", path.read_text()):
            yield path.relative_to(TEMPLATES), name


def test_every_capability_a_template_asks_is_in_the_table():
    """Inside `{% if a or b %}` Django swallows errors, so a misspelt name would hide a
    link quietly: every `can.…` of every template must name a capability."""
    known = {name.replace(".", "_") for name in CAPABILITIES}
    unknown = [(str(path), name) for path, name in _template_names() if name not in known]
    assert unknown == []


def _python_sources():
    """The apps' code, tests and migrations aside."""
    return [path for path in APPS.rglob("*.py") if not {"migrations", "tests"} & set(path.parts)]


def test_every_capability_is_asked_for_somewhere():
    """A capability nobody asks is a rule that protects nothing."""
    code = "\n".join(path.read_text() for path in _python_sources() if path.name != "capabilities.py")
    templates = {name for _path, name in _template_names()}
    unused = [name for name in CAPABILITIES if f'"{name}"' not in code and name.replace(".", "_") not in templates]
    assert unused == []


# Modules that may name the school roles: the table itself, the models that store them,
# the demo data and the benchmark that hand them out, and the personal-data export,
# which lists a person's roles.
MAY_NAME_ROLES = {
    "accounts/capabilities.py",
    "accounts/models.py",
    "accounts/personal_data.py",
}
# The demo and the benchmark's generator give people their roles: data, not access.
DATA_APPS = ("demo/", "benchmark/")


def _imports_the_roles(node, relative):
    accounts = node.module in ("apps.accounts.models", "apps.accounts.capabilities") or (
        node.level == 1 and node.module in ("models", "capabilities") and relative.startswith("accounts/")
    )
    return accounts and any(alias.name == "Role" for alias in node.names)


def test_no_module_decides_access_by_naming_roles():
    offenders = []
    for path in _python_sources():
        relative = path.relative_to(APPS).as_posix()
        if relative in MAY_NAME_ROLES or relative.startswith(DATA_APPS):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and _imports_the_roles(node, relative):
                offenders.append(f"{relative}: imports Role")
            if isinstance(node, ast.Attribute) and node.attr == "has_role":
                offenders.append(f"{relative}: has_role")
    assert offenders == []


def test_no_template_names_a_role():
    pattern = re.compile(r"\bis_(administrator|deputy_head|curator|teacher)\b|has_role")
    assert [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if pattern.search(p.read_text())] == []
