"""The demo's choices of letters: the curator, who gets many notifications about her
pairs' visits, reads them in one daily digest at 16:00, after lessons; survey
notices stay in the app. Everyone else keeps the default, a letter at once."""

from apps.notifications.models import Delivery, Notification
from apps.notifications.services import notification_preferences_set

DIGEST_LOGIN = "curator@berezovka.demo"
DIGEST_HOUR = 16

CURATOR_DELIVERIES = {
    Notification.Kind.DEBRIEF_REMINDER_24H: Delivery.DIGEST,
    Notification.Kind.DEBRIEF_REMINDER_4H: Delivery.DIGEST,
    Notification.Kind.DEBRIEF_OVERDUE: Delivery.DIGEST,
    Notification.Kind.VISIT_PLANNED: Delivery.DIGEST,
    Notification.Kind.FEEDBACK_RECEIVED: Delivery.DIGEST,
    Notification.Kind.MILESTONE_OVERDUE: Delivery.DIGEST,
    Notification.Kind.SURVEY_OPEN: Delivery.IN_APP,
    Notification.Kind.SURVEY_REMINDER: Delivery.IN_APP,
}


def seed_notification_preferences(*, schools, users):
    """Before the demo's notifications are made, so that they follow the choice."""
    notification_preferences_set(
        user=users[DIGEST_LOGIN], school=schools["main"], deliveries=CURATOR_DELIVERIES, digest_hour=DIGEST_HOUR
    )
