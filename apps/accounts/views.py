from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.tenancy import school_view
from apps.staff.selectors import school_today, staff_overview, staff_own_card, years_between

from .forms import EmailAuthenticationForm, QueuedPasswordResetForm, SchoolSettingsForm
from .models import Role
from .services import current_school_set, school_settings_update


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("password_reset_done")


def home(request):
    """The start page of the current school; a network coordinator who works in no
    school lands on their network's dashboard instead."""
    if request.user.is_authenticated and request.membership is None:
        network = request.user.coordinated_networks.order_by("name").first()
        if network is not None:
            return redirect("dashboards:network", network_id=network.pk)
    return _school_home(request)


@school_view()
def _school_home(request):
    today = school_today(request.school)
    overview = None
    if request.membership.has_role(Role.ADMINISTRATOR, Role.DEPUTY_HEAD, Role.CURATOR):
        overview = staff_overview(school=request.school, on=today)
    own_card = staff_own_card(school=request.school, user=request.user, on=today)
    return render(
        request,
        "accounts/home.html",
        {
            "overview": overview,
            "own_card": own_card,
            "own_card_experience": years_between(own_card.teaching_since, today) if own_card else None,
        },
    )


@require_POST
@school_view()
def school_switch(request):
    membership = current_school_set(request=request, school_id=_int_or_none(request.POST.get("school")))
    if membership is None:
        messages.error(request, _("You do not work in that school."))
    else:
        messages.success(request, _("Current school: %(school)s") % {"school": membership.school})
    # Object pages of the previous school would answer 404 now: start afresh.
    return redirect("home")


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@school_view(Role.ADMINISTRATOR)
def school_settings(request):
    form = SchoolSettingsForm(request.POST or None, instance=request.school)
    if request.method == "POST" and form.is_valid():
        school_settings_update(school=request.school, **form.cleaned_data)
        messages.success(request, _("The school's settings are saved."))
        return redirect("school_settings")
    return render(request, "accounts/school_settings.html", {"form": form})
