"""docs/runtime.md's FastAPI and Django examples, run as written: FastAPI's TestClient and
Django's test client, the holder refreshing in its own thread, unknown models a 404."""

from __future__ import annotations

import re
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from distribution_origin import artifact

from conftest import REPO
from modelctl.runtime import Catalog, Usage

DOC = (REPO / "docs" / "runtime.md").read_text(encoding="utf-8")


def _block(heading: str) -> str:
    section = DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, heading
    return match.group(1)


def _files(block: str) -> dict[str, str]:
    """Split a block into the files it shows, each starting with a `# path.py` line."""
    parts = re.split(r"^# ([\w/]+\.py)\n", block, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def _wait(condition: object, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def myapp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An importable `myapp` package holding the provider stubs the examples import."""
    pkg = tmp_path / "apps" / "myapp"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "providers.py").write_text(
        "recorded = []\n"
        "async def call_provider(model, body):\n"
        "    return {'usage': {'prompt_tokens': 1000, 'completion_tokens': 100}, 'model': model.ref}\n"
        "async def record_usage(request, ref, total, currency):\n"
        "    recorded.append((ref, total, currency))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "apps"))
    yield pkg
    for name in [m for m in sys.modules if m == "myapp" or m.startswith("myapp.") or m == "app"]:
        del sys.modules[name]


def test_fastapi_example(tmp_path: Path, myapp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    catalog = tmp_path / "catalog.json"
    catalog.write_bytes(artifact("mini", 100, tmp_path))
    monkeypatch.setenv("MODELCTL_CATALOG", str(catalog))
    monkeypatch.setenv("MODELCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MODELCTL_REFRESH", "0.1")
    module = types.ModuleType("app")
    exec(compile(_files(_block("FastAPI"))["app.py"], "docs/runtime.md#fastapi", "exec"), module.__dict__)
    with TestClient(module.app) as client:
        ok = client.post("/v1/chat", json={"model": "alpha"})
        assert ok.status_code == 200, ok.text
        from myapp.providers import recorded  # type: ignore[import-not-found]

        assert recorded and recorded[0][0] == "acme/alpha"
        unknown = client.post("/v1/chat", json={"model": "no-such-model"})
        assert unknown.status_code == 404 and "unknown model" in unknown.json()["detail"]
        assert client.get("/health/catalog").json()["revision"] == 100
        catalog.write_bytes(artifact("mini2", 101, tmp_path))  # the holder's thread picks it up
        assert _wait(lambda: client.get("/health/catalog").json()["revision"] == 101)


def test_django_example(tmp_path: Path, myapp: Path) -> None:
    import django
    from django.conf import settings

    for path, code in _files(_block("Django")).items():
        (myapp.parent / path).write_text(code)
    (myapp / "urls.py").write_text(
        "from django.urls import path\nfrom myapp import views\n"
        "urlpatterns = [path('price/<str:model>', views.price), path('health', views.health)]\n"
    )
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes(artifact("mini", 100, tmp_path))
    if not settings.configured:
        settings.configure(
            INSTALLED_APPS=["myapp.apps.PricingConfig"],
            ROOT_URLCONF="myapp.urls",
            ALLOWED_HOSTS=["testserver"],
            MODELCTL_CATALOG=str(catalog),
            MODELCTL_REFRESH=0.1,
            DATABASES={},
        )
    django.setup()
    from django.test import Client
    from myapp import pricing  # type: ignore[import-not-found]

    try:
        client = Client()
        ok = client.get("/price/alpha", {"input": "1000", "output": "0"})
        assert ok.status_code == 200, ok.content
        expected = Catalog.loads(artifact("mini", 100, tmp_path)).cost("acme/alpha", Usage(input_tokens=1000))
        assert ok.json() == {"model": "acme/alpha", "total": str(expected.total), "revision": 100}
        assert client.get("/price/nope", {"input": "1", "output": "1"}).status_code == 404
        # A new artifact in place: the holder's own thread picks it up, no management command.
        catalog.write_bytes(artifact("mini2", 101, tmp_path))
        assert _wait(lambda: client.get("/health").json()["revision"] == 101)
        newer = Catalog.loads(artifact("mini2", 101, tmp_path)).cost("acme/alpha", Usage(input_tokens=1000))
        assert newer.total != expected.total
        assert client.get("/price/alpha", {"input": "1000", "output": "0"}).json()["total"] == str(newer.total)
    finally:
        pricing.holder.close()
