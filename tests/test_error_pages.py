"""Error pages speak Persian: a refused or missing page never shows Django's English default."""

from django.test import override_settings


def test_missing_page_is_persian(client, zanjan_staff):
    client.force_login(zanjan_staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "صفحه پیدا نشد" in response.text and "Not Found" not in response.text


def test_refused_page_is_persian(client, zanjan_staff):
    client.force_login(zanjan_staff)
    response = client.get("/admin/programs/province/")
    assert response.status_code == 403
    assert "دسترسی مجاز نیست" in response.text and "Forbidden" not in response.text


@override_settings(DEBUG=False)
def test_server_error_page_is_persian():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "خطایی رخ داد" in html and 'dir="rtl"' in html
