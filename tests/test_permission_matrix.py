"""The permission matrix: every URL name × every role × own/other province → expected status.

The list of URL names comes from the URL configuration itself, so a new URL without an
entry here fails `test_every_url_name_is_in_the_matrix`: nothing is added unreviewed.

Roles (columns, in this order): anonymous, Zanjan staff, Tehran staff, Zanjan
manager, national manager, admin (national). Each URL that names a province's
object is requested twice: for a Zanjan object (Z) and a Tehran object (T). An
expectation is written "Z statuses | T statuses", one status per role.

Rules checked (docs/permissions.md):
- anonymous users are sent to log in (302), or get 401 from the API;
- a provincial user never reaches another province's object: 404 for pages and the
  admin (nothing said about whether it exists), 403 from the API;
- managers read but do not enter figures or upload; staff do not approve; only
  admins read the audit trail, set targets and change county offices;
- reference lists and users are for national admins only; nobody deletes a county
  office or a province;
- every admin changelist, add, change, delete and history page follows the same rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from loans.models import Bank, FundingSource
from programs.models import (
    CountyOffice,
    EntrySettings,
    FieldNote,
    MonthlyReport,
    Province,
    Scheme,
    Target,
    User,
)
from programs.services import FigureValue, TargetValue, apply_targets, apply_values
from tests.conftest import PASSWORD

ROLES = (
    "anonymous",
    "zanjan_staff",
    "tehran_staff",
    "zanjan_manager",
    "national_manager",
    "admin",
)
YEAR = 1403

# Common rows: "Z statuses | T statuses" for the six roles.
READ_SCOPED = "302 200 404 200 200 200 | 302 404 200 404 200 200"
API_SCOPED = "401 200 403 200 200 200 | 401 403 200 403 200 200"
ENTER_SCOPED = "302 200 404 403 403 200 | 302 404 200 404 403 200"
POST_ONLY = "405 405 405 405 405 405"


@dataclass
class Probe:
    name: str
    path: object  # callable(ctx, side) -> URL path; side is "Z", "T" or None
    expect: str
    method: str = "get"
    data: dict = field(default_factory=dict)

    def expected(self) -> dict[tuple[str, str | None], int]:
        groups = [g.split() for g in self.expect.split("|")]
        sides = ("Z", "T") if len(groups) == 2 else (None,)
        out = {}
        for side, statuses in zip(sides, groups, strict=True):
            assert len(statuses) == len(ROLES), f"{self.name}: {len(statuses)} statuses"
            for role, status in zip(ROLES, statuses, strict=True):
                out[(role, side)] = int(status)
        return out


def _office(ctx, side):
    return ctx["office"][side or "Z"]


def _code(side):
    return {"Z": "IR-19", "T": "IR-23", None: "IR-19"}[side]


PAGES = [
    Probe("healthz", lambda c, s: "/healthz", "200 200 200 200 200 200"),
    Probe("login", lambda c, s: "/accounts/login/", "200 200 200 200 200 200"),
    Probe("logout", lambda c, s: "/accounts/logout/", POST_ONLY),
    Probe("logout", lambda c, s: "/accounts/logout/", "302 302 302 302 302 302", method="post"),
    Probe("set_language", lambda c, s: "/i18n/setlang/", "302 302 302 302 302 302",
          method="post", data={"language": "fa", "next": "/"}),
    # Dashboards: a provincial user's home is their province's page.
    Probe("home", lambda c, s: f"/?year={YEAR}", "302 302 302 302 200 200"),
    Probe("province", lambda c, s: f"/province/{_code(s)}/?year={YEAR}", READ_SCOPED),
    Probe("office", lambda c, s: f"/office/{_office(c, s).pk}/?year={YEAR}", READ_SCOPED),
    Probe("breakdowns", lambda c, s: f"/breakdowns/?year={YEAR}&province={_code(s)}",
          READ_SCOPED),
    Probe("breakdowns", lambda c, s: f"/breakdowns/?year={YEAR}&office={_office(c, s).pk}",
          READ_SCOPED),
    Probe("export", lambda c, s: f"/export/province/{c['chart']}.csv?year={YEAR}&province={_code(s)}",
          READ_SCOPED),
    Probe("export", lambda c, s: f"/export/province/{c['chart']}.xlsx?year={YEAR}&province={_code(s)}",
          READ_SCOPED),
    Probe("api_progress", lambda c, s: f"/api/v1/progress?year={YEAR}&province={_code(s)}",
          API_SCOPED),
    Probe("api_progress", lambda c, s: f"/api/v1/progress?year={YEAR}", "401 200 200 200 200 200"),
    Probe("api_monthly", lambda c, s: f"/api/v1/monthly?year={YEAR}&province={_code(s)}",
          API_SCOPED),
    Probe("api_monthly", lambda c, s: f"/api/v1/monthly?year={YEAR}", "401 200 200 200 200 200"),
    # Monthly entry.
    Probe("entry:home", lambda c, s: "/entry/", "302 302 302 302 200 200"),
    Probe("entry:home", lambda c, s: f"/entry/?province={_code(s)}",
          "302 302 404 302 302 302 | 302 404 302 404 302 302"),
    Probe("entry:matrix", lambda c, s: f"/entry/{_code(s)}/{YEAR}/", READ_SCOPED),
    Probe("entry:month", lambda c, s: f"/entry/office/{_office(c, s).pk}/{YEAR}/1/", READ_SCOPED),
    # An empty form is invalid (400) for those who may edit, refused (403) for the rest.
    Probe("entry:month", lambda c, s: f"/entry/office/{_office(c, s).pk}/{YEAR}/1/",
          "302 400 404 403 403 400 | 302 404 400 404 403 400", method="post"),
    Probe("entry:transition", lambda c, s: f"/entry/office/{_office(c, s).pk}/{YEAR}/1/step/",
          POST_ONLY),
    # Approving: staff may not (403); managers and admins are told a draft cannot be
    # approved yet (a message and a redirect); other provinces answer 404.
    Probe("entry:transition", lambda c, s: f"/entry/office/{_office(c, s).pk}/{YEAR}/1/step/",
          "302 403 404 302 302 302 | 302 404 403 404 302 302", method="post",
          data={"action": "approve", "version": "1", "comment": ""}),
    Probe("entry:notes", lambda c, s: f"/entry/{_code(s)}/notes/", READ_SCOPED),
    Probe("entry:note_new", lambda c, s: f"/entry/{_code(s)}/notes/new/", READ_SCOPED),
    Probe("entry:note_edit", lambda c, s: f"/entry/{_code(s)}/notes/{c['note'][s].pk}/",
          READ_SCOPED),
    # A Zanjan note asked for under Tehran's code is not found, even for national users.
    Probe("entry:note_edit", lambda c, s: f"/entry/{_code('T' if s == 'Z' else 'Z')}/notes/{c['note'][s].pk}/",
          "302 404 404 404 404 404 | 302 404 404 404 404 404"),
    Probe("entry:sheet", lambda c, s: f"/entry/{_code(s)}/{YEAR}/1/sheet.xlsx", READ_SCOPED),
    Probe("entry:sheet_pick", lambda c, s: f"/entry/{_code(s)}/sheet/?year={YEAR}&month=1",
          "302 302 404 302 302 302 | 302 404 302 404 302 302"),
    Probe("entry:upload", lambda c, s: f"/entry/{_code(s)}/upload/", ENTER_SCOPED),
    Probe("entry:upload", lambda c, s: f"/entry/{_code(s)}/upload/",
          "302 400 404 403 403 400 | 302 404 400 404 403 400", method="post"),
    Probe("entry:upload_confirm", lambda c, s: f"/entry/{_code(s)}/upload/confirm/", POST_ONLY),
    Probe("entry:upload_confirm", lambda c, s: f"/entry/{_code(s)}/upload/confirm/",
          "302 302 404 403 403 302 | 302 404 302 404 403 302", method="post"),
    # The audit trail: admins only.
    Probe("audit", lambda c, s: f"/audit/?province={c['province'][s].pk}",
          "302 403 403 403 403 200 | 302 403 403 403 403 200"),
    Probe("audit_csv", lambda c, s: f"/audit/audit.csv?province={c['province'][s].pk}",
          "302 403 403 403 403 200 | 302 403 403 403 403 200"),
]  # fmt: skip

# --- the admin -------------------------------------------------------------------------------
# For each registered model: who may view, add/change and delete, and how it reaches a
# province ("" = not province data: a reference list, for national admins only).
NATIONAL_ADMIN = ("admin",)
STAFF, MANAGERS = ("zanjan_staff", "tehran_staff"), ("zanjan_manager", "national_manager")
ADMIN_MODELS = {
    # Deleting a province or a list entry in use is refused by PROTECT (the page says why).
    "programs.province": dict(view=NATIONAL_ADMIN, edit=NATIONAL_ADMIN, delete=NATIONAL_ADMIN),
    "programs.scheme": dict(view=NATIONAL_ADMIN, edit=NATIONAL_ADMIN, delete=NATIONAL_ADMIN),
    "loans.bank": dict(view=NATIONAL_ADMIN, edit=NATIONAL_ADMIN, delete=NATIONAL_ADMIN),
    "loans.fundingsource": dict(view=NATIONAL_ADMIN, edit=NATIONAL_ADMIN, delete=NATIONAL_ADMIN),
    "programs.user": dict(view=NATIONAL_ADMIN, edit=NATIONAL_ADMIN, delete=NATIONAL_ADMIN),
    "programs.entrysettings": dict(view=NATIONAL_ADMIN, edit=(), delete=(), single=True),
    # Admins manage county offices; staff and managers read their province's list.
    "programs.countyoffice": dict(
        view=STAFF + MANAGERS + ("admin",), edit=("admin",), delete=(), scoped=True
    ),
    "programs.monthlyreport": dict(
        view=STAFF + MANAGERS + ("admin",), edit=STAFF + ("admin",), delete=("admin",), scoped=True
    ),
    "programs.target": dict(
        view=STAFF + MANAGERS + ("admin",), edit=("admin",), delete=("admin",), scoped=True
    ),
    # django-axes' log-in records: superusers only, and nobody adds them by hand.
    "axes.accessattempt": dict(view=NATIONAL_ADMIN, edit=(), delete=NATIONAL_ADMIN, axes=True),
    "axes.accesslog": dict(view=NATIONAL_ADMIN, edit=(), delete=NATIONAL_ADMIN, axes=True),
    "axes.accessfailurelog": dict(view=NATIONAL_ADMIN, edit=(), delete=NATIONAL_ADMIN, axes=True),
}
IN_SCOPE = {
    "zanjan_staff": {"Z"},
    "tehran_staff": {"T"},
    "zanjan_manager": {"Z"},
    "national_manager": {"Z", "T"},
    "admin": {"Z", "T"},
}


def _admin_status(policy, action, role, side):
    """The status the admin must answer, from the policy above."""
    if role == "anonymous":
        return 302
    scoped = policy.get("scoped", False)
    out_of_scope = scoped and side not in IN_SCOPE[role]
    if action == "changelist":
        if role not in policy["view"]:
            return 403
        return 302 if policy.get("single") else 200
    if action == "add":
        if policy.get("single") or policy.get("axes"):
            return 403  # one settings row; log-in records are written by axes only
        return 200 if role in policy["edit"] else 403
    if out_of_scope:
        # Another province's row: not found; its history pages refuse (403) before looking.
        return 403 if action in ("history", "simple_history") else 404
    if action in ("change", "history", "simple_history"):
        return 200 if role in policy["view"] else 403
    if action == "delete":
        return 200 if role in policy["delete"] else 403
    raise AssertionError(action)


def _admin_probes():
    probes = []
    for model in admin.site._registry:
        label = model._meta.label_lower
        policy = ADMIN_MODELS.get(label)
        if policy is None:
            continue  # reported by test_every_admin_model_has_a_policy
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        for action in ("changelist", "add", "change", "delete", "history", "simple_history"):
            name = f"admin:{info}_{action}"
            probes.append((name, label, action, policy))
    return probes


ADMIN_SITE_PAGES = [
    Probe("admin:index", lambda c, s: "/admin/", "302 200 200 200 200 200"),
    Probe("admin:login", lambda c, s: "/admin/login/", "200 302 302 302 302 302"),
    Probe("admin:logout", lambda c, s: "/admin/logout/", "302 405 405 405 405 405"),
    Probe("admin:password_change", lambda c, s: "/admin/password_change/", "302 200 200 200 200 200"),
    Probe("admin:password_change_done", lambda c, s: "/admin/password_change/done/",
          "302 200 200 200 200 200"),
    Probe("admin:jsi18n", lambda c, s: "/admin/jsi18n/", "302 200 200 200 200 200"),
    Probe("admin:autocomplete", lambda c, s: "/admin/autocomplete/", "302 403 403 403 403 403"),
    Probe("admin:view_on_site", lambda c, s: f"/admin/r/{c['office_ct']}/{_office(c, s).pk}/",
          "302 404 404 404 404 404 | 302 404 404 404 404 404"),
    Probe("admin:app_list", lambda c, s: "/admin/programs/", "302 200 200 200 200 200"),
    Probe("admin:app_list", lambda c, s: "/admin/loans/", "302 404 404 404 404 200"),
    Probe("admin:app_list", lambda c, s: "/admin/axes/", "302 404 404 404 404 200"),
    Probe("admin:auth_user_password_change",
          lambda c, s: f"/admin/programs/user/{c['user'][s].pk}/password/",
          "302 403 403 403 403 200 | 302 403 403 403 403 200"),
]  # fmt: skip


# --- the test data ---------------------------------------------------------------------------


def _people(zanjan, tehran):
    def make(username, role, province=None, **extra):
        return User.objects.create_user(
            username=username, password=PASSWORD, role=role, province=province,
            is_staff=True, **extra,
        )  # fmt: skip

    return {
        "anonymous": None,
        "zanjan_staff": make("zanjan_staff", "staff", zanjan),
        "tehran_staff": make("tehran_staff", "staff", tehran),
        "zanjan_manager": make("zanjan_manager", "manager", zanjan),
        "national_manager": make("national_manager", "manager"),
        "admin": make("sysadmin", "admin", is_superuser=True),
    }


@pytest.fixture(scope="module")
def ctx(django_db_setup, django_db_blocker):
    """The people and objects, built once for the module inside a transaction that is
    rolled back at its end; each test runs in its own savepoint (the `db` fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_ctx()
        transaction.set_rollback(True)


def _build_ctx():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.contenttypes.models import ContentType

    zanjan, tehran = Province.objects.get(code="IR-19"), Province.objects.get(code="IR-23")
    people = _people(zanjan, tehran)
    office = {
        "Z": CountyOffice.objects.filter(province=zanjan).order_by("pk").first(),
        "T": CountyOffice.objects.filter(province=tehran).order_by("pk").first(),
    }
    scheme = Scheme.objects.first()
    for side, by in (("Z", people["zanjan_staff"]), ("T", people["tehran_staff"])):
        apply_values(
            values=[FigureValue(office[side].pk, YEAR, 1, "jobs", 5, scheme_id=scheme.pk)], by=by
        )
    province = {"Z": zanjan, "T": tehran}
    for side in "ZT":
        apply_targets(
            values=[TargetValue(YEAR, province[side].pk, "jobs", 100)], by=people["admin"]
        )
    note = {
        side: FieldNote.objects.create(
            office=office[side],
            noted_on=dt.date(2024, 5, 1),
            area="banking",
            text="صف طولانی بانک",
            created_by=people["admin"],
        )  # fmt: skip
        for side in "ZT"
    }
    report = {s: MonthlyReport.objects.get(office=office[s], year=YEAR, month=1) for s in "ZT"}
    target = {s: Target.objects.get(province=province[s], year=YEAR, office=None) for s in "ZT"}
    attempt = AccessAttempt.objects.create(
        username="x", ip_address="10.0.0.1", failures_since_start=1
    )
    log = AccessLog.objects.create(username="x", ip_address="10.0.0.1")
    failure = AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1")
    objects = {
        "programs.province": province,
        "programs.countyoffice": office,
        "programs.monthlyreport": report,
        "programs.target": target,
        "programs.scheme": {"Z": scheme, "T": Scheme.objects.last()},
        "loans.bank": {"Z": Bank.objects.first(), "T": Bank.objects.last()},
        "loans.fundingsource": {"Z": FundingSource.objects.first(), "T": FundingSource.objects.last()},
        "programs.user": {"Z": people["zanjan_staff"], "T": people["tehran_staff"]},
        "programs.entrysettings": {"Z": EntrySettings.load(), "T": EntrySettings.load()},
        "axes.accessattempt": {"Z": attempt, "T": attempt},
        "axes.accesslog": {"Z": log, "T": log},
        "axes.accessfailurelog": {"Z": failure, "T": failure},
    }  # fmt: skip
    from reports import charts
    from reports.views import _page_data

    chart = _page_data("province", charts.Scope("province", province=zanjan), YEAR)["charts"][0].id
    return {
        "people": people,
        "office": office,
        "province": province,
        "note": note,
        "objects": objects,
        "chart": chart,
        "user": {"Z": people["zanjan_staff"], "T": people["tehran_staff"]},
        "office_ct": ContentType.objects.get_for_model(CountyOffice).pk,
    }


def _request(client, ctx, role, method, path, data):
    client.logout()
    if ctx["people"][role] is not None:
        client.force_login(ctx["people"][role])
    return getattr(client, method)(path, data) if method == "post" else client.get(path)


# Redirects that do not mean "log in first".
OPEN_REDIRECTS = {"logout", "set_language", "admin:logout"}


def _run(client, ctx, probe: Probe):
    wrong = []
    for (role, side), status in probe.expected().items():
        path = probe.path(ctx, side)
        response = _request(client, ctx, role, probe.method, path, probe.data)
        if response.status_code != status:
            wrong.append(
                f"{probe.method.upper()} {path} as {role}: {response.status_code}, expected {status}"
            )
        elif (
            role == "anonymous"
            and status == 302
            and probe.name not in OPEN_REDIRECTS
            and "/login/" not in response["Location"]
        ):
            wrong.append(f"{path} as anonymous: redirected to {response['Location']}")
    return wrong


# --- the tests -------------------------------------------------------------------------------


def _url_names():
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                walk(
                    pattern.url_patterns,
                    f"{namespace}:{ns}" if namespace and ns else ns or namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_name_is_in_the_matrix():
    covered = {p.name for p in PAGES + ADMIN_SITE_PAGES} | {p[0] for p in _admin_probes()}
    missing = sorted(_url_names() - covered)
    assert not missing, f"URL names without an entry in the permission matrix: {missing}"


def test_every_admin_model_has_a_policy():
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert sorted(registered - ADMIN_MODELS.keys()) == [], "admin models without a policy"
    assert sorted(ADMIN_MODELS.keys() - registered) == [], "policies for unregistered models"


@pytest.mark.parametrize("probe", PAGES + ADMIN_SITE_PAGES, ids=lambda p: f"{p.method}-{p.name}")
def test_page_permissions(db, client, ctx, probe):
    wrong = _run(client, ctx, probe)
    assert not wrong, "\n".join(wrong)


def _admin_path(ctx, label, action, side):
    from django.urls import reverse

    app_label, model_name = label.split(".")
    name = f"admin:{app_label}_{model_name}_{action}"
    if action in ("changelist", "add"):
        return reverse(name)
    obj = ctx["objects"][label][side]
    if action == "simple_history":
        version = obj.history.order_by("history_id").first()
        return f"/admin/{app_label}/{model_name}/{obj.pk}/history/{version.history_id}/"
    return reverse(name, args=[obj.pk])


@pytest.mark.parametrize(
    "name,label,action,policy",
    [p for p in _admin_probes() if p[0] in _url_names()],
    ids=lambda v: v if isinstance(v, str) and v.startswith("admin:") else "",
)
def test_admin_permissions(db, client, ctx, name, label, action, policy):
    wrong = []
    for role in ROLES:
        for side in ("Z", "T"):
            expected = _admin_status(policy, action, role, side)
            path = _admin_path(ctx, label, action, side)
            response = _request(client, ctx, role, "get", path, {})
            if response.status_code != expected:
                wrong.append(f"GET {path} as {role}: {response.status_code}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_matrix_size_is_reported(capsys):
    """Not a rule: prints the matrix size for the report (URL names × roles × sides)."""
    page_cells = sum(len(p.expected()) for p in PAGES + ADMIN_SITE_PAGES)
    admin_cells = len([p for p in _admin_probes() if p[0] in _url_names()]) * len(ROLES) * 2
    names = len(_url_names())
    with capsys.disabled():
        print(
            f"\npermission matrix: {names} URL names, {len(ROLES)} roles, "
            f"{page_cells + admin_cells} requests"
        )
    assert page_cells + admin_cells > names * len(ROLES)
