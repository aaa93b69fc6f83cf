"""Money and counts the way Persian news writes them (reliefjobs.lib.money).

Rules checked:
- money is integer rials; toman (= 10 rials) only for display; rials round to
  tomans half away from zero, the same for negatives (5 → 1, −5 → −1);
- the news's own phrasings: 408,000,000,000 rials → «۴۰ میلیارد و ۸۰۰ میلیون
  تومان» (Zanjan), 536,000,000,000 → «۵۳ میلیارد و ۶۰۰ میلیون تومان» and
  90,000,000,000 → «۹ میلیارد تومان» (Islamshahr), 140,000,000,000 → «۱۴ میلیارد
  تومان»; counts 2402 → «۲ هزار و ۴۰۲», 2882 → «۲ هزار و ۸۸۲», 3200 → «۳ هزار و
  ۲۰۰», 4000 → «۴ هزار»;
- every size: «هزار میلیارد» for 10**12, «میلیون میلیارد» for 10**15, «میلیارد
  میلیارد» for 10**18, never «هزار هزار میلیارد»; words read back to the number
  (hypothesis, against a reader written here);
- compact figures round to one decimal and carry into the next unit
  (999,999 toman → «۱ میلیون تومان»);
- negatives: «−» (U+2212) in figures, «منفی» in words, never an ASCII hyphen in
  Persian text;
- an amount under one toman is shown in rials («۴ ریال»), never «۰ تومان».
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliefjobs.lib import money
from reliefjobs.lib.text import MAX_INT64, to_latin_digits


@pytest.mark.parametrize(
    ("rial", "toman"),
    [
        (408_000_000_000, 40_800_000_000),
        (15, 2),
        (5, 1),
        (-5, -1),
        (4, 0),
        (-4, 0),
        (-15, -2),
        (-14, -1),
        (0, 0),
    ],
)
def test_rial_to_toman_rounds_half_away_from_zero(rial, toman):
    assert money.rial_to_toman(rial) == toman


def test_toman_to_rial():
    assert money.toman_to_rial(9_000_000_000) == 90_000_000_000


@pytest.mark.parametrize(
    ("rial", "words"),
    [
        (408_000_000_000, "۴۰ میلیارد و ۸۰۰ میلیون تومان"),  # Zanjan, 1397
        (536_000_000_000, "۵۳ میلیارد و ۶۰۰ میلیون تومان"),  # Islamshahr, last year
        (90_000_000_000, "۹ میلیارد تومان"),  # Islamshahr, this year
        (140_000_000_000, "۱۴ میلیارد تومان"),  # Zanjan's zakat
        (10 * 10**12, "۱ هزار میلیارد تومان"),
        (25 * 10**14, "۲۵۰ هزار میلیارد تومان"),
        (10**16, "۱ میلیون میلیارد تومان"),
        (12_500 * 10**10, "۱۲ هزار و ۵۰۰ میلیارد تومان"),
        (-408_000_000_000, "منفی ۴۰ میلیارد و ۸۰۰ میلیون تومان"),
        (0, "۰ تومان"),
        (4, "۴ ریال"),
        (-4, "−۴ ریال"),
        (5, "۵ ریال"),
        (10, "۱ تومان"),
        (15, "۲ تومان"),
    ],
)
def test_toman_words(rial, words):
    assert money.toman_words(rial) == words


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (2402, "۲ هزار و ۴۰۲"),  # Zanjan's loans
        (2882, "۲ هزار و ۸۸۲"),  # Zanjan's jobs
        (3200, "۳ هزار و ۲۰۰"),  # Zanjan's trainees
        (4000, "۴ هزار"),  # Zanjan's 1398 goal
        (453, "۴۵۳"),  # Islamshahr's jobs
        (0, "۰"),
        (1_000_000, "۱ میلیون"),
        (2_000_000_000_000, "۲ هزار میلیارد"),
        (10**15, "۱ میلیون میلیارد"),
        (10**18, "۱ میلیارد میلیارد"),
        (1_234_567 * 10**9, "۱ میلیون و ۲۳۴ هزار و ۵۶۷ میلیارد"),
        (-5, "منفی ۵"),
        (
            MAX_INT64,
            "۹ میلیارد میلیارد و ۲۲۳ میلیون و ۳۷۲ هزار و ۳۶ میلیارد و ۸۵۴ میلیون و ۷۷۵ هزار و ۸۰۷",
        ),
    ],
)
def test_number_words(value, words):
    assert money.number_words(value) == words


def test_number_words_in_latin_digits():
    assert money.number_words(2402, persian=False) == "2 هزار و 402"
    assert money.number_words(10**15, persian=False) == "1 میلیون میلیارد"


def test_group_digits():
    assert money.group_digits(2402) == "۲٬۴۰۲"
    assert money.group_digits(408_000_000_000, persian=False) == "408,000,000,000"
    assert money.group_digits(-40_800_000_000) == "−۴۰٬۸۰۰٬۰۰۰٬۰۰۰"
    assert money.group_digits(-2402, persian=False) == "-2,402"


@pytest.mark.parametrize(
    ("rial", "short"),
    [
        (408_000_000_000, "۴۰٫۸ میلیارد تومان"),
        (90_000_000_000, "۹ میلیارد تومان"),
        (5_000, "۵۰۰ تومان"),
        (9_990, "۹۹۹ تومان"),
        (10_000, "۱ هزار تومان"),
        (9_999_990, "۱ میلیون تومان"),  # 999,999 toman carries into millions
        (9_999_500_000, "۱ میلیارد تومان"),  # 999.95 million carries into billions
        (9_999_999_999_990, "۱ هزار میلیارد تومان"),
        (408 * 10**12, "۴۰٫۸ هزار میلیارد تومان"),
        (10**16, "۱ میلیون میلیارد تومان"),
        (9_940_000, "۹۹۴ هزار تومان"),
        (9_950_000, "۹۹۵ هزار تومان"),
        (-408_000_000_000, "−۴۰٫۸ میلیارد تومان"),
        (-5_000, "−۵۰۰ تومان"),
        (4, "۴ ریال"),
        (0, "۰ تومان"),
    ],
)
def test_short_toman_for_cards(rial, short):
    assert money.short_toman(rial) == short


def test_short_toman_in_latin_digits():
    assert money.short_toman(408_000_000_000, persian=False) == "40.8 میلیارد تومان"
    assert money.short_toman(-408_000_000_000, persian=False) == "-40.8 میلیارد تومان"


# --- properties -------------------------------------------------------------------

UNITS = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9}


def read_words(text: str) -> int:
    """The number a Persian reader takes from «۱ میلیون و ۲۳۴ هزار و ۵۶۷ میلیارد»:
    a unit larger than those before it multiplies them."""
    negative = text.startswith("منفی ")
    text = to_latin_digits(text.removeprefix("منفی "))
    groups: list[tuple[int, int]] = []  # (amount, unit) in reading order
    for part in text.split(" و "):
        number, *units = part.split(" ")
        amount, unit = int(number), 1
        for word in units:
            unit *= UNITS[word]
        while groups and groups[-1][1] < unit:
            amount += groups.pop()[0]
        groups.append((amount * unit if unit > 1 else amount, unit))
    total = sum(amount for amount, _unit in groups)
    return -total if negative else total


FUZZ = settings(max_examples=300, deadline=None, derandomize=True)
AMOUNTS = st.integers(min_value=-MAX_INT64, max_value=MAX_INT64) | st.sampled_from(
    [10**k for k in range(19)] + [10**k - 1 for k in range(1, 19)]
)


@FUZZ
@given(AMOUNTS)
def test_words_read_back_to_the_number(value):
    words = money.number_words(value)
    assert read_words(words) == value
    assert "هزار هزار" not in words
    assert "میلیون میلیون" not in words
    assert "-" not in words


@FUZZ
@given(AMOUNTS)
def test_a_short_figure_is_within_half_a_tenth_of_its_unit(rial):
    short = money.short_toman(rial)
    assert "-" not in short
    assert rial == 0 or short != "۰ تومان"
    match = re.fullmatch(r"(−?)([۰-۹٬]+)(?:٫([۱-۹]))?(?: (.+))? (تومان|ریال)", short)
    assert match, short
    sign, whole, tenth, unit, currency = match.groups()
    figure = int(to_latin_digits(whole.replace("٬", ""))) * 10 + int(to_latin_digits(tenth or "0"))
    if currency == "ریال":
        assert abs(rial) < 10 and figure == abs(rial) * 10
        return
    scale = 1
    for word in (unit or "").split():
        scale *= UNITS[word]
    toman = abs(money.rial_to_toman(rial))
    assert abs(figure * scale - toman * 10) <= scale * 5  # rounded to the nearest tenth
    assert figure < 10_000 or scale == 10**18  # «۱۰۰۰ میلیون» is carried into «۱ میلیارد»
    assert (sign == "−") == (toman > 0 and rial < 0)
