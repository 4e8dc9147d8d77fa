"""Every Python block of README.md, docs/runtime.md, docs/plans.md and docs/distribution.md, run as
written against the repository's catalog (and nginx on 127.0.0.1 for the URLs), statement by
statement: none may raise, and where a line's comment shows a value (``cost.total  #
Decimal('0.02025000')``) the statement must give that value.  docs/warehouse.md's Spark block
names functions that must exist with those arguments (a Spark session is run by
tests/interop/test_warehouse_spark.py).  The FastAPI and Django blocks run in test_web_examples.py."""

from __future__ import annotations

import ast
import inspect
import json
import re
import sys
import types
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from distribution_origin import Origin, make_keys, run_origin, signed

from conftest import REPO
from modelctl.runtime import Catalog, Usage

URL = "https://prices.internal.example/catalog.json"


def blocks(doc: str) -> list[tuple[int, str]]:
    """(first line, code) of each ```python block of ``doc``."""
    text = (REPO / doc).read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 2, m.group(1)) for m in re.finditer(r"```python\n(.*?)```", text, re.S)]


def _shown(comment: str) -> tuple[bool, Any]:
    """The value a comment shows, when it (or else what follows its first ": ") is a Python literal
    without ``...``; (False, None) when it shows none."""
    text = comment.split("  --", 1)[0].strip()
    known, value = _literal(text)
    if not known and ": " in text:
        known, value = _literal(text.split(": ", 1)[1])
    return known, value


def _literal(text: str) -> tuple[bool, Any]:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return False, None
    if any(isinstance(n, ast.Constant) and n.value is Ellipsis for n in ast.walk(tree)):
        return False, None
    names = {"Decimal": Decimal, "date": date, "datetime": datetime, "True": True, "False": False, "None": None}
    try:
        return True, eval(compile(tree, "<comment>", "eval"), {"__builtins__": {}}, names)  # noqa: S307
    except Exception:
        return False, None


def run(doc: str, code: str, first: int, namespace: dict[str, Any]) -> int:
    """Run ``code`` statement by statement; return how many shown values were compared."""
    lines = code.splitlines()
    checked = 0
    for node in ast.parse(code).body:
        where = f"{doc}:{first + node.lineno - 1}"
        if isinstance(node, ast.Expr):
            value = eval(compile(ast.Expression(node.value), where, "eval"), namespace)  # noqa: S307
            last = lines[node.end_lineno - 1] if node.end_lineno else ""
            if "#" in last:
                known, shown = _shown(last.split("#", 1)[1])
                if known:
                    assert value == shown, f"{where}: the docs show {shown!r}, the code gives {value!r}"
                    checked += 1
        else:
            exec(compile(ast.Module([node], []), where, "exec"), namespace)  # noqa: S102
    return checked


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[Origin]:
    yield from run_origin(tmp_path)


@pytest.fixture
def published(tmp_path: Path, repo_artifact: bytes) -> Path:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "catalog.json").write_bytes(repo_artifact)
    return out / "catalog.json"


def _namespace(artifact: Path) -> dict[str, Any]:
    """What the blocks take as given: an artifact, a usage, a provider response, a logger, a token."""
    import logging

    return {
        "catalog": Catalog.load(artifact),
        "usage": Usage(input_tokens=1_000, output_tokens=500),
        "response": types.SimpleNamespace(usage={"prompt_tokens": 1000, "completion_tokens": 100}),
        "log": logging.getLogger("docs-example"),
        "token": "secret-token",
    }


def _local(code: str, artifact: Path, tmp: Path, url: str = URL, key: Path | None = None) -> str:
    code = code.replace('"dist/catalog.json"', repr(str(artifact))).replace(URL, url)
    code = code.replace('"/var/cache/myapp"', repr(str(tmp / "cache")))
    return code.replace('"/etc/myapp/modelctl.pub"', repr(str(key)))


def test_readme_block(published: Path) -> None:
    (first, code), *_ = blocks("README.md")
    run("README.md", _local(code, published, published.parent), first, _namespace(published))


def test_runtime_blocks(published: Path, origin: Origin, tmp_path: Path) -> None:
    keys = make_keys(tmp_path)
    data = published.read_bytes()
    origin.put(data, signed(data, keys))
    namespace = _namespace(published)
    checked = 0
    try:
        for first, code in blocks("docs/runtime.md"):
            if re.search(r"^# [\w/]+\.py$", code, re.M):
                continue  # the FastAPI and Django apps: test_web_examples.py
            checked += run(
                "docs/runtime.md", _local(code, published, tmp_path, origin.url, keys.public_path), first, namespace
            )
    finally:
        if "holder" in namespace:
            namespace["holder"].close()
    assert checked == 4  # cost.total, cost.components, the plan's fields and defaults (comments showing values)


def test_plans_blocks(published: Path, tmp_path: Path) -> None:
    allowed, fallback = blocks("docs/plans.md")
    run("docs/plans.md", allowed[1], allowed[0], _namespace(published))
    # The fall-back example is written for openai/gpt-6-luna switched off (enabled: false).
    doc = json.loads(published.read_bytes())
    doc["content"]["models"]["openai/gpt-6-luna"]["enabled"] = False
    namespace = {**_namespace(published), "catalog": Catalog.from_content(doc["content"])}
    assert run("docs/plans.md", fallback[1], fallback[0], namespace) == 2  # model and rule, reason
    choice = namespace["choice"]
    assert [(d.allowed, d.model, d.rule) for d in choice.skipped] == [(False, "openai/gpt-6-luna", "model disabled")]


def test_distribution_blocks(published: Path, origin: Origin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = make_keys(tmp_path)
    data = published.read_bytes()
    origin.put(data, signed(data, keys))
    gauges: dict[str, Any] = {}

    class Gauge:  # prometheus_client's, as far as the example uses it
        def __init__(self, name: str, documentation: str) -> None:
            self.name = name

        def set_function(self, f: Any) -> None:
            gauges[self.name] = f

    monkeypatch.setitem(sys.modules, "prometheus_client", types.SimpleNamespace(Gauge=Gauge))
    namespace = _namespace(published)
    holder_block, status_block, metric_block = blocks("docs/distribution.md")
    try:
        for first, code in (holder_block, status_block, metric_block):
            run(
                "docs/distribution.md",
                _local(code, published, tmp_path, origin.url, keys.public_path),
                first,
                namespace,
            )
        assert namespace["holder"].last_error is None
        assert namespace["status"]["revision"] == Catalog.loads(data).revision
        assert gauges["catalog_revision"]() == Catalog.loads(data).revision
        assert 0 <= gauges["catalog_check_age_seconds"]() < 60
    finally:
        if "holder" in namespace:
            namespace["holder"].close()


def test_warehouse_spark_block_names_what_exists() -> None:
    from modelctl.interop import spark_engine

    ((first, code),) = blocks("docs/warehouse.md")
    calls = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    named = [c for c in calls if isinstance(c.func.value, ast.Name) and c.func.value.id == "spark_engine"]
    comment = re.search(r"# your own table .*: (spark_engine\..*)$", code, re.M)
    assert comment
    named += [ast.parse(comment.group(1), mode="eval").body]  # type: ignore[list-item]
    assert len(named) == 5
    for call in named:
        func = getattr(spark_engine, call.func.attr)  # type: ignore[attr-defined]
        args = [object()] * len(call.args)
        inspect.signature(func).bind(*args, **{k.arg: None for k in call.keywords if k.arg})
    assert isinstance(spark_engine.CONF, dict)
