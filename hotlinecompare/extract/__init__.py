"""Extract: raw files to facts.

A raw file is read as numbered lines and cells (``document``), its kind is recognised and parsed by
one subpackage of ``kinds`` into facts (``extraction``, with the number reader in ``numbers``), every
numeric token is accounted for (``accounting``), and the fact build (``fact_build``, or
``corpus_build`` for large corpora) writes the fact table and its reports. ``trial`` is the ``check``
command (a new document read without touching ``data/``); ``intake`` is ``add``.
"""
