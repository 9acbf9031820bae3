"""The registry of what each app holds about a person (apps/core/personal_data.py).

Every model pointing at a staff card or an account is declared by its app; a new
app joins the export and the erasure by registering its own declaration; and the
privacy app reaches the domain apps only through the registry.
"""

import ast
import dataclasses
import io
import json
import pathlib
import zipfile

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core import personal_data as registry
from apps.core.personal_data import PersonalDataSource, Section
from apps.privacy.checks import every_person_model_declared, undeclared_person_models
from apps.privacy.erasure import staff_member_erase
from apps.privacy.export import staff_personal_data_export
from apps.staff.models import ErasureRecord, StaffMember
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import Feedback
from conftest import client_for

DOMAIN_APPS = {"mentoring", "visits", "teams", "partners", "problemdays", "surveys", "dashboards"}


def _without(monkeypatch, app_label, **changes):
    """The registry as if `app_label` declared less (`changes`) or nothing (no changes)."""
    sources = dict(registry._sources)
    if changes:
        sources[app_label] = dataclasses.replace(sources[app_label], **changes)
    else:
        del sources[app_label]
    monkeypatch.setattr(registry, "_sources", sources)


def test_every_model_pointing_at_a_person_is_declared_by_its_app():
    assert undeclared_person_models() == []
    assert every_person_model_declared() == []
    # The audit trail's rows name people too: its app declares them, and erasure anonymises them.
    audit = next(source for source in registry.registered_sources() if source.app_label == "audit")
    assert AuditEvent in audit.person_models and audit.erase is not None


def test_a_model_left_out_or_an_app_that_declares_nothing_fails_the_check(monkeypatch):
    visits = next(source for source in registry.registered_sources() if source.app_label == "visits")
    _without(monkeypatch, "visits", person_models=tuple(m for m in visits.person_models if m is not Feedback))
    assert undeclared_person_models() == ["visits.Feedback"]

    _without(monkeypatch, "teams")
    undeclared = undeclared_person_models()
    assert "visits.Feedback" in undeclared
    assert {"teams.TeamMember", "teams.TeamMeeting", "teams.TeamOutcome", "teams.TeamStatusChange"} <= set(undeclared)
    errors = every_person_model_declared()
    assert {error.id for error in errors} == {"privacy.E001"} and len(errors) == len(undeclared)


def _collect_things(*, staff, local_time):
    rows = [{"what": "a thing", "at": local_time(staff.created_at)}]
    return [Section("things", "Things", [("what", "what"), ("at", "at")], rows)]


def _erase_things(*, erasure):
    erasure.deleted("things", 3)


THINGS = PersonalDataSource(
    app_label="things",
    order=55,
    collect=_collect_things,
    erase=_erase_things,
    categories={"things": "things of the person"},
)


@pytest.fixture
def things(monkeypatch):
    monkeypatch.setattr(registry, "_sources", dict(registry._sources))
    registry.register(THINGS)
    return THINGS


def test_a_new_app_joins_the_export_and_the_erasure_by_registering(things, school, administrator):
    card = StaffMemberFactory(school=school)
    archive = zipfile.ZipFile(io.BytesIO(staff_personal_data_export(staff=card)))
    sections = json.loads(archive.read("personal-data.json"))["sections"]
    at = card.created_at.astimezone(school.tzinfo).isoformat()
    assert sections["things"]["rows"] == [{"what": "a thing", "at": at}]
    # In the registry's order: after the visits (50), before the problem-theme days (60).
    keys = list(sections)
    assert keys.index("self_reflections") < keys.index("things") < keys.index("problem_days")

    record = staff_member_erase(staff=card, reason="Заявление", erased_by=administrator)
    assert {"category": "things", "action": "deleted", "count": 3} in record.categories
    page = client_for(administrator).get(reverse("privacy:erasures")).content.decode()
    assert "things of the person: " in page


def test_a_category_no_app_declares_stops_the_erasure_and_changes_nothing(monkeypatch, things, school, administrator):
    undeclared = dataclasses.replace(things, categories={})
    monkeypatch.setattr(registry, "_sources", {**registry._sources, "things": undeclared})
    card = StaffMemberFactory(school=school, last_name="Загорулько")
    with pytest.raises(ImproperlyConfigured, match="things"):
        staff_member_erase(staff=card, reason="Заявление", erased_by=administrator)
    assert StaffMember.objects.get(pk=card.pk).last_name == "Загорулько"
    assert not ErasureRecord.objects.exists()


def _imported_apps(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("apps."):
            yield node.module.split(".")[1]
        elif isinstance(node, ast.Import):
            yield from (alias.name.split(".")[1] for alias in node.names if alias.name.startswith("apps."))


def test_privacy_reaches_the_domain_apps_only_through_the_registry():
    root = pathlib.Path(__file__).resolve().parents[1]
    modules = [path for path in root.rglob("*.py") if "tests" not in path.relative_to(root).parts]
    assert modules
    imported = {app for path in modules for app in _imported_apps(path)}
    assert not imported & DOMAIN_APPS
