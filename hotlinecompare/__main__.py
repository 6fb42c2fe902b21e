"""``python -m hotlinecompare``: the command-line interface."""

import sys

from hotlinecompare.cli import main

sys.exit(main())
