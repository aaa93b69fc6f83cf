"""The target form in a real Chromium: choosing a province narrows the county office list.

Rules checked:
- on the add form, after choosing Zanjan, only Zanjan's county offices can be picked;
- an office picked before the province changed is cleared when it no longer fits;
- the form typed with Persian digits saves, the script trips no console error.
"""

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD


def test_choosing_a_province_narrows_the_office_list(page):
    from programs.models import CountyOffice, Province, Target, User

    User.objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.org", role="admin"
    )
    zanjan, tehran = Province.objects.get(code="IR-19"), Province.objects.get(code="IR-23")
    login(page, "root", PASSWORD)
    page.goto(page.live_url + "/admin/programs/target/add/")
    islamshahr = CountyOffice.objects.named("اسلامشهر").get(province=tehran)
    page.select_option("#id_province", str(tehran.pk))
    page.select_option("#id_office", str(islamshahr.pk))
    page.select_option("#id_province", str(zanjan.pk))
    assert page.input_value("#id_office") == ""  # Islamshahr no longer fits
    offered = page.eval_on_selector_all(
        "#id_office option:not([hidden])", "options => options.map(o => o.value).filter(Boolean)"
    )
    zanjan_offices = {
        str(pk) for pk in CountyOffice.objects.filter(province=zanjan).values_list("pk", flat=True)
    }
    assert offered and set(offered) == zanjan_offices
    office = CountyOffice.objects.named("ماه نشان").get(province=zanjan)
    page.select_option("#id_office", str(office.pk))
    page.fill("#id_year", "۱۴۰۵")
    page.select_option("#id_measure", "jobs")
    page.fill("#id_value", "۷۰۰")
    screenshot(page, "admin-target-form-narrowed")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert Target.objects.get(year=1405, office=office, measure="jobs").value == 700
    assert page.watch.console_errors == []
