from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo schools (`manage.py seed_demo`): the top layer, which may use every
    app's services; no other app imports it."""

    name = "apps.demo"
    verbose_name = _("Demo data")
