"""Reference data: provinces and county offices from django-iranian-cities' CSV
files (GPL-3.0), and the default schemes, banks and funding sources."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from reliefjobs.lib.text import normalize_name

DEFAULT_SCHEMES = ("هدایت شغلی", "راهبری شغلی", "کاریابی", "آزادکاری")
DEFAULT_BANKS = (
    "بانک ملی ایران",
    "بانک سپه",
    "بانک کشاورزی",
    "بانک قرض‌الحسنه مهر ایران",
    "بانک رفاه کارگران",
    "بانک توسعه تعاون",
    "پست بانک ایران",
)
DEFAULT_FUNDING_SOURCES = ("صندوق امداد ولایت", "منابع بانکی")

# English names by ISO 3166-2:IR number.
PROVINCE_NAMES_EN = {
    0: "Markazi",
    1: "Gilan",
    2: "Mazandaran",
    3: "East Azerbaijan",
    4: "West Azerbaijan",
    5: "Kermanshah",
    6: "Khuzestan",
    7: "Fars",
    8: "Kerman",
    9: "Razavi Khorasan",
    10: "Isfahan",
    11: "Sistan and Baluchestan",
    12: "Kurdistan",
    13: "Hamadan",
    14: "Chaharmahal and Bakhtiari",
    15: "Lorestan",
    16: "Ilam",
    17: "Kohgiluyeh and Boyer-Ahmad",
    18: "Bushehr",
    19: "Zanjan",
    20: "Semnan",
    21: "Yazd",
    22: "Hormozgan",
    23: "Tehran",
    24: "Ardabil",
    25: "Qom",
    26: "Qazvin",
    27: "Golestan",
    28: "North Khorasan",
    29: "South Khorasan",
    30: "Alborz",
}
# The package writes some names without the space the official names have.
_PERSIAN_NAME_FIXES = {
    "چهارمحال وبختیاری": "چهارمحال و بختیاری",
    "سیستان وبلوچستان": "سیستان و بلوچستان",
    "کهگیلویه وبویراحمد": "کهگیلویه و بویراحمد",
}


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str
    name_en: str
    source_id: str


def _read_csv(name: str) -> list[dict[str, str]]:
    data = resources.files("iranian_cities") / "data" / name
    with data.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def province_rows() -> list[ProvinceRow]:
    rows = []
    for row in _read_csv("province.csv"):
        number = int(row["code"])
        name = _PERSIAN_NAME_FIXES.get(row["name"], row["name"])
        rows.append(ProvinceRow(f"IR-{number:02d}", name, PROVINCE_NAMES_EN[number], row["id"]))
    return rows


def county_rows() -> list[tuple[str, str]]:
    """(province source id, county name) for every county."""
    return [(row["province"], row["name"]) for row in _read_csv("county.csv")]


@transaction.atomic
def load_reference() -> dict[str, int]:
    """Create what is missing; never changes or removes what exists. Returns counts created."""
    from loans.models import Bank, FundingSource
    from programs.models import CountyOffice, Province, Scheme

    created = {"provinces": 0, "offices": 0, "schemes": 0, "banks": 0, "funding_sources": 0}
    by_source_id = {}
    existing = {p.code: p for p in Province.objects.all()}
    for row in province_rows():
        province = existing.get(row.code)
        if province is None:
            province = Province.objects.create(code=row.code, name=row.name, name_en=row.name_en)
            created["provinces"] += 1
        by_source_id[row.source_id] = province
    have = set(CountyOffice.objects.values_list("province_id", "name_key"))
    new_offices = []
    for source_id, name in county_rows():
        province = by_source_id[source_id]
        key = (province.pk, normalize_name(name))
        if key not in have:
            have.add(key)
            new_offices.append(CountyOffice(province=province, name=name))
    for office in new_offices:
        office.save()
    created["offices"] = len(new_offices)
    for model, names, label in (
        (Scheme, DEFAULT_SCHEMES, "schemes"),
        (Bank, DEFAULT_BANKS, "banks"),
        (FundingSource, DEFAULT_FUNDING_SOURCES, "funding_sources"),
    ):
        for name in names:
            if not model.objects.named(name).exists():
                model.objects.create(name=name)
                created[label] += 1
    return created
