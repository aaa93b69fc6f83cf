"""The dashboards' cache (reports.cache) is never stale after a save.

Business rules checked:
- a computed view is built once and then served from the cache;
- entering figures (apply_values), changing a target (apply_targets), an
  admin-style line edit with recompute_totals, and renaming a province or a
  scheme each make the next read rebuild: a read right after a save sees it;
- the token changes again when the transaction commits, so an entry filled
  by a concurrent reader before the commit is never served afterwards;
- a rolled-back write leaves no stale entry either;
- the language is part of the key (a Persian page is never served in English).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache as django_cache
from django.db import transaction
from django.utils import translation

from programs.models import CountyOffice, JobsFigure, Province, Scheme
from programs.services import (
    FigureValue,
    TargetValue,
    apply_targets,
    apply_values,
    recompute_totals,
)
from reports import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    django_cache.clear()
    yield
    django_cache.clear()


class Counter:
    """A build function that counts its calls and returns the current jobs total."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return sum(JobsFigure.objects.values_list("value", flat=True))


def _jobs(office, value, month=1):
    scheme = Scheme.objects.order_by("pk").first()
    return FigureValue(
        office_id=office.pk,
        year=1402,
        month=month,
        measure="jobs",
        value=value,
        scheme_id=scheme.pk,
    )


@pytest.fixture
def office(zanjan):
    return CountyOffice.objects.filter(province=zanjan).order_by("pk").first()


def test_a_view_is_built_once_then_served_from_cache(office, admin_user):
    build = Counter()
    assert cache.cached(("progress", "IR-19", 1402), build) == 0
    assert cache.cached(("progress", "IR-19", 1402), build) == 0
    assert build.calls == 1
    assert cache.cached(("progress", "IR-19", 1401), build) == 0
    assert build.calls == 2


def test_a_read_right_after_apply_values_sees_the_new_figure(office, admin_user):
    build = Counter()
    key = ("progress", None, 1402)
    apply_values(values=[_jobs(office, 5)], by=admin_user)
    assert cache.cached(key, build) == 5
    apply_values(values=[_jobs(office, 8)], by=admin_user)
    assert cache.cached(key, build) == 8
    assert build.calls == 2


def test_a_target_change_invalidates(zanjan, admin_user):
    from programs.models import Target

    key = ("progress", "IR-19", 1402)

    def build():
        return list(Target.objects.values_list("value", flat=True))

    apply_targets(
        values=[TargetValue(year=1402, province_id=zanjan.pk, measure="jobs", value=4000)],
        by=admin_user,
    )
    assert cache.cached(key, build) == [4000]
    apply_targets(
        values=[TargetValue(year=1402, province_id=zanjan.pk, measure="jobs", value=4100)],
        by=admin_user,
    )
    assert cache.cached(key, build) == [4100]


def test_admin_line_edit_with_recompute_invalidates(office, admin_user):
    build = Counter()
    apply_values(values=[_jobs(office, 5)], by=admin_user)
    assert cache.cached(("k",), build) == 5
    line = JobsFigure.objects.get()
    line.value = 9
    line.save()
    recompute_totals([line.report_id])
    assert cache.cached(("k",), build) == 9


def test_renaming_reference_data_invalidates(zanjan):
    def build():
        return Province.objects.get(pk=zanjan.pk).name

    assert cache.cached(("names",), build) == "زنجان"
    zanjan.name = "زنجان نو"
    zanjan.save()
    assert cache.cached(("names",), build) == "زنجان نو"
    scheme = Scheme.objects.order_by("pk").first()
    before = cache.generation()
    scheme.name = scheme.name + " ۲"
    scheme.save()
    assert cache.generation() != before


def test_generation_changes_again_on_commit(office, admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        apply_values(values=[_jobs(office, 3)], by=admin_user)
        # What a concurrent reader could see before the commit.
        inside = cache.generation()
    assert callbacks, "invalidation is repeated after commit"
    assert cache.generation() != inside


def test_rolled_back_write_leaves_nothing_stale(office, admin_user):
    build = Counter()
    apply_values(values=[_jobs(office, 2)], by=admin_user)
    assert cache.cached(("k",), build) == 2
    with pytest.raises(RuntimeError), transaction.atomic():
        apply_values(values=[_jobs(office, 50)], by=admin_user)
        assert cache.cached(("k",), build) == 50
        raise RuntimeError("rolled back")
    assert cache.cached(("k",), build) == 2


def test_a_lost_generation_token_never_revives_old_entries(office, admin_user):
    build = Counter()
    assert cache.cached(("k",), build) == 0
    django_cache.delete(cache.GENERATION_KEY)  # evicted
    apply_values(values=[_jobs(office, 4)], by=admin_user)
    django_cache.delete(cache.GENERATION_KEY)
    assert cache.cached(("k",), build) == 4


def test_the_language_is_part_of_the_key():
    def build():
        return translation.get_language()

    with translation.override("fa"):
        assert cache.cached(("lang",), build) == "fa"
    with translation.override("en"):
        assert cache.cached(("lang",), build) == "en"


def test_dashboard_page_shows_a_figure_saved_right_before(
    client, national_manager, office, admin_user
):
    from reliefjobs.lib.text import to_persian_digits

    client.force_login(national_manager)
    apply_values(values=[_jobs(office, 5)], by=admin_user)
    marks = ("48765", "48,765", to_persian_digits("48765"), to_persian_digits("48٬765"))
    before = client.get("/?year=1402").content.decode()
    assert client.get("/?year=1402").content.decode().count("<table") == before.count("<table")
    assert not any(mark in before for mark in marks)
    apply_values(values=[_jobs(office, 48765)], by=admin_user)
    after = client.get("/?year=1402").content.decode()
    assert any(mark in after for mark in marks)


def test_a_field_note_invalidates(office, admin_user):
    from programs.models import FieldNote

    before = cache.generation()
    FieldNote.objects.create(
        office=office, noted_on="2023-03-25", area="banking", text="صف بانک", created_by=admin_user
    )
    assert cache.generation() != before


def test_a_warm_page_is_the_cold_page_without_rebuilding_its_data(
    client, national_manager, office, admin_user, monkeypatch
):
    from reports import views

    apply_values(values=[_jobs(office, 5)], by=admin_user)
    client.force_login(national_manager)
    builds = []
    country = views.BUILDERS["country"]
    monkeypatch.setitem(
        views.BUILDERS, "country", lambda *args: builds.append(args) or country(*args)
    )
    cold = client.get("/?year=1402").content.decode()
    warm = client.get("/?year=1402").content.decode()
    assert len(builds) == 1
    assert "chart-plot" in cold
    body = lambda html: html[html.index('<main id="main">') :]  # noqa: E731
    assert body(warm) == body(cold)
