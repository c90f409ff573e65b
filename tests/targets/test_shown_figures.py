"""序时进度, completion and the points between them as shown: one decimal each, half-up, the gap the
difference of the two shown figures (targets.rules.shown_figures), so a reader's sum always holds and a
list's 落后百分点 column says what the reason beside it says."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation

from supervision.rules import behind
from supervision.templatetags.supervision_tags import behind_cell
from targets.choices import Kind
from targets.rules import (
    IndicatorSpec,
    ReportPoint,
    _pace_reason,
    completion_percent,
    evaluate_status,
    expected_percent,
    reason_text,
    shown_figures,
)


@pytest.mark.parametrize(
    "expected, completion, shown",
    [
        # My work, 375 px: 应达75.6%，实际完成75.3% read "落后0.2" (completion rounded down, the gap from the
        # exact figures); the gap shown is now what the reader computes.
        ("0.7555", "0.7534", (D("75.6"), D("75.3"), D("0.3"))),
        # Completion is rounded half-up like the others, no longer down (75.39 % was shown 75.3).
        ("0.7555", "0.7539", (D("75.6"), D("75.4"), D("0.2"))),
        # The indicator history: a gap of 53.147 points was stored 53.15, its column showed 53.2 and
        # its reason 53.1; both now show the difference of the shown figures.
        ("0.8000", "0.26853", (D("80.0"), D("26.9"), D("53.1"))),
        ("0.5", "0.6666", (D("50.0"), D("66.7"), D("-16.7"))),
        ("0.5", "-0.3333", (D("50.0"), D("-33.3"), D("83.3"))),
        # Short of done never reads as done; done or beyond reads as it is.
        ("1", "0.99996", (D("100.0"), D("99.9"), D("0.1"))),
        ("1", "1", (D("100.0"), D("100.0"), D("0.0"))),
        ("1", "1.66666", (D("100.0"), D("166.7"), D("-66.7"))),
    ],
)
def test_the_three_figures_are_each_rounded_half_up_and_the_gap_is_their_shown_difference(expected, completion, shown):
    figures = shown_figures(D(expected), D(completion))
    assert (figures.expected, figures.completion, figures.gap) == shown
    assert figures.expected - figures.completion == figures.gap
    assert (expected_percent(D(expected)), completion_percent(D(completion))) == (str(shown[0]), str(shown[1]))


def test_no_figure_without_a_checkpoint_or_a_report():
    assert shown_figures(None, D("0.5")).gap is None
    assert shown_figures(D("0.5"), None).gap is None
    assert (completion_percent(None), expected_percent(None)) == ("—", "—")


def test_the_reason_in_words_adds_up():
    with translation.override("zh-hans"):
        words = reason_text(_pace_reason(D("0.7555"), D("0.7534")))
    assert words == "序时进度应达75.6%，实际完成75.3%，落后0.3个百分点"
    with translation.override("en"):
        assert reason_text(_pace_reason(D("0.8000"), D("0.26853"))) == (
            "expected 80.0 %, reported 26.9 %, 53.1 points behind"
        )


def test_a_gap_that_shows_as_zero_is_on_pace_even_when_the_exact_gap_is_not():
    # 75.549 % expected, 75.451 % reported: 0.098 points apart, but 75.5 and 75.5 shown, on pace.
    assert _pace_reason(D("0.75549"), D("0.75451")).code == "on_pace"


def test_a_reason_and_the_table_cell_beside_it_show_the_same_points():
    """A light judged by the rule: the 落后百分点 cell (behind, behind_cell) from the figures the light keeps
    and the reason written with it say the same number."""
    # 0 → 1,200 over 2025, judged at the June checkpoint (expected 48.077 %), 200.76 reported: the gap
    # is 31.3494 points, stored 31.35; the cell showed 31.4 and the reason 31.3 (48.1 − 16.7 = 31.4).
    spec = IndicatorSpec(
        kind=Kind.INCREASE,
        baseline=D("0"),
        target=D("1200"),
        start=date(2025, 1, 1),
        deadline=date(2025, 12, 31),
        unit="万元",
    )
    report = ReportPoint(period_start=date(2025, 6, 1), value=D("200.76"), submitted_on=date(2025, 6, 20))
    result = evaluate_status(spec, [report], date(2025, 6, 30))
    assert result.gap == D("31.35")  # the stored figure stays as computed
    with translation.override("zh-hans"):
        words = [reason_text(r) for r in result.reasons]
        cell = behind_cell(behind(result.expected, result.completion, result.reasons))
    assert words == ["序时进度应达48.1%，实际完成16.7%，落后31.4个百分点"]
    assert cell == "31.4"
