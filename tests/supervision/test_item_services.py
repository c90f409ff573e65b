from datetime import date

import pytest
import time_machine

from accounts.models import AuditEvent, Notification
from core.versions import ConflictError
from supervision import services
from supervision.models import SupervisionStatus

from .builders import submitted

TODAY = date(2025, 7, 1)


@pytest.fixture
def red_indicator(indicator, dept, dept_reporter):
    # One May report at 300 of 1200, June missing: red on 1 July.
    submitted(indicator, dept, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    return indicator


@pytest.fixture
def issued(red_indicator, dept, supervisor):
    with time_machine.travel("2025-07-01 09:00 +08:00", tick=False):
        return services.supervision_item_issue(
            indicator=red_indicator, unit=dept, notice="说明6月未报送原因", reply_due=date(2025, 7, 8), by=supervisor
        )


def test_issuing_records_the_light_audits_and_notifies_the_unit(issued, dept_reporter, supervisor):
    assert issued.status == SupervisionStatus.OPEN and issued.light_when_issued == "red"
    event = AuditEvent.objects.get(action="supervision.issue")
    assert event.user == supervisor and event.object_id == str(issued.pk)
    note = Notification.objects.get(user=dept_reporter)
    assert note.kind == "supervision.issued" and note.link == f"/supervision/items/{issued.pk}/"


@time_machine.travel("2025-07-01 09:00 +08:00", tick=False)
def test_a_green_indicator_gets_no_notice(indicator, dept, supervisor, dept_reporter):
    submitted(indicator, dept, date(2025, 6, 1), 700, date(2025, 6, 20), dept_reporter)
    with pytest.raises(services.SupervisionError):
        services.supervision_item_issue(
            indicator=indicator, unit=dept, notice="x", reply_due=date(2025, 7, 8), by=supervisor
        )
    assert not AuditEvent.objects.filter(action="supervision.issue").exists()


@time_machine.travel("2025-07-01 09:00 +08:00", tick=False)
def test_only_the_office_issues_and_never_with_a_past_reply_date(red_indicator, dept, dept_reporter, supervisor):
    with pytest.raises(services.NotAllowed):
        services.supervision_item_issue(
            indicator=red_indicator, unit=dept, notice="x", reply_due=date(2025, 7, 8), by=dept_reporter
        )
    with pytest.raises(services.SupervisionError, match="2025年6月30日"):
        services.supervision_item_issue(
            indicator=red_indicator, unit=dept, notice="x", reply_due=date(2025, 6, 30), by=supervisor
        )


def test_an_answer_on_a_township_plan_reaches_the_county_office_and_those_above_not_another_countys(
    township, town_unit, town_reporter, offices
):
    from ..factories import IndicatorFactory, PlanFactory, TargetFactory

    target = TargetFactory(plan=PlanFactory(region=township), name="美丽庭院")
    target.lead_units.add(town_unit)
    indicator = IndicatorFactory(target=target)
    submitted(indicator, town_unit, date(2025, 5, 1), 300, date(2025, 5, 20), town_reporter)  # red on 1 July
    with time_machine.travel("2025-07-01 09:00 +08:00", tick=False):
        item = services.supervision_item_issue(
            indicator=indicator,
            unit=town_unit,
            notice="说明6月未报送原因",
            reply_due=date(2025, 7, 8),
            by=offices["county"],
        )
        services.supervision_item_reply(
            item=item, measures="已督促补报", promised_date=date(2025, 7, 20), by=town_reporter, version=1
        )
    told = set(Notification.objects.filter(kind="supervision.answered").values_list("user__username", flat=True))
    # The office of the item's region (the plan's township) and every office above it, which may close it out;
    # not office_other_county, office_other_township, office_retired.
    assert told == {"duchashi", "office_township", "office_city", "office_province", "office_everywhere"}


def test_the_unit_replies_and_the_office_closes_out(issued, dept_reporter, supervisor):
    item = services.supervision_item_reply(
        item=issued, measures="已督促补报,7月20日前完成", promised_date=date(2025, 7, 20), by=dept_reporter, version=1
    )
    assert item.status == SupervisionStatus.ANSWERED and item.version == 2
    told = Notification.objects.filter(kind="supervision.answered").values_list("user__username", flat=True)
    assert list(told) == ["duchashi"]
    item = services.supervision_item_close(item=item, by=supervisor, comment="同意销号", version=2)
    assert item.status == SupervisionStatus.CLOSED and item.closed_by == supervisor and item.closed_at
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["supervision.issue", "supervision.reply", "supervision.close"]
    close = AuditEvent.objects.get(action="supervision.close")
    assert close.old["status"] == "answered" and close.new["status"] == "closed"


def test_sent_back_answer_must_be_answered_again(issued, dept_reporter, supervisor):
    services.supervision_item_reply(item=issued, measures="措施", promised_date=date(2025, 7, 20), by=dept_reporter)
    item = services.supervision_item_send_back(
        item=issued, by=supervisor, comment="措施不具体", reply_due=date(2025, 7, 15)
    )
    assert item.status == SupervisionStatus.RETURNED and item.reply_due == date(2025, 7, 15)
    assert Notification.objects.filter(user=dept_reporter, kind="supervision.returned").exists()
    with pytest.raises(services.SupervisionError):
        services.supervision_item_close(item=item, by=supervisor)
    item = services.supervision_item_reply(
        item=item, measures="细化措施", promised_date=date(2025, 7, 25), by=dept_reporter
    )
    assert item.status == SupervisionStatus.ANSWERED


def test_sending_back_needs_a_reason(issued, dept_reporter, supervisor):
    services.supervision_item_reply(item=issued, measures="措施", promised_date=date(2025, 7, 20), by=dept_reporter)
    with pytest.raises(services.SupervisionError):
        services.supervision_item_send_back(item=issued, by=supervisor, comment="  ")


def test_a_stale_version_is_refused_rather_than_overwriting(issued, dept_reporter, supervisor):
    services.supervision_item_reply(
        item=issued, measures="第一次", promised_date=date(2025, 7, 20), by=dept_reporter, version=1
    )
    services.supervision_item_send_back(item=issued, by=supervisor, comment="退回", version=2)
    with pytest.raises(ConflictError):
        services.supervision_item_reply(
            item=issued, measures="旧页面", promised_date=date(2025, 7, 20), by=dept_reporter, version=1
        )
    issued.refresh_from_db()
    assert issued.measures == "第一次"


def test_another_unit_cannot_answer_and_an_open_item_cannot_be_closed(issued, stranger, supervisor):
    with pytest.raises(services.NotAllowed):
        services.supervision_item_reply(item=issued, measures="x", promised_date=date(2025, 7, 20), by=stranger)
    with pytest.raises(services.SupervisionError):
        services.supervision_item_close(item=issued, by=supervisor)


@time_machine.travel("2025-07-01 09:00 +08:00", tick=False)
def test_a_notice_goes_only_to_a_unit_responsible_for_the_indicator(red_indicator, other_unit, supervisor):
    with pytest.raises(services.SupervisionError, match="区教育局"):
        services.supervision_item_issue(
            indicator=red_indicator, unit=other_unit, notice="x", reply_due=date(2025, 7, 8), by=supervisor
        )


@time_machine.travel("2025-07-01 09:00 +08:00", tick=False)
def test_the_office_of_another_county_cannot_issue_a_notice_here(red_indicator, dept):
    from accounts.models import Role
    from regions.models import RegionLevel

    from ..factories import RegionFactory, UserFactory

    elsewhere = RegionFactory(code="610429000000", name="旬邑县", level=RegionLevel.COUNTY)
    with pytest.raises(services.NotAllowed):
        services.supervision_item_issue(
            indicator=red_indicator,
            unit=dept,
            notice="x",
            reply_due=date(2025, 7, 8),
            by=UserFactory(username="xunyi", role=Role.SUPERVISOR, region=elsewhere),
        )
    assert not AuditEvent.objects.filter(action="supervision.issue").exists()


def test_a_leader_neither_answers_nor_closes_out_an_item(issued, county, dept_reporter):
    from accounts.models import Role

    from ..factories import UserFactory

    leader = UserFactory(username="lingdao", role=Role.LEADER, region=county)
    with pytest.raises(services.NotAllowed):
        services.supervision_item_reply(
            item=issued, measures="x", promised_date=date(2025, 7, 20), by=leader, version=1
        )
    services.supervision_item_reply(
        item=issued, measures="已整改", promised_date=date(2025, 7, 20), by=dept_reporter, version=1
    )
    with pytest.raises(services.NotAllowed):
        services.supervision_item_close(item=issued, by=leader, version=2)
