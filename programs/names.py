"""Names of provinces and county offices as people write them (the one matcher
every import, the upload and `Province.objects.by_identifier` use).

- a province by its ISO 3166-2 code with any separator or none («IR-23», «IR23»,
  «IR 23», «IR_23», «IR–23», «ir-۲۳», «23»), by its Persian name with or without
  «استان», or by its English name («Tehran», «East Azarbaijan», «Kohgiluyeh &
  Boyer-Ahmad»);
- a county office by its Persian name with or without «شهرستان» / «اداره
  شهرستان», and by the names people use for it («شهرری» for ری);
- on top of reliefjobs.lib.text.normalize_name (ي/ی, ك/ک, آ/ا, spaces, ZWNJ and
  every invisible mark the number parser accepts).

Pure functions: the models and the importer hold the lookups.
"""

from __future__ import annotations

import re

from reliefjobs.lib.text import INVISIBLE_MARKS, normalize_name, to_latin_digits

_PROVINCE_PREFIXES = tuple(normalize_name(p) for p in ("استان",))
_OFFICE_PREFIXES = tuple(
    normalize_name(p) for p in ("اداره شهرستان", "اداره کل شهرستان", "شهرستان", "اداره")
)
# Names people use for an office other than its reference name.
OFFICE_ALIASES = {
    normalize_name(alias): normalize_name(name) for alias, name in {"شهرری": "ری"}.items()
}
# English spellings besides the stored name_en, by ISO number.
_ENGLISH_ALIASES = {
    "Esfahan": 10,
    "Khorasan Razavi": 9,
    "Kordestan": 12,
    "Kurdestan": 12,
    "East Azarbaijan": 3,
    "West Azarbaijan": 4,
    "Azarbaijan Sharqi": 3,
    "Azarbaijan Gharbi": 4,
    "Chaharmahal Bakhtiari": 14,
    "Sistan Baluchistan": 11,
    "Kohgiluyeh Boyer-Ahmad": 17,
    "Teheran": 23,
    "Hamedan": 13,
    "Ghom": 25,
    "Ghazvin": 26,
}
_DASHES = "\\-_\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u058a\u05be\ufe58\ufe63\uff0d./"
# One separator at most: «IR--19» is a typo to report, not a code to guess.
_ISO = re.compile(rf"IR\s?[{_DASHES}]?\s?([0-9]{{1,3}})|([0-9]{{1,3}})")
_INVISIBLE = re.compile(f"[{INVISIBLE_MARKS}]")


def province_number(text: str) -> int | None:
    """The ISO 3166-2:IR number of «IR-23», «IR23», «IR 23», «IR–23», «۲۳», else None."""
    cleaned = _INVISIBLE.sub("", to_latin_digits(str(text))).strip().upper()
    if "\x00" in cleaned:
        return None
    match = _ISO.fullmatch(cleaned)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def _without_prefix(key: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def province_key(text: str) -> str:
    """The name key of a province as typed: «استان تهران» → the key of «تهران»."""
    return _without_prefix(normalize_name(text), _PROVINCE_PREFIXES)


def office_key(text: str) -> str:
    """The name key of a county office as typed: «شهرستان اسلامشهر», «شهرری»."""
    key = _without_prefix(normalize_name(text), _OFFICE_PREFIXES)
    return OFFICE_ALIASES.get(key, key)


def english_key(text: str) -> str:
    """«Kohgiluyeh & Boyer-Ahmad», «kohgiluyeh and boyer ahmad» → one key."""
    text = str(text).casefold().replace("&", " and ")
    text = re.sub(r"\b(?:and|province|of|ostan)\b", " ", text)
    return normalize_name(text).replace("'", "")


PROVINCE_ALIASES_EN = {english_key(name): number for name, number in _ENGLISH_ALIASES.items()}


def english_number(text: str) -> int | None:
    """The ISO number of an English spelling known besides name_en."""
    return PROVINCE_ALIASES_EN.get(english_key(text))
