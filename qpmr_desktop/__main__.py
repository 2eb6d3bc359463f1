"""``python -m qpmr_desktop``: the same as the ``qpmr-desktop`` command.

Guarded, because the chart workers that printing starts (``printing.vector_chart``)
import the main module again where processes are spawned, not forked; and
``freeze_support`` lets a frozen Windows build start them at all.
"""

from __future__ import annotations

import multiprocessing
import sys

from qpmr_desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
