"""A small step chart of a price over time, as SVG coordinates (plain Python; the template draws the SVG).

Prices hold until the next agreement starts, so the line is a staircase: horizontal while a price is in force,
vertical at each change. No JavaScript and nothing from a CDN: the page must work from the shop's own server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class StepChart:
    width: int
    height: int
    points: str  # "x,y x,y ..." for <polyline>
    dots: list[tuple[float, float, Decimal, datetime]]  # one per change: x, y, amount, when
    low: Decimal
    high: Decimal
    start: datetime
    end: datetime
    now_x: float | None
    low_y: float
    high_y: float


def step_chart(
    steps: Sequence[tuple[datetime, Decimal]], *, now: datetime, width: int = 600, height: int = 160, pad: int = 12
) -> StepChart | None:
    """`steps`: (start, amount) in time order. The chart runs from the first start to after the last one or now."""
    if not steps:
        return None
    start = steps[0][0]
    end = max(now, steps[-1][0])
    span = (end - start).total_seconds() or 1.0
    end_pad = span * 0.05  # leave room after the last change so a step at "now" stays visible
    span += end_pad
    amounts = [a for _, a in steps]
    low, high = min(amounts), max(amounts)
    # Scale so a change looks as big as it is: a 2% rise must not fill the chart's whole height.
    margin = max(float(high - low) * 0.25, float(high) * 0.05, 1.0)
    floor, ceiling = float(low) - margin, float(high) + margin
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def x(moment: datetime) -> float:
        return round(pad + inner_w * (moment - start).total_seconds() / span, 1)

    def y(amount: Decimal) -> float:
        return round(pad + inner_h * (1 - (float(amount) - floor) / (ceiling - floor)), 1)

    coords: list[tuple[float, float]] = []
    dots = []
    for i, (moment, amount) in enumerate(steps):
        if i:
            coords.append((x(moment), y(steps[i - 1][1])))
        coords.append((x(moment), y(amount)))
        dots.append((x(moment), y(amount), amount, moment))
    coords.append((float(width - pad), y(steps[-1][1])))
    points = " ".join(f"{cx},{cy}" for cx, cy in coords)
    now_x = x(now) if start <= now else None
    return StepChart(width, height, points, dots, low, high, start, end, now_x, y(low), y(high))
