"""Reloading the artifact, keeping the last good catalog."""

from __future__ import annotations

import os
from _thread import allocate_lock

from modelctl.runtime._catalog import Catalog
from modelctl.runtime._errors import CatalogError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

# --- reloading ---------------------------------------------------------------------------


class CatalogHolder:
    """Holds the current catalog and reloads it, keeping the last good one
    when a new artifact is broken::

        holder = CatalogHolder("dist/catalog.json")   # raises if the first load fails
        holder.catalog.cost(...)
        holder.reload_if_changed()                       # e.g. from a timer
        holder.last_error                                # why the last reload was refused
    """

    def __init__(self, path: str | os.PathLike[str], *, on_error: Callable[[CatalogError], None] | None = None) -> None:
        self.path = os.fspath(path)
        self.on_error = on_error
        self.last_error: CatalogError | None = None
        self._lock = allocate_lock()
        self._stamp = self._stat()
        self._catalog = Catalog.load(self.path)

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def reload(self) -> bool:
        """Load the artifact again.  True if a new catalog is now served; False
        if it failed (``last_error`` says why; the last good catalog stays)."""
        with self._lock:
            stamp = self._stat()
            try:
                fresh = Catalog.load(self.path)
            except CatalogError as exc:
                self.last_error = exc
                if self.on_error is not None:
                    self.on_error(exc)
                return False
            self._stamp = stamp
            self.last_error = None
            changed = fresh.digest != self._catalog.digest
            self._catalog = fresh
            return changed

    def reload_if_changed(self) -> bool:
        """Reload only when the file's mtime, size or inode changed."""
        if self._stat() == self._stamp:
            return False
        return self.reload()
