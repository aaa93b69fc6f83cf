"""Names of provinces and county offices as people write them (programs.names).

Rules checked:
- a province by ISO code with any separator or none (IR23, IR 23, IR_23, IR–23,
  ir-۲۳, 23), by Persian name with or without «استان», with or without the
  madda («اذربایجان شرقی»), with Arabic letters or any invisible mark the number
  parser accepts (ZWNJ, ZWJ, ZWSP, LRM, RLM, ALM, BOM, NBSP), and by English name
  (name_en, and a few common spellings);
- a county office with or without «شهرستان» / «اداره شهرستان», and «شهرری» for ری;
- nothing else matches: unknown codes and names stay unknown;
- none of the 448 offices collides with another of its province after
  normalisation, the prefixes and aliases never change an office's own key,
  and the 31 provinces' Persian and English keys are all distinct;
- an import file written this way imports.
"""

import io
from collections import Counter, defaultdict

import pytest

from programs import importing, names
from programs.models import CountyOffice, Province
from programs.reference import county_rows, province_rows
from reliefjobs.lib.text import normalize_name

MARKS = ["\u200c", "\u200d", "\u200b", "\u200e", "\u200f", "\u061c", "\ufeff", "\u00a0"]


@pytest.mark.parametrize(
    "text",
    ["IR-23", "IR23", "IR 23", "IR_23", "IR–23", "IR—23", "IR−23", "ir-23", "IR-۲۳", "۲۳", "23"]
    + ["IR-23" + mark for mark in MARKS]
    + [mark + "IR23" for mark in MARKS],
)
def test_iso_codes_with_any_separator(text):
    assert names.province_number(text) == 23


@pytest.mark.parametrize(
    "text", ["IR--23", "IR-_23", "IR-2-3", "IR-23x", "IRAN", "I R 23", "", "IR-", "1,9"]
)
def test_what_is_not_a_code(text):
    assert names.province_number(text) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("IR23", "IR-23"),
        ("IR 23", "IR-23"),
        ("IR_23", "IR-23"),
        ("IR–23", "IR-23"),
        ("تهران", "IR-23"),
        ("استان تهران", "IR-23"),
        ("استان‌تهران", "IR-23"),
        ("تهران\u061c", "IR-23"),
        ("Tehran", "IR-23"),
        ("TEHRAN", "IR-23"),
        ("Teheran", "IR-23"),
        ("Province of Tehran", "IR-23"),
        ("اذربایجان شرقی", "IR-03"),
        ("آذربايجان شرقي", "IR-03"),
        ("East Azerbaijan", "IR-03"),
        ("Kohgiluyeh & Boyer-Ahmad", "IR-17"),
        ("kohgiluyeh and boyer ahmad", "IR-17"),
        ("Sistan and Baluchestan", "IR-11"),
        ("Mazandaran", "IR-02"),
        ("Isfahan", "IR-10"),
        ("Esfahan", "IR-10"),
        ("Zanjan", "IR-19"),
        ("IR-19", "IR-19"),
        ("۱۹", "IR-19"),
    ],
)
def test_provinces_as_people_write_them(text, code):
    province = Province.objects.by_identifier(text)
    assert province is not None and province.code == code


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["IR-99", "Tehrann", "استان", "Iran", "and", "تهرا", "x" * 500])
def test_unknown_provinces_stay_unknown(text):
    assert Province.objects.by_identifier(text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("اسلامشهر", "اسلامشهر"),
        ("شهرستان اسلامشهر", "اسلامشهر"),
        ("اداره شهرستان اسلامشهر", "اسلامشهر"),
        ("اداره اسلامشهر", "اسلامشهر"),
        ("اسلام‌شهر\u061c", "اسلامشهر"),
        ("اسلام شهر", "اسلامشهر"),
        ("شهرری", "ری"),
        ("شهر ری", "ری"),
        ("شهرستان ري", "ری"),
        ("ابادان", "آبادان"),
        ("آران و بیدگل", "آران وبیدگل"),
        ("شهریار", "شهریار"),
        ("شهرکرد", "شهرکرد"),
    ]
    + [("اسلامشهر" + mark, "اسلامشهر") for mark in MARKS],
)
def test_offices_as_people_write_them(text, name):
    assert names.office_key(text) == normalize_name(name)


def test_no_two_offices_of_a_province_collide_after_normalisation():
    provinces = {row.source_id: row.code for row in province_rows()}
    by_province = defaultdict(list)
    for source_id, name in county_rows():
        by_province[provinces[source_id]].append(name)
    assert sum(len(v) for v in by_province.values()) == 448
    for code, offices in by_province.items():
        keys = Counter(names.office_key(name) for name in offices)
        assert max(keys.values()) == 1, (code, [k for k, n in keys.items() if n > 1])
        for name in offices:
            # A prefix or an alias never turns one office's name into another's key.
            assert names.office_key(name) == normalize_name(name), name
    everywhere = defaultdict(set)
    for offices in by_province.values():
        for name in offices:
            everywhere[names.office_key(name)].add(name)
    # Across the country only identical names share a key (the matcher scopes by province).
    assert all(len(spellings) == 1 for spellings in everywhere.values())
    all_names = {normalize_name(n) for o in by_province.values() for n in o}
    assert not set(names.OFFICE_ALIASES) & all_names


def test_no_two_provinces_collide_after_normalisation():
    rows = province_rows()
    assert len(rows) == 31
    assert len({names.province_key(r.name) for r in rows}) == 31
    assert len({names.english_key(r.name_en) for r in rows}) == 31
    assert all(names.province_key(r.name) == normalize_name(r.name) for r in rows)
    assert all(names.province_number(r.name) is None for r in rows)
    by_code = {int(r.code[3:]): r for r in rows}
    for key, number in names.PROVINCE_ALIASES_EN.items():
        assert number in by_code
        assert key not in {names.english_key(r.name_en) for r in rows} or (
            names.english_key(by_code[number].name_en) == key
        )


@pytest.mark.django_db
def test_stored_keys_are_todays_keys():
    for office in CountyOffice.objects.all():
        assert office.name_key == normalize_name(office.name)
    for province in Province.objects.all():
        assert province.name_key == normalize_name(province.name)


@pytest.mark.django_db
def test_a_file_written_the_way_people_write_imports():
    header = ",".join(importing.FIGURE_COLUMNS)
    rows = [
        "IR23,شهرستان اسلامشهر,1403,1,jobs,کاریابی,,,5",
        "Tehran,شهرری,1403,1,jobs,کاریابی,,,6",
        "استان تهران,اداره شهرستان ري\u061c,1403,2,jobs,کاریابی,,,7",
        "IR–19,ابهر,1403,1,trainees,,,,3",
        "Zanjan\u200f,ابهر,1403,2,trainees,,,,4",
    ]
    data = ("\n".join([header, *rows]) + "\n").encode()
    result = importing.import_figures(io.BytesIO(data), dry_run=True)
    assert result.errors == []
    assert len(result.values) == 5
    ray = CountyOffice.objects.get(province__code="IR-23", name="ری")
    assert [v.office_id for v in result.values[1:3]] == [ray.pk, ray.pk]
