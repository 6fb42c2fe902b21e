"""Document parsers, one module per document kind (see hotlinecompare.parsing)."""
