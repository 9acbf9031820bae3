from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record_for_person
from apps.core.tenancy import school_view

from .forms import (
    EmailAuthenticationForm,
    QueuedPasswordResetForm,
    SchoolSettingsForm,
    TwoFactorCodeForm,
    TwoFactorDisableForm,
)
from .services import current_school_set, school_settings_update
from .twofactor import (
    FRESH_CODES_SESSION_KEY,
    totp_device_confirm,
    totp_device_pending,
    totp_devices_of,
    totp_qr_svg,
    totp_secret_grouped,
    twofactor_attempt_failed,
    twofactor_code_check,
    twofactor_device,
    twofactor_disable,
    twofactor_mandatory,
    twofactor_owed,
    twofactor_recovery_codes_left,
    twofactor_recovery_codes_regenerate,
    twofactor_session_forget,
    twofactor_session_verify,
)


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordAuditedMixin:
    """A new password, once saved, goes to the audit trail of each of the person's
    schools. From the e-mailed link the person is not signed in: they are named as
    the actor themselves, since only they could follow the link."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record_for_person(action=AuditEvent.Action.PASSWORD_CHANGED, user=form.user, actor=form.user)
        return response


class PasswordChangeView(PasswordAuditedMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")


class PasswordResetConfirmView(PasswordAuditedMixin, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("password_reset_done")


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


@school_view("accounts.edit_school")
def school_settings(request):
    form = SchoolSettingsForm(request.POST or None, instance=request.school)
    if request.method == "POST" and form.is_valid():
        school_settings_update(school=request.school, **form.cleaned_data)
        messages.success(request, _("The school's settings are saved."))
        return redirect("school_settings")
    return render(request, "accounts/school_settings.html", {"form": form})


# --- Two-factor sign-in -------------------------------------------------------------


def _next_url(request):
    """Where to go after a two-factor step: `next` if it is a path of this site
    (not a bare word, which `redirect` would take for a URL pattern's name)."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name, next_url):
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the app or a recovery code."""
    next_url = _next_url(request)
    if not twofactor_owed(request):
        return redirect(next_url)
    if twofactor_device(user=request.user) is None:
        return redirect(_with_next("two_factor_setup", next_url))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor_code_check(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            twofactor_session_verify(request=request, device=device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(count)s left. Make new ones if they run low.")
                    % {"count": twofactor_recovery_codes_left(user=request.user)},
                )
            return redirect(next_url)
        if twofactor_attempt_failed(request=request) == 0:
            logout(request)
            messages.error(request, _("Too many wrong codes. Sign in again with your password."))
            return redirect("login")
        form.add_error("code", _("This code is not right. Check the time on your phone, or use a recovery code."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
def two_factor_setup(request):
    """Connect an authenticator app: scan the QR code (or type the key), confirm with a code."""
    next_url = _next_url(request)
    confirmed, device = totp_devices_of(user=request.user)
    if confirmed is not None:
        # Already set up: this page never replaces an authenticator nor skips its code.
        return redirect(_with_next("two_factor_verify", next_url) if twofactor_owed(request) else "two_factor")
    device = device or totp_device_pending(user=request.user)
    form = TwoFactorCodeForm(request.POST or None, app_only=True)
    if request.method == "POST" and form.is_valid():
        confirmed = totp_device_confirm(user=request.user, code=form.cleaned_data["code"])
        if confirmed is not None:
            device, codes = confirmed
            twofactor_session_verify(request=request, device=device)
            request.session[FRESH_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect(_with_next("two_factor_recovery_codes", next_url))
        form.add_error("code", _("This code is not right. Check the time on your phone and try the next code."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": mark_safe(totp_qr_svg(device)),  # nosec B308 B703 - segno's SVG of our own otpauth URI, no user input
            "secret": totp_secret_grouped(device),
            "mandatory": twofactor_mandatory(user=request.user, memberships=request.memberships),
            "signin_unfinished": twofactor_owed(request),
        },
    )


@login_required
def two_factor_recovery_codes(request):
    """GET shows recovery codes just made, once; POST replaces them by new ones."""
    if request.method == "POST":
        if twofactor_device(user=request.user) is None:
            return redirect("two_factor")
        request.session[FRESH_CODES_SESSION_KEY] = twofactor_recovery_codes_regenerate(user=request.user)
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(FRESH_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(request, _("Recovery codes are shown only once. Make new ones if you have lost them."))
        return redirect("two_factor")
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes, "next": _next_url(request)})


@login_required
def two_factor(request):
    """The account's two-factor page: on or off, recovery codes left, turning it off."""
    device = twofactor_device(user=request.user)
    mandatory = twofactor_mandatory(user=request.user, memberships=request.memberships)
    form = TwoFactorDisableForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if device is None or mandatory:
            messages.error(request, _("Two-factor sign-in is mandatory for your account."))
            return redirect("two_factor")
        if form.is_valid():
            twofactor_disable(user=request.user)
            twofactor_session_forget(request=request)
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two_factor")
        if twofactor_attempt_failed(request=request) == 0:
            logout(request)
            messages.error(request, _("Too many wrong passwords. Sign in again."))
            return redirect("login")
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": device,
            "mandatory": mandatory,
            "codes_left": twofactor_recovery_codes_left(user=request.user) if device else None,
            "form": form,
        },
    )
