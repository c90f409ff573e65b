"""Lights are cached (targets.light_cache); every write that bears on a light must show at once."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from targets import light_cache, selectors, services
from targets.choices import Light, ReportStatus
from targets.models import Allocation, Indicator, Milestone

from ..factories import ProgressReportFactory

AS_OF = date(2025, 6, 24)  # May is reported; June is not yet due
SHANGHAI = ZoneInfo("Asia/Shanghai")


def light(indicator, as_of=AS_OF):
    return selectors.indicator_rows(Indicator.objects.filter(pk=indicator.pk), as_of)[indicator.pk].status


def approved(indicator, unit, by, period, value):
    return ProgressReportFactory(indicator=indicator, unit=unit, created_by=by, period_start=period, value=value,
                                 status=ReportStatus.APPROVED, submitted_at=datetime(2025, 6, 20, 9, tzinfo=SHANGHAI))


def report_queries(captured) -> int:
    return sum("targets_progressreport" in q["sql"] for q in captured)


def test_a_light_judged_once_is_read_back_without_reading_the_reports(indicator, dept, dept_reporter):
    approved(indicator, dept, dept_reporter, date(2025, 5, 1), 600)
    first = light(indicator)
    with CaptureQueriesContext(connection) as captured:
        again = light(indicator)
    assert again == first
    assert report_queries(captured) == 0


def test_a_report_submitted_through_the_services_changes_the_light_at_once(indicator, dept, dept_reporter,
                                                                           supervisor):
    with time_machine.travel("2025-06-10 10:00 +0800"):
        today = date(2025, 6, 10)
        assert light(indicator, today).actual == 0
        report = services.progress_report_create(indicator=indicator, unit=dept, period="2025-05",
                                                 value=Decimal("500"), by=dept_reporter)
        assert light(indicator, today).actual == 0  # a draft does not count
        services.progress_report_submit(report=report, by=dept_reporter)
        assert light(indicator, today).actual == 500
        services.progress_report_review(report=report, by=supervisor, approve=False, comment="数字有误")
        assert light(indicator, today).actual == 0  # a returned report no longer counts


def test_changing_the_indicator_its_milestones_allocations_or_plan_changes_the_light(indicator, dept, dept_reporter,
                                                                                     town_unit):
    approved(indicator, dept, dept_reporter, date(2025, 5, 1), 500)
    before = light(indicator)
    indicator.target_value = Decimal("500")
    indicator.save()
    assert light(indicator).status == Light.DONE != before.status
    Milestone.objects.create(indicator=indicator, date=date(2025, 3, 31), value=Decimal("499"))
    indicator.target_value = Decimal("5000")
    indicator.save()
    behind = light(indicator)
    plan = indicator.target.plan
    plan.red_gap = Decimal("99")
    plan.amber_gap = Decimal("98")
    plan.save()
    assert light(indicator).status == Light.GREEN != behind.status
    Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=Decimal("5000"))
    assert light(indicator).actual == 0  # the township has reported nothing yet


def test_each_language_and_day_has_its_own_entry(indicator, dept, dept_reporter):
    approved(indicator, dept, dept_reporter, date(2025, 5, 1), 100)
    with translation.override("en"):
        english = light(indicator).reasons
    with translation.override("zh-hans"):
        chinese = light(indicator).reasons
    assert english != chinese
    assert light(indicator, date(2025, 6, 24)) != light(indicator, date(2025, 8, 30))


def test_forget_all_judges_every_indicator_afresh(indicator, dept, dept_reporter):
    light(indicator)
    with CaptureQueriesContext(connection) as captured:
        light_cache.forget_all()
        light(indicator)
    assert report_queries(captured) > 0


def test_without_the_cache_server_lights_and_pages_are_judged_afresh(settings, client, indicator, dept,
                                                                       dept_reporter, supervisor):
    """The cache only spares work: with Redis away (nothing listens on port 1) pages still answer."""
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    approved(indicator, dept, dept_reporter, date(2025, 5, 1), 700)
    assert light(indicator).actual == 700
    client.force_login(supervisor)
    page = client.get(f"/plans/{indicator.target.plan_id}/?as_of=2025-06-24")
    assert page.status_code == 200 and "700" in page.content.decode()
    with time_machine.travel("2025-06-10 10:00 +0800"):
        client.force_login(dept_reporter)
        assert client.get("/my-work/").status_code == 200


def counts(plan, user):
    return selectors.plan_light_counts(plans=[plan], user=user, as_of=AS_OF)[plan.pk]


def test_plan_counts_are_read_back_and_follow_every_write_to_the_plan(indicator, dept, dept_reporter, supervisor,
                                                                      target):
    """The home page counts each plan's lights from a cache per plan; a report, a new indicator or a
    deleted one must show on the next view."""
    from ..factories import IndicatorFactory, PlanFactory, TargetFactory

    plan = indicator.target.plan
    other = TargetFactory(plan=PlanFactory(region=plan.region))
    IndicatorFactory(target=other)
    first = counts(plan, supervisor)
    both = selectors.plan_light_counts(plans=[plan, other.plan], user=supervisor, as_of=AS_OF)
    with CaptureQueriesContext(connection) as captured:
        assert counts(plan, supervisor) == first == both[plan.pk]
        assert counts(other.plan, supervisor) == both[other.plan.pk]
    assert len(captured) == 0  # both read back whole: no indicator, no report read
    approved(indicator, dept, dept_reporter, date(2025, 5, 1), 10**6)
    assert counts(plan, supervisor)[Light.DONE] == first[Light.DONE] + 1
    added = IndicatorFactory(target=target)
    assert sum(counts(plan, supervisor).values()) == sum(first.values()) + 1
    added.delete()
    assert sum(counts(plan, supervisor).values()) == sum(first.values())
    with CaptureQueriesContext(connection) as captured:
        counts(other.plan, supervisor)  # untouched by all this: still read back
    assert len(captured) == 0


def test_a_reporter_counts_only_what_it_sees(indicator, dept_reporter, stranger):
    plan = indicator.target.plan
    assert sum(counts(plan, dept_reporter).values()) == 1
    assert sum(counts(plan, stranger).values()) == 0


def test_an_indicator_moved_to_another_plan_leaves_its_old_plan_counted_afresh(indicator, supervisor):
    from ..factories import PlanFactory, TargetFactory

    old_plan = indicator.target.plan
    elsewhere = TargetFactory(plan=PlanFactory(region=old_plan.region))
    assert sum(counts(old_plan, supervisor).values()) == 1
    indicator.target = elsewhere
    indicator.save()
    assert sum(counts(old_plan, supervisor).values()) == 0
    assert sum(counts(elsewhere.plan, supervisor).values()) == 1
