"""hotlinecompare: budget documents of 12345 hotline centres as clean, comparable data.

Heavy libraries are imported lazily so that `import hotlinecompare` stays fast.
"""

__version__ = "0.1.0"
