"""Reads of the audit trail, always within one school."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.core.choices import choice_labels

from .models import AuditEvent
from .templatetags.audit import audit_changes


def audit_event_list(*, school):
    """The school's trail, newest first. The page shows the stored labels, so no
    joins are needed: a row reads the same after its people are renamed."""
    return AuditEvent.objects.for_school(school).order_by("-at", "-pk")


def audit_actor_choices(*, school):
    """People who can appear as the actor of the school's rows: its members."""
    return get_user_model().objects.filter(memberships__school=school).order_by("last_name", "first_name", "email")


def audit_rows(events):
    """The page's rows ready to show: the moment as text and as the <time>'s
    attribute (in the current time zone, as the page states), who and what as
    text, the action's label and the changes as (field, old, new)."""
    events = list(events)
    # get_action_display() rebuilds the dict of the many actions on every call.
    actions = choice_labels(AuditEvent, "action")
    for event in events:
        event.action_label = actions.get(event.action, event.action)
        at = timezone.localtime(event.at)
        event.at_text = at.strftime("%d.%m.%Y %H:%M:%S")
        event.at_attr = at.isoformat(timespec="seconds")
        event.actor_text, event.target_text = str(event.actor_display), str(event.target_display)
        event.change_rows = audit_changes(event.changes)
    return events
