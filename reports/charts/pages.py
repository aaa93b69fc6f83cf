"""What each page shows (country, province, county office, breakdowns), built
from the named queries and the chart modules."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reliefjobs.lib.jalali import month_label
from reports import progress
from reports.charts.base import (
    BLUE,
    GREEN,
    ORANGE,
    PURPLE,
    Chart,
    Table,
    fa_decimal,
    fa_int,
    fa_pct,
    fa_toman,
)
from reports.charts.breakdowns import (
    backlog_trend,
    hbar,
)
from reports.charts.months import (
    cumulative_vs_pace,
)
from reports.charts.places import (
    goal_vs_actual,
)

# Pages: what each view shows, from the named queries ----------------------


@dataclass(frozen=True)
class Scope:
    """What a view covers: the country, one province or one county office."""

    level: str  # "country" | "province" | "office"
    province: object = None
    office: object = None

    @property
    def province_ids(self) -> list[int] | None:
        return None if self.province is None else [self.province.pk]

    @property
    def key(self) -> str:
        """The cache key part: "national", or the province / office id."""
        if self.office is not None:
            return f"office-{self.office.pk}"
        return "national" if self.province is None else f"province-{self.province.pk}"

    @property
    def label(self) -> str:
        if self.office is not None:
            return f"{self.office.name} ({self.province.name})"
        return _("Whole country") if self.province is None else self.province.name

    @property
    def place(self) -> str:
        """The place as the Persian narrative names it."""
        if self.office is not None:
            return f"شهرستان {self.office.name}"
        return "کشور" if self.province is None else f"استان {self.province.name}"


def cards(figures: dict, forecast, elapsed: int) -> list[dict]:
    """Headline cards: jobs against target, the year-end forecast, loans, training, exits."""
    state = progress.outlook(figures["jobs"], figures["target_jobs"], elapsed)
    projected = forecast.value
    on_track = None if projected is None or state.target is None else projected >= state.target
    verdict = (
        (_("meets the target") if on_track else _("below the target"))
        if on_track is not None
        else ""
    )
    basis = "" if elapsed >= 12 else forecast.basis
    if forecast.low is not None and forecast.low != forecast.high:
        basis += " · " + _("range %(low)s – %(high)s") % {
            "low": fa_int(forecast.low),
            "high": fa_int(forecast.high),
        }
    out = [
        {
            "label": _("Jobs created"),
            "value": fa_int(figures["jobs"]),
            "sub": _("target %(target)s · %(pct)s achieved")
            % {"target": fa_int(state.target), "pct": fa_pct(state.achievement)}
            if state.target is not None
            else _("no target set"),
            "state": None,
        },
        {
            "label": _("Projected jobs at year end"),
            "value": fa_int(projected),
            "sub": " · ".join(p for p in (verdict, basis) if p)
            if elapsed > 0
            else _("no month ended yet"),
            "state": None if on_track is None else ("ok" if on_track else "bad"),
        },
        {
            "label": _("Loans paid"),
            "value": fa_int(figures["loans_count"]),
            "sub": _("target %(target)s") % {"target": fa_int(figures["target_loans_count"])}
            if figures["target_loans_count"] is not None
            else "",
            "state": None,
        },
        {
            "label": _("Loans paid (amount)"),
            "value": fa_toman(figures["loans_amount_rial"]),
            "sub": "",
            "state": None,
        },
        {
            "label": _("People trained"),
            "value": fa_int(figures["trainees"]),
            "sub": "",
            "state": None,
        },
        {
            "label": _("Households leaving support"),
            "value": fa_int(figures["exits"]),
            "sub": "",
            "state": None,
        },
    ]
    if state.target is not None and elapsed < 12 and state.pace_needed:
        out.insert(
            2,
            {
                "label": _("Jobs needed each remaining month"),
                "value": fa_int(state.pace_needed),
                "sub": "",
                "state": None,
            },
        )
    return out


def _summary(year, scope, figures, elapsed, forecast=None) -> str:
    from reports import narrative, queries

    sources = [
        r["source"]
        for r in queries.loans_by_funding_source(
            year, scope.province_ids, getattr(scope.office, "pk", None)
        )
    ]
    return narrative.summary(
        year=year,
        place=scope.place,
        figures=figures,
        funding_sources=sources,
        elapsed=elapsed,
        forecast=forecast,
    )


def _history(year: int, scope: Scope) -> dict[int, list[dict]]:
    """The scope's years with figures, month by month, for the forecast and year over year."""
    from reports import queries, yoy

    return queries.monthly_by_year(
        range(year - yoy.YEARS_SHOWN + 1, year + 1),
        scope.province_ids,
        getattr(scope.office, "pk", None),
    )


def _forecast(year: int, elapsed: int, scope: Scope, months: list[dict], by_year: dict):
    from reports import forecast

    return forecast.for_scope(
        year,
        elapsed,
        scope.province_ids,
        getattr(scope.office, "pk", None),
        this_year=[m["jobs"] for m in months],
        past=by_year,
    )


def _year_over_year(year: int, elapsed: int, by_year: dict) -> tuple[list[dict], list[Chart]]:
    from reports import yoy

    return yoy.cards(year, by_year, elapsed), [
        yoy.year_over_year(year, by_year),
        yoy.annual(year, by_year, elapsed),
    ]


def country_page(year: int, elapsed: int) -> dict:
    from reports import pace, queries

    scope = Scope("country")
    rows = queries.province_progress(year, None)

    def link(row):
        return f"{reverse('province', args=[row['code']])}?year={year}"

    figures = queries.totals(rows)
    months = queries.monthly(year, None)
    by_year = _history(year, scope)
    outlook = _forecast(year, elapsed, scope, months, by_year)
    yoy_cards, yoy_charts = _year_over_year(year, elapsed, by_year)
    share = pace.expected_share(year, elapsed)
    places = pace.places_on_pace(rows, pace.done_by_province(year, elapsed), share, link=link)
    return {
        "forecast": outlook,
        "yoy_cards": yoy_cards,
        "cards": cards(figures, outlook, elapsed),
        "pace": _pace_panel(
            year, elapsed, months, figures, places, pgettext("pace", "provinces"), outlook
        ),
        "charts": [
            goal_vs_actual(
                "provinces",
                _("Jobs against target by province"),
                rows,
                _("Province"),
                link,
                marks=pace.pace_marks(rows, share),
            ),
            pace.pace_map(places, share, link),
            cumulative_vs_pace(year, months, figures["target_jobs"], elapsed, outlook),
            *yoy_charts,
        ],
        "narrative": _summary(year, scope, figures, elapsed, outlook),
    }


def _pace_panel(year, elapsed, months, figures, places, place_word, outlook) -> dict:
    """The first block of a page; its year end is the page's one forecast."""
    from reports import pace

    done = sum(m["jobs"] for m in months[:elapsed])
    return pace.panel(
        year=year,
        elapsed=elapsed,
        done=done,
        target=figures["target_jobs"],
        projected=outlook.value,
        places=places,
        place_word=place_word,
    )


def province_page(year: int, elapsed: int, province) -> dict:
    from reports import pace, queries

    scope = Scope("province", province=province)
    figures = queries.province_progress(year, [province.pk])[0]
    offices = queries.office_progress(year, province.pk)
    months = queries.monthly(year, [province.pk])
    by_year = _history(year, scope)
    outlook = _forecast(year, elapsed, scope, months, by_year)
    yoy_cards, yoy_charts = _year_over_year(year, elapsed, by_year)

    def link(row):
        return f"{reverse('office', args=[row['id']])}?year={year}"

    share = pace.expected_share(year, elapsed)
    done = pace.done_by_office(year, elapsed, province.pk, offices)
    places = pace.places_on_pace(offices, done, share, key="id", link=link)
    return {
        "forecast": outlook,
        "yoy_cards": yoy_cards,
        "cards": cards(figures, outlook, elapsed),
        "pace": _pace_panel(
            year, elapsed, months, figures, places, pgettext("pace", "county offices"), outlook
        ),
        "charts": [
            goal_vs_actual(
                "offices",
                _("Jobs against target by county office"),
                offices,
                _("County office"),
                link,
                marks=pace.pace_marks(offices, share),
            ),
            cumulative_vs_pace(year, months, figures["target_jobs"], elapsed, outlook),
            *yoy_charts,
        ],
        "narrative": _summary(year, scope, figures, elapsed, outlook),
    }


def months_table(year: int, rows: list[dict]) -> Table:
    from programs.models import ReportStatus

    labels = dict(ReportStatus.choices)
    return Table(
        headers=[
            _("Month"),
            _("Status"),
            _("Jobs created"),
            _("Loans paid"),
            _("Loans paid (amount)"),
            _("Referred to bank"),
            _("People trained"),
            _("Households leaving support"),
        ],
        rows=[
            [
                month_label(year, r["month"]),
                str(labels.get(r["status"], r["status"])),
                r["jobs"],
                r["loans_count"],
                r["loans_amount_rial"],
                r["referred"],
                r["trainees"],
                r["exits"],
            ]
            for r in rows
        ],
        kinds=["text", "text", "int", "int", "rial", "int", "int", "int"],
    )


def office_page(year: int, elapsed: int, office) -> dict:
    from reports import queries

    scope = Scope("office", province=office.province, office=office)
    found = queries.office_progress(year, office.province_id, office.pk)
    figures = (
        found[0]
        if found
        else {**dict.fromkeys(queries.FIGURES, 0), **dict.fromkeys(queries.TARGET_KEYS)}
    )
    months = queries.monthly(year, office_id=office.pk)
    by_year = _history(year, scope)
    outlook = _forecast(year, elapsed, scope, months, by_year)
    yoy_cards, yoy_charts = _year_over_year(year, elapsed, by_year)
    return {
        "forecast": outlook,
        "yoy_cards": yoy_cards,
        "cards": cards(figures, outlook, elapsed),
        "targets": [
            (label, fa_toman(figures[key]) if key.endswith("_rial") else fa_int(figures[key]))
            for key, label in _target_labels()
        ],
        "months": months_table(year, queries.office_months(year, office.pk)),
        "charts": [
            cumulative_vs_pace(year, months, figures["target_jobs"], elapsed, outlook),
            *_scheme_bank_charts(year, scope),
            *yoy_charts,
        ],
        "narrative": _summary(year, scope, figures, elapsed, outlook),
    }


def _target_labels():
    return [
        ("target_jobs", _("Jobs target")),
        ("target_loans_count", _("Loans target")),
        ("target_loans_amount_rial", _("Loans target (amount)")),
        ("target_trainees", _("Training target")),
    ]


def _scheme_bank_charts(year: int, scope: Scope) -> list[Chart]:
    from reports import queries

    ids, office_id = scope.province_ids, getattr(scope.office, "pk", None)
    schemes = queries.jobs_by_scheme(year, ids, office_id)
    banks = queries.loans_by_bank(year, ids, office_id)
    backlog = queries.referrals_by_bank(year, ids, office_id)
    return [
        hbar(
            "schemes",
            _("Jobs by scheme"),
            [r["scheme"] for r in schemes],
            [r["jobs"] for r in schemes],
            value_header=_("Jobs created"),
            name_header=_("Scheme"),
        ),
        hbar(
            "banks",
            _("Loans by agent bank"),
            [r["bank"] for r in banks],
            [r["amount_rial"] for r in banks],
            value_header=_("Loans paid (amount)"),
            name_header=_("Agent bank"),
            money=True,
            extra_cols=[(_("Loans paid"), "int", [r["count"] for r in banks])],
        ),
        hbar(
            "backlog",
            _("Bank backlog: referred, not yet paid"),
            [r["bank"] for r in backlog],
            [r["referred"] for r in backlog],
            value_header=_("Referred to bank"),
            name_header=_("Agent bank"),
            colour=ORANGE,
        ),
    ]


def breakdown_page(year: int, scope: Scope) -> dict:
    from reports import queries

    ids, office_id = scope.province_ids, getattr(scope.office, "pk", None)
    sources = queries.loans_by_funding_source(year, ids, office_id)
    banks = queries.loans_by_bank(year, ids, office_id)
    charts = _scheme_bank_charts(year, scope)
    charts.insert(
        2,
        hbar(
            "sources",
            _("Loans by funding source"),
            [r["source"] for r in sources],
            [r["amount_rial"] for r in sources],
            value_header=_("Loans paid (amount)"),
            name_header=_("Funding source"),
            money=True,
            colour=GREEN,
            extra_cols=[(_("Loans paid"), "int", [r["count"] for r in sources])],
        ),
    )
    charts.append(backlog_trend(year, queries.referrals_by_bank_month(year, ids, office_id)))
    if scope.level == "country":
        from reports import backlog

        charts.append(backlog.province_by_bank(year, queries.referrals_by_province_bank(year)))
    all_count = sum(r["count"] for r in banks)
    all_amount = sum(r["amount_rial"] for r in banks)
    charts.append(
        hbar(
            "loan-size",
            _("Average loan by agent bank"),
            [r["bank"] for r in banks],
            [r["amount_rial"] // r["count"] if r["count"] else None for r in banks],
            value_header=_("Average loan"),
            name_header=_("Agent bank"),
            money=True,
            colour=PURPLE,
            reference=all_amount // all_count if all_count else None,
            reference_label=_("All banks"),
        )
    )
    if scope.office is None:
        charts.extend(_efficiency(year, scope))
    return {"charts": charts}


def _efficiency(year: int, scope: Scope) -> list[Chart]:
    """Rials per job and jobs per loan for each province (or office), the scope's own figure as reference."""
    from reports import queries

    if scope.province is None:
        rows, header, ref_label = (
            queries.province_progress(year, None),
            _("Province"),
            _("Whole country"),
        )
    else:
        rows = queries.office_progress(year, scope.province.pk)
        header, ref_label = _("County office"), _("Province as a whole")
    whole = queries.totals(rows)
    per_job = [(r["name"], progress.safe_ratio(r["loans_amount_rial"], r["jobs"])) for r in rows]
    per_loan = [(r["name"], progress.safe_ratio(r["jobs"], r["loans_count"])) for r in rows]
    per_job = sorted([p for p in per_job if p[1] is not None], key=lambda p: p[1])
    per_loan = sorted([p for p in per_loan if p[1] is not None], key=lambda p: -p[1])
    ref_job = progress.safe_ratio(whole["loans_amount_rial"], whole["jobs"])
    ref_loan = progress.safe_ratio(whole["jobs"], whole["loans_count"])
    return [
        hbar(
            "rial-per-job",
            _("Loan money per job created"),
            [p[0] for p in per_job],
            [round(p[1]) for p in per_job],
            value_header=_("Loan money per job"),
            name_header=header,
            money=True,
            colour=BLUE,
            reference=None if ref_job is None else round(ref_job),
            reference_label=ref_label,
        ),
        hbar(
            "jobs-per-loan",
            _("Jobs per loan"),
            [p[0] for p in per_loan],
            [round(p[1], 2) for p in per_loan],
            value_header=_("Jobs per loan"),
            name_header=header,
            colour=GREEN,
            fmt=fa_decimal,
            reference=None if ref_loan is None else round(ref_loan, 2),
            reference_label=ref_label,
        ),
    ]
