"""Notebook set-up, display and re-execution: deterministic output for nbval.

``setup()`` pins polars' table display (the kernel inherits ``POLARS_FMT_*``
variables, which would otherwise change every printed table) and applies the
house figure style. In a cell, ``table(frame)`` shows a frame as a formatted
table (output/tables.py) and ``figure(name, tables, lang=…)`` a registered
figure with its caption as alt text (output/figures/display.py).
``execute(paths)`` re-runs notebooks in place.
"""

from __future__ import annotations

import os
from pathlib import Path

_POLARS_DISPLAY = dict(tbl_rows=25, tbl_cols=14, fmt_str_lengths=48, tbl_width_chars=160,
                       float_precision=None, tbl_hide_dataframe_shape=False)


def setup() -> None:
    """Pin polars display settings and the figure house style, whatever the environment says."""
    import polars as pl

    for name in [k for k in os.environ if k.startswith("POLARS_FMT_") or k.startswith("POLARS_TABLE_")]:
        del os.environ[name]  # the kernel inherits these; they would change every table printed
    pl.Config.restore_defaults()
    pl.Config.set_tbl_rows(_POLARS_DISPLAY["tbl_rows"])
    pl.Config.set_tbl_cols(_POLARS_DISPLAY["tbl_cols"])
    pl.Config.set_fmt_str_lengths(_POLARS_DISPLAY["fmt_str_lengths"])
    pl.Config.set_tbl_width_chars(_POLARS_DISPLAY["tbl_width_chars"])
    pl.Config.set_tbl_hide_dataframe_shape(_POLARS_DISPLAY["tbl_hide_dataframe_shape"])
    try:
        from hotlinecompare.output.figures import style
    except ImportError:  # figures are optional for a data-only notebook
        return
    style.use_house_style()


def table(frame, **options):
    """``frame`` as a formatted display table; see hotlinecompare.output.tables.display_table."""
    from hotlinecompare.output.tables import display_table

    return display_table(frame, **options)


def figure(name: str, tables, **options):
    """A registered figure with its caption as alt text; see hotlinecompare.output.figures.display.show_figure."""
    from hotlinecompare.output.figures.display import show_figure

    return show_figure(name, tables, **options)


def execute(paths: list[Path], timeout: int = 600) -> list[Path]:
    """Re-execute notebooks in place with the current Python's kernel, in their own folder."""
    import nbformat
    from nbclient import NotebookClient

    done = []
    for path in sorted(Path(p) for p in paths):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:  # no execution timestamps: a re-run must not churn the committed file
            cell.get("metadata", {}).pop("execution", None)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
        nbformat.write(nb, path)
        done.append(path)
    return done
