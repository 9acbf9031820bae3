"""What the URL walk builds its objects in: a school and its personas.

Each app lists its routes in `apps/<app>/tests/routes.py`:

- `OBJECTS`: object kind → factory(world) returning the URL kwargs of a new object
  of `world.school`. Objects that people relate to (a group's curator, a pair's
  members) are built around the personas, so the role matrix also checks that
  relation: the teacher persona is a member, the curator persona the curator.
- `ROUTES`: URL name → (method, object kind or None, who may use it). Who is a
  capability of apps/accounts/capabilities.py ("staff.edit"), `ANY_MEMBER`, or a
  tuple of capabilities and personas: a persona listed by its role is let in by
  its relation to the object (the teacher persona leads the team), not by a
  capability, so `("teams.manage", T)` reads "who manages teams, and the lead".
"""

from apps.accounts.capabilities import Role, roles_with

T, C, D, A = Role.TEACHER, Role.CURATOR, Role.DEPUTY_HEAD, Role.ADMINISTRATOR
ANY_MEMBER = (T, C, D, A)


def _parts(who):
    return (who,) if isinstance(who, str) and not isinstance(who, Role) else tuple(who)


def route_capabilities(who):
    """The capabilities a route's `who` names."""
    return {part for part in _parts(who) if not isinstance(part, Role)}


def route_roles(who):
    """The personas a route lets in: the holders of its capabilities, and the
    personas it names."""
    roles = set()
    for part in _parts(who):
        roles.update([part] if isinstance(part, Role) else roles_with(part))
    return roles


class World:
    def __init__(self, school, users):
        self.school = school
        self.users = users
        self._staff = {}

    def staff_of(self, role):
        """The registry record of a persona (made on first use)."""
        from apps.staff.tests.factories import StaffMemberFactory

        if role not in self._staff:
            user = self.users[role]
            self._staff[role] = StaffMemberFactory(
                school=self.school, user=user, last_name=user.last_name, first_name=user.first_name
            )
        return self._staff[role]
