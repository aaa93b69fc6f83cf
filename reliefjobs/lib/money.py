"""Numbers and money the way Persian news writes them.

Money is integer rials everywhere; toman (= 10 rials) is for display only.
408_000_000_000 rials → «۴۰ میلیارد و ۸۰۰ میلیون تومان»; 2402 → «۲ هزار و ۴۰۲».
"""

from __future__ import annotations

from reliefjobs.lib.text import to_persian_digits

RIALS_PER_TOMAN = 10
_SCALES = (
    (10**12, "هزار میلیارد"),
    (10**9, "میلیارد"),
    (10**6, "میلیون"),
    (10**3, "هزار"),
)


def rial_to_toman(rial: int) -> int:
    """Whole tomans (rounded half up; amounts are whole tomans in practice)."""
    return (rial + RIALS_PER_TOMAN // 2) // RIALS_PER_TOMAN


def toman_to_rial(toman: int) -> int:
    return toman * RIALS_PER_TOMAN


def group_digits(value: int, persian: bool = True) -> str:
    """2402 → «۲٬۴۰۲» (Persian thousands separator) or "2,402"."""
    text = f"{value:,}"
    if persian:
        return to_persian_digits(text.replace(",", "٬"))
    return text


def number_words(value: int, persian: bool = True) -> str:
    """A count as the news writes it: 2402 → «۲ هزار و ۴۰۲», 4000 → «۴ هزار»."""
    if value < 0:
        return "منفی " + number_words(-value, persian)
    if value == 0:
        return to_persian_digits(0) if persian else "0"
    parts = []
    rest = value
    for scale, word in _SCALES:
        if rest >= scale:
            head, rest = divmod(rest, scale)
            parts.append(f"{head} {word}")
    if rest:
        parts.append(str(rest))
    text = " و ".join(parts)
    return to_persian_digits(text) if persian else text


def toman_words(rial: int, persian: bool = True) -> str:
    """408,000,000,000 rials → «۴۰ میلیارد و ۸۰۰ میلیون تومان»."""
    return f"{number_words(rial_to_toman(rial), persian)} تومان"


def short_toman(rial: int) -> str:
    """A compact figure for cards and chart labels: «۴۰٫۸ میلیارد تومان»."""
    toman = rial_to_toman(rial)
    for scale, word in _SCALES:
        if toman >= scale:
            figure = f"{toman / scale:.1f}".rstrip("0").rstrip(".")
            return f"{to_persian_digits(figure.replace('.', '٫'))} {word} تومان"
    return f"{group_digits(toman)} تومان"
