"""Output: the published tables (parquet, CSV, Data Package, workbook), figures, traces, notebooks."""
