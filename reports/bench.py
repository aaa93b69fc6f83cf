"""`make bench`: the national-scale benchmark (see docs/benchmarks.md).

The driver (`run()`, in the `manage.py bench` process) never touches the
project's own database: it creates a separate one (an SQLite file under
bench-data/, or `<name>_bench` next to the PostgreSQL database of
DATABASE_URL), then runs each phase as a child `manage.py bench --phase …`
process pointed at it with production settings (DEBUG off), and gunicorn
(2 sync workers on a free 127.0.0.1 port) for the wrk runs:

1. setup: reference data (448 offices), users, targets; a figures file of
   every office × 2 years × every scheme, bank × funding source and measure
   (~280,000 rows) imported through `manage.py import_figures` (rows/s);
2. measure: median / p95 of in-process calls (Django test client, full
   middleware) and SQL query counts, cold (cache invalidated before every
   call) and warm;
3. wrk against gunicorn: /healthz, the progress API and the overview page,
   with ratios to /healthz from the same run; page weight of the overview;
4. grow: 10× the county offices per year (synthetic offices, bulk-inserted
   figures, rollups rebuilt), then 2 and 3 again.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench-data"
YEARS = (1402, 1403)
YEAR = 1403  # the year every view is measured for
HISTORY_YEARS = tuple(range(1394, 1402))  # with YEARS: ten years of figures (the "history" variant)
PROVINCE = "IR-23"  # Tehran: the province with the most county offices
LOANS_PER_MONTH = 8  # of the 14 bank × funding source pairs
REFERRALS_PER_MONTH = 4  # of the 7 banks

IN_PROCESS = [
    ("progress API, country", "/api/v1/progress?year={year}", "national"),
    ("progress API, province", "/api/v1/progress?year={year}&province={province}", "national"),
    ("monthly API, country", "/api/v1/monthly?year={year}", "national"),
    ("overview page", "/?year={year}", "national"),
    ("province page", "/province/{province}/?year={year}", "national"),
]
WRK = [
    ("/healthz", "/healthz", False),
    ("progress API", "/api/v1/progress?year={year}", True),
    ("overview page", "/?year={year}", True),
]
CONNECTIONS = 16  # wrk's connections: as many as a front proxy keeps open to the app


# ---------------------------------------------------------------- the driver


def bench_database_url(base_url: str) -> str:
    """The benchmark's own database, beside the project's."""
    if base_url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(base_url)
        name = parts.path.lstrip("/") or "reliefjobs"
        return urlunsplit(parts._replace(path=f"/{name}_bench"))
    return f"sqlite:///{DATA_DIR / 'bench.sqlite3'}"


def _recreate_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


REDIS_URL = "redis://127.0.0.1:6379/14"  # the bench's own Redis database, emptied first


def bench_caches(vendor: str) -> tuple[str, str | None]:
    """The shared cache every phase uses, and the other one measured beside it (1x only).

    Several workers need a shared cache: on SQLite (one server) the database
    cache is the one to use, on PostgreSQL Redis; BENCH_CACHE_URL overrides the
    first. The other is measured too, when Redis answers, so docs/benchmarks.md
    can say why.
    """
    redis_up = _redis_flush(REDIS_URL)
    primary = os.environ.get("BENCH_CACHE_URL") or (
        REDIS_URL if vendor == "postgresql" and redis_up else "db://"
    )
    other = REDIS_URL if primary == "db://" else "db://"
    return primary, (other if redis_up or other == "db://" else None)


def _redis_flush(url: str) -> bool:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError:
        return False
    return True


def bench_env(url: str, cache_url: str = "db://") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        CACHE_URL=cache_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="ERROR",
        RELIEFJOBS_TESTING="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env, *args, quiet=True) -> None:
    cmd = [sys.executable, str(BASE_DIR / "manage.py"), *args]
    subprocess.run(
        cmd, env=env, check=True, cwd=BASE_DIR, stdout=subprocess.DEVNULL if quiet else None
    )


def _phase(env, phase: str, **options) -> dict:
    out = DATA_DIR / f"phase-{phase}.json"
    out.unlink(missing_ok=True)
    args = ["bench", "--phase", phase, "--out", str(out)]
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    _manage(env, *args, quiet=False)
    return json.loads(out.read_text())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, app: str = "reliefjobs.wsgi", check: str = "/healthz"):
    """gunicorn with 2 sync workers on a free port (gunicorn.conf.py's other settings).

    Sync workers, not the gthread ones of gunicorn.conf.py: a sync worker
    takes one connection per request, as behind nginx without upstream
    keep-alive, so wrk's 16 connections spread over both workers. With
    gthread and keep-alive, which worker holds how many of wrk's connections
    is decided once, at connect, and the same run gave /healthz from 840 to
    2,600 req/s (docs/benchmarks.md).
    """
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(BASE_DIR / "gunicorn.conf.py"),
            "--worker-class",
            "sync",
            app,
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        env=env,
        cwd=BASE_DIR,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + check, timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


REPEATS = 10  # rounds of wrk runs; every URL once a round, the medians reported


def wrk(url: str, seconds: int, cookie: str | None, headers: dict | None = None) -> float:
    """Median req/s of REPEATS wrk runs of `seconds` each (one URL alone: the bare view)."""
    return statistics.median(_wrk_once(url, seconds, cookie, headers) for _ in range(REPEATS))


def _wrk_once(url: str, seconds: int, cookie: str | None, headers: dict | None = None) -> float:
    """Requests per second, with wrk bounded to `seconds` (wrk's own timer)."""
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 30).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"wrk {url}: {non2xx.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def wrk_runs(base: str, seconds: int, cookie: str) -> dict:
    """req/s of each URL of WRK, and of the overview as a browser asks for it (gzip),
    measured in REPEATS interleaved rounds, with each URL's ratio to /healthz.

    A core of this 2-core machine changes speed by up to 1.7x from one second
    to the next (the same loop, `core_speed`), so two URLs measured a minute
    apart are not compared on the same machine. Each round runs every URL once
    in turn, /healthz first; a URL's ratio is the median of its ratios to the
    /healthz of the same round, and its req/s the median of its runs.
    """
    targets = []
    for label, path, logged_in in WRK:
        url = base + path.format(year=YEAR, province=PROVINCE)
        targets.append((label, url, cookie if logged_in else None, None))
    gzip = {"Accept-Encoding": "gzip, deflate, br"}
    targets.append(("overview page, gzip", base + f"/?year={YEAR}", cookie, gzip))
    for _label, url, cookie_, headers in targets:
        urllib.request.urlopen(
            urllib.request.Request(url, headers={"Cookie": cookie_} if cookie_ else {})
        ).read()  # warm the cache
        _wrk_once(url, 1, cookie_, headers)  # and both workers (imports, templates)
    rounds = [
        {
            label: _wrk_once(url, seconds, cookie_, headers)
            for label, url, cookie_, headers in targets
        }
        for _ in range(REPEATS)
    ]
    labels = [t[0] for t in targets]
    results = {label: statistics.median(r[label] for r in rounds) for label in labels}
    results["ratio"] = {
        label: statistics.median(r[label] / r["/healthz"] for r in rounds) for label in labels
    }
    results["rounds"] = rounds
    results["spread"] = {
        label: [min(r[label] for r in rounds), max(r[label] for r in rounds)] for label in labels
    }
    return results


def wrk_bare(env, seconds: int) -> float:
    """req/s of a bare Django view (no middleware, no database): the ceiling of the stack."""
    with gunicorn(env, "reports.bench_bare:application", "/") as base:
        _wrk_once(base + "/", 1, None)
        return wrk(base + "/", seconds, None)


def page_weight(base: str, cookie: str) -> dict:
    """Compressed bytes of the overview's HTML, scripts, styles and fonts; first and repeat load.

    The HTML is gzipped here as a front proxy would (Django does not); static
    files are fetched as a browser would (Accept-Encoding: br, gzip) and
    count as their Content-Length on the wire. On a repeat load a file with a
    far-future max-age is not fetched again.
    """

    def fetch(path, headers=None):
        request = urllib.request.Request(
            base + path, headers={"Accept-Encoding": "br, gzip", **(headers or {})}
        )
        with urllib.request.urlopen(request) as response:
            return response.read(), response.headers

    html, _ = fetch(f"/?year={YEAR}", {"Cookie": cookie, "Accept-Encoding": "identity"})
    text = html.decode()
    html_bytes = len(gzip.compress(html, 6))
    assets = re.findall(r'<script[^>]+src="([^"]+)"', text)
    styles = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
    styles += re.findall(r'<link[^>]+href="([^"]+)"[^>]+rel="stylesheet"', text)
    files = []
    lang = re.search(r'<html[^>]+lang="(\w+)"', text)
    lang = lang.group(1) if lang else "fa"
    for path in assets + styles:
        body, headers = fetch(path)
        files.append((path, len(body), headers))
        if path in styles:
            css = _decompress(body, headers).decode()
            for font in _fonts_used(css, lang):
                font_path = str(Path(path).parent / font) if not font.startswith("/") else font
                font_path = os.path.normpath(font_path)
                fbody, fheaders = fetch(font_path)
                files.append((font_path, len(fbody), fheaders))
    rows = []
    for path, size, headers in files:
        cache_control = headers.get("Cache-Control", "")
        max_age = (
            int(re.search(r"max-age=(\d+)", cache_control).group(1))
            if "max-age" in cache_control
            else 0
        )
        rows.append(
            {
                "path": path,
                "bytes": size,
                "encoding": headers.get("Content-Encoding", "identity"),
                "max_age": max_age,
                "hashed": bool(re.search(r"\.[0-9a-f]{12}\.\w+$", path)),
            }
        )
    far_future = [r for r in rows if r["max_age"] >= 30 * 24 * 3600]
    return {
        "html": html_bytes,
        "first": html_bytes + sum(r["bytes"] for r in rows),
        "repeat": html_bytes + sum(r["bytes"] for r in rows if r not in far_future),
        "files": rows,
        "all_far_future": len(far_future) == len(rows),
        "all_hashed": all(r["hashed"] for r in rows),
    }


def _decompress(body: bytes, headers) -> bytes:
    encoding = headers.get("Content-Encoding", "")
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    return body


def _fonts_used(css: str, lang: str) -> list[str]:
    """The font files a browser downloads: the faces of the first family the page uses.

    Persian pages use "Vazirmatn FD" (Persian digits), English ones "Vazirmatn";
    a browser fetches a face only when text uses it, so the other family's
    files are not counted.
    """
    family = "Vazirmatn FD" if lang == "fa" else "Vazirmatn"
    found = []
    for block in re.findall(r"@font-face\s*{([^}]*)}", css):
        name = re.search(r'font-family:\s*"?([^";]+)"?', block)
        url = re.search(r'url\("?([^")]+)"?\)', block)
        if name and url and name.group(1).strip() == family:
            found.append(url.group(1))
    return found


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def cpu_share(seconds: float = 1.0) -> float:
    """The share of one core this process got while spinning for `seconds` (1.0 = an idle core).

    Other work on the machine (a test suite, another benchmark) slows every
    number below; this says by how much.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        sum(range(10_000))
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def core_speed(times: int = 20) -> list[float]:
    """Milliseconds for the same loop, `times` times in a row: how much one core's speed
    moves on this machine while nothing else runs (min and max go in the table)."""
    out = []
    for _ in range(times):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        out.append(round((time.perf_counter() - started) * 1000, 1))
    return out


def run(
    *,
    calls: int,
    seconds: int,
    scale: int,
    connections: int = CONNECTIONS,
    variants: int = 3,
    stdout,
) -> dict:
    """The whole benchmark; prints the table and returns the results."""
    global CONNECTIONS
    CONNECTIONS = connections
    started = time.monotonic()
    DATA_DIR.mkdir(exist_ok=True)
    url = bench_database_url(os.environ.get("DATABASE_URL", ""))
    vendor = "postgresql" if url.startswith("postgres") else "sqlite"
    stdout.write(f"bench database: {url.split('@')[-1]} ({vendor})\n")
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (make bench installs it with apt-get)")
    _recreate_database(url)
    cache_url, other_cache = bench_caches(vendor)
    env = bench_env(url, cache_url)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    results = {
        "vendor": vendor,
        "machine": machine(),
        "django_debug": False,
        "cache": cache_url.split("://")[0] + " (CACHE_URL=" + cache_url + ")",
        "connections": connections,
        "repeats": REPEATS,
        "seconds_per_run": seconds,
        "cpu_share_start": cpu_share(),
        "core_speed_ms": core_speed(),
        "load_start": os.getloadavg()[0],
    }
    setup = _phase(env, "setup")
    results["import"] = setup["import"]
    results["data"] = {"1x": setup["data"]}
    stdout.write(f"setup done in {time.monotonic() - started:.0f} s\n")
    results["bare_django"] = wrk_bare(env, seconds)
    for variant in ("1x", f"{scale}x", f"{scale}x, 10 years")[:variants]:
        if variant != "1x":
            years = "history" if "years" in variant else "offices"
            grown = _phase(env, "grow", scale=scale, what=years)
            results["data"][variant] = grown["data"]
            results.setdefault("grow_seconds", {})[variant] = grown["seconds"]
        measured = _phase(env, "measure", calls=calls)
        results.setdefault("in_process", {})[variant] = measured["rows"]
        results.setdefault("profile", {})[variant] = measured.get("profile", "")
        results.setdefault("explain", {})[variant] = measured.get("explain", {})
        with gunicorn(env) as base:
            results.setdefault("wrk", {})[variant] = wrk_runs(base, seconds, setup["cookie"])
            if variant == "1x":
                results["page_weight"] = page_weight(base, setup["cookie"])
        if variant == "1x" and other_cache:
            if other_cache.startswith("redis"):
                _redis_flush(other_cache)
            with gunicorn(bench_env(url, other_cache)) as base:
                results["wrk_other_cache"] = {
                    "cache": other_cache,
                    **wrk_runs(base, seconds, setup["cookie"]),
                }
        stdout.write(f"{variant} measured at {time.monotonic() - started:.0f} s\n")
    results["seconds"] = round(time.monotonic() - started)
    results["cpu_share_end"], results["load_end"] = cpu_share(), os.getloadavg()[0]
    (DATA_DIR / f"results-{vendor}.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False)
    )
    table = format_table(results)
    (DATA_DIR / f"results-{vendor}.md").write_text(table)
    stdout.write("\n" + table)
    return results


def format_table(r: dict) -> str:
    variants = list(r["in_process"])
    big = variants[-1]
    lines = [
        f"Machine: {r['machine']}; database: {r['vendor']}; cache: {r['cache']}; DEBUG off; "
        f"whole run {r['seconds']} s. Other load: a spinning loop got {r['cpu_share_start']:.0%} of a core "
        f"at the start and {r['cpu_share_end']:.0%} at the end (load average {r['load_start']:.1f} → "
        f"{r['load_end']:.1f}; 100% and < 1 mean an otherwise idle machine)."
        + _core_speed_text(r.get("core_speed_ms")),
        "",
        "| data | offices | monthly reports | figure lines |",
        "|---|---:|---:|---:|",
    ]
    for v, d in r["data"].items():
        lines.append(f"| {v} | {d['offices']:,} | {d['reports']:,} | {d['lines']:,} |")
    imp = r["import"]
    lines += [
        "",
        f"Import of the figures file through `import_figures`: {imp['rows']:,} rows in "
        f"{imp['seconds']:.1f} s, the whole command = **{imp['rows_per_s']:,.0f} rows/s** "
        f"(median of {len(imp['runs_s'])} runs into empty tables: "
        f"{', '.join(f'{x:.1f}' for x in imp['runs_s'])} s).",
        "",
        "| in-process (ms, queries) | "
        + " | ".join(
            f"{v} cold median / p95 | {v} warm median / p95 | {v} queries cold / warm"
            for v in variants
        )
        + " |",
        "|---|" + "---:|" * (3 * len(variants)),
    ]
    for i, row in enumerate(r["in_process"]["1x"]):
        cells = []
        for v in variants:
            x = r["in_process"][v][i]
            cells += [
                f"{x['cold_median_ms']:.1f} / {x['cold_p95_ms']:.1f}",
                f"{x['warm_median_ms']:.2f} / {x['warm_p95_ms']:.2f}",
                f"{x['cold_queries']} / {x['warm_queries']}",
            ]
        lines.append(f"| {row['label']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"gunicorn, 2 sync workers, wrk `-t2 -c{r.get('connections', CONNECTIONS)}`, "
        "whole requests over loopback, a logged-in national manager for the API and the pages "
        "(a browser's session and CSRF cookies as a header); no `Accept-Encoding` unless the "
        f"row says gzip. {r.get('repeats', 1)} rounds of {r.get('seconds_per_run', '?')}-second "
        "runs, every URL once a round in turn; req/s is the median of a URL's runs, × /healthz "
        "the median of its ratios to the /healthz run of the same round (every run in the "
        f"JSON). A bare Django view (no middleware, no database) answered {r['bare_django']:,.0f} "
        "req/s in the same run.",
        "",
        "| wrk (req/s) | " + " | ".join(f"{v} req/s | {v} × /healthz" for v in variants) + " |",
        "|---|" + "---:|" * (2 * len(variants)),
    ]
    for label in _wrk_labels(r["wrk"]["1x"]):
        cells = []
        for v in variants:
            w = r["wrk"][v]
            cells += [f"{w[label]:,.0f}", f"{w['ratio'][label]:.2f}"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append(
        f"| (bare Django view) | {r['bare_django']:,.0f} | "
        f"{r['bare_django'] / r['wrk']['1x']['/healthz']:.2f} |" + " |" * (2 * len(variants) - 2)
    )
    other = r.get("wrk_other_cache")
    if other:
        lines += [
            "",
            f"The same at 1x with the other shared cache, CACHE_URL={other['cache']}:",
            "",
            "| wrk (req/s) | req/s | × /healthz |",
            "|---|---:|---:|",
        ]
        lines += [
            f"| {label} | {other[label]:,.0f} | {other['ratio'][label]:.2f} |"
            for label in _wrk_labels(other)
        ]
    pw = r["page_weight"]
    lines += [
        "",
        f"Overview page weight (compressed): first load **{pw['first'] / 1024:,.0f} KiB** "
        f"(target ≤ 800 KB), repeat load **{pw['repeat'] / 1024:,.1f} KiB** (target ≤ 50 KB); "
        f"static files hashed: {'yes' if pw['all_hashed'] else 'no'}, far-future cache: "
        f"{'yes' if pw['all_far_future'] else 'no'}.",
        "",
        "| file | bytes on the wire | encoding | max-age (s) |",
        "|---|---:|---|---:|",
        f"| HTML (gzip -6) | {pw['html']:,} | gzip | 0 |",
    ]
    for f in pw["files"]:
        lines.append(f"| {f['path']} | {f['bytes']:,} | {f['encoding']} | {f['max_age']:,} |")
    ip_big = {row["label"]: row for row in r["in_process"][big]}
    same_queries = all(
        (a["cold_queries"], a["warm_queries"])
        == (ip_v[a["label"]]["cold_queries"], ip_v[a["label"]]["warm_queries"])
        for v in variants[1:]
        for ip_v in [{row["label"]: row for row in r["in_process"][v]}]
        for a in r["in_process"]["1x"]
    )
    import_goal = 30_000 if r["vendor"] == "sqlite" else 20_000
    cold = ip_big["progress API, country"]["cold_median_ms"]

    def ratio_rows(label, key, goal):
        out = []
        for v in variants:
            ratio = r["wrk"][v]["ratio"][key]
            out.append(
                f"| {label} ≥ {goal} × /healthz ({v}) | {ratio:.2f} × | "
                f"{'yes' if ratio >= goal else 'no'} |"
            )
        return out

    lines += [
        "",
        "| target | measured | met |",
        "|---|---:|:---:|",
        *ratio_rows("overview page", "overview page", 0.5),
        *ratio_rows("progress API", "progress API", 0.8),
        f"| same query counts at {', '.join(variants)} | {'identical' if same_queries else 'different'} | "
        f"{'yes' if same_queries else 'no'} |"
        if len(variants) > 1
        else "| same query counts with more data | not measured (one variant) | |",
        f"| cold national progress at {big} ≤ 20 ms | {cold:.1f} ms | {'yes' if cold <= 20 else 'no'} |",
        f"| import ≥ {import_goal:,} rows/s (whole command) | {imp['rows_per_s']:,.0f} | "
        f"{'yes' if imp['rows_per_s'] >= import_goal else 'no'} |",
        f"| first load ≤ 800 KB | {pw['first'] / 1000:,.0f} KB | {'yes' if pw['first'] <= 800_000 else 'no'} |",
        f"| repeat load ≤ 50 KB | {pw['repeat'] / 1000:,.1f} KB | {'yes' if pw['repeat'] <= 50_000 else 'no'} |",
        "",
    ]
    for label, plan in r.get("explain", {}).get(big, {}).items():
        lines += [f"EXPLAIN at {big}, {label}:", "", "```", plan, "```", ""]
    profile = "\n".join(r.get("profile", {}).get(big, "").strip().splitlines()[:30])
    if profile:
        lines += [
            f"cProfile of 20 cold national progress calls at {big} (top entries by own time):",
            "",
            "```",
            profile,
            "```",
            "",
        ]
    return "\n".join(lines)


def _wrk_labels(w: dict) -> list[str]:
    return [k for k in w if k not in ("spread", "ratio", "rounds", "cache")]


def _core_speed_text(times) -> str:
    if not times:
        return ""
    return (
        f" One core ran the same loop in {min(times):.0f}–{max(times):.0f} ms "
        f"({len(times)} times in a row at the start)."
    )


# ------------------------------------------------- phases (bench database)


def _dimensions():
    from loans.models import Bank, FundingSource
    from programs.models import Scheme

    schemes = list(Scheme.objects.order_by("pk"))
    banks = list(Bank.objects.order_by("pk"))
    sources = list(FundingSource.objects.order_by("pk"))
    pairs = [(b, f) for b in banks for f in sources]
    return schemes, banks, pairs


def _month_values(rng, schemes, banks, pairs):
    """One office-month: every scheme, 8 bank × source pairs, 4 banks' referrals, 2 scalars."""
    jobs = {s: rng.randint(0, 12) for s in schemes}
    loans = {}
    for pair in rng.sample(pairs, LOANS_PER_MONTH):
        count = rng.randint(0, 6)
        loans[pair] = (count, count * rng.randint(50, 400) * 10_000_000)
    referrals = {b: rng.randint(0, 9) for b in rng.sample(banks, REFERRALS_PER_MONTH)}
    return jobs, loans, referrals, rng.randint(0, 30), rng.randint(0, 3)


def write_figures_file(path: Path, offices, seed: int = 1) -> int:
    import csv

    rng = random.Random(seed)
    schemes, banks, pairs = _dimensions()
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "province",
                "county",
                "year",
                "month",
                "measure",
                "scheme",
                "bank",
                "funding_source",
                "value",
            ]
        )
        for office in offices:
            code = office.province.code
            for year in YEARS:
                for month in range(1, 13):
                    jobs, loans, referrals, trainees, exits = _month_values(
                        rng, schemes, banks, pairs
                    )
                    base = [code, office.name, year, month]
                    for s, v in jobs.items():
                        out.writerow([*base, "jobs", s.name, "", "", v])
                    for (b, f), (count, amount) in loans.items():
                        out.writerow([*base, "loans_count", "", b.name, f.name, count])
                        out.writerow([*base, "loans_amount_rial", "", b.name, f.name, amount])
                    for b, v in referrals.items():
                        out.writerow([*base, "referred_to_bank", "", b.name, "", v])
                    out.writerow([*base, "trainees", "", "", "", trainees])
                    out.writerow([*base, "exits", "", "", "", exits])
                    rows += 4 + 2 * len(loans) + len(referrals) + 2
    return rows


def _data_size() -> dict:
    from loans.models import LoanFigure, ReferralFigure
    from programs.models import CountyOffice, JobsFigure, MonthlyReport

    return {
        "offices": CountyOffice.objects.count(),
        "reports": MonthlyReport.objects.count(),
        "lines": JobsFigure.objects.count()
        + LoanFigure.objects.count()
        + ReferralFigure.objects.count(),
    }


def logged_in_session(user) -> str:
    """The key of a new session in which `user` is logged in, as a login would leave it
    (its inactivity timer just restarted): for a server started by the bench or a test."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from reliefjobs.security import TOUCH_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "reliefjobs.auth.CachedModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[TOUCH_KEY] = int(time.time())
    session.create()
    return session.session_key


def phase_setup() -> dict:
    from django.core.management import call_command

    from programs.models import CountyOffice, Province, User
    from programs.services import TargetValue, apply_targets

    call_command("load_reference", verbosity=0)
    national = User.objects.create_user("bench_national", password="bench-pass-123", role="manager")
    admin = User.objects.create_user("bench_admin", role="admin", is_superuser=True, is_staff=True)
    offices = list(CountyOffice.objects.select_related("province").order_by("pk"))
    path = DATA_DIR / "figures.csv"
    rows = write_figures_file(path, offices)
    # The whole command, as an operator runs it (interpreter start-up, Django set-up, the
    # read, the checks, the writes and the commit). Random figures trip the outlier warnings
    # (programs.rules); the benchmark accepts them. Three runs into emptied tables, the
    # median reported: one run moved by about 10 % on the 2-core machine.
    runs = []
    for attempt in range(IMPORT_RUNS):
        if attempt:
            _empty_figures()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(BASE_DIR / "manage.py"), "import_figures", str(path)]
            + ["--accept-warnings", "--reason", "benchmark data"],
            check=True,
            cwd=BASE_DIR,
            stdout=subprocess.DEVNULL,
        )
        runs.append(time.perf_counter() - started)
    seconds = statistics.median(runs)
    targets = []
    for year in YEARS:
        for province in Province.objects.all():
            for measure, value in (
                ("jobs", 4000),
                ("loans_count", 3000),
                ("loans_amount_rial", 500_000_000_000),
                ("trainees", 3000),
            ):
                targets.append(
                    TargetValue(year=year, province_id=province.pk, measure=measure, value=value)
                )
        for office in offices:
            targets.append(
                TargetValue(
                    year=year,
                    province_id=office.province_id,
                    office_id=office.pk,
                    measure="jobs",
                    value=300,
                )
            )
    apply_targets(values=targets, by=admin)
    session_key = logged_in_session(national)
    from django.conf import settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    # A logged-in browser's cookies: the session, and the CSRF cookie the login page set.
    csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    return {
        "import": {
            "rows": rows,
            "seconds": seconds,
            "rows_per_s": rows / seconds,
            "runs_s": [round(r, 2) for r in runs],
        },
        "data": _data_size(),
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
    }


IMPORT_RUNS = 3


def _empty_figures() -> None:
    """Every figure the import wrote, with its history and rollups, gone: the next run
    imports into empty tables again (TRUNCATE on PostgreSQL, DELETE and VACUUM on
    SQLite give back the space)."""
    from django.db import connection

    from loans.models import LoanFigure, ReferralFigure
    from programs.models import JobsFigure, MonthlyReport, WarningConfirmation
    from reports import rollups

    models = [WarningConfirmation, JobsFigure, LoanFigure, ReferralFigure, MonthlyReport]
    models += [m.history.model for m in (JobsFigure, LoanFigure, ReferralFigure, MonthlyReport)]
    tables = [connection.ops.quote_name(m._meta.db_table) for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
    rollups.rebuild()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # the file compact again, as for the first run
            cursor.execute("VACUUM")


def phase_grow(scale: int) -> dict:
    """Add (scale - 1) synthetic offices per real one, with figures for every month of YEARS."""
    from django.db import transaction

    from programs.models import CountyOffice
    from reliefjobs.lib.text import normalize_name
    from reports import rollups

    started = time.perf_counter()
    real = list(CountyOffice.objects.order_by("pk"))
    with transaction.atomic():
        CountyOffice.objects.bulk_create(
            [
                CountyOffice(
                    province_id=o.province_id,
                    name=f"{o.name} {i}",
                    name_key=normalize_name(f"{o.name} {i}"),
                )
                for i in range(2, scale + 1)
                for o in real
            ],
            batch_size=2000,
        )
        new_ids = list(
            CountyOffice.objects.exclude(pk__in=[o.pk for o in real]).values_list("pk", flat=True)
        )
        _insert_months(new_ids, YEARS, random.Random(2))
        rollups.rebuild()
    return {"data": _data_size(), "seconds": time.perf_counter() - started}


def phase_history() -> dict:
    """Eight earlier years (HISTORY_YEARS) for every office: ten years of figures in all."""
    from django.db import transaction

    from programs.models import CountyOffice
    from reports import rollups

    started = time.perf_counter()
    with transaction.atomic():
        ids = list(CountyOffice.objects.order_by("pk").values_list("pk", flat=True))
        _insert_months(ids, HISTORY_YEARS, random.Random(3))
        rollups.rebuild()
    return {"data": _data_size(), "seconds": time.perf_counter() - started}


def _insert_months(office_ids, years, rng) -> None:
    """Every month of `years` for the offices, with plain bulk INSERTs (no history: bench data).

    The caller rebuilds the rollups afterwards, as after any bulk load.
    """
    from loans.models import LoanFigure, ReferralFigure
    from programs.models import JobsFigure, MonthlyReport
    from programs.services import _bulk_insert, _prepare
    from reliefjobs.lib import clock

    schemes, banks, pairs = _dimensions()
    fields = [f for f in MonthlyReport._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    defaults.update(version=1, updated_at=clock.now())
    for start in range(0, len(office_ids), 400):
        ids = office_ids[start : start + 400]
        reports, lines = [], {}
        for office_id in ids:
            for year in years:
                for month in range(1, 13):
                    jobs, loans, referrals, trainees, exits = _month_values(
                        rng, schemes, banks, pairs
                    )
                    values = {
                        **defaults,
                        "office_id": office_id,
                        "year": year,
                        "month": month,
                        "trainees": trainees,
                        "exits": exits,
                        "jobs": sum(jobs.values()),
                        "loans_count": sum(c for c, _ in loans.values()),
                        "loans_amount_rial": sum(a for _, a in loans.values()),
                        "referred": sum(referrals.values()),
                    }
                    reports.append(tuple(_prepare(f, values[f.attname]) for f in fields))
                    lines[(office_id, year, month)] = (jobs, loans, referrals)
        _bulk_insert(MonthlyReport, [f.column for f in fields], reports)
        jobs_rows, loan_rows, referral_rows = [], [], []
        for office_id, year, month, rid in MonthlyReport.objects.filter(
            office_id__in=ids, year__in=years
        ).values_list("office_id", "year", "month", "id"):
            jobs, loans, referrals = lines[(office_id, year, month)]
            jobs_rows += [(rid, s.pk, v) for s, v in jobs.items()]
            loan_rows += [(rid, b.pk, f.pk, c, a) for (b, f), (c, a) in loans.items()]
            referral_rows += [(rid, b.pk, v) for b, v in referrals.items()]
        _bulk_insert(JobsFigure, ["report_id", "scheme_id", "value"], jobs_rows)
        _bulk_insert(
            LoanFigure,
            ["report_id", "bank_id", "funding_source_id", "count", "amount_rial"],
            loan_rows,
        )
        _bulk_insert(ReferralFigure, ["report_id", "bank_id", "value"], referral_rows)


def _time_calls(client, url: str, calls: int, *, cold: bool) -> list[float]:
    from reports import cache

    times = []
    for _ in range(calls):
        if cold:
            cache.invalidate()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return times


def _query_count(client, url: str, *, cold: bool) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import cache

    if cold:
        cache.invalidate()
    else:
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def phase_measure(calls: int) -> dict:
    from django.test import Client

    from programs.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench_national"))
    rows = []
    for label, path, _who in IN_PROCESS:
        url = path.format(year=YEAR, province=PROVINCE)
        client.get(url)  # imports, template loading
        cold = _time_calls(client, url, calls, cold=True)
        warm = _time_calls(client, url, calls, cold=False)
        rows.append(
            {
                "label": label,
                "url": url,
                "cold_median_ms": statistics.median(cold),
                "cold_p95_ms": _p95(cold),
                "warm_median_ms": statistics.median(warm),
                "warm_p95_ms": _p95(warm),
                "cold_queries": _query_count(client, url, cold=True),
                "warm_queries": _query_count(client, url, cold=False),
            }
        )
    return {"rows": rows, "profile": _profile(client, rows[0]["url"]), "explain": _explain()}


def _explain() -> dict:
    """EXPLAIN of the main reads (rollups) and of the rollup refresh's aggregate."""
    from django.db import connection
    from django.db.models import F, Sum

    from programs.models import MonthlyReport, Province, Target
    from reports.models import OfficeYear, ProvinceMonth

    tehran = Province.objects.get(code=PROVINCE)
    sums = {f: Sum(f) for f in ("jobs", "loans_count", "loans_amount_rial", "trainees", "exits")}
    queries = {
        "national progress (ProvinceMonth by year)": ProvinceMonth.objects.filter(year=YEAR)
        .values("province_id")
        .annotate(**sums)
        .order_by(),
        "province progress (OfficeYear by province, year)": OfficeYear.objects.filter(
            province=tehran, year=YEAR
        ).values("office_id", "jobs", "loans_count"),
        "national monthly (ProvinceMonth by month)": ProvinceMonth.objects.filter(year=YEAR)
        .values("month")
        .annotate(**sums)
        .order_by(),
        "province targets": Target.objects.filter(year=YEAR, office__isnull=True).values_list(
            "province_id", "measure", "value"
        ),
        "rollup refresh: one province-month from the monthly reports": MonthlyReport.objects.filter(
            year=YEAR, month=3, office__province_id=tehran.pk
        )
        .values(g=F("office__province_id"))
        .annotate(**sums)
        .order_by(),
    }
    analyze = {"analyze": True} if connection.vendor == "postgresql" else {}
    return {label: qs.explain(**analyze) for label, qs in queries.items()}


def _profile(client, url: str) -> str:
    """cProfile's top entries of cold calls of the national progress API."""
    import cProfile
    import io
    import pstats

    from reports import cache

    profiler = cProfile.Profile()
    for _ in range(20):
        cache.invalidate()
        profiler.enable()
        client.get(url)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    return out.getvalue()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def run_phase(phase: str, out: str, **options) -> None:
    if phase == "setup":
        result = phase_setup()
    elif phase == "grow" and options["what"] == "history":
        result = phase_history()
    elif phase == "grow":
        result = phase_grow(options["scale"])
    elif phase == "measure":
        result = phase_measure(options["calls"])
    else:
        raise ValueError(phase)
    Path(out).write_text(json.dumps(result, ensure_ascii=False))
