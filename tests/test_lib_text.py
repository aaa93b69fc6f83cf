"""Persian numbers and names as people type them (reliefjobs.lib.text).

Rules checked:
- parse_int accepts Persian (۰–۹) and Arabic-Indic (٠–٩) digits and the
  thousands separators `,` `٬` `،` and spaces (also non-breaking spaces);
- a negative number is refused unless allowed; words, decimals and empty
  values are refused with a reason code; values beyond a 64-bit integer are
  refused (the database column is a 64-bit integer);
- normalize_name: ي/ی, ك/ک, ZWNJ and space variants give the same key
  («اسلام‌شهر» = «اسلامشهر» = «اسلام شهر»), digits are normalised, different
  names stay different.
"""

import pytest

from reliefjobs.lib.text import (
    MAX_INT64,
    NumberError,
    clean_display_name,
    normalize_name,
    parse_int,
    to_latin_digits,
    to_persian_digits,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2402", 2402),
        ("۲۴۰۲", 2402),
        ("٢٤٠٢", 2402),
        ("2,402", 2402),
        ("۲٬۴۰۲", 2402),
        ("۲،۴۰۲", 2402),
        ("2 402", 2402),
        ("2\u00a0402", 2402),
        ("408,000,000,000", 408_000_000_000),
        ("۴۰۸٬۰۰۰٬۰۰۰٬۰۰۰", 408_000_000_000),
        (" 77 ", 77),
        ("0", 0),
        ("2402.0", 2402),
        (2402, 2402),
        (2402.0, 2402),
        ("\u200f۵۲", 52),
        (str(MAX_INT64), MAX_INT64),
    ],
)
def test_parse_int_accepts_what_people_type(text, expected):
    assert parse_int(text) == expected


def test_negative_refused_unless_allowed():
    with pytest.raises(NumberError) as err:
        parse_int("-5")
    assert err.value.code == "negative"
    assert parse_int("-5", allow_negative=True) == -5
    assert parse_int("−۵", allow_negative=True) == -5  # typographic minus


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("abc", "not_number"),
        ("۱۲ نفر", "not_number"),
        ("12a", "not_number"),
        ("", "empty"),
        ("   ", "empty"),
        ("12.5", "not_whole"),
        ("۱۲٫۵", "not_whole"),
        (12.5, "not_whole"),
        (True, "not_number"),
        (str(MAX_INT64 + 1), "too_large"),
        ("99999999999999999999999", "too_large"),
        (MAX_INT64 + 1, "too_large"),
    ],
)
def test_parse_int_refuses_non_numbers_with_a_reason(text, code):
    with pytest.raises(NumberError) as err:
        parse_int(text)
    assert err.value.code == code


def test_number_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_int("x")


def test_digits_both_ways():
    assert to_latin_digits("۱۴۰۳/٠١") == "1403/01"
    assert to_persian_digits(1403) == "۱۴۰۳"


@pytest.mark.parametrize(
    "variant", ["اسلام‌شهر", "اسلامشهر", "اسلام شهر", " اسلام  شهر ", "اسلامشهر\u200f"]
)
def test_islamshahr_spellings_share_one_key(variant):
    assert normalize_name(variant) == normalize_name("اسلامشهر")


def test_arabic_yeh_and_kaf_match_persian_letters():
    assert normalize_name("بانك ملي ايران") == normalize_name("بانک ملی ایران")
    assert normalize_name("كاريابي") == normalize_name("کاریابی")
    assert normalize_name("قرض‌الحسنه") == normalize_name("قرض الحسنه")


def test_digits_in_names_are_normalised():
    assert normalize_name("منطقه ۱۹") == normalize_name("منطقه 19") == normalize_name("منطقه ١٩")


def test_different_names_stay_different():
    assert normalize_name("زنجان") != normalize_name("تهران")
    assert normalize_name("راهبری شغلی") != normalize_name("هدایت شغلی")


def test_clean_display_name_keeps_persian_letters_and_single_spaces():
    assert clean_display_name("  بانك   ملي ") == "بانک ملی"
