#!/usr/bin/env python
"""Portail PIC benchmark, run by `make bench`: the entry point of the `bench` package (see bench/cli.py).

`bench/common.py` (settings, targets), `database.py` (create, migrate, load), `client.py` (sessions, test
client), `pages.py` (queries and server times), `pdfs.py`, `throughput.py` (gunicorn), `facts.py`,
`report.py` (RESULTS.md), `profiling.py`, `cli.py` (the command line).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path: put the repository there instead, so that `bench`
# is imported as a package and its modules never shadow a top-level one.
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
