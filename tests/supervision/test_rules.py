from datetime import date
from decimal import Decimal

from django.utils import translation

from supervision.rules import days_behind, projection
from targets.rules import IndicatorSpec

YEAR = IndicatorSpec(
    kind="increase", baseline=Decimal("0"), target=Decimal("365"), start=date(2025, 1, 1), deadline=date(2026, 1, 1)
)


def test_days_behind_is_how_long_ago_the_expected_path_stood_at_the_reported_value():
    # One unit a day: 100 reported at the 25 May checkpoint was expected on 11 April, 44 days earlier.
    assert days_behind(YEAR, Decimal("100"), date(2025, 5, 25)) == 44


def test_days_behind_is_zero_on_or_ahead_of_pace():
    assert days_behind(YEAR, Decimal("200"), date(2025, 5, 25)) == 0


def test_days_behind_follows_a_milestone_bend():
    spec = IndicatorSpec(
        kind="increase",
        baseline=Decimal("0"),
        target=Decimal("100"),
        start=date(2025, 1, 1),
        deadline=date(2025, 12, 31),
        milestones=((date(2025, 3, 1), Decimal("90")),),
    )
    # The path reaches 45 halfway to 1 March (59 days): day 29, 30 January; checkpoint 25 May.
    assert days_behind(spec, Decimal("45"), date(2025, 5, 25)) == (date(2025, 5, 25) - date(2025, 1, 30)).days


def test_days_behind_of_a_decrease_counts_downwards():
    spec = IndicatorSpec(
        kind="decrease",
        baseline=Decimal("2.0"),
        target=Decimal("1.5"),
        start=date(2025, 1, 1),
        deadline=date(2025, 12, 31),
    )
    assert days_behind(spec, Decimal("1.9"), date(2025, 7, 25)) == (date(2025, 7, 25) - date(2025, 3, 14)).days


def test_an_indicator_not_moved_from_its_baseline_has_no_progress_rather_than_the_days_since_its_start():
    with translation.override("zh-hans"):
        assert days_behind(YEAR, Decimal("0"), date(2025, 5, 25)) == "尚无进展"
        assert days_behind(YEAR, Decimal("-3"), date(2025, 5, 25)) == "尚无进展"
    assert days_behind(YEAR, Decimal("1"), date(2025, 5, 25)) == 143


def test_days_behind_means_nothing_for_a_ceiling_or_without_checkpoint():
    ceiling = IndicatorSpec(
        kind="ceiling", baseline=Decimal("0"), target=Decimal("5"), start=date(2025, 1, 1), deadline=date(2025, 12, 31)
    )
    assert days_behind(ceiling, Decimal("6"), date(2025, 5, 25)) is None
    assert days_behind(YEAR, Decimal("10"), None) is None


def test_projection_at_recent_pace_gives_the_day_and_the_days_after_the_deadline():
    points = [
        (date(2025, 3, 25), Decimal("10")),
        (date(2025, 4, 25), Decimal("20")),
        (date(2025, 5, 25), Decimal("30")),
        (date(2025, 6, 25), Decimal("40")),
    ]
    result = projection(baseline=Decimal("0"), target=Decimal("100"), deadline=date(2025, 12, 31), points=points)
    # 30 in 92 days; 60 more need 184 days after 25 June: 26 December, 5 days before the deadline.
    assert result.reached_on == date(2025, 12, 26)
    assert result.days_after_deadline == -5


def test_projection_uses_only_the_recent_reports():
    slow_then_fast = [
        (date(2025, 1, 25), Decimal("0")),
        (date(2025, 2, 25), Decimal("0")),
        (date(2025, 3, 25), Decimal("10")),
        (date(2025, 4, 25), Decimal("20")),
        (date(2025, 5, 25), Decimal("30")),
    ]
    result = projection(
        baseline=Decimal("0"), target=Decimal("100"), deadline=date(2025, 8, 31), points=slow_then_fast, window=2
    )
    assert result.pace_per_day == Decimal("20") / 61
    # 70 more at 20 per 61 days: 213.5, so the 214th day after 25 May.
    assert result.reached_on == date(2025, 12, 25)
    assert result.days_after_deadline == (date(2025, 12, 25) - date(2025, 8, 31)).days


def test_projection_late_target_is_counted_in_days_after_deadline():
    points = [(date(2025, 1, 1), Decimal("0")), (date(2025, 1, 11), Decimal("10"))]
    result = projection(baseline=Decimal("0"), target=Decimal("100"), deadline=date(2025, 2, 1), points=points)
    assert result.reached_on == date(2025, 4, 11)
    assert result.days_after_deadline == (date(2025, 4, 11) - date(2025, 2, 1)).days


def test_projection_never_reached_when_the_value_stalls_or_goes_backwards():
    flat = [(date(2025, 1, 25), Decimal("10")), (date(2025, 2, 25), Decimal("10"))]
    result = projection(baseline=Decimal("0"), target=Decimal("100"), deadline=date(2025, 12, 31), points=flat)
    assert result.reached_on is None and result.days_after_deadline is None


def test_projection_of_a_decrease_moves_down_to_the_target():
    points = [(date(2025, 1, 1), Decimal("2.0")), (date(2025, 1, 31), Decimal("1.9"))]
    result = projection(baseline=Decimal("2.0"), target=Decimal("1.5"), deadline=date(2025, 12, 31), points=points)
    assert result.reached_on == date(2025, 1, 31) + (date(2025, 1, 31) - date(2025, 1, 1)) * 4


def test_projection_needs_two_reports_and_knows_a_reached_target():
    assert (
        projection(
            baseline=Decimal("0"),
            target=Decimal("10"),
            deadline=date(2025, 12, 31),
            points=[(date(2025, 1, 25), Decimal("5"))],
        )
        is None
    )
    done = projection(
        baseline=Decimal("0"),
        target=Decimal("10"),
        deadline=date(2025, 12, 31),
        points=[(date(2025, 1, 25), Decimal("5")), (date(2025, 2, 25), Decimal("10"))],
    )
    assert done.already_reached and done.days_after_deadline < 0
