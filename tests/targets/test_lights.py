"""The table of current lights: written by the services with every write that moves a light,
re-judged each night for the lights the date moves, and always equal to a fresh judgement."""

import os
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from accounts.models import Role
from regions.models import UnitKind
from targets import lights, rules, selectors, services
from targets.choices import Frequency, Kind, Light, ReportStatus
from targets.models import Allocation, CurrentLight, Indicator, ProgressReport

from ..factories import IndicatorFactory, ProgressReportFactory, RegionFactory, UnitFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=SHANGHAI), tick=False)


def stored(indicators) -> dict:
    """Every stored light that holds today, by (indicator, share unit)."""
    today = date.today()
    return {
        (light.indicator_id, light.unit_id): (
            light.status,
            light.actual,
            light.completion,
            light.gap,
            tuple(rules.reason_text(r) for r in light.reasons),
        )
        for light in CurrentLight.objects.filter(selectors.valid_light_q(today), indicator__in=indicators)
    }


def fresh(indicators) -> dict:
    """The same lights judged afresh from the reports."""
    today = date.today()
    rows = selectors.judge(list(Indicator.objects.filter(pk__in=indicators).select_related("target__plan")), today)
    found = {(pk, None): row.status for pk, row in rows.items()}
    for allocation, status in selectors.share_statuses({pk: row.indicator for pk, row in rows.items()}, today):
        found[allocation.indicator_id, allocation.unit_id] = status
    return {key: (s.status, s.actual, s.completion, s.gap, tuple(s.reasons)) for key, s in found.items()}


def test_submitting_and_approving_a_report_moves_the_stored_light_at_once(indicator, dept, dept_reporter, supervisor):
    with at(date(2025, 6, 10)):
        lights.lights_rejudge_all()
        assert CurrentLight.objects.get(indicator=indicator).status == Light.RED  # April and May missing
        report = services.progress_report_create(
            indicator=indicator, unit=dept, period="2025-05", value=500, by=dept_reporter
        )
        assert CurrentLight.objects.get(indicator=indicator).status == Light.RED  # a draft does not count
        services.progress_report_submit(report=report, by=dept_reporter)
        light = CurrentLight.objects.get(indicator=indicator)
        assert (light.status, light.actual, light.judged_on) == (Light.GREEN, Decimal("500"), date(2025, 6, 10))
        assert light.valid_until == date(2025, 6, 26)  # June's report falls due on the 25th
        services.progress_report_review(report=report, by=supervisor, approve=False, comment="附件缺失")
        assert CurrentLight.objects.get(indicator=indicator).status == Light.RED


def test_reasons_are_stored_as_codes_and_shown_in_the_readers_language(indicator):
    with at(date(2025, 6, 10)):
        lights.lights_rejudge_all()
        light = CurrentLight.objects.get(indicator=indicator)
        assert light.reasons[-1] == ["missing", {"period": "2025-05", "due": "2025-05-25"}]
        with translation.override("en"):
            assert selectors.status_of(light).reasons[-1] == "2025-05 report missing since 2025-05-25"
        with translation.override("zh-hans"):
            assert "2025年5月" in selectors.status_of(light).reasons[-1]
            assert "missing" not in selectors.status_of(light).reasons[-1]


def test_the_nightly_task_rejudges_only_the_lights_the_new_day_moves(indicator, target):
    late = IndicatorFactory(target=target, name="后启动", start_date=date(2025, 9, 1))
    with at(date(2025, 6, 20)):
        lights.lights_rejudge_all()
    before = {light.indicator_id: light.judged_at for light in CurrentLight.objects.all()}
    with at(
        date(
            2025,
            6,
            25,
        ),
        hour=1,
    ):
        assert lights.lights_rejudge_due() == 0  # nothing falls due before the 26th
    with at(date(2025, 6, 26), hour=0):
        assert lights.lights_rejudge_due() == 1  # June's report is now missing; the later one still waits
        assert CurrentLight.objects.get(indicator=indicator).judged_at > before[indicator.pk]
        assert CurrentLight.objects.get(indicator=late).judged_at == before[late.pk]
        assert CurrentLight.objects.get(indicator=indicator).status == Light.RED  # May and June missing


def test_a_light_left_stale_is_judged_afresh_on_read_without_writing(indicator, dept, dept_reporter):
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        created_by=dept_reporter,
        period_start=date(2025, 5, 1),
        value=Decimal(500),
        status=ReportStatus.APPROVED,
        submitted_at=datetime(2025, 5, 20, 9, tzinfo=SHANGHAI),
    )
    with at(date(2025, 6, 20)):
        lights.lights_rejudge_all()
    with at(date(2025, 6, 27)):
        # The nightly task has not run: the page judges the indicator itself (June is missing now).
        row = selectors.indicator_rows(Indicator.objects.filter(pk=indicator.pk), date(2025, 6, 27))[indicator.pk]
        assert row.status.status == Light.AMBER
        light = CurrentLight.objects.get(indicator=indicator)
        assert (light.status, light.judged_on) == (Light.GREEN, date(2025, 6, 20))


def test_the_command_fills_the_table_for_indicators_made_past_the_services(indicator, target):
    IndicatorFactory(target=target, name="第二个")
    out = StringIO()
    call_command("judge_lights", stdout=out)
    assert "judged 2 indicators" in out.getvalue()
    assert CurrentLight.objects.filter(unit__isnull=True).count() == 2


def test_an_allocated_indicator_stores_each_township_share(indicator, town_unit, county):
    other = UnitFactory(
        county=county,
        name="北岙街道",
        kind=UnitKind.TOWNSHIP,
        township=RegionFactory(code="330305001000", name="北岙街道", level="township", parent=county),
    )
    Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=600)
    Allocation.objects.create(indicator=indicator, unit=other, target_value=600)
    with at(date(2025, 6, 10)):
        lights.lights_rejudge_all()
        assert set(CurrentLight.objects.values_list("unit_id", flat=True)) == {None, town_unit.pk, other.pk}


# Stored lights against a fresh judgement, on random histories and days -----------------------------


class Cast:
    def __init__(self, county, target, dept, dept_reporter, town_unit, town_reporter, supervisor):
        township = RegionFactory(code="330305001000", name="北岙街道", level="township", parent=county)
        self.town2 = UnitFactory(county=county, name="北岙街道", kind=UnitKind.TOWNSHIP, township=township)
        self.town2_reporter = UserFactory(username="beiao", role=Role.REPORTER, unit=self.town2)
        span = dict(start_date=date(2025, 1, 1), deadline=date(2025, 10, 31))
        self.indicators = [
            IndicatorFactory(target=target, name="月度", target_value=Decimal(100), **span),
            IndicatorFactory(
                target=target, name="季度", target_value=Decimal(100), frequency=Frequency.QUARTERLY, **span
            ),
            IndicatorFactory(
                target=target, name="上限", kind=Kind.CEILING, baseline=Decimal(5), target_value=Decimal(8), **span
            ),
            IndicatorFactory(target=target, name="分解", target_value=Decimal(100), **span),
        ]
        allocated = self.indicators[3]
        Allocation.objects.create(indicator=allocated, unit=town_unit, target_value=Decimal(50))
        Allocation.objects.create(indicator=allocated, unit=self.town2, target_value=Decimal(50))
        self.reporters = {allocated.pk: [(town_unit, town_reporter), (self.town2, self.town2_reporter)]}
        self.default = [(dept, dept_reporter)]
        self.supervisor = supervisor
        self.ids = [i.pk for i in self.indicators]


def _act(rng, cast: Cast, today: date) -> None:
    """One random write through the services; a write the services refuse changes nothing."""
    indicator = rng.choice(cast.indicators)
    unit, reporter = rng.choice(cast.reporters.get(indicator.pk, cast.default))
    mine = ProgressReport.objects.filter(indicator=indicator, unit=unit)
    action = rng.choice(["enter", "enter", "approve", "return", "reopen", "resubmit", "retarget"])
    try:
        if action == "enter":
            months = rng.randint(0, 3) * (3 if indicator.frequency == Frequency.QUARTERLY else 1)
            period = rules.period_label(
                rules.period_start_of(today - timedelta(days=31 * months), indicator.frequency), indicator.frequency
            )
            report = services.progress_report_create(
                indicator=indicator,
                unit=unit,
                period=period,
                by=reporter,
                value=Decimal(rng.randint(0, 120)),
                confirmed=True,
                explanation="核减",
            )
            services.progress_report_submit(report=report, by=reporter)
        elif action in ("approve", "return") and (report := mine.filter(status=ReportStatus.SUBMITTED).first()):
            services.progress_report_review(
                report=report, by=cast.supervisor, approve=action == "approve", comment="请补充"
            )
        elif action == "reopen" and (report := mine.filter(status=ReportStatus.APPROVED).first()):
            services.progress_report_reopen(report=report, by=cast.supervisor, reason="数据有误")
        elif action == "resubmit" and (report := mine.filter(status=ReportStatus.RETURNED).first()):
            services.progress_report_submit(report=report, by=reporter)
        elif action == "retarget":
            current = Indicator.objects.get(pk=indicator.pk)
            services.indicator_update(
                indicator=current,
                by=cast.supervisor,
                expected_fingerprint=services.indicator_fingerprint(current),
                target_value=Decimal(rng.choice([60, 100, 140]))
                + (current.baseline if current.kind != Kind.CEILING else 0),
            )
    except (ValidationError, PermissionDenied):
        pass


@pytest.mark.parametrize("seed", range(int(os.environ.get("LIGHT_SEEDS", 3))))
def test_stored_lights_equal_a_fresh_judgement_on_every_day(
    seed, county, target, dept, dept_reporter, town_unit, town_reporter, supervisor
):
    rng = random.Random(seed)
    cast = Cast(county, target, dept, dept_reporter, town_unit, town_reporter, supervisor)
    day = date(2024, 12, 20)
    with at(day):
        lights.lights_rejudge_all()
    while day < date(2025, 11, 20):
        day += timedelta(days=rng.choice([1, 3, 6, 9]))
        nightly = rng.random() < 0.8
        with at(day, hour=0):
            if nightly:
                lights.lights_rejudge_due()
        with at(day):
            for _ in range(rng.randint(0, 3)):
                _act(rng, cast, day)
            judged = fresh(cast.ids)
            kept = stored(cast.ids)
            assert {k: v for k, v in judged.items() if k in kept} == kept, day
            if nightly:
                assert kept.keys() == judged.keys(), day  # after the nightly task every light holds
            rows = selectors.indicator_rows(Indicator.objects.filter(pk__in=cast.ids), day)
            assert {pk: row.status.status for pk, row in rows.items()} == {
                pk: judged[pk, None][0] for pk in cast.ids
            }, day


def test_a_report_written_past_the_services_is_caught_by_the_command(indicator, dept, dept_reporter):
    with at(date(2025, 6, 10)):
        lights.lights_rejudge_all()
        ProgressReportFactory(
            indicator=indicator,
            unit=dept,
            created_by=dept_reporter,
            period_start=date(2025, 5, 1),
            value=Decimal(1200),
            status=ReportStatus.APPROVED,
            submitted_at=datetime(2025, 6, 1, 9, tzinfo=SHANGHAI),
        )
        call_command("judge_lights", stdout=StringIO())
        assert CurrentLight.objects.get(indicator=indicator).status == Light.DONE


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_home_plan_page_and_my_work_read_stored_lights_in_a_fixed_number_of_queries(
    client, supervisor, dept_reporter, target, indicator
):
    counts = []
    with at(date(2025, 6, 10)):
        for n in (1, 6):
            for i in range(n):
                IndicatorFactory(target=target, name=f"加{n}-{i}")
            lights.lights_rejudge_all()
            client.force_login(supervisor)
            home, plan = _queries(client, "/"), _queries(client, f"/plans/{target.plan_id}/")
            client.force_login(dept_reporter)
            counts.append((home, plan, _queries(client, "/my-work/")))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_home_counts_join_stored_lights_and_judge_only_the_indicators_without_one(supervisor, plan, target, dept):
    first, second, third = (IndicatorFactory(target=target, name=f"指标{n}") for n in range(3))
    today = date.today()
    lights.lights_rejudge(indicator_ids=[first.pk, second.pk], today=today)
    CurrentLight.objects.filter(indicator=second).update(status="done")  # a stored light is read, not re-judged
    with at(today):
        counts = selectors.plan_light_counts(plans=[plan], user=supervisor, as_of=today)[plan.pk]
    fresh = selectors.judge([third, first], today)
    assert sum(counts.values()) == 3 and counts["done"] >= 1
    assert counts["done"] == 1 + sum(1 for row in fresh.values() if row.status.status == "done")
