"""In-app notices: the bell in the header, the list, marking read, keeping 90 days.

Business rules checked:
- the header's bell shows the number of unread notices on every page;
- the list shows a person's own notices only, newest first;
- marking one read (or all) lowers the count; opening a notice marks it read and
  goes to its page;
- another person's notice answers 404 and is left unread;
- the unread count is cached: a page costs no query for it once counted, and a
  new notice shows at once;
- notices older than 90 days are deleted (services.prune, run by send_reminders).
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notices import services
from notices.models import Notice
from reliefjobs.lib import clock

pytestmark = pytest.mark.django_db


def _notify(user, title="دیرکرد آبان", url="/home/"):
    return services.notify(user=user, kind="overdue", title=title, text="متن", url=url)


def _bell(client):
    html = client.get("/entry/IR-19/1405/").content.decode()
    match = re.search(r'<a class="bell"[^>]*>.*?</a>', html, re.S)
    count = re.search(r'class="bell-count">([^<]+)<', match.group(0))
    return count.group(1) if count else ""


def test_bell_counts_unread_notices(client, zanjan_staff):
    client.force_login(zanjan_staff)
    assert _bell(client) == ""
    _notify(zanjan_staff)
    _notify(zanjan_staff, title="یادآوری")
    assert _bell(client) == "۲"


def test_list_shows_only_my_notices_newest_first(client, zanjan_staff, tehran_staff):
    _notify(zanjan_staff, title="اول")
    _notify(zanjan_staff, title="دوم")
    _notify(tehran_staff, title="تهرانی")
    client.force_login(zanjan_staff)
    html = client.get(reverse("notices:list")).content.decode()
    assert "تهرانی" not in html
    assert html.index("دوم") < html.index("اول")


def test_marking_read_lowers_the_count(client, zanjan_staff):
    first, _second = _notify(zanjan_staff), _notify(zanjan_staff)
    client.force_login(zanjan_staff)
    response = client.post(reverse("notices:read", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notices:list")
    assert services.unread_count(zanjan_staff) == 1
    client.post(reverse("notices:read_all"))
    assert services.unread_count(zanjan_staff) == 0 and _bell(client) == ""


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, zanjan_staff):
    notice = _notify(zanjan_staff, url="/entry/IR-19/1405/")
    client.force_login(zanjan_staff)
    response = client.post(reverse("notices:read", args=[notice.pk]), {"open": "1"})
    assert response["Location"] == "/entry/IR-19/1405/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_another_persons_notice_is_not_found(client, zanjan_staff, tehran_staff):
    notice = _notify(tehran_staff)
    client.force_login(zanjan_staff)
    assert client.post(reverse("notices:read", args=[notice.pk])).status_code == 404
    client.post(reverse("notices:read_all"))
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_count_is_cached_and_a_new_notice_shows_at_once(client, zanjan_staff):
    client.force_login(zanjan_staff)
    _bell(client)
    with CaptureQueriesContext(connection) as queries:
        _bell(client)
    assert not any('"notices_notice"' in q["sql"] for q in queries.captured_queries)
    _notify(zanjan_staff)
    assert _bell(client) == "۱"


def test_notices_are_kept_ninety_days(zanjan_staff):
    old = _notify(zanjan_staff, title="قدیمی")
    Notice.objects.filter(pk=old.pk).update(created_at=clock.now() - dt.timedelta(days=91))
    recent = _notify(zanjan_staff, title="تازه")
    Notice.objects.filter(pk=recent.pk).update(created_at=clock.now() - dt.timedelta(days=89))
    assert services.unread_count(zanjan_staff) == 2
    assert services.prune() == 1
    assert list(Notice.objects.values_list("title", flat=True)) == ["تازه"]
    assert services.unread_count(zanjan_staff) == 1


def test_opening_never_leaves_the_site(client, zanjan_staff):
    notice = _notify(zanjan_staff, url="https://evil.example/")
    client.force_login(zanjan_staff)
    response = client.post(reverse("notices:read", args=[notice.pk]), {"open": "1"})
    assert response["Location"] == reverse("notices:list")
