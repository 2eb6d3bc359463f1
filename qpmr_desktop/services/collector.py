"""Holding off Python's cycle collector while a service builds many objects; no database.

Contract: ``no_cyclic_gc()`` is a context manager that disables the cyclic
garbage collector for its block and enables it again afterwards, whether the
block ends or raises, if it was enabled before (nested blocks leave it to
the outermost one).

Why: the collector runs every few hundred new container objects, each pass
walking the young objects again and now and then every object in the
process. Building 20,000 read models, or reading and planning a 20,000-row
import, made it walk the same objects over and over (bench_minutes,
bench_indicators). Reference counting still frees everything meanwhile.
Mercurial's ``util.nogc`` does the same for the same reason. Kept apart from
``bulk_rows`` so that reading an import file does not load SQLAlchemy.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["no_cyclic_gc"]


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Hold off Python's cycle collector for the block (see the module)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
