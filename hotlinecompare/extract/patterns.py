"""Regular expressions from the package's data files, compiled once.

Parsers read their patterns from TOML/CSV knowledge files and use them on every
line; ``re``'s own cache is looked up through a Python-level function on every
call, which shows in a corpus build. ``compiled`` is a C-level cache instead.
The patterns are a fixed set (the data files'), so the cache needs no bound.
"""

from __future__ import annotations

import re
from functools import lru_cache

compiled = lru_cache(maxsize=None)(re.compile)
