"""The one import pipeline for figures and targets files.

The `import_figures` / `import_targets` commands, the web upload and the admin
all call `import_figures()` / `import_targets()` (or `read_rows()` + `parse_*()`
to show problems before saving). See README "Figures file" and "Targets file".

Rules, in the words of the public contract:
- CSV (UTF-8, with or without BOM) or XLSX; English headers or the Persian
  headers of the template (`PERSIAN_HEADERS`); blank lines are skipped.
- Every row is checked before anything is saved; a file with any bad row
  saves nothing. Row numbers are spreadsheet row numbers (header = row 1).
- Provinces by ISO code or Persian name; county offices, schemes, banks and
  funding sources by normalised name (ي/ی, ك/ک, ZWNJ, spaces, digits). An
  unknown name is an error, never a new record.
- The same key twice in one file is an error (which of two values is meant
  cannot be guessed); importing a key already stored replaces its value.
- Values equal to what is stored are skipped and counted, so re-importing a
  file changes nothing (no new version, no history), even in a submitted or
  approved month: an exported year or a downloaded template uploads back.
- The values that do change are judged by the domain rules (programs.rules,
  the same for every write path): errors are row errors (one line per
  problem; a month that may not be written is one line, on its first changed
  row; they are checked once every row of the file reads); warnings are listed per row and saved only when accepted with a
  reason (`accept_warnings`, `import_figures --accept-warnings --reason`).
- With a user, each row must be within what programs.access lets that user
  enter; without one (the command line) the operator is trusted.

Names are resolved once per distinct spelling (dict caches) and the stored
values are read in a few chunked queries, so 280,000 rows parse in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from programs import access, reading
from programs.names import office_key
from programs.reading import ImportFileError
from programs.rules import RulesError
from programs.services import MEASURES, FigureValue, TargetValue
from reliefjobs.lib import cells as cells_lib
from reliefjobs.lib.jalali import MAX_YEAR, MIN_YEAR, month_label
from reliefjobs.lib.text import NumberError, excerpt, normalize_name, parse_int

FIGURE_COLUMNS = (
    "province",
    "county",
    "year",
    "month",
    "measure",
    "scheme",
    "bank",
    "funding_source",
    "value",
)
TARGET_COLUMNS = ("province", "county", "year", "measure", "value")
TARGET_MEASURES = ("jobs", "loans_count", "loans_amount_rial", "trainees")

# The template's Persian headers (and a few spellings people use for them).
PERSIAN_HEADERS = {
    "استان": "province",
    "شهرستان": "county",
    "اداره شهرستان": "county",
    "سال": "year",
    "ماه": "month",
    "شاخص": "measure",
    "طرح": "scheme",
    "بانک": "bank",
    "بانک عامل": "bank",
    "منبع اعتبار": "funding_source",
    "مقدار": "value",
}
# Persian names accepted in the measure column besides the English codes.
PERSIAN_MEASURES = {
    "فرصت شغلی": "jobs",
    "اشتغال": "jobs",
    "تعداد تسهیلات": "loans_count",
    "مبلغ تسهیلات": "loans_amount_rial",
    "مبلغ تسهیلات (ریال)": "loans_amount_rial",
    "معرفی به بانک": "referred_to_bank",
    "آموزش مهارت": "trainees",
    "خروج از چرخه حمایت": "exits",
}
# Which dimension columns each measure needs; the others must stay empty.
DIMENSIONS = {
    "jobs": ("scheme",),
    "loans_count": ("bank", "funding_source"),
    "loans_amount_rial": ("bank", "funding_source"),
    "referred_to_bank": ("bank",),
    "trainees": (),
    "exits": (),
}
DIMENSION_COLUMNS = ("scheme", "bank", "funding_source")

_HEADER_KEYS = {normalize_name(k): v for k, v in PERSIAN_HEADERS.items()} | {
    normalize_name(c): c for c in FIGURE_COLUMNS
}
_MEASURE_KEYS = {normalize_name(k): v for k, v in PERSIAN_MEASURES.items()} | {
    normalize_name(m): m for m in MEASURES
}
_CHUNK = 900

Row = tuple[int, dict[str, str]]


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        # The English prefix stays in every language so scripts can parse it.
        return f"row {self.row}: {self.message}"


@dataclass
class FiguresImport:
    values: list[FigureValue] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0
    # The values that differ from what is stored (what saving would write).
    changed: list[FigureValue] = field(default_factory=list)
    # Plausibility warnings on the changed values (row N: message), saved only if accepted.
    warnings: list[RowError] = field(default_factory=list)
    months_touched: int = 0
    saved: bool = False
    # The rules' decisions behind the errors and warnings (what saving enforces).
    decisions: list = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unchanged(self) -> int:
        return len(self.values) - len(self.changed)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings) and not self.errors and not self.saved


@dataclass
class TargetsImport:
    values: list[TargetValue] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0
    changed: list[TargetValue] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unchanged(self) -> int:
        return len(self.values) - len(self.changed)


# Reading ---------------------------------------------------------------------
# Opening and bounding the file is programs.reading's job (the one reading layer).


def _header_map(cells: list[str], required: tuple[str, ...], known: tuple[str, ...]):
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = _HEADER_KEYS.get(normalize_name(cell.lstrip("\ufeff")))
        if name in known and name not in columns:
            columns[name] = index
    missing = [c for c in required if c not in columns]
    if missing:
        raise ImportFileError(
            _("The header row is missing the column(s) %(columns)s. Expected: %(expected)s")
            % {"columns": ", ".join(missing), "expected": ",".join(known)}
        )
    return columns


def read_rows(
    file_or_path,
    filename: str | None = None,
    *,
    columns: tuple[str, ...] = FIGURE_COLUMNS,
    required: tuple[str, ...] | None = None,
    limits: reading.Limits | None = None,
) -> list[Row]:
    """The data rows of a CSV or XLSX file as (spreadsheet row number, {column: text}).

    `file_or_path` is a path or a binary file object (an upload). The format is
    told by content (XLSX is a zip), so a misnamed file still reads; a file past
    one of the reading limits (programs.reading) is refused whole.
    """
    limits = limits or reading.Limits.from_settings()
    data = reading.read_file(file_or_path, limits)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    records = reading.records(data, limits)
    if required is None:
        required = tuple(c for c in columns if c not in DIMENSION_COLUMNS and c != "county") + (
            ("county",) if "month" in columns else ()
        )
    header = None
    rows: list[Row] = []
    for number, cells in records:  # non-empty rows of stripped strings
        # The apostrophe our exports put before formula-like text comes off.
        # (Only a row with an apostrophe somewhere can have one to take off.)
        if "'" in "".join(cells):
            cells = [cells_lib.from_csv_text(c) for c in cells]
        if header is None:
            header = _header_map(cells, required, columns)
            names, pick = list(header), itemgetter(*header.values())
            width = max(header.values()) + 1
            continue
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        picked = pick(cells)
        rows.append(
            (number, dict(zip(names, picked if len(names) > 1 else (picked,), strict=True)))
        )
    if header is None:
        raise ImportFileError(_("The file is empty."))
    if not rows:
        raise ImportFileError(_("The file has a header but no data rows."))
    return rows


# Resolving names -------------------------------------------------------------


class _Names:
    """Reference lists loaded once; each distinct spelling is resolved once."""

    def __init__(self, user):
        from loans.models import Bank, FundingSource
        from programs.models import CountyOffice, Province, Scheme

        self.user = user
        self._province_model = Province
        self._provinces: dict[str, object] = {}
        self._offices = {
            (o.province_id, o.name_key): o for o in CountyOffice.objects.select_related("province")
        }
        self.offices_by_id = {o.pk: o for o in self._offices.values()}
        self._office_cache: dict[tuple[int, str], object] = {}
        self._lists = {
            "scheme": {s.name_key: s.pk for s in Scheme.objects.all()},
            "bank": {b.name_key: b.pk for b in Bank.objects.all()},
            "funding_source": {f.name_key: f.pk for f in FundingSource.objects.all()},
        }
        self._list_cache: dict[tuple[str, str], int | None] = {}
        self._allowed: dict[tuple[str, int], bool] = {}

    def province(self, text: str):
        if text not in self._provinces:
            self._provinces[text] = self._province_model.objects.by_identifier(text)
        return self._provinces[text]

    def office(self, province, text: str):
        key = (province.pk, text)
        if key not in self._office_cache:
            self._office_cache[key] = self._offices.get((province.pk, office_key(text)))
        return self._office_cache[key]

    def dimension(self, column: str, text: str) -> int | None:
        key = (column, text)
        if key not in self._list_cache:
            self._list_cache[key] = self._lists[column].get(normalize_name(text))
        return self._list_cache[key]

    def may(self, what: str, province) -> bool:
        if self.user is None:
            return True
        key = (what, province.pk)
        if key not in self._allowed:
            if what == "figures":
                allowed = access.can_enter_figures(self.user, province)
            else:
                allowed = access.is_admin(self.user) and access.can_view_province(
                    self.user, province
                )
            self._allowed[key] = allowed
        return self._allowed[key]


def _number_reason(exc: NumberError, text: str) -> str:
    reasons = {
        "empty": _("the value is empty"),
        "negative": _("the value %(value)s is negative"),
        "too_large": _("the value %(value)s is too large"),
        "not_whole": _("the value %(value)s is not a whole number"),
        "grouping": _(
            "the value %(value)s has thousands separators that are not in groups of three"
        ),
        "digits": _("the value %(value)s has digits that are not Persian, Arabic or Latin"),
        "ambiguous": _("the value %(value)s could mean one or a thousand: write it without «.»"),
        "too_long": _("the value %(value)s is too long to be a number"),
    }
    message = reasons.get(exc.code, _("the value %(value)s is not a number"))
    return message % {"value": f"«{excerpt(text)}»"}


class _RowProblem(Exception):
    pass


class _Parser:
    """Shared checks of one row's province, county, year, month, measure and value."""

    def __init__(self, user, what: str):
        self.names = _Names(user)
        self.what = what
        # Caches by the text as typed: most cells repeat across rows.
        self._ints: dict[tuple[str, str], int] = {}
        self._measures: dict[str, str] = {}
        self._values: dict[str, int] = {}

    def province(self, row: dict[str, str]):
        text = row.get("province", "")
        if not text:
            raise _RowProblem(_("the province is empty"))
        province = self.names.province(text)
        if province is None:
            raise _RowProblem(_("unknown province «%(name)s»") % {"name": excerpt(text)})
        if not self.names.may(self.what, province):
            if self.what == "figures":
                message = _("you may not import figures for %(province)s")
            else:
                message = _("you may not set targets for %(province)s")
            raise _RowProblem(message % {"province": province.name})
        return province

    def office(self, province, text: str):
        office = self.names.office(province, text)
        if office is None:
            raise _RowProblem(
                _("unknown county office «%(name)s» in %(province)s")
                % {"name": excerpt(text), "province": province.name}
            )
        return office

    def _int(self, column: str, text: str) -> int:
        key = (column, text)
        if key not in self._ints:
            if not text:
                raise _RowProblem(_("the %(column)s is empty") % {"column": _column_label(column)})
            try:
                number = parse_int(text)
            except NumberError as exc:
                raise _RowProblem(
                    _("the %(column)s «%(value)s» is not a number")
                    % {"column": _column_label(column), "value": excerpt(text)}
                ) from exc
            if column == "year" and not MIN_YEAR <= number <= MAX_YEAR:
                raise _RowProblem(
                    _("the year %(value)s is not a Jalali year between %(min)s and %(max)s")
                    % {"value": text, "min": MIN_YEAR, "max": MAX_YEAR}
                )
            if column == "month" and not 1 <= number <= 12:
                raise _RowProblem(
                    _("the month %(value)s is not between 1 and 12") % {"value": text}
                )
            self._ints[key] = number
        return self._ints[key]

    def year(self, row):
        return self._int("year", row.get("year", ""))

    def month(self, row):
        return self._int("month", row.get("month", ""))

    def measure(self, row, allowed: tuple[str, ...]) -> str:
        text = row.get("measure", "")
        measure = self._measures.get(text)
        if measure is None:
            measure = self._measures[text] = _MEASURE_KEYS.get(normalize_name(text), "")
        if measure not in allowed:
            raise _RowProblem(
                _("unknown measure «%(value)s» (expected one of %(allowed)s)")
                % {"value": excerpt(text), "allowed": ", ".join(allowed)}
            )
        return measure

    def value(self, row) -> int:
        text = row.get("value", "")
        number = self._values.get(text)
        if number is None:
            try:
                number = self._values[text] = parse_int(text)
            except NumberError as exc:
                raise _RowProblem(_number_reason(exc, text)) from exc
        return number


def _column_label(column: str) -> str:
    return {"year": _("year"), "month": _("month"), "value": _("value")}.get(column, column)


def _dimension_label(column: str) -> str:
    return {"scheme": _("scheme"), "bank": _("bank"), "funding_source": _("funding source")}[column]


def _period_label(year: int, month: int) -> str:
    return month_label(year, month, persian=(get_language() or "fa").startswith("fa"))


def _duplicate(row: int, first: int) -> RowError:
    return RowError(row, _("the same figure is already given in row %(row)s") % {"row": first})


# Figures ---------------------------------------------------------------------


def parse_figures(rows: list[Row], *, user=None, lock: bool = False) -> FiguresImport:
    """Check every row and resolve it to a FigureValue; nothing is written.

    With `lock` (inside a transaction that goes on to save), the months are
    judged as read locked for update, so saving need not judge them again."""
    parser = _Parser(user, "figures")
    names = parser.names
    result = FiguresImport(row_count=len(rows))
    seen: dict[tuple, int] = {}
    # The same few cells repeat on most rows: each combination of province and
    # county, of year and month, and of measure and dimensions is checked once
    # (problems are not memoised, so every bad row reports its own error).
    places: dict[tuple[str, str], int] = {}
    periods: dict[tuple[str, str], tuple[int, int]] = {}
    kinds: dict[tuple[str, ...], tuple] = {}

    def place(row):
        province = parser.province(row)
        county = row.get("county", "")
        if not county:
            raise _RowProblem(_("the county office is empty"))
        return parser.office(province, county).pk

    def kind(row):
        measure = parser.measure(row, MEASURES)
        needed = DIMENSIONS[measure]
        ids: dict[str, int | None] = {}
        for column in DIMENSION_COLUMNS:
            text = row.get(column, "")
            if column in needed:
                if not text:
                    raise _RowProblem(
                        _("«%(measure)s» needs a %(column)s")
                        % {"measure": measure, "column": _dimension_label(column)}
                    )
                ids[column] = names.dimension(column, text)
                if ids[column] is None:
                    raise _RowProblem(
                        _("unknown %(column)s «%(name)s»")
                        % {"column": _dimension_label(column), "name": excerpt(text)}
                    )
            elif text:
                raise _RowProblem(
                    _("«%(measure)s» takes no %(column)s (found «%(name)s»)")
                    % {
                        "measure": measure,
                        "column": _dimension_label(column),
                        "name": excerpt(text),
                    }
                )
        return (measure, ids.get("scheme"), ids.get("bank"), ids.get("funding_source"))

    get = dict.get
    for number, row in rows:
        try:
            where = (get(row, "province", ""), get(row, "county", ""))
            office_id = places.get(where)
            if office_id is None:
                office_id = places[where] = place(row)
            when = (get(row, "year", ""), get(row, "month", ""))
            period = periods.get(when)
            if period is None:
                period = periods[when] = (parser.year(row), parser.month(row))
            what = (
                get(row, "measure", ""),
                get(row, "scheme", ""),
                get(row, "bank", ""),
                get(row, "funding_source", ""),
            )
            dims = kinds.get(what)
            if dims is None:
                dims = kinds[what] = kind(row)
            value = parser.value(row)
        except _RowProblem as problem:
            result.errors.append(RowError(number, str(problem)))
            continue
        measure, scheme_id, bank_id, funding_source_id = dims
        figure = FigureValue(
            office_id, period[0], period[1], measure, value, scheme_id, bank_id, funding_source_id
        )
        key = (office_id, *period, *dims)
        if key in seen:
            result.errors.append(_duplicate(number, seen[key]))
            continue
        seen[key] = number
        result.values.append(figure)
    _compare_with_stored(result, seen, names, lock=lock)
    return result


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored_figures(keys: set[tuple[int, int, int]]):
    """Stored reports and line values of these (office, year, month) keys, in a few queries."""
    from loans.models import LoanFigure, ReferralFigure
    from programs.models import JobsFigure, MonthlyReport

    reports = {}
    years = sorted({k[1] for k in keys})
    for chunk in _chunks(sorted({k[0] for k in keys})):
        for rid, office_id, year, month, status, trainees, exits in MonthlyReport.objects.filter(
            office_id__in=chunk, year__in=years
        ).values_list("pk", "office_id", "year", "month", "status", "trainees", "exits"):
            if (office_id, year, month) in keys:
                reports[(office_id, year, month)] = (rid, status, trainees, exits)
    ids = sorted(r[0] for r in reports.values())
    jobs, loans, referrals = {}, {}, {}
    for chunk in _chunks(ids):
        for rid, scheme_id, value in JobsFigure.objects.filter(report_id__in=chunk).values_list(
            "report_id", "scheme_id", "value"
        ):
            jobs[(rid, scheme_id)] = value
        for rid, bank_id, source_id, count, amount in LoanFigure.objects.filter(
            report_id__in=chunk
        ).values_list("report_id", "bank_id", "funding_source_id", "count", "amount_rial"):
            loans[(rid, bank_id, source_id)] = (count, amount)
        for rid, bank_id, value in ReferralFigure.objects.filter(report_id__in=chunk).values_list(
            "report_id", "bank_id", "value"
        ):
            referrals[(rid, bank_id)] = value
    return reports, jobs, loans, referrals


def _stored_value(v: FigureValue, report, jobs, loans, referrals) -> int | None:
    """The stored value for this figure's key, or None if nothing is stored."""
    if report is None:
        return None
    rid, _status, trainees, exits = report
    if v.measure == "jobs":
        return jobs.get((rid, v.scheme_id))
    if v.measure in ("loans_count", "loans_amount_rial"):
        line = loans.get((rid, v.bank_id, v.funding_source_id))
        return None if line is None else line[0 if v.measure == "loans_count" else 1]
    if v.measure == "referred_to_bank":
        return referrals.get((rid, v.bank_id))
    return trainees if v.measure == "trainees" else exits


def _compare_with_stored(
    result: FiguresImport, row_of: dict[tuple, int], names: _Names, *, lock: bool = False
) -> None:
    """Fill result.changed (the values that differ from what is stored), then
    let the domain rules judge them (errors and warnings, by row)."""
    if not result.values:
        return
    reports, jobs, loans, referrals = _stored_figures({v.report_key for v in result.values})
    for v in result.values:
        report = reports.get(v.report_key)
        # (A month not stored yet changes with every value.)
        if report is None or _stored_value(v, report, jobs, loans, referrals) != v.value:
            result.changed.append(v)
    _judge(result, row_of, names.user, lock=lock)


def _loan_partner(name: str) -> str:
    """A loan line's other half (count ↔ amount): a pairing error names either."""
    swap = {"lc_": "la_", "la_": "lc_"}
    return swap[name[:3]] + name[3:] if name[:3] in swap else name


def _judge(result: FiguresImport, row_of: dict[tuple, int], user, *, lock: bool = False) -> None:
    """The rules' decisions on the changed values, each on the row it is about."""
    from programs import services

    # A row that cannot be read would make its month look incomplete (a count
    # without its amount…): the rules judge a file once every row reads.
    if not result.changed or result.errors:
        return
    result.decisions = services.check_values(values=result.changed, by=user, lock=lock)
    # Rows are looked up only in the months the rules have something to say about.
    judged = {d.key for d in result.decisions}
    field_rows: dict[tuple, int] = {}
    month_rows: dict[tuple, int] = {}
    for v in result.changed:
        if v.report_key not in judged:
            continue
        row = row_of[(*v.report_key, v.measure, v.scheme_id, v.bank_id, v.funding_source_id)]
        for where in ((v.report_key, v.grid_key), (v.report_key, v.measure)):
            field_rows[where] = min(row, field_rows.get(where, row))
        month_rows[v.report_key] = min(row, month_rows.get(v.report_key, row))
    for decision in result.decisions:
        partner = _loan_partner(decision.field)
        row = (
            field_rows.get((decision.key, decision.field))
            or field_rows.get((decision.key, partner))
            or month_rows[decision.key]
        )
        (result.errors if decision.is_error else result.warnings).append(
            RowError(row, decision.message)
        )
    result.errors.sort(key=lambda e: e.row)
    result.warnings.sort(key=lambda e: e.row)


def import_figures(
    file_or_path,
    *,
    filename=None,
    user=None,
    dry_run=False,
    accept_warnings: bool = False,
    reason: str = "",
) -> FiguresImport:
    """Read, check and (unless dry_run or any row is bad) save a figures file atomically.

    Rows with warnings are saved only with `accept_warnings` and a `reason`
    (stored with each confirmed warning and on the history records)."""
    from programs import services

    rows = read_rows(file_or_path, filename)
    if dry_run:
        return parse_figures(rows, user=user)
    try:
        # The rows are judged on the months as locked for the save, in its
        # transaction, so the save enforces those decisions without judging again.
        with transaction.atomic():
            result = parse_figures(rows, user=user, lock=True)
            if result.errors or not result.changed:
                return result
            if result.warnings and not accept_warnings:
                return result
            result.months_touched = services.apply_values(
                values=result.changed,
                by=user,
                accept_warnings=accept_warnings,
                reason=reason,
                decisions=result.decisions,
            )
    except RulesError as exc:  # e.g. no reason for the accepted warnings
        raise ImportFileError(str(exc)) from exc
    result.saved = True
    return result


# Targets ---------------------------------------------------------------------


def parse_targets(rows: list[Row], *, user=None) -> TargetsImport:
    """Check every row of a targets file; county empty means a province target."""
    from programs.models import Target

    parser = _Parser(user, "targets")
    result = TargetsImport(row_count=len(rows))
    seen: dict[tuple, int] = {}
    for number, row in rows:
        try:
            province = parser.province(row)
            county = row.get("county", "")
            office = parser.office(province, county) if county else None
            year = parser.year(row)
            measure = parser.measure(row, TARGET_MEASURES)
            value = parser.value(row)
        except _RowProblem as problem:
            result.errors.append(RowError(number, str(problem)))
            continue
        target = TargetValue(
            year=year,
            province_id=province.pk,
            measure=measure,
            value=value,
            office_id=office.pk if office else None,
        )
        key = (year, province.pk, target.office_id, measure)
        if key in seen:
            result.errors.append(_duplicate(number, seen[key]))
            continue
        seen[key] = number
        result.values.append(target)
    if result.values:
        years = sorted({v.year for v in result.values})
        stored = {
            (t.year, t.province_id, t.office_id, t.measure): t.value
            for t in Target.objects.filter(year__in=years).only(
                "year", "province_id", "office_id", "measure", "value"
            )
        }
        result.changed = [
            v
            for v in result.values
            if stored.get((v.year, v.province_id, v.office_id, v.measure)) != v.value
        ]
    return result


def import_targets(file_or_path, *, filename=None, user=None, dry_run=False) -> TargetsImport:
    """Read, check and (unless dry_run or any row is bad) save a targets file atomically."""
    from programs import services

    rows = read_rows(file_or_path, filename, columns=TARGET_COLUMNS)
    result = parse_targets(rows, user=user)
    if result.errors or dry_run or not result.changed:
        return result
    with transaction.atomic():
        services.apply_targets(values=result.changed, by=user)
    result.saved = True
    return result
