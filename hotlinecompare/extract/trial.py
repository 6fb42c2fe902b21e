"""Check one document before it joins the corpus: read it, detect its kind, parse it in memory.

:func:`check_bytes` is pure (bytes and options in, a :class:`CheckResult` out;
nothing under ``data/`` is read or written). A document that cannot be read —
empty, binary, truncated, mixed encodings, no recognisable kind, no city or
year, a parser that crashes — raises :class:`~hotlinecompare.errors.HotlineError`
naming the file and, where known, the line. Whatever can be read is parsed by
the same :func:`~hotlinecompare.extract.fact_build.build_facts` as the build, so ``check``
reports exactly the facts, unparsed lines and checks the build would produce.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.document import Cell, Document, decode, split_lines
from hotlinecompare.extract.fact_build import Build, build_facts
from hotlinecompare.extract.inputs import MAX_BYTES, check_line_lengths, read_input
from hotlinecompare.extract.kinds import PARSER_MODULES, detection, parser_for
from hotlinecompare.extract.kinds.genre.checks import GENRE_TABLES
from hotlinecompare.extract.originals import Original, locations_of, original_of
from hotlinecompare.extract.place import UNDATED, Place, doc_id_for, head, place_of

# Below this detection score a document is refused unless --kind names its parser.
MIN_SCORE = 0.5
# Keys of a fact that say what it is; two table facts with the same key state one thing twice.
DUPLICATE_KEY = ("table", "section", "item", "level1", "level2", "level3", "measure", "period",
                 "basis", "fiscal_year")
# Facts that may restate a figure on purpose: prose (the seed templates' and the genre's) and the genre
# reader's table cells (a summary table and its detail table, a workbook's sheets, repeat rows by design).
PROSE_TABLES = ("prose", *sorted(GENRE_TABLES))


# -- the result --------------------------------------------------------------
@dataclass(frozen=True)
class Detection:
    """The chosen kind, its score, and every parser's score (None: the parser is not available)."""

    kind: str
    score: float
    scores: dict[str, float | None]
    forced: bool = False
    problems: tuple[str, ...] = ()   # detectors that raised: a parser bug, reported, not fatal
    evidence: tuple[str, ...] = ()   # what in the text made the chosen kind (data/kind_evidence.csv rows)
    margin: float = 0.0              # the chosen kind's score over the next best


@dataclass(frozen=True)
class CheckResult:
    source: str
    doc: Document
    detection: Detection
    place: Place
    title: str
    build: Build
    duplicates: pl.DataFrame
    original: Original | None = None   # the PDF, Word, Excel or web page the text was converted from

    @property
    def facts(self) -> pl.DataFrame:
        return self.build.facts

    @property
    def unrecognised(self) -> pl.DataFrame:
        return self.build.unparsed.filter(pl.col("reason_code") == "unrecognised")

    @property
    def failed_checks(self) -> pl.DataFrame:
        return self.build.checks.filter(~pl.col("passed"))

    @property
    def unchecked(self) -> bool:
        """Numbers were read but no reconciliation check could run on them (a table too damaged to check)."""
        return self.build.checks.height == 0 and self.facts["value"].is_not_null().any()

    @property
    def exit_code(self) -> int:
        """0 parsed cleanly; 1 parsed with unaccounted tokens, failed checks, duplicated rows or no check."""
        return 1 if (self.unrecognised.height or self.failed_checks.height or self.duplicates.height
                     or self.unchecked) else 0

    @property
    def verdict(self) -> str:
        facts, checks = self.facts, self.build.checks
        numeric = facts["value"].is_not_null().sum()
        acct = self.build.accounting.row(0, named=True)
        parts = [f"{facts.height} facts ({numeric} numeric)"]
        if self.exit_code == 0:
            return (f"clean: {parts[0]}, all {acct['tokens']} numeric tokens accounted for, "
                    f"{checks.height} checks passed")
        if self.unrecognised.height:
            parts.append(f"{acct['unrecognised']} unrecognised numeric tokens on "
                         f"{self.unrecognised.height} lines")
        if self.failed_checks.height:
            parts.append(f"{self.failed_checks.height} of {checks.height} checks failed")
        if self.duplicates.height:
            parts.append(f"{self.duplicates.height} table rows stated twice")
        if self.unchecked:
            parts.append("no reconciliation check could run on its numbers")
        return "needs review: " + ", ".join(parts)


# -- reading -----------------------------------------------------------------
def read_text(data: bytes, source: str) -> str:
    """The document's text; a clear error for what a plain-text export should not be."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HotlineError("the file is UTF-16 encoded", file=source,
                           expected="UTF-8 or GB18030 text",
                           hint="re-save it as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)")
    nul = data.find(b"\x00")
    if nul >= 0 and data.strip():
        line = data.count(b"\n", 0, nul) + 1
        raise HotlineError(f"the file looks binary: a NUL byte on line {line}",
                           file=source, expected="a plain-text export (UTF-8 or GB18030)",
                           hint="export the document as text again; a PDF or image is not a text export")
    if data.strip():
        _diagnose_utf8(data, source)
    text = decode(data, source)
    check_line_lengths(text, source)
    if "\r" in text and "\n" not in text:
        raise HotlineError("the file's lines end in CR only (classic Mac line ends): it reads as one line",
                           file=source, expected="LF or CRLF line ends",
                           hint="convert the line ends (e.g. `tr '\\r' '\\n'`) and check again")
    return text


def _diagnose_utf8(data: bytes, source: str) -> None:
    """Refuse UTF-8 text that is cut mid-character or has lines in another encoding.

    ``decode`` falls back to GB18030 for anything that is not UTF-8, which would
    turn such a file into plausible-looking but garbled text.
    """
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        body.decode("utf-8")
        return
    except UnicodeDecodeError as e:
        first_bad = e.start
        cut_at_end = e.reason == "unexpected end of data" and e.end == len(body)
    line = body.count(b"\n", 0, first_bad) + 1
    if cut_at_end:
        raise HotlineError("the file ends in the middle of a UTF-8 character: it looks truncated",
                           file=source, line=line, found=body[-8:].decode("utf-8", "replace"),
                           hint="download or export the document again")
    decoded = body.decode("utf-8", "replace")
    bad = decoded.count("\ufffd")
    wide = sum(1 for ch in decoded if ord(ch) >= 0x800 and ch != "\ufffd")
    if wide >= 20 * bad:   # mostly valid UTF-8 Chinese: a few lines in another encoding, not a GB18030 file
        raise HotlineError("the file is UTF-8 except for some bytes in another encoding (mixed encodings)",
                           file=source, line=line,
                           found=body[max(0, first_bad - 12):first_bad + 4].decode("utf-8", "replace"),
                           expected="one encoding for the whole file",
                           hint="re-export the document, or re-encode the lines that came from another source")


# -- detecting the kind ------------------------------------------------------
def detect(lines: tuple[str, ...], source: str, kind: str | None = None) -> Detection:
    """Score every available parser; refuse a low best score or a tie, unless ``kind`` is given."""
    scores: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    for k in PARSER_MODULES:
        try:
            scores[k] = round(float(parser_for(k).detect(lines)), 2)
        except ImportError as e:
            scores[k], errors[k] = None, f"{type(e).__name__}: {e}"
        except Exception as e:   # a detector that crashes on odd input must not stop the check
            scores[k], errors[k] = 0.0, f"{type(e).__name__}: {e}"
    listing = format_scores(scores)
    if kind is not None:
        if kind not in PARSER_MODULES:
            raise HotlineError(f"no parser for document kind {kind!r}", file=source,
                               expected="one of " + ", ".join(sorted(PARSER_MODULES)))
        if scores[kind] is None:
            raise HotlineError(f"the {kind} parser is not available ({errors[kind]})", file=source)
        return Detection(kind, scores[kind], scores, forced=True, problems=_problems(errors, scores))
    available = {k: s for k, s in scores.items() if s is not None}
    best = max(available.values(), default=0.0)
    top = sorted(k for k, s in available.items() if s == best)
    if best < MIN_SCORE:
        raise HotlineError(f"no readable text to tell the kind from (best score {best:.2f} < {MIN_SCORE})",
                           file=source, found=listing,
                           expected="a document with text: any readable document is read as `general` at least",
                           hint="pass --kind KIND if you know it; evidence for a kind is data "
                                "(hotlinecompare/data/kind_evidence.csv)")
    if len(top) > 1:
        raise HotlineError(f"the document looks equally like {' and '.join(top)}", file=source,
                           found=listing, hint="pass --kind KIND")
    ranked = sorted(available.values(), reverse=True)
    evidence = next((s.evidence for s in detection(lines).scores if s.kind == top[0]), ())
    return Detection(top[0], best, scores, problems=_problems(errors, scores), evidence=tuple(evidence),
                     margin=round(best - (ranked[1] if len(ranked) > 1 else 0.0), 2))


def _problems(errors: dict[str, str], scores: dict[str, float | None]) -> tuple[str, ...]:
    return tuple(f"{k}.detect raised {why}" for k, why in sorted(errors.items()) if scores[k] is not None)


def format_scores(scores: dict[str, float | None]) -> str:
    return ", ".join(f"{k} {'unavailable' if s is None else f'{s:.2f}'}"
                     for k, s in sorted(scores.items(), key=lambda kv: (kv[1] is None, -(kv[1] or 0), kv[0])))


# -- checking ----------------------------------------------------------------
def check_bytes(data: bytes, source: str, *, city: str | None = None, year: int | str | None = None,
                kind: str | None = None, places: tuple | None = None) -> CheckResult:
    """Read, detect, place and parse one document in memory; HotlineError if it cannot be read.

    ``places``: the place registry to know places by (default: the project's, else the seed); a place
    it lacks is reported as new, not refused.
    """
    original = original_of(data, source)
    if original is not None:
        check_line_lengths(original.derived.text, source)
    lines = split_lines(original.derived.text) if original is not None else split_lines(read_text(data, source))
    detection = detect(lines, source, kind)
    place = place_of(lines, source, city, year, registry=places)
    doc = Document(doc_id=doc_id_for(place.city, place.fiscal_year, detection.kind), source_file=source,
                   city=place.city.key, city_zh=place.city.name_zh, fiscal_year=place.fiscal_year,
                   kind=detection.kind, lines=lines,
                   meta={"locations": locations_of(original)} if original is not None else {})
    build = parse_safely(doc)
    # the title is the line the year was read from (after any site banner), else the first line
    title = [(place.title_line, lines[place.title_line - 1].strip())] if place.title_line else head(lines)
    return CheckResult(source, doc, detection, place, title[0][1] if title else "", build,
                       duplicates(build.facts), original)


def check_path(path: Path | str, *, max_bytes: int = MAX_BYTES, **options) -> CheckResult:
    """:func:`check_bytes` on a file; a missing, unreadable, oversized or non-regular path is a HotlineError."""
    return check_bytes(read_input(path, max_bytes=max_bytes).data, str(path), **options)


def parse_safely(doc: Document) -> Build:
    """``build_facts([doc])``; a crash inside a parser becomes a HotlineError naming file, parser and line."""
    try:
        return build_facts([doc])
    except HotlineError:
        raise
    except Exception as e:
        raise crash_error(e, doc) from None


def crash_error(e: Exception, doc: Document) -> HotlineError:
    """A parser exception as a user-facing error: which parser, where in its code, which document line."""
    frames = traceback.extract_tb(e.__traceback__)
    ours = [f for f in frames if "hotlinecompare" in Path(f.filename).parts]
    in_parser = [f for f in ours if "kinds" in Path(f.filename).parts]
    at = (in_parser or ours or frames)[-1]
    where = f"{Path(at.filename).parent.name}/{Path(at.filename).name}:{at.lineno} in {at.name}()"
    line, how = _line_of(e, doc)
    message = (f"the {doc.kind} parser crashed: {type(e).__name__}: {e} (at {where}"
               + (f"; {how} line {line}" if line and how else "") + ")")
    return HotlineError(message, file=doc.source_file, line=line,
                        found=doc.text(line)[:80] if line and 0 < line <= len(doc.lines) else None,
                        hint=f"this is a bug in the {doc.kind} parser: report it with this file; "
                             "the document itself may be malformed near that line")


def _line_of(e: Exception, doc: Document) -> tuple[int | None, str]:
    """The document line an exception refers to: its ``line`` attribute, ``file:line`` in its message,
    else the line the parser was reading (a ``Cell`` or a line number among the innermost frame's locals)."""
    line = getattr(e, "line", None)
    if isinstance(line, int):
        return line, ""
    m = re.search(re.escape(doc.source_file) + r":(\d+)", str(e))
    if m:
        return int(m.group(1)), ""
    tb, frames = e.__traceback__, []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        if "kinds" not in Path(frame.f_code.co_filename).parts:
            continue
        for name in ("cell", "label", "amount", "item", "cells", "line", "n"):
            value = frame.f_locals.get(name)
            if isinstance(value, list) and value and isinstance(value[0], Cell):
                value = value[0]
            if isinstance(value, Cell):
                return value.line, "while reading"
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= len(doc.lines) \
                    and name in ("line", "n"):
                return value, "while reading"
    return None, ""


def duplicates(facts: pl.DataFrame) -> pl.DataFrame:
    """Table facts of a seed template stated twice with the same key: a repeated project block or row.

    Prose restates table values on purpose, and so do the tables of other layouts (a 收支总表 and the
    支出表 that details it); only the template forms, where each row is stated once, are checked.
    """
    table = facts.filter(~pl.col("table").is_in(PROSE_TABLES))
    dup = table.filter(pl.len().over(list(DUPLICATE_KEY)) > 1)
    return (dup.group_by(list(DUPLICATE_KEY), maintain_order=True)
               .agg(pl.col("line").alias("lines"), pl.col("quote").first())
               .with_columns(pl.col("lines").list.eval(pl.element().cast(pl.String)).list.join(", "))
               .select("section", "table", "item", "measure", "period", "lines", "quote"))


# -- reports (strings; printing is the CLI's) --------------------------------
def report_lines(result: CheckResult, *, with_facts: bool = True) -> list[str]:
    """A human-readable report: what was detected, the facts, unparsed lines, failed checks, verdict."""
    r, p, d = result, result.place, result.detection
    acct = r.build.accounting.row(0, named=True)
    out = [f"check {r.source}",
           f"  kind      {d.kind} (score {d.score:.2f}{', forced by --kind' if d.forced else ''}"
           + (f", margin {d.margin:.2f}" if not d.forced else "") + f"; all: {format_scores(d.scores)})",
           *([f"  evidence  {'; '.join(d.evidence)[:160]}"] if d.evidence else []),
           f"  city      {p.city.key} {p.city.name_zh} (from {p.city_from})" + (
               f" — new place: {p.city.full_name_zh}, {p.city.admin_level}"
               + (f" under {p.city.parent_full_zh or p.city.parent}" if p.city.parent_key else "")
               + ", recorded in data/raw/places.csv by `add`" if p.city.new else ""),
           f"  year      {p.fiscal_year if p.fiscal_year is not None else UNDATED} (from {p.year_from})",
           f"  doc_id    {r.doc.doc_id}",
           f"  title     {r.title[:60]}"]
    out += [f"  warning   {problem}" for problem in d.problems]
    if with_facts:
        out.append(f"facts it would add ({r.facts.height}):")
        out += [_fact_line(f) for f in r.facts.iter_rows(named=True)]
    out.append(f"numeric tokens: {acct['tokens']} — in facts {acct['in_facts']}, skipped {acct['skipped']}, "
               f"explained {acct['explained']}, unrecognised {acct['unrecognised']}")
    unparsed = r.build.unparsed.sort(pl.col("reason_code") != "unrecognised", "line", maintain_order=True)
    out.append(f"unparsed lines ({unparsed['line'].n_unique()} lines, "
               f"{r.unrecognised.height} with unrecognised tokens):")
    out += [f"  L{u['line']:<5} {u['reason_code']:<22} {u['tokens'][:30]:<30} {u['reason'][:70]}"
            for u in unparsed.iter_rows(named=True)]
    out.append(f"failed checks ({r.failed_checks.height} of {r.build.checks.height}):")
    out += [f"  {c['check_id']}: expected {_num(c['expected'])}, found {_num(c['found'])} — "
            f"{c['description'][:110]}" for c in r.failed_checks.iter_rows(named=True)]
    if r.duplicates.height:
        out.append(f"table rows stated twice ({r.duplicates.height}):")
        out += [f"  lines {x['lines']}: {x['section'][:30]} / {x['item'][:30]} {x['measure']} {x['period']} "
                f"{x['quote']}" for x in r.duplicates.iter_rows(named=True)]
    out.append(f"verdict: {r.verdict} (exit {r.exit_code})")
    return out


def _num(x) -> str:
    return "—" if x is None else f"{x:g}"


def _fact_line(f: dict) -> str:
    value = f["value_text"] if f["value"] is None else f"{f['operator']}{f['value']:g} {f['unit']}".strip()
    name = " / ".join(s for s in (f["section"][:24], f["item"][:30]) if s)
    return (f"  L{f['line']:<5} {f['table']:<14} {f['measure'] + '/' + f['period']:<28} {f['basis']:<9} "
            f"{value:<16} {name}")


def facts_json_rows(results: list[CheckResult]) -> list[dict]:
    """Every fact of the results as a dict with the fact table's columns, in order."""
    return [row for r in results for row in r.facts.iter_rows(named=True)]
