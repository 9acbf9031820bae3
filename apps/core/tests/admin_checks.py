"""Checks shared by the tests of the read-only Django admins (apps.core.admin)."""

from django.urls import reverse

from apps.accounts.tests.factories import UserFactory
from conftest import client_for


def superuser_client():
    """A superuser past two-factor sign-in, as the admin requires."""
    return client_for(UserFactory(is_staff=True, is_superuser=True))


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def assert_looked_up_not_changed(client, obj, change_data):
    """The admin lists `obj` and opens its page (200), and refuses to add, change
    or delete it, one by one or with the bulk delete action (403, or no action)."""
    model = type(obj)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert client.get(admin_url(model, "history", obj.pk)).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "add"), change_data).status_code == 403
    assert client.post(admin_url(model, "change", obj.pk), change_data).status_code == 403
    assert client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    client.post(admin_url(model, "changelist"), bulk)
    assert model.objects.filter(pk=obj.pk).exists()
