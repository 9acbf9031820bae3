"""Writes to the audit trail: one row per change, sign-in or export.

Rows are only ever inserted (the database refuses anything else, see
`apps.audit.models`); the one exception is `audit_events_anonymise`, used by the
erasure of a person.

What goes into `changes` is chosen by the caller with `audit_diff` from named
fields: never pass free text of lesson feedback, debriefs or reflections.
"""

import contextlib
import contextvars
import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.functional import Promise

from apps.core.request_context import request_context_current

from .models import ERASED_LABEL, AuditEvent

# Long values are cut: the trail says what changed, it is not a copy of the data.
VALUE_MAX_LENGTH = 200

# `audit_record(school=NO_SCHOOL)`: a row in no school's trail, whatever school the
# request is served in (a row about someone who works in no school must not land in
# the acting superuser's own school).
NO_SCHOOL = object()

_written_at: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "collabschool_audit_written_at", default=None
)


@contextlib.contextmanager
def audit_backdated(when: datetime.datetime):
    """For the demo only: rows written inside are dated `when` instead of the time of
    their INSERT (the column's database default). It dates rows as they are
    inserted; nothing is ever updated."""
    token = _written_at.set(when)
    try:
        yield
    finally:
        _written_at.reset(token)


def _dated(event: AuditEvent) -> AuditEvent:
    when = _written_at.get()
    if when is not None:
        event.at = when
    return event


def audit_value(value):
    """`value` as something JSON can hold: None, or a short string."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model | Promise | decimal.Decimal | uuid.UUID | int | float):
        value = str(value)
    elif isinstance(value, Mapping):
        value = ", ".join(f"{key}: {audit_value(item)}" for key, item in sorted(value.items(), key=str))
    elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
        value = ", ".join(sorted(str(audit_value(item)) for item in value))
    elif isinstance(value, bytes):
        value = f"<{len(value)} bytes>"
    else:
        value = str(value)
    value = _storable(value)
    return value if len(value) <= VALUE_MAX_LENGTH else value[: VALUE_MAX_LENGTH - 1] + "…"


def _storable(text: str) -> str:
    """`text` as PostgreSQL can store it: a NUL (in a query string, say) is refused
    by text and jsonb columns alike, so it becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")


def audit_diff(*, before: Mapping, after: Mapping) -> dict:
    """`{field: [old, new]}` for each field of `after` whose value differs from `before`.

    Values are compared after conversion by `audit_value`, so a date and its ISO
    string, or a list and the same list reordered, are not a change.
    """
    diff = {}
    for field, new in after.items():
        old_value, new_value = audit_value(before.get(field)), audit_value(new)
        if old_value != new_value:
            diff[field] = [old_value, new_value]
    return diff


def audit_snapshot(instance, fields: Iterable[str]) -> dict:
    """The current values of `fields` of `instance`, to diff against after a change.

    A foreign key is read by its id (no query), a many-to-many field as a list.
    """
    snapshot = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            snapshot[name] = [str(item) for item in getattr(instance, name).all()] if instance.pk else []
        elif field.is_relation:
            snapshot[name] = getattr(instance, name) if getattr(instance, field.attname) is not None else None
        else:
            snapshot[name] = getattr(instance, name)
    return snapshot


def user_label(user) -> str:
    """How a user is named in the trail: the full name and the e-mail."""
    name = user.get_full_name()
    return f"{name} <{user.email}>" if name else user.email


def _context_user(context):
    """The request's user: the object the middleware saw, else fetched by id."""
    if context.user is not None and context.user.pk == context.user_id:
        return context.user
    return get_user_model().objects.filter(pk=context.user_id).first()


def _target_type(instance) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def audit_record(
    *,
    action: str,
    school=None,
    target=None,
    changes: Mapping | None = None,
    actor=None,
    target_label: str | None = None,
) -> AuditEvent:
    """Append one row to the trail.

    Who acts, in which request and from which address come from the request
    being served (`apps.core.request_context`) unless `actor` is given; outside
    a request the actor is the system. `school` likewise defaults to the
    request's school; `NO_SCHOOL` writes the row in no school's trail. `target`
    is the model instance concerned (its type, id and name are kept as text so
    the row outlives it); `target_label` names it when it has no row (an
    export, the e-mail of a failed sign-in).
    """
    if action not in AuditEvent.Action.values:
        raise ValueError(f"unknown audit action: {action!r}")
    context = request_context_current()
    if actor is None and context.user_id is not None:
        actor = _context_user(context)
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_label=user_label(actor) if actor is not None else "",
        request_id=context.request_id or "",
        ip_address=context.ip_address,
        changes={str(key): _json_safe(value) for key, value in (changes or {}).items()},
    )
    if school is NO_SCHOOL:
        event.school_id = None
    elif school is not None:
        event.school = school
    else:
        event.school_id = context.school_id
    if target is not None:
        event.target_type = _target_type(target)
        event.target_id = str(target.pk)
        event.target_label = _storable(target_label if target_label is not None else str(target))[:255]
    elif target_label is not None:
        event.target_label = _storable(target_label)[:255]
    _dated(event).save()
    return event


def audit_record_for_person(
    *, action: str, user, actor=None, target_label: str | None = None, changes: Mapping | None = None
) -> list[AuditEvent]:
    """A row about a person's own account (sign-in, sign-out, password, two-factor
    sign-in, what a superuser changed of it): a person belongs to schools, not the
    other way round, so it is written once for each school they work in (each
    school's administrators see it), and once without a school for someone who works
    in none or is unknown. Without `actor`, the request's user acts."""
    schools = [m.school for m in user.memberships.select_related("school")] if user else []
    return [
        audit_record(action=action, school=school, actor=actor, target=user, target_label=target_label, changes=changes)
        for school in schools or [NO_SCHOOL]
    ]


def audit_record_many(*, action: str, school=None, targets: list, changes: list[Mapping]) -> list[AuditEvent]:
    """`audit_record` for many targets of one action in one INSERT (a bulk import),
    `changes[i]` being the diff of `targets[i]`. Without `school`, each row goes
    to its target's own school (`target.school_id`: the members of a network pair
    work in two schools)."""
    if action not in AuditEvent.Action.values:
        raise ValueError(f"unknown audit action: {action!r}")
    context = request_context_current()
    actor = _context_user(context) if context.user_id is not None else None
    events = [
        _dated(
            AuditEvent(
                action=action,
                school_id=school.pk if school is not None else getattr(target, "school_id", None),
                actor=actor,
                actor_label=user_label(actor) if actor is not None else "",
                request_id=context.request_id or "",
                ip_address=context.ip_address,
                target_type=_target_type(target),
                target_id=str(target.pk),
                target_label=str(target)[:255],
                changes={str(key): _json_safe(value) for key, value in diff.items()},
            )
        )
        for target, diff in zip(targets, changes, strict=True)
    ]
    return AuditEvent.objects.bulk_create(events) if events else []


def audit_export(*, what: str, file_name: str = "", filters: Mapping | None = None, school=None) -> AuditEvent:
    """Record that the current user took data out of the app: `what` (a short
    name of the export), the file and the filters it was made with. The
    content itself never goes into the trail."""
    changes = {"file": file_name} if file_name else {}
    chosen = {key: filters.getlist(key) if hasattr(filters, "getlist") else filters[key] for key in filters or {}}
    chosen = {key: value for key, value in chosen.items() if value not in ("", [], [""], None) and key != "page"}
    if chosen:
        changes["filters"] = chosen
    return audit_record(action=AuditEvent.Action.EXPORT_MADE, school=school, target_label=str(what), changes=changes)


def _json_safe(value):
    if isinstance(value, list | tuple) and len(value) == 2:
        # A diff pair keeps its shape; each side becomes a string.
        return [audit_value(value[0]), audit_value(value[1])]
    return audit_value(value)


@transaction.atomic
def audit_events_anonymise(*, user=None, staff=None, school=None) -> int:
    """Remove an erased person's name from the trail; returns the rows touched.

    Rows where the person acted lose the link to them and their name; rows
    about them (as a user or a staff-registry card) lose the name and every
    diff value, keeping which fields changed and when. With `school`, only
    that school's rows by or about `user` are touched: an account that also
    works in another school keeps its trail there (the card's rows are all
    anonymised either way). The database allows
    exactly these updates, and only while `collabschool.audit_anonymise` is on
    in this transaction; it is switched off again before returning, so the rest
    of an enclosing transaction cannot use it.
    """
    in_school = Q(school=school) if school is not None else Q()
    targets = Q(pk__in=[])
    if user is not None:
        targets |= Q(target_type=_target_type(user), target_id=str(user.pk)) & in_school
    if staff is not None:
        targets |= Q(target_type=_target_type(staff), target_id=str(staff.pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('collabschool.audit_anonymise', 'on', true)")
        try:
            touched = set()
            if user is not None:
                acted = AuditEvent.objects.filter(in_school, actor=user)
                touched.update(acted.values_list("pk", flat=True))
                acted.update(actor=None, actor_label=ERASED_LABEL)
            about = AuditEvent.objects.filter(targets)
            touched.update(about.values_list("pk", flat=True))
            about.update(
                target_label=ERASED_LABEL,
                # The same keys, every value replaced: which fields changed stays readable.
                changes=RawSQL(
                    "(SELECT coalesce(jsonb_object_agg(key, to_jsonb(%s::text)), '{}'::jsonb)"
                    " FROM jsonb_each(changes))",
                    [ERASED_LABEL],
                ),
            )
        finally:
            cursor.execute("SELECT set_config('collabschool.audit_anonymise', 'off', true)")
    return len(touched)
