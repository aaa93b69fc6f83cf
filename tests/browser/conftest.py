"""Browser tests: a real Chromium (Debian's /usr/bin/chromium) driven by
Playwright against pytest-django's live server.

Every page load records console errors and any request to a host other than
the live server, so a test can assert the page is whole and offline-safe.
Screenshots go to artifacts/screenshots/.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    # Browser flows are among the date-sensitive tests that .ci/run repeats on the
    # calendar's edges, standing on the run's own day (the `today` fixture).
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not item.get_closest_marker("today"):  # a test built on a chosen day stays on it
                item.add_marker(pytest.mark.calendar)


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; `make test` installs it with apt-get")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What a page did that a test may want to assert on."""

    def __init__(self, live_host):
        self.live_host = live_host
        self.console_errors = []
        self.foreign_requests = []

    def on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def on_request(self, request):
        host = urlparse(request.url).netloc
        if request.url.startswith(("data:", "blob:")):
            return
        if host != self.live_host:
            self.foreign_requests.append(request.url)


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests empty the tables; put the reference data back."""
    from django.core.management import call_command

    call_command("load_reference", verbosity=0)


@pytest.fixture
def page(chromium, live_server, reference_data):
    context = chromium.new_context(
        viewport={"width": 1366, "height": 768}, locale="fa-IR", timezone_id="Asia/Tehran"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    watch = PageWatch(urlparse(live_server.url).netloc)
    page.on("console", watch.on_console)
    page.on("request", watch.on_request)
    page.watch = watch
    page.live_url = live_server.url
    yield page
    context.close()


def login(page, username, password):
    """Log in through the real login form."""
    page.goto(f"{page.live_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
