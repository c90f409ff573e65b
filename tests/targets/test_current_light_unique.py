"""An indicator has one county light, on SQLite (migration 0009's index) as on PostgreSQL (the constraint)."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from targets.models import CurrentLight


def light(indicator, unit=None):
    now = timezone.now()
    return CurrentLight(
        indicator=indicator,
        unit=unit,
        status="green",
        judged_on=date(2025, 6, 1),
        valid_until=date(2025, 7, 1),
        judged_at=now,
        changed_at=now,
    )


def test_a_second_county_light_of_one_indicator_is_refused_by_the_database(db, indicator, town_unit):
    CurrentLight.objects.filter(indicator=indicator).delete()
    light(indicator).save()
    light(indicator, town_unit).save()  # a township's share beside it is another row
    with pytest.raises(IntegrityError), transaction.atomic():
        light(indicator).save()
    assert CurrentLight.objects.filter(indicator=indicator, unit__isnull=True).count() == 1
