"""Write the clean tables: parquet + CSV per table, a Frictionless Data Package and one xlsx workbook.

Column meaning comes from the data dictionaries (``data/fact_fields.csv`` for
the fact table, ``data/table_fields.csv`` for every other table); a column
missing from them is an error, so the package always describes every file.
Everything written is byte-identical for identical input: no timestamps, fixed
workbook properties, a fixed sheet and column order.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import datetime
from importlib import resources
from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.output.stamp import STAMP, stamp_record, write_json_atomically
from hotlinecompare.schema import chinese_label

DATAPACKAGE = "datapackage.json"
WORKBOOK = "hotlinecompare.xlsx"
# Text is data, never a formula, a link or a number: "=48%" stays the string a document printed.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "nan_inf_to_errors": True}
# xlsxwriter writes the creation time into docProps/core.xml; a fixed date keeps rebuilds identical.
WORKBOOK_CREATED = datetime(2024, 1, 1)
MONEY_UNITS = {"yuan": 1}  # unit → Fiscal Data Package factor (values are in yuan, not 万元)

_TABLE_SCHEMA_TYPES = {"string": "string", "integer": "integer", "float": "number", "number": "number",
                       "boolean": "boolean"}
_POLARS_TYPES = {pl.String: "string", pl.Int64: "integer", pl.Int32: "integer", pl.UInt32: "integer",
                 pl.Float64: "number", pl.Boolean: "boolean"}


# -- data dictionaries ---------------------------------------------------------------
def _read_dictionary(file: str) -> list[dict]:
    with resources.files("hotlinecompare").joinpath(f"data/{file}").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def field_dictionary() -> dict[str, dict[str, dict]]:
    """table → column → {type, unit, description}: fact_fields.csv for facts, table_fields.csv for the rest.

    A ``facts`` row in table_fields.csv only adds what fact_fields.csv leaves empty (the unit of a
    numeric column); the fact table's descriptions stay in one place.
    """
    out: dict[str, dict[str, dict]] = {"facts": {}}
    for r in _read_dictionary("fact_fields.csv"):
        out["facts"][r["name"]] = {"type": r["type"], "unit": r["unit"], "description": r["description"]}
    for r in _read_dictionary("table_fields.csv"):
        if not r["name"]:
            continue
        entry = out.setdefault(r["table"], {}).setdefault(r["name"], {"type": r["type"], "unit": "",
                                                                      "description": ""})
        entry["unit"] = entry["unit"] or r["unit"]
        entry["description"] = entry["description"] or r["description"]
    return out


def table_descriptions() -> dict[str, str]:
    """table → what it holds: the rows of table_fields.csv with an empty ``name`` (type ``table``)."""
    return {r["table"]: r["description"] for r in _read_dictionary("table_fields.csv") if not r["name"]}


def table_schema(name: str, frame: pl.DataFrame, dictionary: dict[str, dict[str, dict]]) -> dict:
    """The Table Schema of one table: every column in file order, typed from the frame, described from the dictionary."""
    columns = dictionary.get(name, {})
    fields = []
    for col, dtype in frame.schema.items():
        meta = columns.get(col)
        if meta is None or not meta["description"]:
            raise HotlineError(f"column {col!r} of table {name!r} has no description",
                               file="hotlinecompare/data/table_fields.csv",
                               expected=f"a row `{name},{col},<type>,<unit>,<description>`")
        kind = _POLARS_TYPES.get(dtype.base_type() if hasattr(dtype, "base_type") else dtype)
        declared = _TABLE_SCHEMA_TYPES.get(meta["type"])
        if kind is None or kind != declared:
            raise HotlineError(f"column {col!r} of table {name!r} is {dtype} but the dictionary says {meta['type']!r}",
                               file="hotlinecompare/data/table_fields.csv")
        field = {"name": col, "type": kind, "description": meta["description"]}
        if kind in ("integer", "number"):
            unit = meta["unit"]
            if not unit:
                raise HotlineError(f"numeric column {col!r} of table {name!r} has no unit",
                                   file="hotlinecompare/data/table_fields.csv")
            # A unit naming another column of the table means "the unit is given per row there".
            field["unit"] = f"given per row in column {unit}" if unit in frame.columns else unit
            if unit in MONEY_UNITS:
                field["currency"], field["factor"] = "CNY", MONEY_UNITS[unit]
        fields.append(field)
    schema = {"fields": fields, "missingValues": [""]}
    key = {"facts": "fact_id", "unit_costs": "unit_cost_id", "scope_notes": "note_id"}.get(name)
    if key in frame.columns:
        schema["primaryKey"] = [key]
    return schema


def bases(frame: pl.DataFrame) -> list[str]:
    """The distinct values of a table's ``basis`` column, sorted (empty if it has none)."""
    if "basis" not in frame.columns:
        return []
    return sorted(v for v in frame["basis"].unique().to_list() if v)


# -- sources ------------------------------------------------------------------------
def sources(raw_dir: Path, rows: list[dict] | tuple[dict, ...] | None = None) -> list[dict]:
    """The raw documents as Data Package sources: title, path, sha256 (from the manifest), in manifest order.

    ``rows``: the manifest rows a build read (default: read ``raw_dir/manifest.csv`` now).
    """
    from hotlinecompare.extract.raw import read_manifest

    titles = {r["key"][4:]: r for r in _read_dictionary("labels.csv") if r["key"].startswith("doc.")}
    out = []
    for row in (rows if rows is not None else read_manifest(Path(raw_dir))):
        label = titles.get(row["doc_id"], {})
        title = label.get("en") or row["doc_kind"]
        out.append({"title": f"{title} ({row['doc_id']})", "path": f"data/raw/{row['file']}",
                    "sha256": row["sha256"], "title_zh": label.get("zh", ""), "issuer": row["issuer"],
                    "fiscal_year": row["fiscal_year"], "basis": row["basis"]})
    return out


def datapackage(tables: dict[str, pl.DataFrame], src: list[dict]) -> dict:
    """The Data Package descriptor for ``tables`` written as ``{name}.csv``."""
    dictionary = field_dictionary()
    described = table_descriptions()
    resources_ = []
    for name, frame in tables.items():
        if not described.get(name):
            raise HotlineError(f"table {name!r} has no description", file="hotlinecompare/data/table_fields.csv",
                               expected=f"a row `{name},,table,,<what the table holds>`")
        resources_.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": described[name],
            "bases": bases(frame), "schema": table_schema(name, frame, dictionary),
        })
    return {
        "profile": "tabular-data-package", "name": "hotlinecompare",
        "title": "12345 government-service hotline centres: budgets, staffing and service metrics",
        "description": ("Values extracted from public budget documents of 12345 hotline centres (苏州, 贵阳, 广州, "
                        "江宁), each with its source line and quote, and harmonised cross-city tables. Money is in "
                        "yuan (currency CNY, factor 1); rates are fractions; every numeric field has a unit. "
                        "Also written as parquet ({name}.parquet) and one workbook (hotlinecompare.xlsx)."),
        "sources": src, "resources": resources_,
    }


# -- writers ------------------------------------------------------------------------
def readme_frames(tables: dict[str, pl.DataFrame], src: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The README sheet: one row per sheet (what it is, basis, units) and one row per source document."""
    described = table_descriptions()
    dictionary = field_dictionary()
    rows = []
    for name, frame in tables.items():
        units = sorted({f"{c}: {m['unit']}" for c, m in dictionary.get(name, {}).items()
                        if c in frame.columns and m["unit"] and m["type"] in ("float", "number", "integer")})
        rows.append({"sheet": name, "rows": frame.height, "what_it_holds": described.get(name, ""),
                     "bases": "; ".join(bases(frame)), "units": "; ".join(units)})
    sheets = pl.DataFrame(rows, schema={"sheet": pl.String, "rows": pl.Int64, "what_it_holds": pl.String,
                                        "bases": pl.String, "units": pl.String}, orient="row")
    docs = pl.DataFrame([{k: s[k] for k in ("title", "title_zh", "path", "sha256", "fiscal_year", "basis")}
                         for s in src],
                        schema={k: pl.String for k in ("title", "title_zh", "path", "sha256", "fiscal_year", "basis")},
                        orient="row")
    return sheets, docs


# Number formats by a column's declared type and unit: years without separators, money with two decimals,
# fractions as percentages, counts as whole numbers; a column of mixed units (facts' value) as stored.
YEAR_FORMAT, COUNT_FORMAT, MONEY_FORMAT, FRACTION_FORMAT = "0", "#,##0", "#,##0.00", "0.00%"
_COUNT_UNITS = {"fact", "token", "indicator", "person", "seat", "staff", "call", "case", "seat user"}
_PLAIN_INTEGER_UNITS = {"year", "line", "character", "month", "months per year or 1", ""}
# Characters wider than a Latin letter in a spreadsheet column (CJK, full-width forms).
_WIDE = range(0x2E80, 0xFFFF)
MAX_WIDTH = 60


def column_format(kind: str, unit: str) -> str | None:
    """The Excel number format of a column of ``kind`` (data dictionary type) in ``unit``; None: as stored."""
    if kind == "integer":
        return YEAR_FORMAT if unit in _PLAIN_INTEGER_UNITS else COUNT_FORMAT
    if kind == "float":
        if unit == "yuan":
            return MONEY_FORMAT
        if unit == "fraction":
            return FRACTION_FORMAT
        if unit in _COUNT_UNITS or unit.startswith("person"):
            return COUNT_FORMAT
        return "General"   # a column of mixed units shows each number as stored, not to six decimals
    return None


def _width(values: list[str]) -> int:
    longest = max((sum(2 if ord(ch) in _WIDE else 1 for ch in v) for v in values), default=8)
    return min(MAX_WIDTH, max(6, longest + 2))


def write_workbook(tables: dict[str, pl.DataFrame], path: Path, src: list[dict]) -> Path:
    """A README sheet, then one sheet per table: a Chinese header row above the table's own header, number
    formats by unit, fitted widths, frozen headers; fixed properties so a rebuild is byte-identical."""
    import xlsxwriter

    sheets, docs = readme_frames(tables, src)
    dictionary = field_dictionary()
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties({"title": "hotlinecompare clean tables", "created": WORKBOOK_CREATED,
                       "author": "hotlinecompare", "comments": "Built by `hotlinecompare build` from data/raw."})
    readme = wb.add_worksheet("README")
    readme.write(0, 0, "hotlinecompare: one sheet per clean table. Money in yuan; rates as fractions; "
                       "basis (budget / actual / estimate / target / authorized) is a column wherever it varies.")
    sheets.write_excel(wb, readme, position=(2, 0), table_name="sheets", autofit=False)
    docs.write_excel(wb, readme, position=(sheets.height + 5, 0), table_name="sources", autofit=False)
    bold = wb.add_format({"bold": True})
    for name, frame in tables.items():
        fields = dictionary.get(name, {})
        formats = {c: f for c in frame.columns
                   if (f := column_format(fields.get(c, {}).get("type", ""), fields.get(c, {}).get("unit", "")))}
        widths = {c: _width([c, chinese_label(c)] + [str(v) for v in frame[c].head(200).to_list()
                                                              if v is not None]) for c in frame.columns}
        sheet = wb.add_worksheet(name[:31])
        for j, column in enumerate(frame.columns):
            sheet.write_string(0, j, chinese_label(column), bold)
        frame.write_excel(wb, sheet, position=(1, 0), table_name=f"t_{name}", autofit=False, float_precision=6,
                          column_formats=formats, column_widths=widths)
        sheet.freeze_panes(2, 0)
    wb.close()
    return path


def clean_tables(build, raw_dir: Path | None = None) -> dict[str, pl.DataFrame]:
    """Every clean table of a :class:`~hotlinecompare.extract.fact_build.Build`, by name, in publication order.

    ``citations`` are the cited figures of ``data/cited`` beside ``raw_dir`` (default: the project's
    ``data/raw``), checked as they are read; the satisfaction panel pairs them with the documents.
    """
    from hotlinecompare import paths
    from hotlinecompare.extract.cited import read_citations
    from hotlinecompare.harmonise import build_tables
    from hotlinecompare.harmonise.satisfaction_panel import panel_tables
    from hotlinecompare.models.contracts import contract_prices

    raw = Path(raw_dir) if raw_dir is not None else paths.raw_dir()
    citations = read_citations(raw.parent / "cited", root=raw.parent.parent, raw_dir=raw)
    harmonised = build_tables(build.facts, raw_dir=raw)
    return {"facts": build.facts, "unparsed": build.unparsed, "checks": build.checks,
            "accounting": build.accounting, **harmonised, "citations": citations,
            "contract_prices": contract_prices(citations),
            **panel_tables({**harmonised, "citations": citations})}


def manifest_hash(raw_dir: Path) -> str:
    return hashlib.sha256((Path(raw_dir) / "manifest.csv").read_bytes()).hexdigest()


# Parts of the package that only draw or run what data/clean holds: they never change it.
_NOT_BUILDERS = ("figures", "notebooks.py", "__pycache__")


def builder_hash(package_dir: Path | None = None) -> str:
    """sha256 over the code and knowledge files that make ``data/clean`` (the package without its figures).

    A changed parser, vocabulary or token pattern makes a clean folder stale just as a changed
    manifest does. Line ends are normalised, so a CRLF checkout hashes alike.
    """
    root = Path(package_dir) if package_dir is not None else Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".csv", ".toml")
                   and not set(p.relative_to(root).parts) & set(_NOT_BUILDERS))
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def raw_record(raw_dir: Path):
    """What a build of ``raw_dir`` reads, without parsing it: the manifest's bytes and rows, each file's size.

    For callers that publish tables they built themselves; a pipeline build passes the
    :class:`~hotlinecompare.extract.raw.Corpus` it read instead.
    """
    from hotlinecompare.extract.raw import MANIFEST, Corpus, parse_manifest, read_manifest_bytes

    data = read_manifest_bytes(Path(raw_dir))
    rows = parse_manifest(data, str(Path(raw_dir) / MANIFEST))
    files = {r["file"]: {"sha256": r["sha256"], "bytes": (Path(raw_dir) / r["file"]).stat().st_size} for r in rows}
    return Corpus(data, tuple(rows), (), files)


def write_stamp(out_dir: Path, corpus, tables: list[str]) -> Path:
    """``build_stamp.json``, last: the inputs ``corpus`` (what the build read) and every file now in ``out_dir``."""
    record = stamp_record(out_dir, manifest_sha256=corpus.manifest_sha256, raw_files=corpus.files,
                          package_sha256=builder_hash(), tables=tables)
    return write_json_atomically(Path(out_dir) / STAMP, record)


def write_tables(tables: dict[str, pl.DataFrame], out_dir: Path, *, raw_dir: Path | None = None,
                 corpus=None) -> list[Path]:
    """Write every table (parquet + CSV), ``datapackage.json``, the workbook and the build stamp.

    ``corpus`` (a :class:`~hotlinecompare.extract.raw.Corpus`): the manifest and raw files the build
    read, for the sources and the stamp; default: ``raw_dir`` (the project's ``data/raw``) as it is now.
    """
    from hotlinecompare import paths

    raw = Path(raw_dir) if raw_dir is not None else paths.raw_dir()
    corpus = corpus if corpus is not None else raw_record(raw)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        pq, cs = out / f"{name}.parquet", out / f"{name}.csv"
        frame.write_parquet(pq, compression="zstd", statistics=False)
        frame.write_csv(cs)
        written += [pq, cs]
    src = sources(raw, corpus.rows)
    package = out / DATAPACKAGE
    package.write_text(json.dumps(datapackage(tables, src), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(write_workbook(tables, out / WORKBOOK, src))
    written.append(package)
    written.append(write_stamp(out, corpus, list(tables)))
    return written
