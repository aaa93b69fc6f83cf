"""The deployment checks of reliefjobs/checks.py (attack audit, finding 7).

Rules checked:
- with debug off and no CACHE_URL the workers still share a cache (the
  database cache, its table made by `migrate`), so `check --deploy` reports
  nothing, as INTERFACES.md says; the multi-worker trap cannot be deployed by
  forgetting CACHE_URL;
- a per-process memory cache with debug off (settings changed by hand) is
  reliefjobs.W001, in English and Persian, and `--fail-level WARNING` fails;
- with a shared cache (redis:// or db://) there is no warning;
- in development (debug on) a memory cache is fine: no warning.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[1]
PROD_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-Zq8#x!",
    "DJANGO_ALLOWED_HOSTS": "jobs.example.org",
}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DBCACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "c"}}


def _check_deploy(**env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "RELIEFJOBS_", "CACHE_URL"))
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_cache_url_production_shares_the_database_cache_and_check_is_quiet():
    result = _check_deploy(**PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reliefjobs.W001" not in result.stdout + result.stderr
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_URL"))}
    backend = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c"]
        + ["from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"],
        cwd=ROOT,
        env={**full_env, **PROD_ENV},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert backend.stdout.strip() == "reliefjobs.dbcache.DatabaseCache"


def test_a_memory_cache_in_production_is_w001_in_english_and_persian():
    with override_settings(DEBUG=False, CACHES=LOCMEM):
        (found,) = _w001()
    assert "several workers" in found.msg
    assert "کارگرهای دیگر نمی‌بینند" in found.msg  # the Persian message too
    assert "CACHE_URL" in found.hint


def test_check_deploy_is_quiet_with_a_shared_cache():
    result = _check_deploy(**PROD_ENV, CACHE_URL="db://")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reliefjobs.W001" not in result.stdout + result.stderr


def _w001():
    return [
        m for m in checks.run_checks(include_deployment_checks=True) if m.id == "reliefjobs.W001"
    ]


@pytest.mark.parametrize(
    ("debug", "caches", "warned"),
    [(False, LOCMEM, True), (False, DBCACHE, False), (True, LOCMEM, False)],
)
def test_the_check_in_process(debug, caches, warned):
    with override_settings(DEBUG=debug, CACHES=caches):
        found = _w001()
    assert bool(found) is warned
    if warned:
        assert found[0].level == checks.WARNING
