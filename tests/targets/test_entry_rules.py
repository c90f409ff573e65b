"""The pure checks behind the entry form: values, the past range, the lock calendar, file contents."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from core.uploads import UnsafeFile
from targets import filetypes
from targets.choices import Frequency, Kind
from targets.rules import entry as entry_rules
from tests import hostile

D = Decimal


def findings(value, *, kind=Kind.INCREASE, target="1200", baseline="0", last_approved=None, history=()):
    found = entry_rules.value_findings(
        kind=kind,
        value=D(value),
        target=D(target),
        baseline=D(baseline),
        last_approved=D(last_approved) if last_approved else None,
        history=[D(h) for h in history],
    )
    return [(f.code, f.needs) for f in found]


def test_negative_values_and_milestones_above_100_are_refused():
    assert entry_rules.value_errors(Kind.INCREASE, D("-1"))
    assert entry_rules.value_errors(Kind.INCREASE, None)
    assert entry_rules.value_errors(Kind.MILESTONE, D("100.5"))
    assert entry_rules.value_errors(Kind.MILESTONE, D("100")) == []
    assert entry_rules.value_errors(Kind.INCREASE, D("0")) == []


def test_a_cumulative_value_below_the_last_approved_needs_an_explanation():
    assert findings("390", last_approved="400") == [("lower_than_approved", "explanation")]
    assert findings("400", last_approved="400") == []
    # For a decrease indicator a falling value is the point.
    assert findings("1.6", kind=Kind.DECREASE, target="1.54", baseline="1.8", last_approved="1.7") == []


def test_more_than_twice_the_target_needs_a_confirmation():
    assert findings("2401") == [("beyond_twice_target", "confirmation")]
    assert findings("2400") == []


def test_a_value_far_outside_the_past_range_needs_a_confirmation():
    history = ["100", "200", "300", "400"]  # about 100 a month
    assert findings("500", history=history) == []
    assert findings("1100", history=history) == [("outside_past_range", "confirmation")]
    # Too little history says nothing.
    assert findings("1100", history=history[:3]) == []


def test_a_steady_history_does_not_make_every_small_change_an_outlier():
    low, high = entry_rules.past_range(Kind.INCREASE, [D(100)] * 5, span=D(1200))
    # Zero growth for months: the floor (1 % of the span) still leaves room for a small step.
    assert low <= D(100) <= high and high >= D(112)


def test_the_past_range_of_a_level_indicator_is_built_on_the_values_themselves():
    low, high = entry_rules.past_range(Kind.CEILING, [D("4.8"), D("5.0"), D("4.9"), D("5.1")], span=D(5))
    assert low < D("4.9") < high
    assert findings("12", kind=Kind.CEILING, target="5", history=["4.8", "5.0", "4.9", "5.1"]) == [
        ("beyond_twice_target", "confirmation")
    ]


@pytest.mark.parametrize(
    "due_day, lock_after, locked_on",
    [
        (25, 20, date(2025, 6, 15)),  # May report due 25 May; 20 days later it still takes entries
        (25, 0, date(2025, 5, 26)),  # no grace at all: locks the day after the due date
        (31, 10, date(2025, 6, 11)),  # due on the month's last day
    ],
)
def test_a_period_locks_the_day_after_its_grace_days(due_day, lock_after, locked_on):
    assert entry_rules.lock_date(date(2025, 5, 1), Frequency.MONTHLY, due_day, lock_after) == locked_on
    assert not entry_rules.is_locked(
        date(2025, 5, 1), Frequency.MONTHLY, due_day, lock_after, locked_on.replace(day=locked_on.day - 1)
    )
    assert entry_rules.is_locked(date(2025, 5, 1), Frequency.MONTHLY, due_day, lock_after, locked_on)


def test_the_period_to_report_skips_locked_ones_unless_granted():
    common = dict(
        start=date(2025, 1, 1),
        deadline=date(2025, 12, 31),
        frequency=Frequency.MONTHLY,
        due_day=25,
        lock_after_days=20,
        today=date(2025, 6, 10),
    )
    due = entry_rules.period_to_report(reported={date(2025, 1, 1)}, granted=set(), **common)
    assert due.period_start == date(2025, 5, 1)  # May is past due but not yet locked
    assert due.missed_locked == (date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1))
    granted = entry_rules.period_to_report(reported={date(2025, 1, 1)}, granted={date(2025, 3, 1)}, **common)
    assert granted.period_start == date(2025, 3, 1)
    done = entry_rules.period_to_report(reported={date(2025, m, 1) for m in range(1, 7)}, granted=set(), **common)
    assert done.period_start is None and done.missed_locked == ()


def test_no_period_before_the_plans_first_reporting_period_is_owed_or_missed():
    due = entry_rules.period_to_report(
        start=date(2025, 1, 1),
        deadline=date(2025, 12, 31),
        frequency=Frequency.MONTHLY,
        due_day=25,
        lock_after_days=20,
        today=date(2025, 6, 10),
        reported=set(),
        granted=set(),
        reporting_from=date(2025, 4, 1),
    )
    assert due.period_start == date(2025, 5, 1) and due.missed_locked == (date(2025, 4, 1),)


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 40
PDF = b"%PDF-1.7\n" + b"\0" * 40
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(name, content):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("照片.JPG", JPEG, "image/jpeg"),
        ("现场.png", PNG, "image/png"),
        ("验收单.pdf", PDF, "application/pdf"),
        ("台账.xlsx", hostile.plain_xlsx(), XLSX),
        ("报告.docx", hostile.plain_docx(), DOCX),
        ("旧表.xls", hostile.clean_xls(), "application/vnd.ms-excel"),
        ("旧文.doc", hostile.clean_doc(), "application/msword"),
    ],
)
def test_accepted_files_are_recognised_by_their_content(name, content, expected):
    assert filetypes.check_evidence(upload(name, content)).content_type == expected


@pytest.mark.parametrize(
    "name, content",
    [
        ("照片.jpg", PDF),  # a PDF renamed .jpg
        ("台账.xlsx", hostile.plain_docx()),  # a Word file renamed .xlsx
        ("脚本.exe", b"MZ" + b"\0" * 40),  # not an accepted type at all
        ("假的.pdf", b"<html>not a pdf</html>"),
        ("坏的.docx", b"PK\x03\x04 broken zip"),
        ("宏.xls", hostile.macro_xls()),
    ],
)
def test_files_whose_content_is_not_an_accepted_type_are_refused(name, content):
    with pytest.raises(UnsafeFile, match=name.replace(".", r"\.")):
        filetypes.check_evidence(upload(name, content))


def test_a_file_over_10_mb_is_refused_with_the_limit_in_the_message():
    with translation.override("en"), pytest.raises(UnsafeFile, match="larger than 10.0 MB"):
        filetypes.check_evidence(upload("大.pdf", PDF + bytes(filetypes.MAX_EVIDENCE_BYTES)))


def test_the_messages_show_figures_as_the_pages_do_with_chinese_punctuation():
    with translation.override("zh-hans"):
        found = entry_rules.value_findings(
            kind=Kind.INCREASE, value=D("99999"), target=D("12000"), baseline=D("0"), last_approved=None, history=[]
        )
        lower = entry_rules.value_findings(
            kind=Kind.INCREASE,
            value=D("10500"),
            target=D("12000"),
            baseline=D("0"),
            last_approved=D("11000.5"),
            history=[],
        )
    assert found[0].message == "99,999超过目标值12,000的两倍，请确认是否无误。"
    assert lower[0].message == "10,500低于上次审核通过的数值11,000.5，请说明累计值下降的原因。"
