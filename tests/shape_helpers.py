"""What the runtime's shape checks are compared with: the reference walk's judgement."""

from __future__ import annotations

from typing import Any

from modelctl.runtime import _shape


def walk_accepts(content: Any) -> bool:
    """Whether the walk (the slow check that names the field at fault) accepts ``content``."""
    try:
        _shape._CONTENT.one(content)
        _shape._references(content)
    except _shape._Bad:
        return False
    return True
