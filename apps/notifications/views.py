"""A person's notifications in their current school: the list, opening one
(which marks it read), marking all read, and choosing which letters they send."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import apply_validation_error
from apps.core.tenancy import school_view

from . import selectors, services
from .forms import NotificationPreferencesForm
from .models import Notification

PAGE_SIZE = 25


@school_view()
def notification_list(request):
    order = request.GET.get("order", "unread")
    if order not in selectors.ORDERS:
        order = "unread"
    notifications = selectors.notifications_for(user=request.user, school=request.school, order=order)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "order": order, "query": f"order={order}"},
    )


@school_view()
def notification_open(request, pk):
    """Mark the notification read and go where it points. Only its owner opens it:
    anyone else's, of this school or another, is not found."""
    try:
        notification = Notification.objects.get(pk=pk, user=request.user, school=request.school)
    except Notification.DoesNotExist as exc:
        raise Http404("notification") from exc
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(url)
    return redirect("notifications:list")


@require_POST
@school_view()
def notifications_read_all(request):
    count = services.notifications_mark_read(
        user=request.user,
        ids=Notification.objects.filter(user=request.user, school=request.school).values("pk"),
    )
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@school_view()
def notification_preferences(request):
    """Per kind of notification: e-mail at once, the daily digest, or in the app only."""
    deliveries, digest_hour = selectors.notification_preferences_for(user=request.user, school=request.school)
    form = NotificationPreferencesForm(request.POST or None, deliveries=deliveries, digest_hour=digest_hour)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preferences_set(
                user=request.user,
                school=request.school,
                deliveries=form.deliveries(),
                digest_hour=form.cleaned_data["digest_hour"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your choice of letters is saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
