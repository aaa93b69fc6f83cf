"""Login in a real browser: the Persian RTL login page works and loads nothing from outside."""

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD


def test_staff_logs_in_and_sees_home(page, django_user_model):
    from programs.models import Province

    django_user_model.objects.create_user(
        username="zanjan_staff",
        password=PASSWORD,
        role="staff",
        province=Province.objects.get(code="IR-19"),
    )
    page.goto(f"{page.live_url}/accounts/login/")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "fa"
    screenshot(page, "login")
    login(page, "zanjan_staff", PASSWORD)
    # Logging in lands on the person's work list; the dashboard's home still sends a
    # provincial user on to their own province.
    assert page.url.startswith(f"{page.live_url}/home/")
    page.goto(f"{page.live_url}/")
    assert page.url.startswith(f"{page.live_url}/province/IR-19/")
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
