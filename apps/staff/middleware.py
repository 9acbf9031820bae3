from functools import cache

from django.utils.functional import cached_property

from .selectors import staff_for_user


class CurrentStaffMiddleware:
    """Give every request `request.staff`: the user's active card in the current
    school (set by CurrentSchoolMiddleware, which must come first), or None.

    Looked up on first use and kept for the rest of the request, so a page that
    never asks pays no query and one that asks twice pays one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.__class__ = _with_staff(type(request))
        return self.get_response(request)


class _StaffOfRequest:
    """Mixed into the request's class: `staff` is a property, looked up once."""

    @cached_property
    def staff(self):
        school = getattr(self, "school", None)
        if school is None or not self.user.is_authenticated:
            return None
        return staff_for_user(school=school, user=self.user)


@cache
def _with_staff(request_class):
    """The request class with `staff` (a None card has no stand-in a lazy object could wrap)."""
    if issubclass(request_class, _StaffOfRequest):
        return request_class
    return type(request_class.__name__, (_StaffOfRequest, request_class), {})
