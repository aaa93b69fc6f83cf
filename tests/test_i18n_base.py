"""The interface speaks Persian by default and English on request.

Rules: the login page is Persian and right to left by default; choosing
English switches the same page to English, left to right; compiled message
catalogues are present (a fresh machine needs no GNU gettext).
"""

from pathlib import Path

from django.conf import settings


def test_compiled_catalogues_are_present():
    catalogues = list(Path(settings.BASE_DIR, "locale").glob("*/fa/LC_MESSAGES/django.po"))
    assert catalogues
    for po in catalogues:
        assert po.with_suffix(".mo").exists(), f"{po} has no compiled .mo"


def test_login_page_is_persian_by_default(client, db):
    response = client.get("/accounts/login/")
    assert "ورود به سامانه اشتغال امداد" in response.text
    assert 'dir="rtl"' in response.text


def test_login_page_in_english_on_request(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.get("/accounts/login/")
    assert "Log in to reliefjobs" in response.text
    assert 'dir="ltr"' in response.text and 'lang="en"' in response.text


def test_an_english_browser_still_gets_persian(client, db):
    """Office PCs often run English browsers; Persian stays the default."""
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="fa"' in response.text
    assert response.headers["Content-Language"] == "fa"


def test_header_links_lead_to_the_right_pages(client, zanjan_staff):
    """The header's links (cached per process) are the reversed URLs."""
    from django.urls import reverse

    client.force_login(zanjan_staff)
    html = client.get("/entry/", follow=True).text
    for name in ("home", "breakdowns", "entry:home", "admin:index", "logout", "set_language"):
        assert f'="{reverse(name)}"' in html, name
