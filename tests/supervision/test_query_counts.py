"""Each dashboard page runs the same number of queries for a county of 30 indicators and one of 3,000."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from regions.models import Region, RegionLevel, Unit, UnitKind
from supervision.models import SupervisionItem
from supervision.services import snapshot_freeze
from targets.choices import ReportStatus
from targets.models import Allocation, Indicator, Milestone, Plan, ProgressReport, Section, Target

from ..factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERIODS = [date(2025, m, 1) for m in (3, 4, 5, 6)]


def build_county(code: str, indicators: int, author):
    """A county with townships, units, nested sections and `indicators` indicators, in bulk."""
    county = Region.objects.create(code=code, name=f"县{code[:6]}", level=RegionLevel.COUNTY)
    townships = Region.objects.bulk_create(
        [
            Region(code=f"{code[:6]}{100 + i:03d}000", name=f"镇{i}", level=RegionLevel.TOWNSHIP, parent=county)
            for i in range(3)
        ]
    )
    towns = Unit.objects.bulk_create(
        [Unit(county=county, name=t.name, kind=UnitKind.TOWNSHIP, township=t) for t in townships]
    )
    departments = Unit.objects.bulk_create([Unit(county=county, name=f"局{i}") for i in range(5)])
    plan = Plan.objects.create(
        title=f"方案{code}", region=county, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    top = Section.objects.create(plan=plan, title="一、目标", order=1)
    sub = Section.objects.create(plan=plan, parent=top, title="(一)行动", order=2)
    targets = Target.objects.bulk_create(
        [
            Target(plan=plan, seq=i + 1, name=f"任务{i}", section=(top, sub)[i % 2])
            for i in range(max(1, indicators // 3))
        ]
    )
    Target.lead_units.through.objects.bulk_create(
        [Target.lead_units.through(target=t, unit=departments[i % 5]) for i, t in enumerate(targets)]
    )
    Target.co_units.through.objects.bulk_create(
        [Target.co_units.through(target=t, unit=towns[i % 3]) for i, t in enumerate(targets) if i % 4 == 0]
    )
    items = Indicator.objects.bulk_create(
        [
            Indicator(
                target=targets[i % len(targets)],
                name=f"指标{i}",
                kind="increase",
                baseline=0,
                target_value=Decimal(1200),
                start_date=date(2025, 1, 1),
                deadline=date(2025, 12, 31),
                order=i,
            )
            for i in range(indicators)
        ]
    )
    Milestone.objects.bulk_create(
        [Milestone(indicator=ind, date=date(2025, 6, 30), value=Decimal(700)) for ind in items[::7]]
    )
    allocated = items[::5]
    Allocation.objects.bulk_create(
        [Allocation(indicator=ind, unit=t, target_value=Decimal(1000)) for ind in allocated for t in towns]
    )
    reports = []
    for n, ind in enumerate(items):
        owners = towns if n % 5 == 0 else [departments[(n // 3) % len(targets) % 5]]
        pace = Decimal((40, 100, 130)[n % 3])
        for p_index, period in enumerate(PERIODS[: 4 - n % 3]):
            submitted = datetime.combine(period.replace(day=20 + p_index), time(10), tzinfo=SHANGHAI)
            reports += [
                ProgressReport(
                    indicator=ind,
                    unit=owner,
                    period_start=period,
                    value=pace * (p_index + 3),
                    status=ReportStatus.APPROVED,
                    submitted_at=submitted,
                    submitted_by=author,
                    created_by=author,
                    is_late=p_index == 2,
                )
                for owner in owners
            ]
    ProgressReport.objects.bulk_create(reports, batch_size=2000)
    SupervisionItem.objects.bulk_create(
        [
            SupervisionItem(
                indicator=ind, unit=departments[0], notice="请说明", reply_due=date(2025, 7, 5), issued_by=author
            )
            for ind in items[::10]
        ]
    )
    snapshot_freeze(as_of=date(2025, 5, 31), indicators=Indicator.objects.filter(target__plan=plan))
    snapshot_freeze(as_of=date(2025, 6, 30), indicators=Indicator.objects.filter(target__plan=plan))
    return county, items[1]


PAGES = [
    "/supervision/?region={code}&as_of=2025-06",
    "/supervision/?region={code}&as_of=2025-06&township={township}",
    "/supervision/list/?region={code}&as_of=2025-06&light=red",
    "/supervision/list/?region={code}&as_of=2025-06&light=amber&section={section}",
    "/supervision/league/?region={code}&as_of=2025-06",
    "/supervision/indicators/{indicator}/",
    "/supervision/items/",
]


def _count(client, url) -> int:
    client.get(url)  # the first request of a session records its activity; count a steady one
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_dashboard_pages_run_as_many_queries_for_3000_indicators_as_for_30(client):
    author = UserFactory(username="admin1", role=Role.ADMIN)
    small, small_indicator = build_county("330301000000", 30, author)
    large, large_indicator = build_county("330302000000", 3000, author)
    assert Indicator.objects.filter(target__plan__region=large).count() == 3000
    client.force_login(author)
    counts = {}
    for county, indicator in ((small, small_indicator), (large, large_indicator)):
        values = {
            "code": county.code,
            "indicator": indicator.pk,
            "township": Region.objects.filter(parent=county).first().pk,
            "section": Section.objects.get(plan__region=county, parent=None).pk,
        }
        counts[county.code] = [_count(client, page.format(**values)) for page in PAGES]
    assert counts[small.code] == counts[large.code], dict(zip(PAGES, zip(counts[small.code], counts[large.code])))
    # And no page takes more than it does now: the overview counts its lights, the month before's and
    # its three splits in one query, reads its red and amber lists' first rows with their milestones
    # and lead units in one query and their totals from its light counts, the indicators done this
    # month and those nobody answers for in one query; the region
    # is read once, and every filter select's rows (a county's units and townships among them, also the
    # figures' names) in one query; a list reads its page with its total, a league its completions with
    # the moment of its lights.
    # The indicator page judges the indicator it read (with its task and plan) and takes its milestones
    # and owners from that judgement (which reads the shares and the led tasks in one query), reads its
    # month ends and latest township shares in one query and its reports a page at a time (a count and
    # the page).
    ceilings = [13, 13, 9, 11, 7, 16, 4]
    assert all(n <= most for n, most in zip(counts[large.code], ceilings, strict=True)), dict(
        zip(PAGES, counts[large.code])
    )
    # The large county really has red and amber rows to list, or the equality above proves little.
    page = client.get(f"/supervision/list/?region={large.code}&as_of=2025-06&light=red").content.decode()
    assert page.count("data-indicator=") == 50
