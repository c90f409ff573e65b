from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Plans and targets")

    def ready(self):
        _register_visibility()


def _register_visibility():
    """What each user may see, for the API's bodies and filters (core.visibility)."""
    from core import visibility

    from . import selectors
    from .models import Evidence, Indicator, Milestone, Plan, ProgressReport, Section, Target

    visibility.register(Plan, selectors.plans_visible_to)
    visibility.register(Target, selectors.targets_visible_to)
    visibility.register(Indicator, selectors.indicators_visible_to)
    visibility.register(ProgressReport, selectors.reports_visible_to)
    visibility.register(Section, lambda user: Section.objects.filter(plan__in=selectors.plans_visible_to(user)))
    visibility.register(
        Milestone, lambda user: Milestone.objects.filter(indicator__in=selectors.indicators_visible_to(user))
    )
    visibility.register(Evidence, lambda user: Evidence.objects.filter(report__in=selectors.reports_visible_to(user)))
