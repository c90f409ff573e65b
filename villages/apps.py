from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("Villages")

    def ready(self):
        # The indicators computed from village income records: targets asks for their figures
        # through its registry, since targets sits below villages and never imports it.
        from targets import series_sources

        from .derived import derived_series

        series_sources.register(derived_series)
