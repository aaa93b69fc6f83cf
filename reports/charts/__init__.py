"""Plotly figures and their data tables, built server-side once per view.

Every chart is a `Chart`: an id, a title, the figure as plain JSON data (for
`json_script` and static/js/dashboard.js) and the `Table` of exactly the
numbers it draws (shown on demand and exported to CSV/XLSX).

Conventions (see the dashboards issue): months are Jalali category labels,
every number a user reads is in Persian digits with «٬» separators (ticks and
hover text are formatted here, not by Plotly), the layout is right-to-left
(value axis on the right, time running right to left, legend at top right),
the font is Vazirmatn FD, the palette is Okabe-Ito (colour-blind safe) and a
target is always drawn differently from an actual (a vermillion tick or a
dashed line, never a bar).

The package holds one kind of chart per module (base, places, months,
breakdowns) and the pages that use them (pages); every name is importable
from `reports.charts` as before.
"""

from reports.charts.base import (
    ACTUAL as ACTUAL,
)
from reports.charts.base import (
    BLACK as BLACK,
)
from reports.charts.base import (
    BLUE as BLUE,
)
from reports.charts.base import (
    FONT as FONT,
)
from reports.charts.base import (
    GREEN as GREEN,
)
from reports.charts.base import (
    LAST_YEAR as LAST_YEAR,
)
from reports.charts.base import (
    ORANGE as ORANGE,
)
from reports.charts.base import (
    PALETTE as PALETTE,
)
from reports.charts.base import (
    PROJECTION as PROJECTION,
)
from reports.charts.base import (
    PURPLE as PURPLE,
)
from reports.charts.base import (
    SKY as SKY,
)
from reports.charts.base import (
    TARGET as TARGET,
)
from reports.charts.base import (
    VERMILLION as VERMILLION,
)
from reports.charts.base import (
    YELLOW as YELLOW,
)
from reports.charts.base import (
    Chart as Chart,
)
from reports.charts.base import (
    Table as Table,
)
from reports.charts.base import (
    _axis as _axis,
)
from reports.charts.base import (
    _display as _display,
)
from reports.charts.base import (
    _figure as _figure,
)
from reports.charts.base import (
    _hover as _hover,
)
from reports.charts.base import (
    _layout as _layout,
)
from reports.charts.base import (
    _name_margin as _name_margin,
)
from reports.charts.base import (
    _toman_tick as _toman_tick,
)
from reports.charts.base import (
    fa_decimal as fa_decimal,
)
from reports.charts.base import (
    fa_int as fa_int,
)
from reports.charts.base import (
    fa_pct as fa_pct,
)
from reports.charts.base import (
    fa_toman as fa_toman,
)
from reports.charts.base import (
    nice_ticks as nice_ticks,
)
from reports.charts.breakdowns import (
    backlog_trend as backlog_trend,
)
from reports.charts.breakdowns import (
    hbar as hbar,
)
from reports.charts.months import (
    _month_axis as _month_axis,
)
from reports.charts.months import (
    cumulative_vs_pace as cumulative_vs_pace,
)
from reports.charts.months import (
    year_vs_last as year_vs_last,
)
from reports.charts.pages import (
    Scope as Scope,
)
from reports.charts.pages import (
    _efficiency as _efficiency,
)
from reports.charts.pages import (
    _forecast as _forecast,
)
from reports.charts.pages import (
    _history as _history,
)
from reports.charts.pages import (
    _pace_panel as _pace_panel,
)
from reports.charts.pages import (
    _scheme_bank_charts as _scheme_bank_charts,
)
from reports.charts.pages import (
    _summary as _summary,
)
from reports.charts.pages import (
    _target_labels as _target_labels,
)
from reports.charts.pages import (
    _year_over_year as _year_over_year,
)
from reports.charts.pages import (
    breakdown_page as breakdown_page,
)
from reports.charts.pages import (
    cards as cards,
)
from reports.charts.pages import (
    country_page as country_page,
)
from reports.charts.pages import (
    months_table as months_table,
)
from reports.charts.pages import (
    office_page as office_page,
)
from reports.charts.pages import (
    province_page as province_page,
)
from reports.charts.places import (
    goal_vs_actual as goal_vs_actual,
)
from reports.charts.places import (
    ranked as ranked,
)
