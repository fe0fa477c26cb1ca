"""``python -m jobkit``: the same as the ``jobkit`` command."""

from __future__ import annotations

import sys

from jobkit._cli import main

if __name__ == "__main__":
    sys.exit(main())
