"""Province-scale figures for the village economy: derived indicator lights, the village table, the export.

Builds, in a throw-away test database, 90 counties x 10 townships x 22 villages (19,800 villages),
five years of approved whole-year income records (99,000), and three derived indicators per county
(270), then prints how long the reads take and how many queries they make.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench .venv/bin/python bench/villages_bench.py
(SQLite works too, without DATABASE_URL.)
"""

import os
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

COUNTIES, TOWNSHIPS, VILLAGES, YEARS = int(os.environ.get("BENCH_COUNTIES", 90)), 10, 22, (2021, 2022, 2023, 2024, 2025)


def build():
    from accounts.models import Role, User
    from regions.models import Region, RegionLevel
    from targets.models import Indicator, Plan, Target
    from villages.models import DerivedRule, IncomeRecord, RecordStatus, VillageProfile

    province = Region.objects.create(code="330000000000", name="省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="330100000000", name="市", level=RegionLevel.CITY, parent=province)
    user = User.objects.create(username="bench", role=Role.SUPERVISOR)
    counties = Region.objects.bulk_create(
        Region(code=f"3301{c:02d}000000", name=f"县{c}", level=RegionLevel.COUNTY, parent=city)
        for c in range(1, COUNTIES + 1)
    )
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    townships = Region.objects.bulk_create(
        Region(
            code=f"{county.code[:6]}{t:03d}000", name=f"{county.name}镇{t}", level=RegionLevel.TOWNSHIP, parent=county
        )
        for county in counties
        for t in range(100, 100 + TOWNSHIPS)
    )
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    Region.objects.bulk_create(
        (
            Region(
                code=f"{t.code[:9]}{v:03d}", name=f"{t.name}村{v}", level=RegionLevel.VILLAGE, parent=t, kind="行政村"
            )
            for t in townships
            for v in range(201, 201 + VILLAGES)
        ),
        batch_size=2000,
    )
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code"))
    VillageProfile.objects.bulk_create(
        (VillageProfile(village=v, flags=["脱贫村"] if i % 3 == 0 else []) for i, v in enumerate(villages)),
        batch_size=2000,
    )
    reviewed = timezone.make_aware(datetime(2026, 1, 20, 10))
    IncomeRecord.objects.bulk_create(
        (
            IncomeRecord(
                village=v,
                year=y,
                total_income=Decimal(20 + (i * 7 + y) % 180),
                operating_income=Decimal((i * 7 + y) % 90),
                status=RecordStatus.APPROVED,
                created_by=user,
                reviewed_at=reviewed,
            )
            for i, v in enumerate(villages)
            for y in YEARS
        ),
        batch_size=5000,
    )
    rules = []
    for county in counties:
        plan = Plan.objects.create(
            title=f"{county.name}方案", region=county, start_date=date(2023, 1, 1), end_date=date(2027, 12, 31)
        )
        target = Target.objects.create(plan=plan, seq=1, name="村级集体经济")
        specs = [
            ("share_at_level", Decimal("50"), "", "%"),
            ("sum", None, "", "万元"),
            ("count_hollow", None, "脱贫村", "个"),
        ]
        for order, (measure, level, flag, unit) in enumerate(specs):
            indicator = Indicator.objects.create(
                target=target,
                name=measure,
                kind="increase",
                unit=unit,
                baseline=Decimal("1"),
                target_value=Decimal("100000"),
                start_date=date(2023, 1, 1),
                deadline=date(2027, 12, 31),
                frequency="quarterly",
                order=order,
            )
            rules.append(DerivedRule(indicator=indicator, measure=measure, level=level, flag=flag, scope=county))
    DerivedRule.objects.bulk_create(rules)
    return user, counties


def measure(label, fn):
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    print(f"{label:<62} {elapsed * 1000:9.1f} ms {len(ctx.captured_queries):5d} queries")
    return result


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        start = time.perf_counter()
        user, counties = build()
        print(
            f"built {COUNTIES} counties, {COUNTIES * TOWNSHIPS * VILLAGES} villages, "
            f"{COUNTIES * TOWNSHIPS * VILLAGES * len(YEARS)} income records, {COUNTIES * 3} derived indicators "
            f"in {time.perf_counter() - start:.1f} s ({connection.vendor})"
        )
        run(user, counties)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(user, counties):
    from regions.selectors import regions_within
    from targets.models import Indicator
    from targets.selectors import indicator_rows
    from villages import derived, selectors
    from villages.exporters import village_table_xlsx
    from villages.models import DerivedRule

    as_of = date(2026, 11, 24)
    everything = Indicator.objects.all()
    rows = measure(
        f"indicator_rows: all {COUNTIES * 3} derived indicators of the province",
        lambda: indicator_rows(everything, as_of),
    )
    assert all(r.status.actual is not None for r in rows.values())
    one_county = Indicator.objects.filter(target__plan__region=counties[0])
    measure("indicator_rows: the 3 derived indicators of one county", lambda: indicator_rows(one_county, as_of))
    rule = DerivedRule.objects.select_related("scope").first()
    measure("rule_detail: one county rule and its 220 villages", lambda: derived.rule_detail(rule))
    county_villages = regions_within(counties[0]).filter(level="village")
    table = measure(
        "village_rows: one county (220 villages)", lambda: selectors.village_rows(county_villages, year=2025)
    )
    province = measure(
        f"village_rows: the whole province ({COUNTIES * TOWNSHIPS * VILLAGES:,} villages)",
        lambda: selectors.village_rows(selectors.villages_visible_to(user), year=2025),
    )
    measure("tier_distribution: the whole province", lambda: selectors.tier_distribution(province))
    data = measure("village_table_xlsx: one county", lambda: village_table_xlsx(table, 2025))
    data = measure("village_table_xlsx: the whole province", lambda: village_table_xlsx(province, 2025))
    print(f"province workbook: {len(data) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
