"""Reads of the audit trail, always within one school."""

from django.contrib.auth import get_user_model

from .models import AuditEvent


def audit_event_list(*, school):
    """The school's trail, newest first. The page shows the stored labels, so no
    joins are needed: a row reads the same after its people are renamed."""
    return AuditEvent.objects.for_school(school).order_by("-at", "-pk")


def audit_actor_choices(*, school):
    """People who can appear as the actor of the school's rows: its members."""
    return get_user_model().objects.filter(memberships__school=school).order_by("last_name", "first_name", "email")
