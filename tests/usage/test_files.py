"""usage/files.py: where a usage file stops being UTF-8 (``not_utf8``, ``check_utf8``)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelctl.usage.files import UsageFileError, _first_bad_utf8, check_utf8, not_utf8

# Lines of text (some of it beyond ASCII), now and then a byte that is not UTF-8 where it stands.
_LINE = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12).map(lambda t: t.replace("\n", "").encode()),
    st.binary(max_size=6),
)
_FILE = st.lists(_LINE, max_size=12).map(b"\n".join)


def _reference(data: bytes) -> str:
    """The first line that does not decode by itself, and its first bad byte (no sequence spans a
    newline, which is ASCII): what ``_first_bad_utf8`` finds reading in chunks of any size."""
    for number, line in enumerate(data.split(b"\n"), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"line {number}: byte 0x{line[exc.start]:02x} is "
    return ""


@settings(max_examples=400, deadline=None)
@given(_FILE, st.integers(min_value=1, max_value=9))
def test_the_first_bad_byte_and_its_line_whatever_the_chunks(data: bytes, chunk: int) -> None:
    assert _first_bad_utf8(io.BytesIO(data), chunk=chunk) == _reference(data)


@settings(max_examples=200, deadline=None)
@given(_FILE, st.integers(min_value=1, max_value=9))
def test_check_utf8_refuses_exactly_what_does_not_decode(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, chunk: int
) -> None:
    path = tmp_path_factory.mktemp("u") / "u.csv"
    path.write_bytes(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        with pytest.raises(UsageFileError, match=f"^{path}: {_reference(data)}not UTF-8 text"):
            check_utf8(path, chunk=chunk)
    else:
        check_utf8(path, chunk=chunk)


def test_a_gzip_file_is_read_uncompressed_and_stdin_gets_no_place(tmp_path: Path) -> None:
    path = tmp_path / "u.csv.gz"
    path.write_bytes(gzip.compress(b"timestamp,model\n" + b"2026-11-20,acme/alpha\n" * 5000 + b"caf\xe9\n"))
    assert str(not_utf8(path)).startswith(f"{path}: line 5002: byte 0xe9 is not UTF-8 text")
    with pytest.raises(UsageFileError, match="line 5002: byte 0xe9"):
        check_utf8(path)
    assert str(not_utf8("-")) == "-: not UTF-8 text (usage files are UTF-8: re-export it as UTF-8)"
    truncated = tmp_path / "t.csv.gz"
    truncated.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(UsageFileError, match="cannot read usage file .*truncated or corrupt"):
        check_utf8(truncated)
