from functools import cache

from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils import timezone

from apps.core.prepared import execute_prepared

from .models import Membership, School, SchoolNetwork, User


def membership_current(*, user, school_id=None):
    """All of the user's memberships (one query, none when the user came with them from
    `user_with_memberships`) and the one for the current school.

    The current school is the one remembered in the session if the user still
    works there, otherwise the first of their schools.
    """
    memberships = getattr(user, "loaded_memberships", None)
    if memberships is None:
        memberships = list(
            Membership.objects.filter(user=user)
            .select_related("school", "school__network")
            .order_by("school__short_name", "school_id")
        )
    current = next((m for m in memberships if m.school_id == school_id), None)
    if current is None and memberships:
        current = memberships[0]
    return memberships, current


def membership_for_user_and_school(*, user, school_id):
    return Membership.objects.select_related("school").filter(user=user, school_id=school_id).first()


def user_works_elsewhere(*, user, school) -> bool:
    """Whether the account has a place outside `school`: another school's membership or
    a network it coordinates. Erasing the person of this school then keeps the account."""
    return (
        Membership.objects.filter(user=user).exclude(school=school).exists()
        or SchoolNetwork.objects.filter(coordinators=user).exists()
    )


def user_with_memberships(*, user_id, session_key=None):
    """The active-or-not user `user_id` with all their memberships (school and network
    joined), in one query, or None: what every signed-in request needs before anything
    else, read fresh each time (a removed membership or a deactivated account counts at
    once). The memberships, in `membership_current`'s order, are kept on the user as
    `loaded_memberships`. With `session_key`, only while that session is live in the
    database (a session read from the cache may have ended while the cache was down)."""
    sql, (user_part, membership_part, school_part, network_part) = _user_with_memberships_sql(
        confirm_session=session_key is not None
    )
    params = [user_id] if session_key is None else [user_id, session_key, timezone.now()]
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    user = _row_model(rows[0], *user_part)
    memberships = []
    for row in rows:
        membership = _row_model(row, *membership_part)
        if membership is None:  # a user of no school: one row, its membership columns empty
            continue
        membership.school = _row_model(row, *school_part)
        membership.school.network = _row_model(row, *network_part)
        membership.user = user
        memberships.append(membership)
    user.loaded_memberships = memberships
    return user


def _row_model(row, model, start, attnames, converters):
    """The `model` instance in `row` from column `start` on, or None for an empty join."""
    values = list(row[start : start + len(attnames)])
    if values[0] is None:
        return None
    for index, converter in converters:
        values[index] = converter(values[index])
    return model.from_db(DEFAULT_DB_ALIAS, attnames, values)


@cache
def _user_with_memberships_sql(*, confirm_session):
    """The query of `user_with_memberships`, composed once from the models' columns."""
    connection_ops = connection.ops
    parts, columns = [], []
    for model, alias in ((User, "u"), (Membership, "m"), (School, "s"), (SchoolNetwork, "n")):
        fields = model._meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            col = field.get_col(alias)
            found = connection_ops.get_db_converters(col) + field.get_db_converters(connection)
            if found:
                converters.append((index, _converter_chain(found, col)))
        parts.append((model, len(columns), [f.attname for f in fields], converters))
        columns += [f"{alias}.{connection_ops.quote_name(f.column)}" for f in fields]
    membership_user = Membership._meta.get_field("user").column
    membership_school = Membership._meta.get_field("school").column
    school_network = School._meta.get_field("network").column
    # Identifiers come from the models' metadata; every value is a query parameter.
    sql = (
        f"SELECT {', '.join(columns)} FROM {User._meta.db_table} u"  # nosec B608
        f" LEFT JOIN {Membership._meta.db_table} m ON m.{membership_user} = u.id"
        f" LEFT JOIN {School._meta.db_table} s ON s.id = m.{membership_school}"
        f" LEFT JOIN {SchoolNetwork._meta.db_table} n ON n.id = s.{school_network}"
        " WHERE u.id = %s"
        + (
            f" AND EXISTS (SELECT 1 FROM {Session._meta.db_table} x WHERE x.session_key = %s AND x.expire_date > %s)"  # nosec B608
            if confirm_session
            else ""
        )
        + " ORDER BY s.short_name, s.id"
    )
    return sql, parts


def _converter_chain(converters, expression):
    def convert(value):
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert
