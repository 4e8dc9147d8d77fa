"""A file that starts with a UTF-8 byte order mark, or whose lines end in CRLF or a lone CR (old Mac
editors), is YAML like any other: it is read as its lines are (positions included), with no
misleading MC016 "the first line should be `# yaml-language-server: ...`" about a first line that
is that comment. `fmt` writes such files as LF without a byte order mark."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from modelctl.cli import app

runner = CliRunner()
BETA = "models/acme/beta.yaml"
BOM = b"\xef\xbb\xbf"

FORMS: list[object] = [
    pytest.param(lambda raw: BOM + raw, id="bom"),
    pytest.param(lambda raw: raw.replace(b"\n", b"\r"), id="cr-only"),
    pytest.param(lambda raw: raw.replace(b"\n", b"\r\n"), id="crlf"),
    pytest.param(lambda raw: BOM + raw.replace(b"\n", b"\r"), id="bom-and-cr-only"),
]
Form = Callable[[bytes], bytes]


def _rewrite(root: Path, form: Form, rel: str = BETA) -> Path:
    path = root / rel
    path.write_bytes(form(path.read_bytes()))
    return path


@pytest.mark.parametrize("form", FORMS)
def test_validate_reads_the_file_with_no_schema_comment_warning(make_catalog: MakeCatalog, form: Form) -> None:
    root = make_catalog()
    for rel in (BETA, "models/acme/alpha.yaml", "providers/acme.yaml", "catalog.yaml"):
        _rewrite(root, form, rel)
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 0, result.stdout
    assert "MC016" not in result.stdout and "0 errors, 0 warnings in 4 files" in result.stdout
    shown = runner.invoke(app, ["show", "acme/beta", "--catalog", str(root)])
    assert shown.exit_code == 0 and "Beta" in shown.stdout  # the model is there, as written


@pytest.mark.parametrize("form", FORMS)
def test_findings_are_at_the_lines_an_editor_shows(make_catalog: MakeCatalog, form: Form) -> None:
    root = make_catalog()
    path = root / BETA
    path.write_bytes(path.read_bytes().replace(b"status: deprecated", b"status: bogus"))
    _rewrite(root, form)
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    assert f"{path}:4:9: error MC104" in result.stdout and "MC016" not in result.stdout


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        pytest.param(b"name: Beta", b"name: B\xe9ta", ":3:8: error MC007", id="not-utf8"),
        pytest.param(b"  - effective_from", b"\t- effective_from", ":10:1: error MC011", id="tab"),
        pytest.param(b"name: Beta", b"name: [Beta", ":4:7: error MC001", id="yaml-error"),
    ],
)
@pytest.mark.parametrize("form", FORMS)
def test_errors_found_in_the_text_are_where_they_are_in_the_lf_file(
    make_catalog: MakeCatalog, form: Form, old: bytes, new: bytes, where: str
) -> None:
    outputs = []
    for name, change in (("lf", lambda raw: raw), ("other", form)):
        root = make_catalog(name=name)
        path = root / BETA
        raw = path.read_bytes()
        assert old in raw
        path.write_bytes(change(raw.replace(old, new, 1)))
        result = runner.invoke(app, ["validate", str(root)])
        assert result.exit_code == 1
        assert f"{path}{where}" in result.stdout, result.stdout
        outputs.append(result.stdout.replace(str(root), "ROOT"))
    assert outputs[0] == outputs[1]  # the same findings, messages and hints


@pytest.mark.parametrize("form", FORMS)
def test_fmt_writes_lf_without_a_byte_order_mark(make_catalog: MakeCatalog, form: Form) -> None:
    root = make_catalog()
    plain = (root / BETA).read_bytes()
    path = _rewrite(root, form)
    checked = runner.invoke(app, ["fmt", "--check", str(path)])
    assert checked.exit_code == 1 and "not in canonical form" in checked.stderr
    done = runner.invoke(app, ["fmt", str(path)])
    # A CR-only file was exit 4, "the canonical form would change the data; left as it is".
    assert done.exit_code == 0, done.stderr
    assert path.read_bytes() == plain
    assert runner.invoke(app, ["fmt", "--check", str(root)]).exit_code == 0
