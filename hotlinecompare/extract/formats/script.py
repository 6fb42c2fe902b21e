"""Traditional characters to simplified, for pages a mirror serves in traditional script.

Some copies of government pages (mirrors, portals' 繁体 switch) arrive in traditional characters
(攸縣行政審批服務局 2024年部門預算 … 萬元). The readers and the gazetteer know simplified
forms, so such a document is read through a derived text with each traditional character
replaced by its simplified form, one character for one (so every line keeps its length and
every quote still stands at its place in the original's line). The mapping is OpenCC's
character table (``TSCharacters.txt`` of opencc-python-reimplemented, Apache-2.0), first
candidate only. A document counts as traditional when at least ``TRADITIONAL_SHARE`` of its
Chinese characters change under the table: a simplified page that holds a few characters the
table also lists (乾, 著) is left as it is. A mirror that flattened ruby text into the line
(部門(mén)預算) has those pinyin annotations taken out of the derived text too.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from importlib import metadata, resources

from hotlinecompare.extract.formats.model import Derived

# The share of a document's Chinese characters that must be traditional forms for it to be read
# through the simplified derived text (simplified pages: under 1 %; traditional pages: 15–30 %).
TRADITIONAL_SHARE = 0.05
MIN_CHANGED = 20


@cache
def _table() -> dict[int, str]:
    path = resources.files("opencc").joinpath("dictionary/TSCharacters.txt")
    table: dict[int, str] = {}
    for row in path.read_text(encoding="utf-8").splitlines():
        key, _, targets = row.partition("\t")
        first = targets.split(" ")[0] if targets else ""
        if len(key) == 1 and len(first) == 1 and first != key:
            table[ord(key)] = first
    return table


def version() -> str:
    try:
        return f"opencc-python-reimplemented {metadata.version('opencc-python-reimplemented')} t2s characters"
    except metadata.PackageNotFoundError:   # pragma: no cover - installed with the package
        return "opencc t2s characters"


def is_traditional(text: str) -> bool:
    """Do enough of the text's Chinese characters change to simplified ones?"""
    table = _table()
    chinese = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    changed = sum(1 for ch in text if ord(ch) in table)
    return changed >= MIN_CHANGED and changed >= TRADITIONAL_SHARE * max(chinese, 1)


def to_simplified(text: str) -> str:
    """The text with each traditional character replaced by its simplified form (same length)."""
    return text.translate(_table())


# 部門(mén)預算: a mirror's pinyin annotation after a character (ruby text flattened into the line)
RUBY = re.compile(r"(?<=[\u4e00-\u9fff])\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6})\)")
MIN_RUBY = 3


def has_ruby(text: str) -> bool:
    return len(RUBY.findall(text)) >= MIN_RUBY


def without_ruby(text: str) -> str:
    """The text without pinyin annotations after characters (部門(mén) → 部門); lines stay lines."""
    return RUBY.sub("", text)


def read_as_simplified(derived: Derived) -> Derived:
    """The derived text with a mirror's pinyin annotations taken out and, when it is in traditional
    characters, read as simplified (the converter and notes say so); ``derived`` itself when neither."""
    if has_ruby(derived.text):
        derived = replace(derived, text=without_ruby(derived.text),
                          notes=(*derived.notes, "pinyin annotations after characters taken out"))
    if is_traditional(derived.text):
        derived = replace(derived, text=to_simplified(derived.text), converter=f"{derived.converter}; {version()}",
                          notes=(*derived.notes, "traditional characters read as simplified, one for one"))
    return derived
