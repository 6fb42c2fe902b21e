"""Nothing lost silently: account for every numeric token of every raw line.

A token is accounted for when it lies inside a fact's quote, inside content a
parser skipped with a reason, or inside a span that ``data/token_patterns.toml``
explains (a year, a date, a hotline number, a list enumerator …). Whatever is
left is reported as ``unrecognised``: the build's goal is that nothing is.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from hotlinecompare.extract.document import Document
from hotlinecompare.extract.extraction import Extraction
from hotlinecompare.extract.numbers import _numeric_tokens, normalise

UNRECOGNISED = "unrecognised"


@dataclass(frozen=True)
class TokenPattern:
    reason_code: str
    pattern: re.Pattern[str]
    reason: str


@lru_cache(maxsize=1)
def token_patterns() -> tuple[TokenPattern, ...]:
    """The explanation patterns of ``data/token_patterns.toml``, in file order."""
    path = resources.files("hotlinecompare").joinpath("data/token_patterns.toml")
    rows = tomllib.loads(path.read_text(encoding="utf-8"))["pattern"]
    return tuple(TokenPattern(r["reason_code"], re.compile(r["regex"], re.M), r["reason"])
                 for r in rows)


def explained_spans(text: str) -> list[tuple[int, int, str, str]]:
    """Spans of ``text`` that a token pattern explains: (start, end, reason_code, reason)."""
    return list(_explained(text))


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[re.Pattern[str], range, str, str], ...]:
    return tuple((tp.pattern, range(1, (tp.pattern.groups or 0) + 1), tp.reason_code, tp.reason)
                 for tp in token_patterns())


@lru_cache(maxsize=16384)
def _explained(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """:func:`explained_spans`, cached: synthetic and real documents repeat many lines."""
    norm = normalise(text)
    spans = []
    for pattern, group_range, code, reason in _compiled():
        for m in pattern.finditer(norm):
            groups = [i for i in group_range if m.group(i) is not None]
            for i in groups or [0]:
                spans.append((m.start(i), m.end(i), code, reason))
    return tuple(spans)


def _inside(token: tuple[int, int], spans) -> bool:
    return any(s <= token[0] and token[1] <= e for s, e, *_ in spans)


@dataclass(frozen=True)
class Accounting:
    """Token counts for one document and its unparsed report rows."""

    doc_id: str
    tokens: int
    in_facts: int
    skipped: int
    explained: int
    unrecognised: int
    unparsed: tuple[dict, ...]

    @property
    def accounted(self) -> int:
        return self.tokens - self.unrecognised


def account(doc: Document, ex: Extraction) -> Accounting:
    """Classify every numeric token of ``doc`` as fact, skipped, explained or unrecognised."""
    fact_spans: dict[int, list] = {}
    for f in ex.facts:
        fact_spans.setdefault(f["line"], []).append((f["char_start"], f["char_start"] + len(f["quote"])))
    for spans in fact_spans.values():
        spans.sort()
    skip_spans: dict[int, list] = {}
    for s in ex.skips:
        skip_spans.setdefault(s.line, []).append((s.start, s.end, s.reason_code, s.reason))

    n_tokens = in_facts = skipped = explained = unrecognised = 0
    rows = []
    no_spans: list = []
    for line, text in enumerate(doc.lines, start=1):
        tokens = _numeric_tokens(text)
        if not tokens:
            continue
        n_tokens += len(tokens)
        # Tokens and fact spans both in start order: a token lies in a fact exactly when the
        # furthest end among the spans starting at or before it reaches past it.
        spans = fact_spans.get(line, no_spans)
        i, n_spans, reach = 0, len(spans), -1
        rest = []
        for t0, t1 in tokens:
            while i < n_spans and spans[i][0] <= t0:
                if spans[i][1] > reach:
                    reach = spans[i][1]
                i += 1
            if reach >= t1:
                in_facts += 1
            else:
                rest.append((t0, t1))
        if not rest:
            continue
        skips_here = skip_spans.get(line, no_spans)
        patterns_here = None   # computed only when a token is neither in a fact nor skipped
        by_reason: dict[tuple[str, str], list[str]] = {}
        for t0, t1 in rest:
            reason = None
            for s, e, c, r in skips_here:
                if s <= t0 and t1 <= e:
                    reason = (c, r)
                    break
            if reason:
                skipped += 1
            else:
                if patterns_here is None:
                    patterns_here = _explained(text)
                for s, e, c, r in patterns_here:
                    if s <= t0 and t1 <= e:
                        reason = (c, r)
                        break
                if reason:
                    explained += 1
                else:
                    unrecognised += 1
                    reason = (UNRECOGNISED, "a number no parser rule or token pattern accounts for")
            by_reason.setdefault(reason, []).append(text[t0:t1])
        for (code, why), toks in sorted(by_reason.items()):
            rows.append({"doc_id": doc.doc_id, "source_file": doc.source_file, "line": line,
                         # "; " between tokens: a token may itself hold a space (16. 35)
                         "text": text, "tokens": "; ".join(toks), "reason_code": code, "reason": why})
    return Accounting(doc.doc_id, tokens=n_tokens, in_facts=in_facts, skipped=skipped, explained=explained,
                      unrecognised=unrecognised, unparsed=tuple(rows))
