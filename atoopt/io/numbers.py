"""Numbers stored as text, as people and other locales write them.

``"12.5"``, ``" 12,5 "`` (decimal comma), ``"1.234,5"`` and ``"1,234.5"`` (thousands
separators of either kind), ``"1 234"`` (spaces, also non-breaking) and ``"95%"``
all read as numbers. ``"1,234"`` is refused as ambiguous: it is 1234 in one locale
and 1.234 in another.
"""

from __future__ import annotations

import math
import re

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_COMMA_DECIMAL = re.compile(r"[+-]?\d+,\d+")
_GROUPED = {
    ",": re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"),  # 1,234,567.89
    ".": re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?"),  # 1.234.567,89
}
_AMBIGUOUS = re.compile(r"[+-]?\d{1,3}[,.]\d{3}")


class AmbiguousNumberError(ValueError):
    """Text like ``1,234`` that reads as a different number in different locales."""


def parse_number_text(text: str) -> float:
    """The number written in ``text``, or NaN if it is not one.

    Raises :class:`AmbiguousNumberError` for ``1,234`` (a lone comma before three digits).
    """
    squashed = _SPACES.sub("", text)
    percent = squashed.endswith("%")
    if percent:
        squashed = squashed[:-1]
    value = _parse(squashed)
    return value / 100 if percent else value


def _parse(text: str) -> float:
    if _PLAIN.fullmatch(text):
        return _finite(float(text))
    if "," in text and "." not in text and _AMBIGUOUS.fullmatch(text):
        raise AmbiguousNumberError(text)
    if _COMMA_DECIMAL.fullmatch(text):
        return _finite(float(text.replace(",", ".")))
    if _GROUPED[","].fullmatch(text):
        return _finite(float(text.replace(",", "")))
    if (_GROUPED["."].fullmatch(text) and text.count(".") > 1) or ("," in text and _GROUPED["."].fullmatch(text)):
        return _finite(float(text.replace(".", "").replace(",", ".")))
    return math.nan


def _finite(value: float) -> float:
    return value if math.isfinite(value) else math.nan
