"""PyInstaller runtime hook: runs before the app in a frozen build, and only there.

A frozen matplotlib has no persistent config folder of its own and rebuilds
its font cache on every start (+0.6-0.8 s on the first chart), unless
``MPLCONFIGDIR`` names a folder that persists.  Point it at the app's folder in
the user's cache (platformdirs, with the app and author names that
``qpmr_desktop.paths`` uses), unless the user chose one.
"""

from __future__ import annotations

import os

if "MPLCONFIGDIR" not in os.environ:
    from platformdirs import user_cache_path

    folder = user_cache_path("qpmr-desktop", "QPMR") / "matplotlib"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # matplotlib then uses a temporary folder: slower, still correct
    else:
        os.environ["MPLCONFIGDIR"] = str(folder)
