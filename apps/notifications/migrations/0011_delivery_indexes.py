from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking the table against new notifications.
    atomic = False

    dependencies = [
        ("notifications", "0010_delivery_preferences_and_digests"),
    ]

    operations = [
        RemoveIndexConcurrently(
            model_name="notification",
            name="notification_email_unsent",
        ),
        AddIndexConcurrently(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("delivery", "immediate"), ("email_sent_at__isnull", True)),
                fields=["created_at"],
                name="notification_email_unsent",
            ),
        ),
        AddIndexConcurrently(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("delivery", "digest"), ("digest__isnull", True)),
                fields=["user", "school"],
                name="notification_digest_waiting",
            ),
        ),
        AddIndexConcurrently(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("digest__isnull", False)), fields=["digest"], name="notification_in_digest"
            ),
        ),
        AddIndexConcurrently(
            model_name="notificationdigest",
            index=models.Index(
                condition=models.Q(("sent_at__isnull", True)), fields=["created_at"], name="notification_digest_unsent"
            ),
        ),
    ]
