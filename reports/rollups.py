"""Derived data kept in step with every write of figures and targets.

Called by programs.services inside the writing transaction. The national-scale
rollup tables and cache invalidation live here (see the performance issue).
"""

from __future__ import annotations


def refresh(periods: set[tuple[int, int, int]]) -> None:
    """Figures of these (office_id, year, month) periods changed."""


def targets_changed(province_years: set[tuple[int, int]]) -> None:
    """Targets of these (province_id, year) pairs changed."""


def rebuild() -> None:
    """Recompute all derived data from the figures (after bulk loads such as load_demo)."""
