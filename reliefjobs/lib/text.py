"""Persian text as people type it: digits, numbers and names.

`parse_int` is the one number parser for every form, import and API value;
`normalize_name` is the one key for matching names of provinces, county
offices, schemes, banks and funding sources.
"""

from __future__ import annotations

import re

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, "0123456789" * 2)
_TO_PERSIAN = str.maketrans("0123456789", PERSIAN_DIGITS)

ZWNJ = "\u200c"
# Thousands separators: comma, Arabic thousands separator, Arabic comma,
# apostrophe-like marks, and the spaces people or spreadsheets put in.
_SEPARATORS = re.compile(r"[,\u066c\u060c'\u2019 \u00a0\u202f\u2009_]")
_INVISIBLE = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
MAX_INT64 = 2**63 - 1


def to_latin_digits(text: str) -> str:
    return str(text).translate(_TO_LATIN)


def to_persian_digits(value: object) -> str:
    return str(value).translate(_TO_PERSIAN)


class NumberError(ValueError):
    """A value that is not a whole number a person could mean.

    `code` says why, for callers that word the reason themselves: "empty",
    "not_number", "not_whole", "negative" or "too_large".
    """

    def __init__(self, message: str, code: str = "not_number"):
        super().__init__(message)
        self.code = code


def parse_int(value: object, *, allow_negative: bool = False) -> int:
    """A whole number typed by a person: «۲٬۴۰۲», «2,402», «٢٤٠٢», 2402.0.

    Raises NumberError with a short reason for anything else, for a negative
    number unless allowed, and for values beyond a 64-bit integer.
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
        text = _INVISIBLE.sub("", to_latin_digits(str(value))).strip()
        text = text.replace("\u2212", "-")  # the typographic minus sign
        text = _SEPARATORS.sub("", text)
        if text.endswith(".0"):
            text = text[:-2]
        if not text:
            raise NumberError("empty", "empty")
        if re.fullmatch(r"[+-]?\d*[.\u066b/]\d+", text):
            raise NumberError("not a whole number", "not_whole")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise NumberError("not a number", "not_number")
        if len(text.lstrip("+-")) > 19:
            raise NumberError("too large", "too_large")
        number = int(text)
    if abs(number) > MAX_INT64:
        raise NumberError("too large", "too_large")
    if number < 0 and not allow_negative:
        raise NumberError("negative", "negative")
    return number


_LETTER_VARIANTS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
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
    «اسلامشهر» typed with Arabic letters give the same key."""
    text = _INVISIBLE.sub("", str(name))
    text = to_latin_digits(text).translate(_LETTER_VARIANTS)
    text = _DIACRITICS.sub("", text)
    text = _SPACING.sub("", text)
    return text.casefold()


def clean_display_name(name: str) -> str:
    """A name tidied for storage: Persian letters, single spaces, no stray marks."""
    text = _INVISIBLE.sub("", str(name)).replace("ي", "ی").replace("ك", "ک")
    return re.sub(r"\s+", " ", text).strip()
