from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from core import visibility

        from .models import SupervisionItem
        from .selectors import items_visible_to

        visibility.register(SupervisionItem, items_visible_to)
