"""hotlinecompare: budget documents of 12345 hotline centres as clean, comparable data.

Heavy libraries are imported lazily so that `import hotlinecompare` stays fast:
``hotlinecompare.load`` and ``hotlinecompare.compare`` import polars on first use.
"""

__version__ = "0.1.0"
__all__ = ["load", "compare"]


def __getattr__(name: str):
    if name in __all__:
        from hotlinecompare import api

        return getattr(api, name)
    raise AttributeError(f"module 'hotlinecompare' has no attribute {name!r}")
