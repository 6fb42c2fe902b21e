"""The figure registry, source notes and deterministic export.

A figure function receives the tables it declared and a language, and returns a Figure
that carries a source note::

    @register("budget_by_city", caption_key="caption.budget_by_city", tables=["budget_lines"])
    def budget_by_city(tables, *, lang="zh"):
        fig, ax = new_figure()
        ...
        add_source_note(fig, source_note_text(["doc.sz2024pt"], "basis.budget", 2024, lang=lang))
        return fig

``export_figures(tables, "figures")`` then writes ``budget_by_city_zh.{png,svg,pdf}`` and
a README.md entry for it; running it again rewrites identical bytes.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
from matplotlib.text import Text

from hotlinecompare.errors import HotlineError
from hotlinecompare.output.figures.labels import DEFAULT_LANG, LANGS, MissingLabelError, check_lang, label, tidy_spacing
from hotlinecompare.output.figures.layout import fitted_layout, wrap_to_width
from hotlinecompare.output.figures.style import EXPORT_DPI, NOTE_COLOUR, NOTE_FONT_PT, house_style, use_house_style

# fn(tables: dict[str, polars.DataFrame], *, lang: str = "zh") -> Figure
FigureFunction = Callable[..., Figure]

FORMATS = ("png", "svg", "pdf")
README_NAME = "README.md"
_CREATOR = "hotlinecompare"
# Dates and library versions are left out so that re-exports do not change the files.
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "png": {"metadata": {"Software": None}},
    "svg": {"metadata": {"Creator": _CREATOR, "Date": None}},
    "pdf": {"metadata": {"Creator": _CREATOR, "Producer": None, "CreationDate": None}},
}
_NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")


class UnknownFigureError(HotlineError, KeyError):
    """A figure name that the registry does not know."""

    # KeyError would print the message as a quoted repr; show it as written.
    __str__ = BaseException.__str__


# --- figure metadata and source notes ---------------------------------------------------------

@dataclass(frozen=True)
class FigureMeta:
    """What a figure says about itself, beyond its pixels."""

    name: str | None = None
    lang: str | None = None
    caption: str | None = None
    source_note: str | None = None


_META_ATTR = "_hotline_meta"
_NOTE_GID = "hotline-source-note"
_NOTE_PAD_IN = 0.05
_LINE_SPACING = 1.2


def figure_meta(fig: Figure) -> FigureMeta:
    """The metadata attached to ``fig`` (empty if none)."""
    return getattr(fig, _META_ATTR, FigureMeta())


def _update_meta(fig: Figure, **changes: str) -> None:
    setattr(fig, _META_ATTR, replace(figure_meta(fig), **changes))


def source_note_text(documents: Sequence[str], basis: str, year: int | str | None, *,
                     lang: str = DEFAULT_LANG) -> str:
    """The standard source note: documents and basis are label keys ("doc.*", "basis.*").

    ``year`` is a year or a range such as "2023–2026"; None means the documents do not state it.
    """
    separator = label("source_note.document_separator", lang)
    return label("source_note.template", lang).format(
        documents=separator.join(document_label(key, lang) for key in documents),
        basis=label(basis, lang),
        year=label("year.undated", lang) if year is None else year,
    )


def document_label(key: str, lang: str = DEFAULT_LANG) -> str:
    """A source document's name in a note: its label ("doc.<doc_id>") where labels.csv has one (the seeds),
    else the title the project's manifest recorded when the document was added, with its place and year."""
    try:
        return label(key, lang)
    except MissingLabelError:
        if not key.startswith("doc."):
            raise
    row = _manifest_rows().get(key.removeprefix("doc."))
    if row is None:
        return key.removeprefix("doc.")
    year = row["fiscal_year"] or label("year.undated", lang)
    if lang == "zh":
        return f"{row['city_zh']}{year}年《{row['doc_kind']}》" if row["doc_kind"] else f"{row['city_zh']} {year}"
    return f"{row['city'].capitalize()} {year} {row['parser'].replace('_', ' ')} ({row['city_zh']})"


def _manifest_rows() -> dict[str, dict]:
    """The project's manifest rows by doc_id (none outside a project)."""
    from hotlinecompare import paths
    from hotlinecompare.extract.raw import read_manifest

    try:
        return {r["doc_id"]: r for r in read_manifest(paths.raw_dir())}
    except HotlineError:
        return {}


def add_source_note(fig: Figure, text: str) -> Text:
    """Write ``text`` in small grey type below the axes (replacing any earlier note) and record it.

    The note is wrapped to the figure's width as the 300-dpi PNG draws it, so no line runs off the
    canvas, and spaces after Chinese full-width punctuation are dropped ("年。 假设" → "年。假设").
    """
    for old in [t for t in fig.texts if t.get_gid() == _NOTE_GID]:
        old.remove()
    text = tidy_spacing(text)
    width_in, height_in = fig.get_size_inches()
    lines = wrap_to_width(text, max_width_pt=(width_in - 2 * _NOTE_PAD_IN) * 72, fontsize=NOTE_FONT_PT)
    note = fig.text(_NOTE_PAD_IN / width_in, _NOTE_PAD_IN / height_in, "\n".join(lines),
                    ha="left", va="bottom", fontsize=NOTE_FONT_PT, color=NOTE_COLOUR,
                    linespacing=_LINE_SPACING, gid=_NOTE_GID)
    note.set_in_layout(False)  # placed by hand; the layout keeps clear of it through the reserved bottom
    note_height_in = len(lines) * NOTE_FONT_PT * _LINE_SPACING / 72 + 2 * _NOTE_PAD_IN
    _reserve_bottom(fig, note_height_in / height_in)
    _update_meta(fig, source_note=text)
    return note


def _reserve_bottom(fig: Figure, fraction: float) -> None:
    """Keep the axes (and their labels) above the bottom ``fraction`` of the figure."""
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, fraction, 1, 1 - fraction))  # left, bottom, width, height
    elif isinstance(engine, TightLayoutEngine):
        engine.set(rect=(0, fraction, 1, 1))  # left, bottom, right, top
    else:
        fig.subplots_adjust(bottom=fig.subplotpars.bottom + fraction)


# --- the registry -----------------------------------------------------------------------------

@dataclass(frozen=True)
class FigureSpec:
    """A registered figure: its function, the caption's label key and the tables it reads."""

    name: str
    function: FigureFunction
    caption_key: str
    tables: tuple[str, ...]

    def caption(self, lang: str = DEFAULT_LANG) -> str:
        return label(self.caption_key, lang)

    def command(self, lang: str = DEFAULT_LANG) -> str:
        """The command line that re-makes this figure."""
        return f"hotlinecompare figures --only {self.name} --lang {lang}"

    def file_name(self, lang: str, fmt: str) -> str:
        return f"{self.name}_{lang}.{fmt}"


class FigureRegistry(Mapping[str, FigureSpec]):
    """Figure specs by name, iterated in name order.

    The package's figures go in the module-level REGISTRY; tests make their own instance.
    """

    def __init__(self) -> None:
        self._specs: dict[str, FigureSpec] = {}

    def __getitem__(self, name: str) -> FigureSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownFigureError(f"unknown figure {name!r}", found=name,
                                     expected=", ".join(self) or "(no figures registered)") from None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._specs))

    def __len__(self) -> int:
        return len(self._specs)

    def register(self, name: str, *, caption_key: str,
                 tables: Iterable[str] = ()) -> Callable[[FigureFunction], FigureFunction]:
        """Decorator registering a figure function under ``name``; returns the function unchanged."""
        if not _NAME_PATTERN.fullmatch(name):
            raise ValueError(f"figure name {name!r} must be lower-case letters, digits and _ "
                             "(it names the exported files)")
        for lang in LANGS:
            label(caption_key, lang)  # a typo in the caption key fails at import, not at export

        def decorator(function: FigureFunction) -> FigureFunction:
            old = self._specs.get(name)
            # Re-registering the same function (a module reload) is fine; a second function is not.
            if old is not None and _qualified_name(old.function) != _qualified_name(function):
                raise ValueError(f"figure {name!r} is already registered by "
                                 f"{_qualified_name(old.function)}")
            self._specs[name] = FigureSpec(name, function, caption_key, tuple(tables))
            return function

        return decorator

    def registered(self) -> list[FigureSpec]:
        """All specs, in name order."""
        return [self._specs[name] for name in self]

    def select(self, only: str | Iterable[str] | None = None) -> list[FigureSpec]:
        """The specs named in ``only`` (a name or names; None for all), in name order."""
        if only is None:
            return self.registered()
        names = {only} if isinstance(only, str) else set(only)
        return [self[name] for name in sorted(names)]

    def build(self, name: str, tables: Mapping[str, Any], *, lang: str = DEFAULT_LANG) -> Figure:
        """Make one figure in the house style, with its caption and source note in figure_meta()."""
        spec = self[name]
        check_lang(lang)
        missing = [t for t in spec.tables if t not in tables]
        if missing:
            raise HotlineError(f"figure {name!r} needs tables it was not given: {', '.join(missing)}",
                               found=", ".join(sorted(tables)) or "(no tables)",
                               expected=", ".join(spec.tables))
        use_house_style()
        # Only the declared tables are passed, so the declaration cannot silently go stale.
        fig = spec.function({t: tables[t] for t in spec.tables}, lang=lang)
        if not isinstance(fig, Figure):
            raise TypeError(f"figure function for {name!r} returned {type(fig).__name__}, not a Figure")
        if figure_meta(fig).source_note is None:
            _close(fig)
            raise HotlineError(f"figure {name!r} has no source note",
                               hint="call add_source_note(fig, source_note_text(...)) before returning")
        fitted_layout(fig)  # whatever layout the function chose, nothing is drawn off the canvas
        _update_meta(fig, name=name, lang=lang, caption=spec.caption(lang))
        return fig

    def export(self, tables: Mapping[str, Any], out_dir: str | Path, *, lang: str = DEFAULT_LANG,
               formats: Sequence[str] = FORMATS, only: str | Iterable[str] | None = None) -> list[Path]:
        """Write each selected figure as ``{name}_{lang}.{ext}`` and update out_dir/README.md.

        Returns the figure files written, in name then format order.
        """
        check_lang(lang)
        formats = _check_formats(formats)
        specs = self.select(only)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        entries: dict[tuple[str, str], str] = {}
        with house_style():  # also sets the export rcParams (fonttypes, SVG hash salt)
            for spec in specs:
                fig = self.build(spec.name, tables, lang=lang)
                try:
                    paths = [_save(fig, out_dir / spec.file_name(lang, fmt), fmt) for fmt in formats]
                finally:
                    _close(fig)
                written += paths
                entries[spec.name, lang] = _readme_entry(spec, lang, figure_meta(fig), paths)
        _update_readme(out_dir / README_NAME, entries)
        return written


REGISTRY = FigureRegistry()
register = REGISTRY.register

_FRAMEWORK_MODULES = {"display", "labels", "layout", "registry", "style", "truetype"}


def load_figure_modules(package: str = "hotlinecompare.output.figures") -> None:
    """Import every figure module of ``package`` (all but the framework and _private ones).

    Figure modules register themselves on import, so a new module in hotlinecompare/figures/
    is picked up without editing any list.
    """
    modules = pkgutil.iter_modules(importlib.import_module(package).__path__)
    for name in sorted(module.name for module in modules):
        if name not in _FRAMEWORK_MODULES and not name.startswith("_"):
            importlib.import_module(f"{package}.{name}")


def registered(registry: FigureRegistry | None = None) -> list[FigureSpec]:
    """The registered figure specs, in name order (by default the package's figures)."""
    return _registry_or_package(registry).registered()


def build_figure(name: str, tables: Mapping[str, Any], *, lang: str = DEFAULT_LANG,
                 registry: FigureRegistry | None = None) -> Figure:
    """One registered figure, e.g. to show in a notebook; see FigureRegistry.build."""
    return _registry_or_package(registry).build(name, tables, lang=lang)


def export_figures(tables: Mapping[str, Any], out_dir: str | Path, *, lang: str = DEFAULT_LANG,
                   formats: Sequence[str] = FORMATS, only: str | Iterable[str] | None = None,
                   registry: FigureRegistry | None = None) -> list[Path]:
    """Export registered figures as PNG (300 dpi), SVG and PDF; see FigureRegistry.export."""
    return _registry_or_package(registry).export(tables, out_dir, lang=lang, formats=formats, only=only)


def _registry_or_package(registry: FigureRegistry | None) -> FigureRegistry:
    if registry is not None:
        return registry
    load_figure_modules()
    return REGISTRY


def _qualified_name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    formats = (formats,) if isinstance(formats, str) else tuple(dict.fromkeys(formats))
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise HotlineError(f"unknown figure format {', '.join(unknown)}", expected=", ".join(FORMATS))
    return formats


def _save(fig: Figure, path: Path, fmt: str) -> Path:
    fig.savefig(path, format=fmt, dpi=EXPORT_DPI, **_SAVE_OPTIONS[fmt])
    return path


def _close(fig: Figure) -> None:
    """Release a figure; only pyplot keeps references to figures, so only pyplot needs telling."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)


# --- README.md in the export directory --------------------------------------------------------

_README_HEADER = (
    "# Figures\n\n"
    "Written by `hotlinecompare figures`; do not edit by hand. "
    "Re-run the command listed under a figure to remake it.\n"
)
_ENTRY = re.compile(r"<!-- figure (\S+) (\S+) -->\n.*?<!-- /figure -->\n", re.S)


def _readme_entry(spec: FigureSpec, lang: str, meta: FigureMeta, paths: Sequence[Path]) -> str:
    files = ", ".join(f"`{path.name}`" for path in paths)
    return (
        f"<!-- figure {spec.name} {lang} -->\n"
        f"## {spec.name} ({lang})\n\n"
        f"- Files: {files}\n"
        f"- Caption: {meta.caption}\n"
        f"- Source note: {meta.source_note}\n"
        f"- Command: `{spec.command(lang)}`\n"
        "<!-- /figure -->\n"
    )


def _update_readme(path: Path, entries: Mapping[tuple[str, str], str]) -> None:
    """Replace the entries just exported and keep the others, so a partial export loses nothing."""
    kept: dict[tuple[str, str], str] = {}
    if path.exists():
        for match in _ENTRY.finditer(path.read_text(encoding="utf-8")):
            kept[match.group(1), match.group(2)] = match.group(0)
    kept.update(entries)
    body = "\n".join(kept[key] for key in sorted(kept))
    path.write_text(_README_HEADER + ("\n" + body if body else ""), encoding="utf-8", newline="\n")
