"""runtime/_shapes/generated.py, the content check written ahead by tools/gen_shape_check.py: it is
the source the tables generate today, the runtime uses it (no compile at the first load of a
process), and a stale one is never used."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from conftest import REPO
from modelctl.runtime import Catalog, _shape, _shapes
from modelctl.runtime._shapes import generated


def test_the_written_check_is_up_to_date() -> None:
    # if this fails, the tables of runtime/_shape.py changed: run python tools/gen_shape_check.py
    assert generated.SOURCE == _shapes._Gen().source(_shape._CONTENT)
    assert (REPO / "src/modelctl/runtime/_shapes/generated.py").read_text() == _shapes._Gen().module(_shape._CONTENT)


def test_the_runtime_uses_the_written_check() -> None:
    check = _shapes._Gen().build(_shape._CONTENT, generated)
    assert check.__code__.co_filename.endswith("generated.py")


def test_a_stale_written_check_is_not_used() -> None:
    stale = types.SimpleNamespace(SOURCE="def check(v):\n    return True\n", make=None)
    check = _shapes._Gen().build(_shape._CONTENT, stale)
    assert check.__code__.co_filename == "<modelctl.runtime._shape>"
    with pytest.raises(KeyError):  # the real check: {} has no 'catalog' (a KeyError means no)
        check({})


def test_a_fresh_process_loads_without_compiling_the_check(tmp_path: Path) -> None:
    # the check's code comes from the module's bytecode: compile() is never called for it
    path = tmp_path / "catalog.json"
    from datetime import date

    from modelctl.artifact.compile import SourceInfo, compile_artifact
    from modelctl.rules.validate import validate_catalog

    result = validate_catalog(REPO / "catalog", today=date(2026, 11, 25))
    path.write_bytes(compile_artifact(result.catalog, SourceInfo()).data)
    script = (
        "import builtins, sys\n"
        "real = builtins.compile\n"
        "def spy(source, filename, *a, **k):\n"
        "    if filename == '<modelctl.runtime._shape>': sys.exit('compiled the check')\n"
        "    return real(source, filename, *a, **k)\n"
        "builtins.compile = spy\n"
        "from modelctl.runtime import Catalog\n"
        f"print(len(Catalog.load({str(path)!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={"PYTHONPATH": str(REPO / "src")}
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(Catalog.load(path)) > 50
    assert json.loads(path.read_bytes())["format_version"]
