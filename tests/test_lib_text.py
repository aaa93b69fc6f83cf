"""Persian numbers and names as people type them (reliefjobs.lib.text).

Rules checked:
- parse_int accepts Persian (۰–۹) and Arabic-Indic (٠–٩) digits and the
  thousands separators `,` `٬` `،` and spaces (also non-breaking spaces);
- a negative number is refused unless allowed; words, decimals and empty
  values are refused with a reason code; values beyond a 64-bit integer are
  refused (the database column is a 64-bit integer);
- the issue-12 rules: invisible marks around a number (ZWNJ, ZWJ, ZWSP, LRM,
  RLM, ALM, BOM, NBSP) and a zero fraction with «.» or «٫» are accepted, and so
  are many leading zeros; separators only in valid groups of three («12,5»,
  «1,2,3», «1 2 3», «2402,00» are refused, never read as 125 or 240200);
  digits of other scripts (full-width, Devanagari, Bengali, mathematical bold),
  «1_000» and «1'000» are refused; a refusal never echoes a long value;
- property tests (hypothesis): every way of writing a number reads back as that
  number, and whatever is accepted has exactly the digits typed before the
  decimal sign (nothing silently changes magnitude);
- normalize_name: ي/ی, ك/ک, ZWNJ and space variants give the same key
  («اسلام‌شهر» = «اسلامشهر» = «اسلام شهر»), digits are normalised, different
  names stay different.
"""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliefjobs.lib.text import (
    MAX_INT64,
    MAX_NUMBER_LENGTH,
    NumberError,
    clean_display_name,
    excerpt,
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


# --- issue 12: strict and forgiving ------------------------------------------------

MARKS = {
    "ZWNJ": "\u200c",
    "ZWJ": "\u200d",
    "ZWSP": "\u200b",
    "LRM": "\u200e",
    "RLM": "\u200f",
    "ALM": "\u061c",
    "BOM": "\ufeff",
    "NBSP": "\u00a0",
}


@pytest.mark.parametrize("mark", MARKS.values(), ids=MARKS.keys())
def test_invisible_marks_around_a_number_are_ignored(mark):
    assert parse_int("۲۴۰۲" + mark) == 2402
    assert parse_int(mark + "۲۴۰۲") == 2402
    assert parse_int(mark + "2,402" + mark + mark) == 2402


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۲۴۰۲٫۰", 2402),
        ("۲۴۰۲.00", 2402),
        ("2402.00", 2402),
        ("2402٫0000", 2402),
        ("2,402.00", 2402),
        ("۲٬۴۰۲٫۰", 2402),
        ("0" * 25 + "2402", 2402),
        ("۰" * 25 + "۲۴۰۲", 2402),
        ("۲4٠2", 2402),  # Persian, Latin and Arabic-Indic digits in one number
        ("1 000 000", 1_000_000),
        ("1\u202f000", 1000),
        ("۱،۰۰۰،۰۰۰", 1_000_000),
        ("000", 0),
        ("+۵", 5),
    ],
)
def test_forgiving_forms_people_type(text, expected):
    assert parse_int(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("12,5", "grouping"),
        ("۱۲،۵", "grouping"),
        ("1,2,3", "grouping"),
        ("1 2 3", "grouping"),
        ("2402,00", "grouping"),
        ("1,0000", "grouping"),
        ("1234,567", "grouping"),
        (",123", "grouping"),
        ("1,234٬567", "grouping"),  # two kinds of separator in one number
        ("1,,234", "grouping"),
        ("１２", "digits"),  # full-width
        ("१२", "digits"),  # Devanagari
        ("১২", "digits"),  # Bengali
        ("\U0001d7cf\U0001d7d0", "digits"),  # mathematical bold 1 2
        ("²", "digits"),
        ("1_000", "not_number"),
        ("1'000", "not_number"),
        ("1\u2019000", "not_number"),
        ("1.000", "ambiguous"),  # a thousand where the full stop groups thousands
        ("۲۴۰۲٫۵", "not_whole"),
        ("2402.01", "not_whole"),
        ("2402.", "not_number"),
        ("1e3", "not_number"),
        ("0x10", "not_number"),
        ("۲\u200c۴۰۲", "not_number"),  # a mark inside a number is not a separator
        ("--5", "not_number"),
        ("-", "not_number"),
        ("1" * (MAX_NUMBER_LENGTH + 1), "too_long"),
        ("0" * 40 + "9" * 20, "too_large"),
    ],
)
def test_refused_with_a_reason(text, code):
    with pytest.raises(NumberError) as err:
        parse_int(text)
    assert err.value.code == code


def test_a_huge_value_is_refused_without_being_read_or_echoed():
    huge = "1" * 10_000_000
    with pytest.raises(NumberError) as err:
        parse_int(huge)
    assert err.value.code == "too_long"
    assert len(str(err.value)) < 50


def test_excerpt_quotes_a_short_prefix():
    assert excerpt("کوتاه") == "کوتاه"
    assert excerpt("x" * 1000) == "x" * 40 + "…"


# Property tests: bounded so the module runs in seconds (examples counted in the
# closing note of issue 12).
FUZZ = settings(max_examples=300, deadline=None, derandomize=True)
SCRIPTS = ("0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")
SEPARATORS = (",", "٬", "،", " ", "\u00a0")


@st.composite
def written_numbers(draw):
    """A whole number and one way a person might write it."""
    number = draw(st.integers(min_value=0, max_value=MAX_INT64))
    negative = draw(st.booleans())
    digits = str(number)
    separator = draw(st.none() | st.sampled_from(SEPARATORS))
    if separator is None:
        digits = "0" * draw(st.integers(0, 30)) + digits
        body = digits
    else:
        head = len(digits) % 3 or 3
        groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
        body = separator.join(groups)
    body = "".join(SCRIPTS[draw(st.integers(0, 2))][int(c)] if c.isdigit() else c for c in body)
    if draw(st.booleans()):
        mark = draw(st.sampled_from(".٫"))
        sizes = [1, 2, 4] if separator is None and len(digits) <= 3 and mark == "." else [1, 2, 3]
        body += mark + "0" * draw(st.sampled_from(sizes))
    marks = st.text(st.sampled_from(list(MARKS.values()) + [" "]), max_size=3)
    sign = draw(st.sampled_from(["-", "\u2212"])) if negative else draw(st.sampled_from(["", "+"]))
    text = draw(marks) + sign + body + draw(marks)
    return (-number if negative else number), text


@FUZZ
@given(written_numbers())
def test_every_way_of_writing_a_number_reads_back(case):
    number, text = case
    assert parse_int(text, allow_negative=True) == number


_ALPHABET = st.sampled_from(
    list("0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
    + list(",٬، .٫/-+\u2212_'")
    + list(MARKS.values())
    + ["١", "１", "५", "৫", "\U0001d7d3", "a", "e", "ه", "\t"]
)


def _latin(text: str) -> str:
    return "".join(
        str(unicodedata.digit(c)) if unicodedata.digit(c, None) is not None else c for c in text
    )


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.text(_ALPHABET, max_size=30) | st.text(max_size=30))
def test_never_silently_changes_magnitude(text):
    """Whatever is accepted has exactly the digits typed before the decimal sign,
    only zeros after it, and separators only between groups of three."""
    try:
        number = parse_int(text, allow_negative=True)
    except NumberError:
        return
    integer = re.split("[.٫]", text, maxsplit=1)[0]
    fraction = text[len(integer) + 1 :]
    typed = re.sub(r"\D", "", _latin(integer))
    assert int(typed) == abs(number)
    assert set(_latin(fraction)) <= {"0"}
    for separator in (",", "٬", "،"):
        for group in integer.split(separator)[1:]:
            assert len(re.sub(r"\D", "", group)) == 3
    assert all(c in "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩" for c in typed_digits(text))


def typed_digits(text: str) -> list[str]:
    return [c for c in text if unicodedata.digit(c, None) is not None]


@FUZZ
@given(st.integers(min_value=-MAX_INT64, max_value=MAX_INT64))
def test_a_number_and_its_persian_grouped_form_agree(number):
    from reliefjobs.lib.money import group_digits

    assert parse_int(str(number), allow_negative=True) == number
    assert parse_int(group_digits(number), allow_negative=True) == number
    assert parse_int(group_digits(number, persian=False), allow_negative=True) == number


def test_madda_and_every_invisible_mark_fold_in_names():
    assert normalize_name("آذربایجان شرقی") == normalize_name("اذربایجان شرقی")
    for mark in MARKS.values():
        assert normalize_name("اسلامشهر" + mark) == normalize_name("اسلامشهر")
        assert normalize_name(mark + "زنجان") == normalize_name("زنجان")


def test_display_names_keep_their_zwnj():
    assert clean_display_name("قرض‌الحسنه\u061c") == "قرض‌الحسنه"
