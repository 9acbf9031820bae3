"""What the URL walk builds its objects in: a school and its personas.

Each app lists its routes in `apps/<app>/tests/routes.py`:

- `OBJECTS`: object kind → factory(world) returning the URL kwargs of a new object
  of `world.school`. Objects that people relate to (a group's curator, a pair's
  members) are built around the personas, so the role matrix also checks that
  relation: the teacher persona is a member, the curator persona the curator.
- `ROUTES`: URL name → (method, object kind or None, roles allowed).
"""

from apps.accounts.models import Role

T, C, D, A = Role.TEACHER, Role.CURATOR, Role.DEPUTY_HEAD, Role.ADMINISTRATOR
ANY_MEMBER = (T, C, D, A)


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
