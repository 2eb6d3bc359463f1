"""``python -m qpmr_desktop``: the same as the ``qpmr-desktop`` command."""

from __future__ import annotations

import sys

from qpmr_desktop.cli import main

sys.exit(main())
