"""Regenerate src/modelctl/runtime/_shapes/generated.py from the tables of runtime/_shape.py:
python tools/gen_shape_check.py (tests/runtime/test_shape_check.py says when)."""

from pathlib import Path

from modelctl.runtime import _shape, _shapes

target = Path(_shapes.__file__).with_name("generated.py")
target.write_text(_shapes._Gen().module(_shape._CONTENT))
print(f"wrote {target}")
