from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstructionsConfig(AppConfig):
    name = "instructions"
    verbose_name = _("Leaders' instructions")

    def ready(self):
        from core import visibility
        from supervision.search import register_source

        from .models import Instruction
        from .search import instruction_hits
        from .selectors import instructions_visible_to

        visibility.register(Instruction, instructions_visible_to)
        register_source("instructions", instruction_hits)
