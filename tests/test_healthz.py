"""Health check: answers "ok" without login when the database answers."""


def test_healthz_answers_ok_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_home_sends_anonymous_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_login_page_is_persian_rtl(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.text and 'lang="fa"' in response.text
