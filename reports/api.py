"""The read-only JSON API (contract in INTERFACES.md, documented in docs/api.md).

GET /api/v1/progress?year=Y[&province=CODE] and GET /api/v1/monthly?year=Y[&province=CODE].
Session authentication; JSON errors (401 anonymous, 400 bad year or code,
403 a province outside the user's scope), never a redirect to the login page.
"""

from __future__ import annotations

from functools import wraps

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from programs.access import can_view_province, is_national
from programs.models import Province
from reliefjobs.lib import jalali
from reports import forecast, queries
from reports.cache import cached
from reports.progress import cumulative
from reports.views import parse_year
from reports.warm import warm_page

ROW_FIELDS = (
    "jobs",
    "target_jobs",
    "loans_count",
    "loans_amount_rial",
    "target_loans_count",
    "target_loans_amount_rial",
    "trainees",
    "target_trainees",
    "exits",
    "referred",
)


def _error(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message, "status": status}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Session realm="reliefjobs"'
    return response


def api_view(func):
    """Session auth with JSON errors; resolves ?year= and ?province= for the view."""

    @wraps(func)
    def wrapper(request):
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return _error(401, "authentication required: log in at /accounts/login/")
        try:
            year = parse_year(request.GET.get("year"))
        except ValueError as error:
            return _error(400, str(error))
        province = None
        code = request.GET.get("province")
        if code is not None:
            province = Province.objects.by_identifier(code) if code.strip() else None
            if province is None:
                return _error(400, f"unknown province code {code!r}; use an ISO code such as IR-19")
            if not can_view_province(user, province):
                return _error(403, f"province {province.code} is outside your scope")
        return JsonResponse(
            func(request, year, province), json_dumps_params={"ensure_ascii": False}
        )

    return require_GET(wrapper)


def _user_scope(user) -> list[int] | None:
    return None if is_national(user) else [user.province_id]


def _scope_key(user, province) -> str:
    if province is not None:
        return f"province-{province.pk}"
    return "national" if is_national(user) else f"country-of-{user.province_id}"


@warm_page
@api_view
def progress(request, year: int, province):
    def build():
        if province is None:
            found = queries.province_progress(year, _user_scope(request.user))
            rows = [
                {"code": r["code"], "name": r["name"], **{f: r[f] for f in ROW_FIELDS}}
                for r in found
            ]
        else:
            found = queries.office_progress(year, province.pk)
            rows = [
                {
                    "code": r["id"],
                    "name": r["name"],
                    "active": r["is_active"],
                    **{f: r[f] for f in ROW_FIELDS},
                }
                for r in found
            ]
        body = {"year": year, "level": "country" if province is None else "province", "rows": rows}
        if province is not None:
            body["province"] = {"code": province.code, "name": province.name}
        # The scope's year-end forecast: the same figure as the dashboard's card.
        ids = [province.pk] if province is not None else _user_scope(request.user)
        body["forecast"] = forecast.for_scope(year, elapsed, ids).as_json()
        return body

    elapsed = jalali.elapsed_months(year)
    return cached(("api-progress", _scope_key(request.user, province), year, elapsed), build)


@warm_page
@api_view
def monthly(request, year: int, province):
    def build():
        ids = [province.pk] if province is not None else _user_scope(request.user)
        months = queries.monthly(year, ids)
        running = cumulative([m["jobs"] for m in months])
        rows = [
            {
                "month": m["month"],
                "jobs": m["jobs"],
                "loans_count": m["loans_count"],
                "loans_amount_rial": m["loans_amount_rial"],
                "cumulative_jobs": total,
                "referred": m["referred"],
                "trainees": m["trainees"],
                "exits": m["exits"],
            }
            for m, total in zip(months, running, strict=True)
        ]
        body = {"year": year, "level": "country" if province is None else "province", "rows": rows}
        if province is not None:
            body["province"] = {"code": province.code, "name": province.name}
        return body

    return cached(("api-monthly", _scope_key(request.user, province), year), build)
