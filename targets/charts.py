"""Small charts drawn on the server as inline SVG: no script, printable, readable on a phone."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 600, 240, 40, 24, 40


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    value: Decimal
    current: bool


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

    Period labels are written under at most eight dots, counted back from the latest, so they never overlap on
    a phone.
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
    every = max(1, -(-len(points) // 8))
    dots = tuple(
        Dot(
            x=round(PAD_X + i * step if len(points) > 1 else WIDTH / 2, 1),
            y=y(v),
            label=label if (len(points) - 1 - i) % every == 0 else "",
            value=v,
            current=current,
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
