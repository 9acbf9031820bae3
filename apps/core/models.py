from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """When a background process last proved it works, for /healthz.

    `worker` is written by the heartbeat task that beat sends every minute (a
    dead worker or a dead beat leaves it stale); each beat sweep writes its
    beat entry's name (e.g. `visits-deadline-sweep`) when it finishes.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    beat_at = models.DateTimeField(_("last beat"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
