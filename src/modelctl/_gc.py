"""Pausing the cyclic garbage collector around bulk work.

Loading a catalog allocates millions of small objects that all stay alive;
each automatic collection rescans them, which made loading and compiling
thousands of models several times slower (docs/performance.md).  Reference
counting still frees everything that is not in a cycle.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
