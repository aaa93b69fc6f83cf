"""Several workers, one shared cache: a save is seen at once by every worker.

The production set-ups of the README, for real: gunicorn with three worker
processes and DEBUG off, on

- PostgreSQL (the suite's database) with `CACHE_URL=redis://…` (a Redis of the
  test's own, started on a free port, run as a cache without persistence);
- SQLite (a database file of the test's own, migrated and loaded by
  `manage.py`) with `CACHE_URL=db://`, the database cache, whose repeated
  reads are answered from each worker's memory while SQLite says nothing
  has been committed since (reliefjobs.dbcache).

The test warms every worker's view of a county office's figures, saves the
month through the month form (one request to one worker), and then reads the
province dashboard, the progress API and the offices export through many
concurrent requests; gunicorn's access log (with each worker's pid) shows
they landed on every worker. With Redis, Redis is then stopped: pages still
answer from the database and a save still succeeds; Redis comes back, and
the next save and reads are right again. On SQLite, a logout in one worker
is then seen at once by every other.

Business rules checked:
- no read after a save shows the old figure, on any worker, on any page kind;
- with the cache down nothing fails and nothing is lost; it recovers when the
  cache returns;
- after a logout no worker answers the session's pages.

PostgreSQL and Redis run in the second half of .ci/run, SQLite in the first.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from programs.entry_queries import jobs_key
from programs.models import CountyOffice, MonthlyReport, Scheme
from tests.conftest import SUITE_DAY

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 3
YEAR, MONTH = 1405, 8

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").split(":")[0] in ("postgres", "postgresql")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port} after {timeout} s")


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class FormInputs(HTMLParser):
    """The named inputs of the form that holds `button_name`."""

    def __init__(self, button_name):
        super().__init__()
        self.button_name = button_name
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"fields": {}, "buttons": set()}
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "button", "textarea"):
            name = attrs.get("name")
            if not name:
                return
            kind = attrs.get("type", "text" if tag != "button" else "submit")
            if kind == "submit":
                self.current["buttons"].add(name)
            elif kind != "checkbox" or "checked" in attrs:
                self.current["fields"][name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None

    def fields(self):
        return next(f["fields"] for f in self.forms if self.button_name in f["buttons"])


class Site:
    """Plain HTTP requests to the gunicorn server, one connection each."""

    def __init__(self, port, session_key):
        self.base = f"http://127.0.0.1:{port}"
        self.cookies = {"sessionid": session_key}

    def request(self, path, data=None):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                self._keep_cookies(response)
                return response.status, response.read().decode("utf-8-sig")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def csrf(self) -> str:
        return self.cookies["csrftoken"]

    def _keep_cookies(self, response):
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == "csrftoken":
                self.cookies[name] = rest.split(";")[0]

    def save_jobs(self, office, scheme, jobs):
        url = f"/entry/office/{office.pk}/{YEAR}/{MONTH}/"
        status, page = self.request(url)
        assert status == 200, page[:500]
        parser = FormInputs("save")
        parser.feed(page)
        fields = parser.fields()
        fields[jobs_key(scheme.pk)] = str(jobs)
        fields["save"] = "1"
        status, page = self.request(url, fields)
        assert status in (200, 302), (status, page[:500])


def readings(site, office):
    """What the dashboard, the API and the export say about the office's jobs."""
    status, page = site.request(f"/province/{office.province.code}/?year={YEAR}")
    assert status == 200
    status, api = site.request(f"/api/v1/progress?year={YEAR}&province={office.province.code}")
    assert status == 200
    (row,) = [r for r in json.loads(api)["rows"] if r["code"] == office.pk]
    status, exported = site.request(
        f"/export/province/offices.csv?year={YEAR}&province={office.province.code}"
    )
    assert status == 200
    exported_rows = [r for r in csv.reader(io.StringIO(exported)) if office.name in r]
    return page, row["jobs"], exported_rows


def read_everywhere(site, office, jobs, rounds=24):
    """Many concurrent reads; every one must show `jobs` for the office."""

    def one(_):
        page, api_jobs, exported_rows = readings(site, office)
        assert api_jobs == jobs
        assert len(exported_rows) == 1 and str(jobs) in exported_rows[0], exported_rows
        assert f'"{office.name}"' in page or office.name in page
        return True

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(one, range(rounds)))


@pytest.fixture
def redis():
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@contextmanager
def gunicorn(tmp_path: Path, database_url: str, cache_url: str):
    """gunicorn with WORKERS workers on a free port: (port, its access log)."""
    port = free_port()
    access_log = tmp_path / "access.log"
    env = {**os.environ, **server_env(database_url, cache_url)}
    env.pop("PYTEST_CURRENT_TEST", None)
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "reliefjobs.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--timeout",
        "60",
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        "%(p)s %(m)s %(U)s %(s)s",
    ]
    errors = (tmp_path / "gunicorn.log").open("w")  # a pipe nobody reads would fill and block
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=errors, stderr=errors)
    try:
        wait_for_port(port)
        yield port, access_log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        errors.close()


def server_env(database_url: str, cache_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the sessions the test signs
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SSL_REDIRECT": "0",
        "RELIEFJOBS_TESTING": "0",
        "RELIEFJOBS_TODAY": SUITE_DAY,  # the server stands on the suite's day too
    }


def workers_seen(access_log: Path, path_prefix: str) -> set[str]:
    pids = set()
    for line in access_log.read_text().splitlines():
        pid, _method, path, status = line.split()
        if path.startswith(path_prefix) and status == "200":
            pids.add(pid)
    return pids


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not ON_POSTGRESQL, reason="the suite's PostgreSQL (second half of .ci/run)")
@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_a_save_is_seen_at_once_by_every_worker_and_survives_the_cache_going_down(
    redis, zanjan_staff, tmp_path
):
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    with gunicorn(tmp_path, database_url, f"redis://127.0.0.1:{redis.port}/0") as server:
        port, access_log = server
        # select_related: the reading threads must not open database connections of their own
        office = (
            CountyOffice.objects.select_related("province")
            .filter(province=zanjan_staff.province)
            .order_by("name")
            .first()
        )
        scheme = Scheme.objects.order_by("pk").first()
        client = Client()
        client.force_login(zanjan_staff)
        site = Site(port, client.cookies["sessionid"].value)

        site.save_jobs(office, scheme, 11)
        assert MonthlyReport.objects.get(office=office, year=YEAR, month=MONTH).jobs == 11
        read_everywhere(site, office, 11)  # every worker has the page, the API and the file cached

        for jobs in (12, 345):
            site.save_jobs(office, scheme, jobs)
            read_everywhere(site, office, jobs)
        assert len(workers_seen(access_log, "/api/v1/progress")) == WORKERS

        redis.stop()  # the cache goes down: pages from the database, saves still succeed
        read_everywhere(site, office, 345, rounds=8)
        site.save_jobs(office, scheme, 678)
        assert MonthlyReport.objects.get(office=office, year=YEAR, month=MONTH).jobs == 678
        read_everywhere(site, office, 678, rounds=8)

        redis.start()  # it comes back (empty, as a cache without persistence does)
        read_everywhere(site, office, 678)
        site.save_jobs(office, scheme, 910)
        read_everywhere(site, office, 910)
        assert MonthlyReport.objects.get(office=office, year=YEAR, month=MONTH).jobs == 910


# SQLite: a database file every worker opens, set up as an operator would (migrate,
# then the reference data), and a staff user of Zanjan with a session, made by the
# same settings the server runs with.
SQLITE_SETUP = """
import json
from django.core.management import call_command
from programs.models import CountyOffice, Province, Scheme, User
from reports.bench import logged_in_session
call_command("load_reference", verbosity=0)
province = Province.objects.get(code="IR-19")
user = User.objects.create_user("zanjan_staff", role="staff", province=province, is_staff=True)
office = CountyOffice.objects.filter(province=province).order_by("name").first()
print(json.dumps({"session": logged_in_session(user), "office": office.pk,
                  "scheme": Scheme.objects.order_by("pk").first().pk}))
"""


@pytest.mark.skipif(ON_POSTGRESQL, reason="runs once, in the SQLite half of .ci/run")
def test_on_sqlite_a_save_and_a_logout_are_seen_at_once_by_every_worker(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'reliefjobs.sqlite3'}"
    env = {**os.environ, **server_env(database_url, "db://")}
    env.pop("PYTEST_CURRENT_TEST", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    made = subprocess.run(
        [*manage, "shell", "-v", "0", "-c", SQLITE_SETUP],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    made = json.loads(made.stdout.strip().splitlines()[-1])
    database = sqlite3.connect(tmp_path / "reliefjobs.sqlite3")
    name, code = database.execute(
        "SELECT o.name, p.code FROM programs_countyoffice o "
        "JOIN programs_province p ON p.id = o.province_id WHERE o.id = ?",
        [made["office"]],
    ).fetchone()
    office = SimpleNamespace(pk=made["office"], name=name, province=SimpleNamespace(code=code))
    scheme = SimpleNamespace(pk=made["scheme"])

    def saved_jobs():
        (jobs,) = database.execute(
            "SELECT jobs FROM programs_monthlyreport WHERE office_id = ? AND year = ? AND month = ?",
            [office.pk, YEAR, MONTH],
        ).fetchone()
        return jobs

    with gunicorn(tmp_path, database_url, "db://") as (port, access_log):
        site = Site(port, made["session"])
        site.save_jobs(office, scheme, 11)
        assert saved_jobs() == 11
        read_everywhere(site, office, 11)  # every worker has the page, the API and the file
        for jobs in (12, 345):
            site.save_jobs(office, scheme, jobs)
            assert saved_jobs() == jobs
            read_everywhere(site, office, jobs)
        assert len(workers_seen(access_log, "/api/v1/progress")) == WORKERS

        status, _page = site.request("/accounts/logout/", {"csrfmiddlewaretoken": site.csrf()})
        assert status in (200, 302)
        api = f"/api/v1/progress?year={YEAR}&province={office.province.code}"
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: site.request(api)[0], range(24)))
        assert 200 not in statuses and set(statuses) <= {401, 403}, statuses
        assert len(workers_seen(access_log, "/api/v1/progress")) == WORKERS
    database.close()
