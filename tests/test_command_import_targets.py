"""`manage.py import_targets FILE [--dry-run]` (README "Targets file").

Business rules checked:
- province targets (county empty) and county-office targets are saved; the
  summary is printed; importing again changes nothing (upsert);
- a bad row (measure not allowed for targets, unknown county) fails with
  `row N: reason` and saves nothing; --dry-run saves nothing;
- only admins set targets when a --user is given.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from programs.models import Target
from tests.test_importing import FIXTURES

pytestmark = pytest.mark.django_db
HEADER = "province,county,year,measure,value"


def write(tmp_path, *lines):
    path = tmp_path / "targets.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def run(*args):
    out = io.StringIO()
    call_command("import_targets", *args, "--language", "en", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_sample_targets_are_saved_and_reimport_changes_nothing(zanjan):
    out = run(str(FIXTURES / "targets_sample.csv"))
    assert "4 rows read: 4 targets to change, 0 unchanged. Saved." in out
    assert Target.objects.get(province=zanjan, office=None, year=1398, measure="jobs").value == 4000
    out = run(str(FIXTURES / "targets_sample.csv"))
    assert "0 targets to change, 4 unchanged" in out
    assert Target.objects.count() == 4


def test_upsert_replaces_a_target(tmp_path, zanjan):
    run(write(tmp_path, "IR-19,,1398,jobs,4000"))
    run(write(tmp_path, "زنجان,,۱۳۹۸,jobs,۴٬۵۰۰"))
    assert list(Target.objects.values_list("value", flat=True)) == [4500]


def test_bad_rows_save_nothing(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 of 3 rows have problems"):
        call_command(
            "import_targets",
            write(
                tmp_path, "IR-19,,1398,jobs,4000", "IR-19,,1398,exits,5", "IR-19,ناکجا,1398,jobs,1"
            ),
            "--language",
            "en",
            stdout=io.StringIO(),
            stderr=err,
        )
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("row 3: unknown measure «exits»")
    assert lines[1] == "row 4: unknown county office «ناکجا» in زنجان"
    assert not Target.objects.exists()


def test_dry_run_saves_nothing(tmp_path):
    out = run(write(tmp_path, "IR-19,,1398,jobs,4000"), "--dry-run")
    assert "Dry run" in out and not Target.objects.exists()


def test_staff_user_may_not_set_targets(tmp_path, zanjan_staff):
    with pytest.raises(CommandError):
        call_command(
            "import_targets",
            write(tmp_path, "IR-19,,1398,jobs,4000"),
            "--user",
            "zanjan_staff",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not Target.objects.exists()
