"""File helpers that every package may use (``authoring`` and ``interop`` both write files, and
neither may import the other): what the process's umask is."""

from __future__ import annotations

import os

__all__ = ["current_umask"]


def current_umask() -> int:
    """The process's umask (read by setting it, then set back): what ``open()`` takes off a new file's 0o666."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
