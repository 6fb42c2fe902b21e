"""Display text for figures, looked up by key in the one label table.

Every title, axis label, legend entry and source-note phrase lives in
``hotlinecompare/data/labels.csv`` (columns key, zh, en), so wording is edited in
one place and the Chinese and English versions stay side by side.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from hotlinecompare.errors import HotlineError

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LABELS_PATH = resources.files("hotlinecompare") / "data" / "labels.csv"
_COLUMNS = ["key", *LANGS]


class MissingLabelError(HotlineError, KeyError):
    """A label key that labels.csv does not define."""

    # KeyError would print the message as a quoted repr; show it as written.
    __str__ = BaseException.__str__


class UnknownLanguageError(HotlineError, ValueError):
    """A language code other than those in LANGS."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if figures can be labelled in it, else raise UnknownLanguageError."""
    if lang not in LANGS:
        raise UnknownLanguageError(f"unknown figure language {lang!r}", found=lang,
                                   expected=" or ".join(repr(code) for code in LANGS))
    return lang


def label(key: str, lang: str = DEFAULT_LANG) -> str:
    """The display text for ``key`` in ``lang`` ("zh" or "en")."""
    check_lang(lang)
    try:
        return _load_labels()[key][lang]
    except KeyError:
        raise MissingLabelError(f"no label {key!r}", file=str(LABELS_PATH),
                                hint=f"add a row {key},<zh>,<en> to {LABELS_PATH.name}") from None


def label_keys() -> tuple[str, ...]:
    """Every key in labels.csv, in file order."""
    return tuple(_load_labels())


@cache
def _load_labels() -> dict[str, dict[str, str]]:
    """labels.csv as {key: {lang: text}}; every row must give a unique key and both languages."""
    path = str(LABELS_PATH)
    with LABELS_PATH.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != _COLUMNS:
            raise HotlineError("unexpected columns in the label table", file=path, line=1,
                               found=",".join(reader.fieldnames or []), expected=",".join(_COLUMNS))
        table: dict[str, dict[str, str]] = {}
        for line, row in enumerate(reader, start=2):
            key = row["key"]
            if not key or any(not row[lang] for lang in LANGS):
                raise HotlineError("label row needs a key and text in every language",
                                   file=path, line=line, found=str(row))
            if key in table:
                raise HotlineError(f"duplicate label key {key!r}", file=path, line=line)
            table[key] = {lang: row[lang] for lang in LANGS}
    return table


# Full-width punctuation carries its own spacing: a space before or after it is a typo ("年。 假设").
_FULL_WIDTH_PUNCTUATION = "。，；：、！？（）《》「」『』【】"
_SPACE_AFTER = re.compile(f"(?<=[{_FULL_WIDTH_PUNCTUATION}])[ \\t\\u3000]+")
_SPACE_BEFORE = re.compile(f"[ \\t\\u3000]+(?=[{_FULL_WIDTH_PUNCTUATION}])")


def tidy_spacing(text: str) -> str:
    """``text`` without spaces next to Chinese full-width punctuation."""
    return _SPACE_BEFORE.sub("", _SPACE_AFTER.sub("", text))
