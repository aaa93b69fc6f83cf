"""Goal-vs-actual arithmetic (reports.progress) on small hand-made cases.

Rules checked:
- achievement is actual / target in percent; no target or a target of zero gives None, never a division error;
- the straight-line target pace reaches the target in Esfand;
- the year-end projection extrapolates the run rate of the months that ended; none before a month ends;
- the monthly pace still needed spreads the shortfall over the remaining months (rounded up), zero once met;
- a year with no data projects zero and needs the whole target.
"""

import pytest

from reports import progress


def test_achievement_is_share_of_target_in_percent():
    assert progress.achievement(2882, 4000) == pytest.approx(72.05)
    assert progress.achievement(0, 100) == 0


@pytest.mark.parametrize("target", [None, 0])
def test_no_target_or_zero_target_has_no_achievement(target):
    assert progress.achievement(10, target) is None


def test_straight_line_pace_reaches_target_in_esfand():
    pace = progress.straight_line_pace(1200)
    assert pace[0] == 100 and pace[5] == 600 and pace[-1] == 1200 and len(pace) == 12
    assert progress.straight_line_pace(None) is None


def test_projection_extrapolates_run_rate():
    assert progress.projection(700, 7) == 1200
    assert progress.projection(100, 3) == 400
    assert progress.projection(2882, 12) == 2882


def test_no_projection_before_the_first_month_ends():
    assert progress.projection(0, 0) is None


def test_pace_needed_spreads_shortfall_over_remaining_months():
    assert progress.pace_needed(1200, 700, 7) == 100
    assert progress.pace_needed(1000, 0, 9) == 334  # 1000 / 3 rounded up
    assert progress.pace_needed(1000, 1500, 6) == 0
    assert progress.pace_needed(1000, 10, 12) is None
    assert progress.pace_needed(None, 10, 3) is None


def test_year_with_no_data_projects_zero_and_needs_whole_target():
    state = progress.outlook(0, 1200, 6)
    assert state.projected == 0 and state.on_track is False and state.pace_needed == 200
    assert state.achievement == 0


def test_outlook_with_zero_target_is_on_track_without_percentage():
    state = progress.outlook(5, 0, 6)
    assert state.achievement is None and state.on_track is True and state.pace_needed == 0


def test_cumulative_and_safe_ratio():
    assert progress.cumulative([1, 2, 3]) == [1, 3, 6]
    assert progress.safe_ratio(10, 4) == 2.5
    assert progress.safe_ratio(10, 0) is None
