"""The CJK font as TrueType, so that PDFs embed a real font (Type 42) instead of Type 3 glyph procedures.

Noto Sans SC comes from PyPI as OpenType with CFF (cubic) outlines. matplotlib embeds
only TrueType (quadratic, ``glyf``) outlines as Type 42; a CFF font has to go in as
Type 3, which print preflights flag. So the font is converted once per machine with
fontTools (cubic → quadratic within 1 unit of the 1,000-unit em) and the copy cached.
The conversion keeps every glyph, the names and the layout tables, and writes no
timestamp: every machine makes the same bytes, so exported figures stay byte-identical.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

# Bump when the conversion changes: the cached copy's name carries it.
CONVERTER_VERSION = 1
# Largest distance, in font units, between a cubic curve and its quadratic replacement.
MAX_ERROR_UNITS = 1.0
_CACHE_VAR = "HOTLINECOMPARE_CACHE"


def cache_dir() -> Path:
    """``$HOTLINECOMPARE_CACHE``, else ``$XDG_CACHE_HOME/hotlinecompare``, else ``~/.cache/hotlinecompare``."""
    if os.environ.get(_CACHE_VAR):
        return Path(os.environ[_CACHE_VAR])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "hotlinecompare"
    try:
        return Path.home() / ".cache" / "hotlinecompare"
    except RuntimeError:   # no home directory (a bare CI or service account)
        return Path(tempfile.gettempdir()) / "hotlinecompare"


def _writable(folder: Path) -> Path:
    """``folder``, or a folder in the system's temporary directory when it cannot be created or written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / "hotlinecompare"


def truetype_copy(source: Path, directory: Path | None = None) -> Path:
    """The TrueType conversion of the OpenType/CFF font ``source``, made on first use and then reused.

    The file name holds the source's hash and the converter version, so a new font or a new
    conversion never reuses a stale copy. It is written to a temporary file and renamed, so a
    process that stops half-way, or two that convert at once, leave no broken font behind.
    """
    source = Path(source)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    folder = Path(directory) if directory is not None else _writable(cache_dir())
    target = folder / f"{source.stem}-{digest}-tt{CONVERTER_VERSION}.ttf"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".ttf", dir=target.parent)
    os.close(handle)
    try:
        convert(source, Path(temporary))
        os.chmod(temporary, 0o644)   # mkstemp makes it private; a font is not
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target


def convert(source: Path, target: Path) -> None:
    """Write ``source`` (OpenType with CFF outlines) to ``target`` as TrueType with ``glyf`` outlines."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(source), recalcTimestamp=False)
    if "CFF " not in font:
        raise ValueError(f"{source}: expected an OpenType font with CFF outlines")
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        # PostScript outlines run anticlockwise, TrueType ones clockwise: reverse while converting.
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR_UNITS, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    for cff_only in ("CFF ", "VORG"):
        if cff_only in font:
            del font[cff_only]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000   # the TrueType maxp: its point and contour counts are recomputed on save
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0            # no glyph names: a CID-keyed font's names (cid12345) say nothing
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(str(target))
