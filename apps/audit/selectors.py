"""Reads of the audit trail, always within one school."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.safestring import mark_safe

from apps.core.choices import choice_labels
from apps.core.form_rendering import printed, text
from apps.core.templatetags.html_values import datetime_attr

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
        event.at_attr = datetime_attr(at)
        event.actor_text, event.target_text = str(event.actor_display), str(event.target_display)
        event.change_rows = audit_changes(event.changes)
        event.row_html = _row_html(event)
    return events


# One row of the audit table (templates/audit/event_list.html), written in Python:
# fifty rows of a dozen template nodes each were most of the page.
_ROW = """<tr data-testid="audit-row">
  <td class="text-nowrap"><time datetime="{at_attr}">{at_text}</time></td>
  <td>{actor}</td>
  <td>{action}</td>
  <td>{target}</td>
  <td class="d-none d-md-table-cell small">
    {changes}
  </td>
  <td class="d-none d-lg-table-cell small text-nowrap">{ip}</td>
</tr>"""


def _shown(value):
    # `{{ value }}`: a string only escaped, anything else as the template prints it.
    return text(value) if isinstance(value, str) else printed(value)


def _row_html(event):
    actor = printed(event.actor_text)
    if not event.actor_label:
        actor = f'<span class="text-body-secondary">{actor}</span>'
    changes = "\n    ".join(
        f'<div><span class="text-body-secondary">{_shown(field)}:</span> '
        f"{'' if old is None else _shown(old) + ' &rarr; '}{_shown(new)}</div>"
        for field, old, new in event.change_rows
    )
    html = _ROW.format(
        at_attr=printed(event.at_attr),
        at_text=printed(event.at_text),
        actor=actor,
        action=printed(event.action_label),
        target=printed(event.target_text),
        changes=changes,
        ip=printed(event.ip_address or ""),
    )
    return mark_safe(html)  # nosec B308 B703 - every value above is escaped by printed()
