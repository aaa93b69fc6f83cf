"""Production static files: hashed names, compressed copies, a light chart library.

Business rules checked:
- `collectstatic` with the production storage (reliefjobs.storage) succeeds
  although django-jalali's admin CSS names images it does not ship;
- every collected file gets a content-hashed name in the manifest, so it can
  be cached for a year, and the style sheets point at the hashed fonts;
- large text files get gzip and brotli copies for WhiteNoise to serve;
- the dashboards load plotly.js's cartesian partial bundle (bar, scatter and
  heatmap traces), small enough for an 800 KB first load, never a CDN.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

PRODUCTION = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "reliefjobs.storage.StaticStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static-prod")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def test_collectstatic_with_hashed_names_succeeds(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", manifest["css/app.css"])
    assert (collected / manifest["css/app.css"]).is_file()
    assert any("jalali" in name.lower() and name.endswith(".css") for name in manifest)


def test_font_sheet_points_at_hashed_fonts(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    css = (collected / manifest["css/fonts.css"]).read_text(encoding="utf-8")
    fonts = re.findall(r'url\("?([^")]+)', css)
    assert fonts and all(re.search(r"\.[0-9a-f]{12}\.woff2$", f) for f in fonts)
    assert all((collected / "css" / f).resolve().is_file() for f in fonts)


def test_plotly_partial_bundle_is_collected_with_compressed_copies(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    bundle = collected / manifest["vendor/plotly/plotly-cartesian.min.js"]
    gz, br = Path(f"{bundle}.gz"), Path(f"{bundle}.br")
    assert gz.is_file() and br.is_file()
    assert br.stat().st_size < 500_000 and gz.stat().st_size < 520_000


def test_templates_ask_for_hashed_urls_with_the_production_storage(collected):
    with override_settings(STATIC_ROOT=collected, STORAGES=PRODUCTION, DEBUG=False):
        url = staticfiles_storage.url("vendor/plotly/plotly-cartesian.min.js")
        missing = staticfiles_storage.url("css/not-shipped.css")
    assert re.search(r"plotly-cartesian\.min\.[0-9a-f]{12}\.js$", url)
    assert missing.endswith("css/not-shipped.css")


def test_dashboards_load_the_cartesian_bundle():
    template = (settings.BASE_DIR / "templates/reports/dashboard_base.html").read_text()
    assert "vendor/plotly/plotly-cartesian.min.js" in template
    assert "plotly.min.js" not in template.replace("plotly-cartesian.min.js", "")
