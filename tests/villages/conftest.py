"""Villages of the shared county: three in 大门镇 (the town_reporter's) and two in 鹿西乡 (someone else's)."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from regions.models import RegionLevel, UnitKind
from tests.factories import RegionFactory, UnitFactory, UserFactory
from villages.models import IncomeRecord, RecordStatus, VillageProfile


@pytest.fixture
def other_township(county):
    return RegionFactory(code="330305200000", name="鹿西乡", level=RegionLevel.TOWNSHIP, parent=county, kind="乡")


@pytest.fixture
def other_town_reporter(county, other_township):
    unit = UnitFactory(county=county, name="鹿西乡", kind=UnitKind.TOWNSHIP, township=other_township)
    return UserFactory(username="luxi", role=Role.REPORTER, unit=unit)


def make_village(code, name, township, kind="行政村", flags=()):
    village = RegionFactory(code=code, name=name, level=RegionLevel.VILLAGE, parent=township, kind=kind)
    VillageProfile.objects.create(village=village, village_type=kind, flags=list(flags))
    return village


@pytest.fixture
def villages(township, other_township):
    return {
        "a": make_village("330305101201", "观音礁村", township, flags=["示范村"]),
        "b": make_village("330305101202", "小荆村", township, flags=["脱贫村"]),
        "c": make_village("330305101001", "大门社区", township, kind="社区"),
        "d": make_village("330305200201", "口筐村", other_township, flags=["脱贫村", "示范村"]),
        "e": make_village("330305200202", "东臼村", other_township),
    }


def approved(village, year, total, operating, by, *, quarter=0, on=None):
    reviewed = on or timezone.make_aware(datetime(year + 1, 1, 20, 10))
    return IncomeRecord.objects.create(
        village=village,
        year=year,
        quarter=quarter,
        total_income=Decimal(str(total)),
        operating_income=Decimal(str(operating)),
        status=RecordStatus.APPROVED,
        created_by=by,
        submitted_by=by,
        submitted_at=reviewed,
        reviewed_at=reviewed,
    )
