"""Numbers and money the way Persian news writes them.

Money is integer rials everywhere; toman (= 10 rials) is for display only.
408_000_000_000 rials → «۴۰ میلیارد و ۸۰۰ میلیون تومان»; 2402 → «۲ هزار و ۴۰۲».

Rules at every size:
- the units are هزار، میلیون، میلیارد; a count of میلیارد of a thousand or more
  is itself written in words, so 10**12 is «۱ هزار میلیارد», 10**15 «۱ میلیون
  میلیارد», 10**18 «۱ میلیارد میلیارد», and «هزار هزار میلیارد» never appears;
- a compact figure rounds to one decimal and carries into the next unit
  (999,999 toman is «۱ میلیون تومان», not «۱۰۰۰ هزار تومان»);
- a negative amount has the Persian minus sign «−» (U+2212) in figures and
  «منفی» in words;
- rials round to tomans half away from zero (5 → 1, −5 → −1), and an amount
  under one toman is shown in rials («۴ ریال»), never as «۰ تومان».
"""

from __future__ import annotations

from reliefjobs.lib.text import to_persian_digits

RIALS_PER_TOMAN = 10
MINUS = "\u2212"  # the minus sign; a hyphen is not one
NEGATIVE_WORD = "منفی"
BILLION = 10**9
_SCALES = (
    (BILLION, "میلیارد"),
    (10**6, "میلیون"),
    (10**3, "هزار"),
)
# Compact units, largest first: a count of billions is named by the smaller units.
_SHORT_SCALES = (
    (10**18, "میلیارد میلیارد"),
    (10**15, "میلیون میلیارد"),
    (10**12, "هزار میلیارد"),
    *_SCALES,
)


def rial_to_toman(rial: int) -> int:
    """Whole tomans, rounded half away from zero (5 rials → 1, −5 → −1)."""
    sign = -1 if rial < 0 else 1
    return sign * ((abs(rial) + RIALS_PER_TOMAN // 2) // RIALS_PER_TOMAN)


def toman_to_rial(toman: int) -> int:
    return toman * RIALS_PER_TOMAN


def _digits(text: str, persian: bool) -> str:
    return to_persian_digits(text) if persian else text


def group_digits(value: int, persian: bool = True) -> str:
    """2402 → «۲٬۴۰۲» (Persian thousands separator and minus sign) or "2,402"."""
    text = f"{abs(value):,}"
    if persian:
        text = to_persian_digits(text.replace(",", "٬"))
    if value < 0:
        return (MINUS if persian else "-") + text
    return text


def number_words(value: int, persian: bool = True) -> str:
    """A count as the news writes it: 2402 → «۲ هزار و ۴۰۲», 4000 → «۴ هزار»,
    2×10**12 → «۲ هزار میلیارد», 10**15 → «۱ میلیون میلیارد»."""
    if value < 0:
        return f"{NEGATIVE_WORD} {number_words(-value, persian)}"
    if value == 0:
        return _digits("0", persian)
    return _digits(_words(value), persian)


def _words(value: int) -> str:
    parts = []
    top, value = divmod(value, BILLION * BILLION)
    if top:  # beyond a 64-bit integer's reach in tomans, but not in counts
        parts.append(f"{_words(top)} میلیارد میلیارد")
    billions, rest = divmod(value, BILLION)
    if billions:
        # A thousand billions or more: the count of billions in words, then «میلیارد».
        parts.append(f"{_words(billions) if billions >= 1000 else billions} میلیارد")
    for scale, word in _SCALES[1:]:
        if rest >= scale:
            head, rest = divmod(rest, scale)
            parts.append(f"{head} {word}")
    if rest:
        parts.append(str(rest))
    return " و ".join(parts)


def _under_one_toman(rial: int, persian: bool) -> str | None:
    """An amount under one toman in rials («۴ ریال»), else None."""
    if rial != 0 and abs(rial) < RIALS_PER_TOMAN:
        return f"{group_digits(rial, persian)} ریال"
    return None


def toman_words(rial: int, persian: bool = True) -> str:
    """408,000,000,000 rials → «۴۰ میلیارد و ۸۰۰ میلیون تومان»; 4 rials → «۴ ریال»."""
    small = _under_one_toman(rial, persian)
    if small:
        return small
    return f"{number_words(rial_to_toman(rial), persian)} تومان"


def short_toman(rial: int, persian: bool = True) -> str:
    """A compact figure for cards and chart labels: «۴۰٫۸ میلیارد تومان»,
    rounded to one decimal, carried into the next unit when it reaches a thousand."""
    small = _under_one_toman(rial, persian)
    if small:
        return small
    toman = rial_to_toman(rial)
    sign = (MINUS if persian else "-") if toman < 0 else ""
    size = abs(toman)
    for index, (scale, word) in enumerate(_SHORT_SCALES):
        if size < scale:
            continue
        tenths = (size * 10 + scale // 2) // scale  # round half up, in whole numbers
        if tenths >= 10_000 and index > 0:  # «۱۰۰۰ میلیون» is «۱ میلیارد»
            scale, word = _SHORT_SCALES[index - 1]
            tenths = (size * 10 + scale // 2) // scale
        whole, tenth = divmod(tenths, 10)
        figure = f"{whole:,}" + (f".{tenth}" if tenth else "")
        if persian:
            figure = to_persian_digits(figure.replace(".", "٫").replace(",", "٬"))
        return f"{sign}{figure} {word} تومان"
    return f"{group_digits(toman, persian)} تومان"
