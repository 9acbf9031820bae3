"""Reminders of partnership agreements that expire within 60 days.

Beat-driven and idempotent: who manages the school's partnerships
(`partners.manage`) is reminded once per agreement and end date (a renewed agreement that is
extended again reminds again).
"""

import datetime

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.capabilities import roles_with
from apps.accounts.models import Membership
from apps.core.dates import school_today
from apps.core.typography import quoted
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .selectors import agreements_expiring


def agreements_expiry_sweep(*, now=None):
    """Judged by each school's own date: Russia spans UTC+2 to UTC+12."""
    now = now or timezone.now()
    agreements = [
        agreement
        for agreement in agreements_expiring(on=(now - datetime.timedelta(days=1)).date(), days=62)
        if 0 <= (agreement.valid_until - school_today(agreement.partner.school, now)).days <= 60
    ]
    managers = {}
    for membership in Membership.objects.filter(
        school__in={a.partner.school_id for a in agreements}, roles__overlap=roles_with("partners.manage")
    ).select_related("user"):
        if membership.user.is_active:
            managers.setdefault(membership.school_id, []).append(membership.user)
    sent = 0
    with translation.override("ru"):
        for agreement in agreements:
            title = _("The agreement with %(partner)s expires on %(date)s") % {
                "partner": quoted(agreement.partner.name),
                "date": agreement.valid_until.strftime("%d.%m.%Y"),
            }
            for user in managers.get(agreement.partner.school_id, []):
                if notification_send(
                    user=user,
                    school=agreement.partner.school,
                    kind=Notification.Kind.AGREEMENT_EXPIRING,
                    key=f"agreement:{agreement.pk}:{agreement.valid_until:%Y-%m-%d}",
                    title=title,
                    url=reverse("partners:partner_detail", args=[agreement.partner_id]),
                ):
                    sent += 1
    return sent
