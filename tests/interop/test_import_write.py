"""``import`` writes its files (interop/importers/write.py): a new catalog folder is staged in a
private temporary folder and renamed into place with the mode a folder made by ``mkdir`` has under
the process's umask (``modelctl._files.current_umask``), not mkdtemp's 0700; the umask is left as
it was."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from modelctl.interop.importers.plan import FileChange
from modelctl.interop.importers.write import apply


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_a_new_catalog_folder_gets_the_umask_s_mode(tmp_path: Path, umask: int) -> None:
    change = FileChange(rel="providers/acme.yaml", kind="provider", action="create", text="id: acme\n")
    root = tmp_path / "cat"
    old = os.umask(umask)
    try:
        written = apply(root, [change])
        assert os.umask(umask) == umask  # apply read the umask and set it back
    finally:
        os.umask(old)
    assert written == [root / "providers" / "acme.yaml"]
    assert (root / "providers" / "acme.yaml").read_text() == "id: acme\n"
    assert stat.S_IMODE(root.stat().st_mode) == 0o777 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["cat"]  # no staging folder left
