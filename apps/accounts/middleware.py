from django.utils import timezone

from .selectors import membership_current
from .services import CURRENT_SCHOOL_SESSION_KEY


class CurrentSchoolMiddleware:
    """Resolve the current school once per request and run the request in its time zone.

    Sets `request.membership` (None for anonymous users and users with no school),
    `request.school` and `request.memberships` (for the school switcher).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.school = None
        request.memberships = []
        if request.user.is_authenticated:
            memberships, current = membership_current(
                user=request.user, school_id=request.session.get(CURRENT_SCHOOL_SESSION_KEY)
            )
            request.memberships = memberships
            request.membership = current
            request.school = current.school if current else None
        if request.school is not None:
            timezone.activate(request.school.tzinfo)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
