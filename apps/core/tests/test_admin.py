"""Every admin of the domain apps only looks up (apps.core.admin.ReadOnlyAdminMixin),
and lesson feedback is not in the Django admin at all.

Accounts keep an editable admin whose saves go through the audited services
(apps/accounts/admin.py, tested in apps/accounts/tests/test_admin_audit.py).
"""

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from apps.accounts.tests.factories import UserFactory
from apps.problemdays.models import Reflection
from apps.visits.models import Feedback, SelfReflection

pytestmark = pytest.mark.django_db

EDITABLE_APPS = {"accounts"}


def domain_admins():
    return [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("apps.") and model._meta.app_label not in EDITABLE_APPS
    ]


def test_no_domain_admin_adds_changes_or_deletes():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    admins = domain_admins()
    assert {type(a).__name__ for a in admins} >= {"StaffMemberAdmin", "TaskTeamAdmin", "ReflectionAdmin"}
    for model_admin in admins:
        name = type(model_admin).__name__
        assert model_admin.has_view_permission(request), name
        assert not model_admin.has_add_permission(request), name
        assert not model_admin.has_change_permission(request), name
        assert not model_admin.has_delete_permission(request), name
        assert "delete_selected" not in model_admin.get_actions(request), name
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), type(inline).__name__
            assert not inline.has_change_permission(request), type(inline).__name__
            assert not inline.has_delete_permission(request), type(inline).__name__


def test_lesson_feedback_is_not_registered():
    assert not admin.site.is_registered(Feedback)
    assert not admin.site.is_registered(SelfReflection)


def test_the_reflection_admin_shows_no_text_or_file():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    reflection_admin = admin.site._registry[Reflection]
    shown = {*reflection_admin.get_fields(request), *reflection_admin.get_list_display(request)}
    fields = [Reflection._meta.get_field(name) for name in shown]
    assert not [f.name for f in fields if isinstance(f, models.TextField | models.FileField)]
