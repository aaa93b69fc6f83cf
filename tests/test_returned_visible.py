"""Returned months are impossible to miss (issue 10, item 6).

Business rules checked:
- a returned month's form shows the manager's comment in a banner above the form,
  with who returned it and when; an unlocked month shows the admin's reason;
- a month that is not returned shows no banner;
- the completeness matrix's cell of a returned month carries the comment as its
  tooltip, for the whole matrix in one query;
- the staff work list lists what was returned to them (tests/test_worklist.py).
"""

import re

import pytest
from django.urls import reverse

from tests.test_worklist import RETURN_COMMENT, UNLOCK_REASON, month_in, offices_of

pytestmark = pytest.mark.django_db


def _page(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _banner(html):
    match = re.search(r'<div class="alert returned-banner"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1) if match else None


def test_returned_month_shows_the_comment_above_the_form(client, zanjan_staff, zanjan_manager):
    office = offices_of("IR-19", 1)[0]
    month_in(office, zanjan_staff, status="returned", manager=zanjan_manager)
    html = _page(client, zanjan_staff, reverse("entry:month", args=[office.pk, 1405, 8]))
    banner = _banner(html)
    assert banner is not None and RETURN_COMMENT in banner and "zanjan_manager" in banner
    assert html.index("returned-banner") < html.index('id="month-form"')


def test_unlocked_month_shows_the_admins_reason(client, zanjan_staff, zanjan_manager, admin_user):
    office = offices_of("IR-19", 1)[0]
    month_in(office, zanjan_staff, status="unlocked", manager=zanjan_manager, admin=admin_user)
    banner = _banner(_page(client, zanjan_staff, reverse("entry:month", args=[office.pk, 1405, 8])))
    assert banner is not None and UNLOCK_REASON in banner


def test_month_not_returned_has_no_banner(client, zanjan_staff, zanjan_manager):
    office = offices_of("IR-19", 1)[0]
    month_in(office, zanjan_staff, status="submitted")
    html = _page(client, zanjan_staff, reverse("entry:month", args=[office.pk, 1405, 8]))
    assert _banner(html) is None


def test_matrix_cell_of_a_returned_month_has_the_comment_as_tooltip(
    client, zanjan_staff, zanjan_manager, django_assert_max_num_queries
):
    a, b = offices_of("IR-19", 2)
    month_in(a, zanjan_staff, status="returned", manager=zanjan_manager)
    month_in(b, zanjan_staff, month=7, status="returned", manager=zanjan_manager)
    html = _page(client, zanjan_staff, reverse("entry:matrix", args=["IR-19", 1405]))
    for office, month in ((a, 8), (b, 7)):
        url = reverse("entry:month", args=[office.pk, 1405, month])
        link = re.search(rf'<a class="cell-link" href="{re.escape(url)}"([^>]*)>', html).group(1)
        assert RETURN_COMMENT in link and "title=" in link
