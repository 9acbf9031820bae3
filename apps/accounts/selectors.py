from .models import Membership, SchoolNetwork


def membership_current(*, user, school_id=None):
    """All of the user's memberships (one query) and the one for the current school.

    The current school is the one remembered in the session if the user still
    works there, otherwise the first of their schools.
    """
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
