"""The dashboards: country overview, province, county office, breakdowns, exports.

Each view checks scope through programs.access, then takes its page data from
`_page_data` (built once per scope and year by reports.charts from the named
queries, and cached) and renders it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from programs.access import is_national
from programs.models import CountyOffice, Province
from reliefjobs.lib import clock, jalali
from reliefjobs.lib.text import NumberError, parse_int, to_persian_digits
from reports import charts, exports, queries
from reports.cache import cached, key_for
from reports.completeness import national_completeness
from reports.warm import warm_page

BUILDERS = {
    "country": lambda year, elapsed, scope: charts.country_page(year, elapsed),
    "province": lambda year, elapsed, scope: charts.province_page(year, elapsed, scope.province),
    "office": lambda year, elapsed, scope: charts.office_page(year, elapsed, scope.office),
    "breakdowns": lambda year, elapsed, scope: charts.breakdown_page(year, scope),
}


def parse_year(value: str | None) -> int:
    """A Jalali year from the URL; the current one when absent. ValueError when not a year."""
    if value in (None, ""):
        return jalali.current_period().year
    try:
        year = parse_int(value)
    except NumberError as error:
        raise ValueError(f"year must be a Jalali year such as 1403, not {value!r}") from error
    jalali.check_year(year)
    return year


def year_state(year: int) -> str:
    """Say "future" (not begun), "opening" (begun, no month ended yet) or ""."""
    now = jalali.current_period()
    if year > now.year:
        return "future"
    return "opening" if year == now.year and now.month == 1 else ""


def _year(request) -> int:
    try:
        return parse_year(request.GET.get("year"))
    except ValueError as error:
        raise BadRequest(str(error)) from error


def _page_data(view: str, scope: charts.Scope, year: int) -> dict:
    elapsed = jalali.elapsed_months(year)
    key = (view, scope.key, year, elapsed, get_language())
    return cached(key, lambda: BUILDERS[view](year, elapsed, scope))


def _get_province_for_user(user, code: str) -> Province:
    province = Province.objects.visible_to(user).by_identifier(code)
    if province is None:
        raise Http404(_("No such province in your scope."))
    return province


def _get_office_for_user(user, pk) -> CountyOffice:
    try:
        pk = parse_int(pk)  # ?office= comes from the query string: «abc» is "not found"
    except NumberError:
        raise Http404(_("No such county office in your scope.")) from None
    office = CountyOffice.objects.visible_to(user).select_related("province").filter(pk=pk).first()
    if office is None:
        raise Http404(_("No such county office in your scope."))
    return office


def _scope_from_query(request) -> charts.Scope:
    """The scope named by ?office= or ?province= (exports, breakdowns); none means the country."""
    if request.GET.get("office"):
        office = _get_office_for_user(request.user, request.GET["office"])
        return charts.Scope("office", province=office.province, office=office)
    if request.GET.get("province"):
        return charts.Scope(
            "province", province=_get_province_for_user(request.user, request.GET["province"])
        )
    if not is_national(request.user):
        raise PermissionDenied
    return charts.Scope("country")


def _render(request, view: str, template: str, scope: charts.Scope, year: int, title: str, **extra):
    query = {"year": year}
    if scope.office is not None:
        query["office"] = scope.office.pk
    elif scope.province is not None:
        query["province"] = scope.province.code
    cache_key = key_for(("html", view, scope.key, year, jalali.elapsed_months(year)))
    printed_on = jalali.format_date(clock.today())
    # A warm page needs only its rendered block: skip unpickling the page data.
    rendered = cache.get(
        make_template_fragment_key("dashboard", [cache_key, is_national(request.user), printed_on])
    )
    if rendered is not None:
        return render(
            request,
            template,
            {
                "view": view,
                "year_fa": to_persian_digits(year),
                "title": title,
                "rendered_dashboard": mark_safe(rendered),
            },  # our own cached HTML
        )
    context = {
        "view": view,
        "scope": scope,
        "year": year,
        "year_fa": to_persian_digits(year),
        "title": title,
        "years": sorted(
            set(cached(("years", scope.key), lambda: queries.available_years(scope.province_ids)))
            | {year, jalali.current_period().year},
            reverse=True,
        ),
        # The rendered charts and tables are cached too (dashboard_base.html):
        # rendering them costs more than building their data.
        "dashboard_cache_key": cache_key,
        "export_query": "&".join(f"{k}={v}" for k, v in query.items()),
        "printed_on": printed_on,
        "year_state": year_state(year),
        **_page_data(view, scope, year),
        **extra,
    }
    return render(request, template, context)


@login_required
@warm_page
def home(request):
    """The landing page: the country overview, or a provincial user's own province."""
    year = _year(request)
    if not is_national(request.user):
        return redirect(f"{reverse('province', args=[request.user.province.code])}?year={year}")
    return _render(
        request,
        "country",
        "reports/country.html",
        charts.Scope("country"),
        year,
        _("Country overview"),
    )


@login_required
@warm_page
def province(request, code: str):
    year = _year(request)
    found = _get_province_for_user(request.user, code)
    scope = charts.Scope("province", province=found)
    return _render(request, "province", "reports/province.html", scope, year, found.name)


@login_required
@warm_page
def office(request, pk: int):
    year = _year(request)
    found = _get_office_for_user(request.user, pk)
    scope = charts.Scope("office", province=found.province, office=found)
    notes = queries.office_notes(year, found.pk)
    return _render(request, "office", "reports/office.html", scope, year, found.name, notes=notes)


@login_required
@warm_page
def breakdowns(request):
    year = _year(request)
    if not (request.GET.get("province") or request.GET.get("office") or is_national(request.user)):
        return redirect(
            f"{reverse('breakdowns')}?year={year}&province={request.user.province.code}"
        )
    scope = _scope_from_query(request)
    return _render(request, "breakdowns", "reports/breakdowns.html", scope, year, _("Breakdowns"))


@login_required
def export(request, view: str, chart: str, fmt: str):
    """One chart's data table as CSV or XLSX, in the scope and year of its page."""
    if view not in BUILDERS:
        raise Http404
    year = _year(request)
    scope = _scope_from_query(request)
    if (
        view in ("province", "office")
        and scope.level != view
        or view == "country"
        and scope.level != "country"
    ):
        raise Http404
    found = next((c for c in _page_data(view, scope, year)["charts"] if c.id == chart), None)
    if found is None:
        raise Http404
    return exports.response(
        found.table, fmt=fmt, filename=f"{view}-{chart}-{year}", title=found.title
    )


@login_required
def completeness(request):
    """Province × month: reports approved, awaiting approval and late.

    National users see the 31 provinces; a provincial user their own province
    only (docs/permissions.md: reads are scoped to the user's province).
    """
    year = _year(request)
    provinces = Province.objects.visible_to(request.user)
    table = national_completeness(provinces, year, clock.today())
    years = sorted(set(queries.available_years()) | {year, jalali.current_period().year})
    return render(
        request,
        "reports/completeness.html",
        {
            "table": table,
            "year": year,
            "year_fa": to_persian_digits(year),
            "years": list(reversed(years)),
            "months": [jalali.month_name(m) for m in range(1, 13)],
            "printed_on": jalali.format_date(clock.today()),
        },
    )
