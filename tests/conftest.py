"""Shared people and places for the suite.

The named people follow STYLE.md: a Zanjan staff member, a Tehran staff
member, a Zanjan provincial manager, a national manager, an admin and an
outsider (a logged-in user with no role in any province's data).
"""

import pytest

PASSWORD = "test-pass-123"


# The day every test stands on unless it says otherwise: the suite passes on any
# real day because no test reads the real calendar by accident.
SUITE_DAY = "1405/09/11"


@pytest.fixture(autouse=True)
def today(request):
    """Pin the one clock for every test and return the pinned day (a Gregorian date).

    - by default, SUITE_DAY;
    - `@pytest.mark.today("1403/12/30")`: that Jalali day;
    - `@pytest.mark.calendar`: the day this run stands on (the real one, faked by
      faketime, or RELIEFJOBS_TODAY), pinned so that a midnight does not split the
      test. Such tests must pass on any day; .ci/run runs them again at the
      calendar's edges (first day of the year, last day of Esfand, deadlines, 1 Mehr).
    """
    from reliefjobs.lib import clock, jalali

    marker = request.node.get_closest_marker("today")
    if marker:
        day = jalali.parse_date(marker.args[0])
    elif request.node.get_closest_marker("calendar"):
        day = clock.today()
    else:
        day = jalali.parse_date(SUITE_DAY)
    with clock.pinned(day):
        yield day


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (31 provinces, 448 offices, default lists) once per session."""
    from django.core.management import call_command

    from reliefjobs.lib import clock, jalali

    # On the suite's day, so that the reference rows' history is not dated after it.
    with django_db_blocker.unblock(), clock.pinned(jalali.parse_date(SUITE_DAY)):
        call_command("load_reference", verbosity=0)


_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def _reference_data_survives_flushes(request, django_db_blocker):
    """Transactional tests (browser, concurrency) empty every table when they end;
    put the reference data back, committed, before the next database test."""
    uses_db = request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(
        request.fixturenames
    )
    if not uses_db:
        return
    from django.core.management import call_command

    from programs.models import Province

    with django_db_blocker.unblock():
        if not Province.objects.exists():
            call_command("load_reference", verbosity=0)


def _user(username, role, province_code=None, **extra):
    from programs.models import Province, User

    province = Province.objects.get(code=province_code) if province_code else None
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, province=province, is_staff=True, **extra
    )
    return user


@pytest.fixture
def zanjan():
    from programs.models import Province

    return Province.objects.get(code="IR-19")


@pytest.fixture
def tehran():
    from programs.models import Province

    return Province.objects.get(code="IR-23")


@pytest.fixture
def zanjan_staff(db):
    return _user("zanjan_staff", "staff", "IR-19")


@pytest.fixture
def tehran_staff(db):
    return _user("tehran_staff", "staff", "IR-23")


@pytest.fixture
def zanjan_manager(db):
    return _user("zanjan_manager", "manager", "IR-19")


@pytest.fixture
def national_manager(db):
    return _user("national_manager", "manager")


@pytest.fixture
def admin_user(db):
    return _user("sysadmin", "admin", is_superuser=True)


@pytest.fixture
def outsider(db):
    from programs.models import User

    return User.objects.create_user(
        username="outsider", password=PASSWORD, role="staff", is_staff=False, is_active=False
    )
