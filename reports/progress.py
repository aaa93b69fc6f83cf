"""Goal-vs-actual arithmetic: achievement, target pace, projection, pace needed.

Pure functions on plain integers so they are tested on small hand-made cases
and shared by the pages, the API and the narrative. A missing target is
`None` (not zero): "no goal set" and "a goal of zero" read differently.
"""

from __future__ import annotations

from dataclasses import dataclass

MONTHS = 12


def achievement(actual: int, target: int | None) -> float | None:
    """Share of the target reached, in percent; None when there is no usable target.

    A target of zero cannot be "achieved" by a percentage: it is reported as
    None so that no page divides by zero or shows an infinite bar.
    """
    if target is None or target <= 0:
        return None
    return 100.0 * actual / target


def straight_line_pace(target: int | None, months: int = MONTHS) -> list[float] | None:
    """Cumulative target month by month if the goal were spread evenly."""
    if target is None:
        return None
    return [target * m / months for m in range(1, months + 1)]


def projection(actual_to_date: int, elapsed: int, months: int = MONTHS) -> int | None:
    """Year-end figure at the run rate of the elapsed months (None before any month ends)."""
    if elapsed <= 0:
        return None
    if elapsed >= months:
        return actual_to_date
    return round(actual_to_date * months / elapsed)


def pace_needed(
    target: int | None, actual_to_date: int, elapsed: int, months: int = MONTHS
) -> int | None:
    """Monthly figure still needed in each remaining month to meet the target.

    None when there is no target or no month left; zero once it is met.
    """
    if target is None or elapsed >= months:
        return None
    remaining = months - max(elapsed, 0)
    missing = max(target - actual_to_date, 0)
    return -(-missing // remaining)  # ceiling: a person cannot be a fraction


def cumulative(values: list[int]) -> list[int]:
    total, out = 0, []
    for value in values:
        total += value
        out.append(total)
    return out


def safe_ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, None when the denominator is zero (no data)."""
    if not denominator:
        return None
    return numerator / denominator


@dataclass(frozen=True)
class Outlook:
    """Where a year stands: achieved, projected, whether the projection meets the target."""

    actual: int
    target: int | None
    achievement: float | None
    projected: int | None
    on_track: bool | None
    pace_needed: int | None


def outlook(actual: int, target: int | None, elapsed: int) -> Outlook:
    projected = projection(actual, elapsed)
    on_track = None
    if target is not None and projected is not None:
        on_track = projected >= target
    return Outlook(
        actual=actual,
        target=target,
        achievement=achievement(actual, target),
        projected=projected,
        on_track=on_track,
        pace_needed=pace_needed(target, actual, elapsed),
    )
