"""The domain rules of a month's figures, in one place.

Every write of figures goes through programs.services.apply_values, which asks
`evaluate()` for its decisions; the month form, the Excel upload, the
`import_figures` command and any API show the messages of these decisions and
re-implement none of them (docs/rules.md lists each rule with its tests).

A decision is an error (the write is refused) or a warning (the write needs a
person's confirmation with a reason, which is stored). The rules:

- `over_limit` (error): a value above the hard upper limit of its measure for
  one county office in one month (`HARD_LIMITS`, a constant table: far above
  any real month of the largest office, low enough to stop typing accidents
  such as 99,999,999 trainees).
- `amount_without_count` / `count_without_amount` (error): a loan line needs
  both its number of loans and its amount.
- `future_month` (error): a month after the current one; the month in
  progress is writable.
- `before_opened` / `after_closed` (error): a month wholly before the office
  opened or after it closed.
- `locked` (error): an approved month; `submitted` (error): a month awaiting
  approval, for anyone but an admin (and the trusted command-line operator).
- `average_loan`, `spike`, `jobs_per_loan` (warnings): plausibility against
  the bounds an admin sets in EntrySettings and against the office's own
  previous six months.

Rules look only at what a write changes: an unchanged value of a locked month
is not a change, so an exported or downloaded file uploads back unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from programs import access
from programs.models import EntrySettings, MonthlyReport, ReportStatus
from reliefjobs.lib import clock
from reliefjobs.lib.jalali import Period, current_period, month_label
from reliefjobs.lib.money import RIALS_PER_TOMAN, group_digits

ERROR = "error"
WARNING = "warning"

# Hard upper limits of one value for one county office in one month. Zanjan's
# whole province reported 2,882 jobs, 2,402 loans and 408 billion rials in a
# year (docs/GLOSSARY.md); these are one to two orders of magnitude above the
# largest office-month, so only a typing accident reaches them.
HARD_LIMITS = {
    "jobs": 50_000,
    "loans_count": 50_000,
    "loans_amount_rial": 10_000_000_000_000,  # 1,000 billion toman
    "referred_to_bank": 50_000,
    "trainees": 50_000,
    "exits": 50_000,
}
MEASURE_NAMES = {
    "jobs": _lazy("Jobs created"),
    "loans_count": _lazy("Loans paid"),
    "loans_amount_rial": _lazy("Loan amount"),
    "referred_to_bank": _lazy("Referred to bank"),
    "trainees": _lazy("People trained"),
    "exits": _lazy("Households leaving support"),
}
SCALARS = ("trainees", "exits")
# How many previous months an outlier is measured against.
HISTORY_MONTHS = 6

MonthKey = tuple[int, int, int]  # (office_id, year, month)


@dataclass(frozen=True)
class Decision:
    """One rule's verdict on a write: `code` names the rule, `field` the grid key
    (empty for the month as a whole), `key` the (office, year, month)."""

    code: str
    message: str
    severity: str = ERROR
    field: str = ""
    key: MonthKey | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def fingerprint(self) -> str:
        """What a person confirms: the same warning on the same field of the same month."""
        office, year, month = self.key or (0, 0, 0)
        return f"{office}-{year}-{month}:{self.code}:{self.field}"


class RulesError(Exception):
    """A write refused by the rules: `decisions` lists why (errors, or warnings
    that were not confirmed)."""

    def __init__(self, decisions: list[Decision]):
        self.decisions = list(decisions)
        super().__init__("; ".join(d.message for d in self.decisions))

    @property
    def errors(self) -> list[Decision]:
        return [d for d in self.decisions if d.is_error]

    @property
    def warnings(self) -> list[Decision]:
        return [d for d in self.decisions if not d.is_error]


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


def _show(value: int) -> str:
    return group_digits(value, persian=_persian())


@lru_cache(maxsize=4096)
def measure_of(key: str) -> str:
    """The measure of a grid key (a file of 280,000 values repeats a few hundred keys)."""
    from programs.entry_queries import parse_key

    return parse_key(key)[0]


def _to_shown(key: str, value: int) -> int:
    """Rials → toman for amounts (people read toman); other values unchanged."""
    return value // RIALS_PER_TOMAN if key.startswith("la_") else value


# --- which statuses a person may write ---------------------------------------------


def editable_statuses(user) -> tuple[str, ...]:
    """Staff edit drafts and returned months; an admin (or the command-line
    operator, `user=None`) may also correct a submitted one. Approved months
    are locked for everyone (an admin unlocks them first)."""
    if user is None or access.is_admin(user):
        return (ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.SUBMITTED)
    return (ReportStatus.DRAFT, ReportStatus.RETURNED)


# --- the month as a whole -----------------------------------------------------------


@lru_cache(maxsize=8)
def _current(today: dt.date) -> Period:
    return current_period(today)


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    return value.togregorian() if hasattr(value, "togregorian") else value


def _where(office, year: int, month: int) -> dict[str, str]:
    return {"office": office.name, "period": month_label(year, month, persian=_persian())}


def period_decisions(
    office, year: int, month: int, *, status: str | None, user, today: dt.date | None = None
) -> list[Decision]:
    """May figures of this office and month be written at all?"""
    key = (office.pk, year, month)
    period = Period(year, month)
    decisions = []
    if period > _current(today or clock.today()):
        decisions.append(
            Decision(
                "future_month",
                _("%(office)s, %(period)s has not begun; its figures cannot be entered yet.")
                % _where(office, year, month),
                key=key,
            )
        )
    opened, closed = _as_date(office.opened_on), _as_date(office.closed_on)
    if opened and opened > period.last_day:
        decisions.append(
            Decision(
                "before_opened",
                _("%(office)s, %(period)s is before the office opened.")
                % _where(office, year, month),
                key=key,
            )
        )
    if closed and closed < period.first_day:
        decisions.append(
            Decision(
                "after_closed",
                _("%(office)s, %(period)s is after the office closed.")
                % _where(office, year, month),
                key=key,
            )
        )
    if status == ReportStatus.APPROVED:
        decisions.append(
            Decision(
                "locked",
                _("%(office)s, %(period)s is approved and locked.") % _where(office, year, month),
                key=key,
            )
        )
    elif status and status not in editable_statuses(user):
        decisions.append(
            Decision(
                "submitted",
                _(
                    "%(office)s, %(period)s is submitted and awaits approval; "
                    "ask a manager to return it."
                )
                % _where(office, year, month),
                key=key,
            )
        )
    return decisions


# --- the values ---------------------------------------------------------------------


def value_decisions(
    *, after: dict[str, int], changed: Iterable[str], label, key: MonthKey | None = None
) -> list[Decision]:
    """Hard limits on the changed values and the count/amount pairing of the
    loan lines a change touches. `after` is the month's values once written."""
    decisions = []
    changed = set(changed)
    for name in sorted(changed):
        value = after.get(name) or 0
        limit = HARD_LIMITS[measure_of(name)]
        if value > limit:
            decisions.append(
                Decision(
                    "over_limit",
                    _(
                        "%(label)s: %(value)s is more than one county office can report "
                        "in a month (at most %(limit)s)."
                    )
                    % {
                        "label": label(name),
                        "value": _show(_to_shown(name, value)),
                        "limit": _show(_to_shown(name, limit)),
                    },
                    field=name,
                    key=key,
                )
            )
    pairs = {n[3:] for n in changed if n.startswith(("lc_", "la_"))}
    for pair in sorted(pairs):
        count, amount = after.get("lc_" + pair) or 0, after.get("la_" + pair) or 0
        if amount and not count:
            decisions.append(
                Decision(
                    "amount_without_count",
                    _("%(label)s: an amount needs the number of loans.")
                    % {"label": label("lc_" + pair)},
                    field="lc_" + pair,
                    key=key,
                )
            )
        elif count and not amount:
            decisions.append(
                Decision(
                    "count_without_amount",
                    _("%(label)s: loans paid need their amount.") % {"label": label("la_" + pair)},
                    field="la_" + pair,
                    key=key,
                )
            )
    return decisions


def totals_of(values: dict[str, int]) -> dict[str, int]:
    totals = dict.fromkeys(MEASURE_NAMES, 0)
    for key, value in values.items():
        totals[measure_of(key)] += value or 0
    return totals


_STORED_TOTAL = {"referred_to_bank": "referred"}


def outlier_warnings(
    *,
    after: dict[str, int],
    changed: Iterable[str],
    recent: list[dict[str, int]],
    label,
    settings: EntrySettings | None = None,
    key: MonthKey | None = None,
) -> list[Decision]:
    """Plausibility warnings on what a change touches: the average loan of a
    line, a measure's total against the office's previous months (`recent`,
    MonthlyReport totals), and jobs per loan, with the bounds in EntrySettings."""
    rules = settings or EntrySettings.load()
    changed = set(changed)
    warnings = []
    pairs = {n[3:] for n in changed if n.startswith(("lc_", "la_"))}
    for pair in sorted(pairs):
        count, amount = after.get("lc_" + pair) or 0, after.get("la_" + pair) or 0
        if not count:
            continue
        average = amount // count
        if average and not rules.min_average_loan_rial <= average <= rules.max_average_loan_rial:
            warnings.append(
                Decision(
                    "average_loan",
                    _(
                        "%(label)s: the average loan (%(average)s toman) is outside "
                        "%(low)s–%(high)s toman."
                    )
                    % {
                        "label": label("la_" + pair),
                        "average": _show(average // RIALS_PER_TOMAN),
                        "low": _show(rules.min_average_loan_rial // RIALS_PER_TOMAN),
                        "high": _show(rules.max_average_loan_rial // RIALS_PER_TOMAN),
                    },
                    WARNING,
                    "la_" + pair,
                    key,
                )
            )
    totals = totals_of(after)
    touched = {measure_of(n) for n in changed}
    if recent:
        for measure, total in totals.items():
            if measure not in touched:
                continue
            column = _STORED_TOTAL.get(measure, measure)
            average = sum(r[column] for r in recent) / len(recent)
            if average and total > rules.spike_factor * average:
                warnings.append(
                    Decision(
                        "spike",
                        _(
                            "%(measure)s is more than %(factor)s times the average of the "
                            "previous months."
                        )
                        % {"measure": MEASURE_NAMES[measure], "factor": _show(rules.spike_factor)},
                        WARNING,
                        measure,
                        key,
                    )
                )
    if (
        touched & {"jobs", "loans_count"}
        and totals["loans_count"]
        and totals["jobs"] > rules.max_jobs_per_loan * totals["loans_count"]
    ):
        warnings.append(
            Decision(
                "jobs_per_loan",
                _("More than %(bound)s jobs per loan paid.")
                % {"bound": _show(rules.max_jobs_per_loan)},
                WARNING,
                "jobs",
                key,
            )
        )
    return warnings


# --- a whole write ------------------------------------------------------------------


@dataclass
class MonthChange:
    """One month a write touches: its values before and after."""

    office: object
    year: int
    month: int
    status: str | None
    before: dict[str, int]
    after: dict[str, int] = field(default_factory=dict)
    version: int = 0

    @property
    def key(self) -> MonthKey:
        return (self.office.pk, self.year, self.month)

    @property
    def changed(self) -> set[str]:
        return {
            k
            for k in set(self.before) | set(self.after)
            if (self.before.get(k) or 0) != (self.after.get(k) or 0)
        }

    @property
    def judged(self) -> bool:
        """A write that changes a value, or creates the month's report, is judged
        (version 0: a report row created for this write, never saved before)."""
        return self.status is None or self.version == 0 or bool(self.changed)


def recent_totals_for(keys: Iterable[MonthKey]) -> dict[MonthKey, list[dict[str, int]]]:
    """MonthlyReport totals of each month's previous HISTORY_MONTHS months (chunked queries)."""
    keys = sorted(set(keys))
    wanted: dict[MonthKey, list[MonthKey]] = {}
    for office_id, year, month in keys:
        period, before = Period(year, month), []
        for _i in range(HISTORY_MONTHS):
            period = period.previous()
            before.append((office_id, period.year, period.month))
        wanted[(office_id, year, month)] = before
    found: dict[MonthKey, dict[str, int]] = {}
    columns = ("jobs", "loans_count", "loans_amount_rial", "referred", "trainees", "exits")
    offices = sorted({k[0] for k in keys})
    years = sorted({y for k in keys for y in (k[1] - 1, k[1])})
    for start in range(0, len(offices), 900):
        chunk = offices[start : start + 900]
        rows = MonthlyReport.objects.filter(Q(office_id__in=chunk) & Q(year__in=years)).values(
            "office_id", "year", "month", *columns
        )
        for row in rows:
            found[(row["office_id"], row["year"], row["month"])] = row
    return {k: [found[p] for p in before if p in found] for k, before in wanted.items()}


def evaluate(
    changes: list[MonthChange], *, user, label_for=None, today: dt.date | None = None
) -> list[Decision]:
    """Every decision on a write of these months (only months that change are judged)."""
    from programs.entry_queries import month_grid

    changes = [c for c in changes if c.judged]
    if not changes:
        return []
    if label_for is None:
        grid = month_grid({k: 0 for c in changes for k in c.after})
        label_for = grid.label
    settings = EntrySettings.load()
    today = today or clock.today()
    recent = recent_totals_for(c.key for c in changes)
    decisions = []
    for change in changes:
        changed = change.changed
        own = period_decisions(
            change.office, change.year, change.month, status=change.status, user=user, today=today
        ) + value_decisions(after=change.after, changed=changed, label=label_for, key=change.key)
        decisions += own
        # A month with an error is not warned about (the warnings would not be saved either).
        if not any(d.is_error for d in own):
            decisions += outlier_warnings(
                after=change.after,
                changed=changed,
                recent=recent[change.key],
                label=label_for,
                settings=settings,
                key=change.key,
            )
    return decisions


def reason_required(key: MonthKey | None = None) -> Decision:
    return Decision(
        "reason_required",
        _("Give a reason for confirming the warnings."),
        field="reason",
        key=key,
    )
