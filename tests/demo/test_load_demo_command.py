"""`manage.py load_demo --if-empty` (make run, make demo): loads into an empty database once, and never into
a database that holds plans of its own."""

from io import StringIO

import pytest
from django.core.management import call_command

from targets.models import Indicator, Plan, ProgressReport

from ..factories import PlanFactory

pytestmark = pytest.mark.django_db


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_if_empty_loads_the_demo_once_and_a_second_run_changes_nothing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    first = load("--if-empty")
    assert "Demo loaded: 2 plans" in first and "duchashi" in first and "Demo@2025" in first
    counts = (Plan.objects.count(), Indicator.objects.count(), ProgressReport.objects.count())
    assert counts[0] == 2 and counts[1] > 150 and counts[2] > 1000
    assert "already loaded; nothing changed" in load("--if-empty")
    assert (Plan.objects.count(), Indicator.objects.count(), ProgressReport.objects.count()) == counts


def test_if_empty_leaves_a_database_with_its_own_plans_alone():
    PlanFactory()
    assert "already has plans; the demo was not loaded" in load("--if-empty")
    assert Plan.objects.count() == 1
