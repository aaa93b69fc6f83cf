"""Production settings and security headers.

Rules checked:
- with DJANGO_DEBUG=0, a secret key, allowed hosts and a shared cache, `check --deploy` reports nothing,
  with DJANGO_SSL_REDIRECT on (the default) and off (behind a TLS proxy);
- with debug off and no secret key the app refuses to start with a clear message;
- production turns on secure cookies, HSTS and the HTTPS redirect (unless DJANGO_SSL_REDIRECT=0);
- every response carries a Content-Security-Policy without inline or eval scripts,
  nosniff, a referrer policy and frame denial.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROD_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-Zq8#x!",
    "DJANGO_ALLOWED_HOSTS": "jobs.example.org",
    # A shared cache: without one check --deploy warns (reliefjobs.W001, tests/test_deploy_checks.py).
    "CACHE_URL": "db://",
}


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RELIEFJOBS_"))}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", **PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_check_deploy_is_clean_behind_a_tls_proxy():
    result = _manage(
        "check", "--deploy", "--fail-level", "DEBUG", **PROD_ENV, DJANGO_SSL_REDIRECT="0"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_secret_key_refuses_to_start():
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="jobs.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0" in result.stderr


def _settings(**env):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) "
        "for k in ['SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_HTTPONLY', 'DEBUG', 'ALLOWED_HOSTS']}))"
    )
    result = _manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_turns_on_secure_cookies_hsts_and_redirect():
    values = _settings(**PROD_ENV)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["jobs.example.org"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


def test_ssl_redirect_can_be_left_to_the_proxy():
    assert _settings(**PROD_ENV, DJANGO_SSL_REDIRECT="0")["SECURE_SSL_REDIRECT"] is False


def test_bad_ssl_redirect_value_fails_loudly():
    result = _manage("check", **PROD_ENV, DJANGO_SSL_REDIRECT="maybe")
    assert result.returncode != 0
    assert "DJANGO_SSL_REDIRECT must be 0 or 1" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz", "/admin/login/"])
def test_every_response_has_the_security_headers(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in csp
    # Inline handlers: only the hash of jQuery 1.10's no-op feature test "t".
    assert directives["script-src-attr"] == (
        "'unsafe-hashes' 'sha256-47mKTaMaEn1L3m5DAz9muidMqw636xxw7EFAK/YnPdg='"
    )
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_login_page_has_no_inline_script(client):
    body = client.get("/accounts/login/").content.decode()
    for chunk in body.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag, f"inline script on the login page: <script{tag}>"
