from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import apply_validation_error
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.staff.models import ErasureRecord, StaffMember

from .erasure import AlreadyErased, erasure_categories_display, staff_member_erase
from .export import staff_personal_data_export, staff_personal_data_file_name
from .forms import ErasureForm

PAGE_SIZE = 25


@require_POST
@school_view("privacy.manage_personal_data")
def staff_personal_data(request, pk):
    """Everything the app holds about one person, as a ZIP (audited)."""
    staff = get_for_school_or_404(StaffMember.objects, school=request.school, pk=pk)
    content = staff_personal_data_export(staff=staff, exported_by=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{staff_personal_data_file_name(staff=staff)}"'
    return response


@school_view("privacy.manage_personal_data")
def staff_erase(request, pk):
    """The confirmation page of an erasure, and the erasure itself."""
    staff = get_for_school_or_404(StaffMember.objects.select_related("erasure"), school=request.school, pk=pk)
    erasure = getattr(staff, "erasure", None)
    form = ErasureForm(request.POST or None, staff=staff)
    if request.method == "POST" and erasure is None and form.is_valid():
        try:
            record = staff_member_erase(staff=staff, reason=form.cleaned_data["reason"], erased_by=request.user)
        except AlreadyErased as error:
            messages.info(request, " ".join(error.messages))
            return redirect("staff:detail", pk=staff.pk)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The personal data are erased. Act of destruction № %(number)s.") % {"number": record.pk}
            )
            return redirect("privacy:erasures")
    return render(request, "privacy/erase_confirm.html", {"staff": staff, "form": form, "erasure": erasure})


@school_view("privacy.manage_personal_data")
def erasure_list(request):
    """The school's acts of destruction of personal data."""
    rows = ErasureRecord.objects.for_school(request.school).select_related("erased_by")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [(record, erasure_categories_display(record)) for record in page.object_list]
    return render(request, "privacy/erasure_list.html", {"page": page})
