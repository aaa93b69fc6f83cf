"""Money and counts the way Persian news writes them (reliefjobs.lib.money).

Rules checked:
- money is integer rials; toman (= 10 rials) only for display;
- 408,000,000,000 rials → «۴۰ میلیارد و ۸۰۰ میلیون تومان» (the Zanjan figure);
  536,000,000,000 rials → «۵۳ میلیارد و ۶۰۰ میلیون تومان» (Islamshahr);
- counts: 2402 → «۲ هزار و ۴۰۲», 4000 → «۴ هزار», 2882 → «۲ هزار و ۸۸۲»;
- grouping with the Persian thousands separator; compact figures for cards.
"""

import pytest

from reliefjobs.lib import money


def test_rial_toman_conversion():
    assert money.rial_to_toman(408_000_000_000) == 40_800_000_000
    assert money.toman_to_rial(9_000_000_000) == 90_000_000_000
    assert money.rial_to_toman(15) == 2  # half up


def test_zanjan_loans_in_toman_words():
    assert money.toman_words(408_000_000_000) == "۴۰ میلیارد و ۸۰۰ میلیون تومان"


def test_islamshahr_loans_in_toman_words():
    assert money.toman_words(536_000_000_000) == "۵۳ میلیارد و ۶۰۰ میلیون تومان"
    assert money.toman_words(90_000_000_000) == "۹ میلیارد تومان"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (2402, "۲ هزار و ۴۰۲"),
        (4000, "۴ هزار"),
        (2882, "۲ هزار و ۸۸۲"),
        (453, "۴۵۳"),
        (0, "۰"),
        (1_000_000, "۱ میلیون"),
        (2_000_000_000_000, "۲ هزار میلیارد"),
    ],
)
def test_number_words(value, words):
    assert money.number_words(value) == words


def test_number_words_in_latin_digits():
    assert money.number_words(2402, persian=False) == "2 هزار و 402"


def test_group_digits():
    assert money.group_digits(2402) == "۲٬۴۰۲"
    assert money.group_digits(408_000_000_000, persian=False) == "408,000,000,000"


def test_short_toman_for_cards():
    assert money.short_toman(408_000_000_000) == "۴۰٫۸ میلیارد تومان"
    assert money.short_toman(90_000_000_000) == "۹ میلیارد تومان"
    assert money.short_toman(5_000) == "۵۰۰ تومان"
