from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkConfig(AppConfig):
    """The benchmark (`make bench`): a regional dataset generator and the page timer;
    a top layer that no other app imports."""

    name = "apps.benchmark"
    verbose_name = _("Benchmark")
