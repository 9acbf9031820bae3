"""Who may see and do what in the collective-work rating.

Tenancy (another school → 404) is done by the scoped querysets; these checks answer
403 within a school. The commission is the holders of `ratings.manage` (the
administrators) and the staff the school names (`CommissionMember`). A sheet is seen
by its teacher and the commission only.
"""

from django.core.exceptions import PermissionDenied

from .models import CommissionMember


def is_commission(request):
    """Whether the person is on the school's incentive commission (asked once a request)."""
    cached = getattr(request, "_rating_commission", None)
    if cached is None:
        if request.membership.can("ratings.manage"):
            cached = True
        else:
            staff = getattr(request, "staff", None)
            cached = staff is not None and (
                CommissionMember.objects.filter(school=request.school, staff=staff).serving().exists()
            )
        request._rating_commission = cached
    return cached


def is_own_sheet(request, sheet):
    staff = getattr(request, "staff", None)
    return staff is not None and sheet.staff_id == staff.pk


def sheet_can_see(request, sheet):
    return is_own_sheet(request, sheet) or is_commission(request)


def require(allowed):
    if not allowed:
        raise PermissionDenied
