"""Static files are served by the app itself (office networks cannot reach a CDN).

Business rules checked:
- `collectstatic` succeeds with the configured storage although django-jalali's
  admin CSS names images it does not ship;
- every script and style sheet the Jalali admin date widget asks for is collected;
- the Vazirmatn web fonts are collected, and every font the style sheets point
  at (fonts.css) exists after collection.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_jalali.admin.widgets import AdminjDateWidget


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def test_collectstatic_gathers_the_jalali_admin_widget(collected):
    media = AdminjDateWidget().media
    wanted = [*media._js, *(path for paths in media._css.values() for path in paths)]
    assert any("jquery.ui.datepicker.jalali" in path for path in wanted)
    missing = [path for path in wanted if not (collected / path).is_file()]
    assert not missing


def test_collectstatic_gathers_the_vazirmatn_fonts(collected):
    assert (collected / "vendor/vazirmatn/Vazirmatn-Regular.woff2").is_file()
    assert (collected / "vendor/vazirmatn-fd/Vazirmatn-FD-Regular.woff2").is_file()


def test_every_font_the_font_sheet_names_is_collected(collected):
    css_path = collected / "css/fonts.css"
    targets = re.findall(r"url\([\"']?([^\"')]+)", css_path.read_text(encoding="utf-8"))
    assert targets
    missing = [t for t in targets if not (css_path.parent / t).resolve().is_file()]
    assert not missing


def test_admin_pages_style_sheet_is_collected(collected):
    assert "Vazirmatn" in (collected / "admin-extra/admin.css").read_text(encoding="utf-8")
