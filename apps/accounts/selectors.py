from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection

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


def user_with_memberships(*, user_id):
    """The active-or-not user `user_id` with all their memberships (school and network
    joined), in one query, or None: what every signed-in request needs before anything
    else, read fresh each time (a removed membership or a deactivated account counts at
    once). The memberships, in `membership_current`'s order, are kept on the user as
    `loaded_memberships`."""
    sql, parts = _user_with_memberships_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    (_, user_fields, user_conv), (_, membership_fields, membership_conv) = parts[0], parts[1]
    (_, school_fields, school_conv), (_, network_fields, network_conv) = parts[2], parts[3]
    spans = []
    start = 0
    for _model, fields, _conv in parts:
        spans.append((start, start + len(fields)))
        start += len(fields)

    def build(model, fields, converters, row, span):
        values = list(row[span[0] : span[1]])
        if values[0] is None:
            return None
        for index, converter in converters:
            values[index] = converter(values[index])
        return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in fields], values)

    user = build(User, user_fields, user_conv, rows[0], spans[0])
    memberships = []
    for row in rows:
        membership = build(Membership, membership_fields, membership_conv, row, spans[1])
        if membership is None:
            continue
        school = build(School, school_fields, school_conv, row, spans[2])
        school.network = build(SchoolNetwork, network_fields, network_conv, row, spans[3])
        membership.school = school
        membership.user = user
        memberships.append(membership)
    user.loaded_memberships = memberships
    return user


@cache
def _user_with_memberships_sql():
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
        parts.append((model, fields, converters))
        columns += [f"{alias}.{connection_ops.quote_name(f.column)}" for f in fields]
    membership_user = Membership._meta.get_field("user").column
    membership_school = Membership._meta.get_field("school").column
    school_network = School._meta.get_field("network").column
    sql = (
        f"SELECT {', '.join(columns)} FROM {User._meta.db_table} u"
        f" LEFT JOIN {Membership._meta.db_table} m ON m.{membership_user} = u.id"
        f" LEFT JOIN {School._meta.db_table} s ON s.id = m.{membership_school}"
        f" LEFT JOIN {SchoolNetwork._meta.db_table} n ON n.id = s.{school_network}"
        " WHERE u.id = %s ORDER BY s.short_name, s.id"
    )
    return sql, parts


def _converter_chain(converters, expression):
    def convert(value):
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert
