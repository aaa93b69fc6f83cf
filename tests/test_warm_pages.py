"""A warm page or API answer is sent again only while nothing it shows has changed.

Business rules checked (reports/warm.py):
- the second identical request of a session is answered without running the
  view, with the same body; a browser's revalidation gets a 304 and a client
  that accepts gzip gets the same page compressed;
- a save of figures, a changed user, a new notice, a language switch, a
  message waiting in the session, another day and a logout each make the
  next request go the whole way: what it shows is never stale;
- two people never share an answer (each session has its own), and a
  provincial user never gets the country's page;
- /healthz answers before the sessions, with the security headers.
"""

from __future__ import annotations

import gzip

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache as django_cache
from django.http import HttpResponse
from django.test import RequestFactory

from notices.services import notify
from programs.models import CountyOffice, Scheme
from programs.services import FigureValue, apply_values
from reliefjobs.lib import clock, jalali
from reports import api, views, warm

pytestmark = pytest.mark.django_db
HOME = "/?year=1403"
API = "/api/v1/progress?year=1403"


@pytest.fixture(autouse=True)
def empty_cache():
    django_cache.clear()
    warm.local.clear()
    yield
    django_cache.clear()
    warm.local.clear()


@pytest.fixture
def renders(monkeypatch):
    """How many times the dashboards' view and the API really ran."""
    calls = []
    real_render, real_cached = views._render, api.cached
    monkeypatch.setattr(
        views, "_render", lambda *a, **k: calls.append("page") or real_render(*a, **k)
    )
    monkeypatch.setattr(api, "cached", lambda *a, **k: calls.append("api") or real_cached(*a, **k))
    return calls


def _jobs(value, province_code="IR-19"):
    office = CountyOffice.objects.filter(province__code=province_code).order_by("pk").first()
    scheme = Scheme.objects.order_by("pk").first()
    return FigureValue(
        office_id=office.pk,
        year=1403,
        month=1,
        measure="jobs",
        value=value,
        scheme_id=scheme.pk,
    )


def _warm(client, url=HOME):
    """Two requests: the first renders (and sets the CSRF cookie), the second stores."""
    assert client.get(url).status_code == 200
    stored = client.get(url)
    assert stored.status_code == 200
    return stored


def test_the_same_request_again_is_answered_without_the_view(client, national_manager, renders):
    client.force_login(national_manager)
    _warm(client)
    calls = len(renders)
    again = client.get(HOME)
    assert again.status_code == 200
    assert len(renders) == calls, "a warm page must not run the view again"
    assert again.content == client.get(HOME).content
    assert again["Cache-Control"] == "private, no-cache"
    assert again["Content-Security-Policy"] and again["X-Frame-Options"] == "DENY"
    assert again["Content-Language"] == "fa"


def test_revalidation_gets_304_and_gzip_is_the_same_page(client, national_manager):
    client.force_login(national_manager)
    _warm(client)
    plain = client.get(HOME)
    etag = plain["ETag"]
    assert client.get(HOME, HTTP_IF_NONE_MATCH=etag).status_code == 304
    packed = client.get(HOME, HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert "Accept-Encoding" in packed["Vary"] and "Cookie" in packed["Vary"]


@pytest.mark.parametrize("url", [HOME, API])
def test_a_save_is_seen_by_the_next_request(client, national_manager, admin_user, url):
    client.force_login(national_manager)
    apply_values(values=[_jobs(11)], by=admin_user)
    before = _warm(client, url).content
    assert client.get(url).content == before
    apply_values(values=[_jobs(7777)], by=admin_user)
    after = client.get(url)
    assert after.content != before
    if url == API:
        zanjan = next(r for r in after.json()["rows"] if r["code"] == "IR-19")
        assert zanjan["jobs"] == 7777


def test_a_logout_or_a_deactivated_user_is_never_served(client, national_manager):
    client.force_login(national_manager)
    _warm(client)
    client.logout()
    assert client.get(HOME).status_code == 302
    client.force_login(national_manager)
    _warm(client)
    national_manager.is_active = False
    national_manager.save()
    assert client.get(HOME).status_code == 302


def test_each_session_has_its_own_answer(client, national_manager, zanjan_manager, renders):
    client.force_login(national_manager)
    _warm(client, API)
    national = client.get(API).json()
    other = type(client)()
    other.force_login(zanjan_manager)
    assert other.get(HOME).status_code == 302  # a province's user: to their province
    scoped = other.get(API).json()
    assert [r["code"] for r in scoped["rows"]] == ["IR-19"]
    assert len(national["rows"]) == 31


def test_a_new_notice_shows_in_the_bell_at_once(client, national_manager):
    client.force_login(national_manager)
    _warm(client)
    assert "bell-count" not in client.get(HOME).text
    notify(user=national_manager, kind="waiting", title="t", text="x")
    assert "bell-count" in client.get(HOME).text


def test_language_day_and_messages_each_change_the_answer(client, national_manager):
    client.force_login(national_manager)
    _warm(client)
    client.cookies["django_language"] = "en"
    english = client.get(HOME)
    assert english["Content-Language"] == "en" and 'lang="en"' in english.text
    client.cookies["django_language"] = "fa"
    _warm(client)

    request = RequestFactory().get(HOME)
    storage = CookieStorage(request)
    storage.add(message_levels.SUCCESS, "پیام آزمایشی")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    assert "پیام آزمایشی" in client.get(HOME).text
    assert "پیام آزمایشی" not in client.get(HOME).text  # shown once, as always

    first = client.get(HOME).text
    with clock.pinned(jalali.parse_date("1405/09/12")):
        assert client.get(HOME).text != first


def test_healthz_answers_before_the_sessions(client, national_manager, django_assert_num_queries):
    client.force_login(national_manager)
    with django_assert_num_queries(1):  # SELECT 1: no session, no user
        response = client.get("/healthz")
    assert response.content == b"ok"
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


def test_a_warm_answer_has_every_header_the_full_answer_had(client, national_manager, renders):
    client.force_login(national_manager)
    full = client.get(HOME)  # the whole way: renders
    stored = client.get(HOME)
    calls = len(renders)
    again = client.get(HOME)
    assert len(renders) == calls, "the third request is a warm answer"
    for name in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Type",
        "Content-Language",
    ):
        assert again[name] == full[name] == stored[name], name


def test_a_warm_candidate_with_a_host_not_allowed_is_refused(client, national_manager, renders):
    client.force_login(national_manager)
    _warm(client)
    calls = len(renders)
    refused = client.get(HOME, HTTP_HOST="evil.example")
    assert refused.status_code == 400
    assert len(renders) == calls


def test_static_files_and_requests_with_a_body_never_read_the_shared_cache(
    rf, monkeypatch, client, national_manager
):
    client.force_login(national_manager)  # a real session, in the cache
    cookies = {"sessionid": client.cookies["sessionid"].value}
    reads = []
    real = warm.cache.get_many
    monkeypatch.setattr(warm.cache, "get_many", lambda keys: reads.append(keys) or real(keys))
    page = rf.get(HOME)
    page.COOKIES = cookies
    warm.request_key(page)
    assert len(reads) == 1, "a page is a candidate: one read"
    static = rf.get("/static/css/app.css")
    static.COOKIES = cookies
    with_body = rf.generic("GET", HOME, data=b"x" * 10, content_type="text/plain")
    with_body.COOKIES = cookies
    assert warm.request_key(static) is None
    assert warm.request_key(with_body) is None
    assert len(reads) == 1, "neither is a candidate: no read"
