"""``python -m tests.planted``: the mutation table of the planted deviations (see table.py)."""
from __future__ import annotations

import sys

from tests.planted.table import main

if __name__ == "__main__":
    sys.exit(main())
