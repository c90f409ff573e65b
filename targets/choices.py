"""The words of the domain, defined once and imported everywhere (models, rules, API, templates)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.periods import Frequency  # noqa: F401  (defined with the calendar it names)


class Kind(models.TextChoices):
    INCREASE = "increase", _("increase")
    DECREASE = "decrease", _("decrease")
    CEILING = "ceiling", _("ceiling")
    FLOOR = "floor", _("floor")
    MILESTONE = "milestone", _("milestone")


class Light(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    DONE = "done", _("done")
    GREEN = "green", _("green")
    AMBER = "amber", _("amber")
    RED = "red", _("red")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


# Kinds whose completion is measured from baseline to target; T == B is refused for them.
PROGRESS_KINDS = (Kind.INCREASE, Kind.DECREASE, Kind.MILESTONE)
