"""What the notifications hold about a person (see apps/core/personal_data.py).

The export gives each notification's kind and dates, never its title or text: those
name colleagues ("Debrief overdue: <teacher>"), whose names are their own data.
Erasure deletes the account's notifications in this school; colleagues' notifications
that name the person lose the name in the name sweep.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.personal_data import PersonalDataSource, Section

from .models import DigestSchedule, Notification, NotificationDigest, NotificationPreference


def collect(*, staff, local_time):
    rows = []
    if staff.user_id is not None:
        rows = [
            {
                "kind": n.get_kind_display(),
                "created_at": local_time(n.created_at),
                "read_at": local_time(n.read_at),
                "email_sent_at": local_time(n.email_sent_at),
            }
            for n in Notification.objects.filter(user_id=staff.user_id, school_id=staff.school_id)
            .only("kind", "created_at", "read_at", "email_sent_at")
            .order_by("created_at", "pk")
        ]
    section = Section(
        "notifications",
        _("Notifications"),
        [
            ("kind", _("kind")),
            ("created_at", _("created at")),
            ("read_at", _("read at")),
            ("email_sent_at", _("e-mail sent at")),
        ],
        rows,
    )
    kinds = dict(Notification.Kind.choices)
    deliveries = []
    if staff.user_id is not None:
        mine = {"user_id": staff.user_id, "school_id": staff.school_id}
        schedule = DigestSchedule.objects.filter(**mine).first()
        deliveries = [
            {
                "kind": kinds.get(p.kind, p.kind),
                "delivery": p.get_delivery_display(),
                "digest_hour": schedule.hour if schedule else "",
            }
            for p in NotificationPreference.objects.filter(**mine).order_by("kind")
        ]
    preferences = Section(
        "notification_preferences",
        _("Which letters you get"),
        [("kind", _("kind")), ("delivery", _("letter")), ("digest_hour", _("digest hour"))],
        deliveries,
    )
    return [section, preferences]


def erase(*, erasure):
    if erasure.user is not None:
        mine = Notification.objects.filter(user=erasure.user, school=erasure.school)
        erasure.deleted("notifications", mine.delete()[0])
        mine = {"user": erasure.user, "school": erasure.school}
        settings_deleted = NotificationPreference.objects.filter(**mine).delete()[0]
        settings_deleted += DigestSchedule.objects.filter(**mine).delete()[0]
        erasure.deleted("notification_preferences", settings_deleted)
        erasure.deleted("notifications", NotificationDigest.objects.filter(**mine).delete()[0])


SOURCE = PersonalDataSource(
    app_label="notifications",
    order=90,
    person_models=(Notification, NotificationPreference, DigestSchedule, NotificationDigest),
    collect=collect,
    erase=erase,
    categories={
        "notifications": gettext_lazy("notifications"),
        "notification_preferences": gettext_lazy("choices of letters"),
    },
)
