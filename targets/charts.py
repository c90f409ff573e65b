"""Small charts drawn on the server as inline SVG: no script, printable, readable on a phone."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 600, 240, 40, 24, 40
LABELS = 4  # period labels at most, so that 2026年第二季度 fits four times across a phone


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    value: Decimal
    current: bool
    anchor: str = "middle"  # the label's text-anchor: the first and last stay inside the chart


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    line: str  # the polyline's points="…"
    dots: tuple[Dot, ...]
    target_y: float | None
    baseline_y: float


def line_chart(points: list[tuple[str, Decimal, bool]], target: Decimal | None) -> LineChart | None:
    """A value per period (label, value, is this the report shown) against the target line; None without points.

    Period labels (2026年5月, 2026年第二季度) are written under at most four dots, counted back from the latest,
    so that they never run together on a phone; the first and the last end inside the chart.
    """
    if not points:
        return None
    values = [v for _label, v, _current in points] + ([target] if target is not None else [])
    low, high = min(min(values), Decimal(0)), max(values)
    span = (high - low) or Decimal(1)
    inner_w, inner_h = WIDTH - 2 * PAD_X, HEIGHT - PAD_TOP - PAD_BOTTOM

    def y(value: Decimal) -> float:
        return round(PAD_TOP + float((high - value) / span) * inner_h, 1)

    step = inner_w / max(len(points) - 1, 1)
    every = max(1, -(-(len(points) - 1) // (LABELS - 1))) if len(points) > 1 else 1
    labelled = [i for i in range(len(points)) if (len(points) - 1 - i) % every == 0]

    def anchor(i: int) -> str:
        if len(points) == 1:
            return "middle"
        return "start" if i == 0 else "end" if i == len(points) - 1 else "middle"

    dots = tuple(
        Dot(
            x=round(PAD_X + i * step if len(points) > 1 else WIDTH / 2, 1),
            y=y(v),
            label=label if i in labelled else "",
            value=v,
            current=current,
            anchor=anchor(i),
        )
        for i, (label, v, current) in enumerate(points)
    )
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        line=" ".join(f"{d.x},{d.y}" for d in dots),
        dots=dots,
        target_y=y(target) if target is not None else None,
        baseline_y=y(low),
    )
