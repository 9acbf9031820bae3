"""A notification's body is the product's own text: a long one is cut to the
column's limit, never refused (a refused row would read as "already sent")."""

from apps.notifications.models import Notification
from apps.notifications.services import notification_send


def test_a_body_over_its_limit_is_cut_and_the_notification_sent(school, teacher):
    notification = notification_send(
        user=teacher,
        school=school,
        kind=Notification.Kind.DEBRIEF_OVERDUE,
        key="visit:1",
        title="Обсуждение просрочено",
        body="б" * 3000,
    )
    assert notification is not None
    assert Notification.objects.get().body == "б" * 2000
