"""Persian text as people type it: digits, numbers and names.

`parse_int` is the one number parser for every form, import and API value;
`normalize_name` is the one key for matching names of provinces, county
offices, schemes, banks and funding sources.
"""

from __future__ import annotations

import re
import unicodedata

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, "0123456789" * 2)
_TO_PERSIAN = str.maketrans("0123456789", PERSIAN_DIGITS)

ZWNJ = "\u200c"
# Marks nobody sees that editors, spreadsheets and keyboards leave in text:
# ZWNJ, ZWJ, ZWSP, LRM, RLM, the Arabic letter mark, BOM, word joiner and the
# bidi embeddings and isolates.
INVISIBLE_MARKS = (
    "\u200c\u200d\u200b\u200e\u200f\u061c\ufeff\u2060"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# The spaces that stand around or inside a number (NBSP, narrow NBSP, thin, figure).
_SPACES = " \t\r\n\u00a0\u202f\u2009\u2007"
_AROUND = INVISIBLE_MARKS + _SPACES
_INVISIBLE = re.compile(f"[{INVISIBLE_MARKS}]")
# The marks a stored name loses (ZWNJ and ZWJ are spelling and stay).
_STRAY_MARKS = re.compile(f"[{INVISIBLE_MARKS.replace(ZWNJ, '').replace(chr(0x200D), '')}]")
_DIGITS = frozenset("0123456789" + PERSIAN_DIGITS + ARABIC_DIGITS)
# Thousands separators: comma, Arabic thousands separator «٬», Arabic comma «،»
# and a space (any of the spaces above); one number uses one kind.
_GROUP_MARKS = {",": ",", "\u066c": "\u066c", "\u060c": "\u060c"} | {
    space: " " for space in " \u00a0\u202f\u2009\u2007"
}
_DECIMAL_MARKS = ".\u066b"  # full stop and the Persian decimal separator «٫»
_SIGNS = {"+": 1, "-": -1, "\u2212": -1}  # U+2212 is the typographic minus sign
MAX_INT64 = 2**63 - 1
# No one types a number longer than this; a longer value is refused unread.
MAX_NUMBER_LENGTH = 64
EXCERPT_LENGTH = 40


def to_latin_digits(text: str) -> str:
    return str(text).translate(_TO_LATIN)


def to_persian_digits(value: object) -> str:
    return str(value).translate(_TO_PERSIAN)


def excerpt(value: object, limit: int = EXCERPT_LENGTH) -> str:
    """A value short enough to quote in a message: its first `limit` characters + «…»."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


class NumberError(ValueError):
    """A value that is not a whole number a person could mean.

    `code` says why, for callers that word the reason themselves: "empty",
    "not_number", "not_whole", "negative", "too_large", "too_long" (more than
    MAX_NUMBER_LENGTH characters), "grouping" (thousands separators not in
    groups of three, as in «12,5»), "digits" (digits of another script, as
    full-width «１２») or "ambiguous" («1.000»: one, or a thousand?).
    """

    def __init__(self, message: str, code: str = "not_number"):
        super().__init__(message)
        self.code = code


def parse_int(value: object, *, allow_negative: bool = False) -> int:
    """A whole number typed by a person: «۲٬۴۰۲», «2,402», «٢٤٠٢», «۲۴۰۲٫۰», 2402.0.

    Accepted: Latin, Persian and Arabic-Indic digits (mixed is fine), invisible
    marks and spaces around the number, a sign («-», «−», «+»), thousands
    separators in valid groups of three, and a fraction of zeros after «.» or
    «٫». Anything else raises NumberError with a reason code; so do negative
    numbers unless allowed and values beyond a 64-bit integer. A separator
    that could mean something else («12,5», «2402,00», «1 2 3») is refused,
    never guessed: a silent tenfold error is the worst kind.
    """
    if isinstance(value, bool):
        raise NumberError("not a number", "not_number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise NumberError("not a whole number", "not_whole")
        number = int(value)
    else:
        number = _parse_text(str(value))
    if abs(number) > MAX_INT64:
        raise NumberError("too large", "too_large")
    if number < 0 and not allow_negative:
        raise NumberError("negative", "negative")
    return number


def _parse_text(raw: str) -> int:
    if len(raw) > 4 * MAX_NUMBER_LENGTH:
        raise NumberError("too long", "too_long")
    text = raw.strip(_AROUND)
    if not text:
        raise NumberError("empty", "empty")
    sign = _SIGNS.get(text[0])
    if sign is not None:
        text = text[1:].lstrip(_AROUND)
    if len(text) > MAX_NUMBER_LENGTH:
        raise NumberError("too long", "too_long")
    if not text:
        raise NumberError("not a number", "not_number")
    integer, mark, fraction = _split_fraction(text)
    separators = {_GROUP_MARKS[c] for c in integer if c in _GROUP_MARKS}
    for char in integer + fraction:
        if char not in _DIGITS and char not in _GROUP_MARKS:
            _refuse_character(char)
    if fraction and not all(c in _DIGITS for c in fraction):
        raise NumberError("not a number", "not_number")
    digits = integer
    if separators:
        groups = re.split("[" + "".join(_GROUP_MARKS) + "]", integer)
        if (
            len(separators) > 1
            or not 1 <= len(groups[0]) <= 3
            or any(len(g) != 3 for g in groups[1:])
        ):
            raise NumberError("thousands separators not in groups of three", "grouping")
        digits = "".join(groups)
    if mark:
        if not fraction:
            raise NumberError("not a number", "not_number")
        if fraction.strip("0۰٠"):
            raise NumberError("not a whole number", "not_whole")
        if not digits:
            raise NumberError("not a number", "not_number")
        if mark == "." and len(fraction) == 3 and not separators and len(digits) <= 3:
            # «1.000» is a thousand where the full stop groups thousands.
            raise NumberError("a thousand, or one?", "ambiguous")
    if not digits:
        raise NumberError("not a number", "not_number")
    digits = to_latin_digits(digits).lstrip("0") or "0"
    if len(digits) > 19:
        raise NumberError("too large", "too_large")
    return sign * int(digits) if sign else int(digits)


def _split_fraction(text: str) -> tuple[str, str, str]:
    for index, char in enumerate(text):
        if char in _DECIMAL_MARKS:
            return text[:index], char, text[index + 1 :]
        if char == "/" and index:  # «۱۲/۵», a decimal point as some people type it
            fraction = text[index + 1 :]
            if fraction and all(c in _DIGITS for c in fraction + text[:index]):
                raise NumberError("not a whole number", "not_whole")
            raise NumberError("not a number", "not_number")
    return text, "", ""


def _refuse_character(char: str) -> None:
    if unicodedata.digit(char, None) is not None:
        raise NumberError("digits of another script", "digits")
    raise NumberError("not a number", "not_number")


_LETTER_VARIANTS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "آ": "ا",  # people drop the madda: «اذربایجان» for «آذربایجان»
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
    }
)
_DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # harakat and tatweel
_SPACING = re.compile(r"[\s\u200c\u200d\u00a0\u200b\-_]+")


def normalize_name(name: str) -> str:
    """The matching key of a name: «اسلام‌شهر», «اسلامشهر», «اسلام شهر» and
    «اسلامشهر» typed with Arabic letters give the same key; so do «آذربایجان»
    and «اذربایجان», and a name with any invisible mark the number parser accepts."""
    text = _INVISIBLE.sub("", str(name))
    text = to_latin_digits(text).translate(_LETTER_VARIANTS)
    text = _DIACRITICS.sub("", text)
    text = _SPACING.sub("", text)
    return text.casefold()


def clean_display_name(name: str) -> str:
    """A name tidied for storage: Persian letters, single spaces, no stray marks."""
    text = _STRAY_MARKS.sub("", str(name)).replace("ي", "ی").replace("ك", "ک")
    return re.sub(r"\s+", " ", text).strip()
