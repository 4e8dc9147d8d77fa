"""The holder against its own application: paths holding a NUL, callbacks that raise (at start-up,
on a refused reload, on a new catalog, in the refresh thread), and ``Catalog.from_content``
shape-checked like ``loads``."""

from __future__ import annotations

import copy
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import pytest
from distribution_origin import artifact, content, free_port

from modelctl.runtime import ArtifactError, Catalog, CatalogError, CatalogHolder, FetchError
from modelctl.runtime._remote import cache


def _raise(exc: BaseException) -> Any:
    def callback(_: object) -> None:
        raise exc

    return callback


@pytest.mark.parametrize("name", ["x\0y.json", "\0", "catalog.json\0.bak"])
def test_a_path_with_a_nul_is_an_artifact_error(tmp_path: Path, name: str) -> None:
    (tmp_path / "x").write_bytes(artifact("mini", 100, tmp_path))  # something to find, were the NUL cut off
    with pytest.raises(ArtifactError, match="NUL") as raised:
        CatalogHolder(f"{tmp_path}/{name}")
    assert not isinstance(raised.value, ValueError)
    with pytest.raises(ArtifactError, match="NUL"):
        CatalogHolder(Path(f"{tmp_path}/{name}"))


def test_a_cache_folder_with_a_nul_is_an_artifact_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    with pytest.raises(ArtifactError, match="cache folder"):
        CatalogHolder(path, cache_dir=f"{tmp_path}/c\0ache")


def test_a_url_with_a_nul_is_a_fetch_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError):
        CatalogHolder(f"http://127.0.0.1:{free_port()}/cata\0log.json", timeout=1)


def test_a_public_key_path_with_a_nul_is_a_catalog_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    with pytest.raises(CatalogError, match="public key") as raised:
        CatalogHolder(path, public_key=Path(f"{tmp_path}/key\0.pub"))
    assert not isinstance(raised.value, ValueError)


def test_an_on_error_that_raises_does_not_escape_a_reload(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    holder = CatalogHolder(path, on_error=_raise(RuntimeError("pager is down")))
    good = holder.catalog
    path.write_bytes(b'{"format_version": "1.1", "content": ')  # a broken deploy
    with caplog.at_level(logging.ERROR, logger="modelctl.runtime"):
        assert holder.reload() is False
        assert holder.reload_if_changed() is False
        assert holder.refresh() is False
    assert holder.catalog is good
    assert isinstance(holder.last_error, ArtifactError)  # the refusal, not the callback's error
    status = holder.status()
    assert status["callback_error"] == "on_error raised RuntimeError: pager is down"
    assert status["revision"] == 100 and status["models"] == len(good)
    logged = [r for r in caplog.records if r.name == "modelctl.runtime"]
    assert logged and "on_error" in logged[0].getMessage() and logged[0].exc_info is not None
    path.write_bytes(artifact("mini2", 101, tmp_path))  # the next good file is served
    assert holder.reload_if_changed() is True and holder.catalog.revision == 101


def test_an_on_change_that_raises_keeps_the_new_catalog(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    holder = CatalogHolder(path, on_change=_raise(KeyError("metrics")))
    path.write_bytes(artifact("mini2", 101, tmp_path))
    with caplog.at_level(logging.ERROR, logger="modelctl.runtime"):
        assert holder.reload_if_changed() is True
    assert holder.catalog.revision == 101 and holder.last_error is None
    assert holder.status()["callback_error"] == "on_change raised KeyError: 'metrics'"
    assert any("on_change" in r.getMessage() for r in caplog.records)


def test_a_raising_callback_does_not_stop_the_refresh_thread(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    seen: list[int] = []

    def on_change(catalog: Catalog) -> None:
        seen.append(catalog.revision)
        raise ValueError("boom")

    with CatalogHolder(path, refresh=0.05, on_change=on_change, on_error=_raise(ValueError("boom"))) as holder:
        for revision, kind in ((101, "mini2"), (102, "mini"), (103, "bad"), (104, "mini2")):
            data = b"{}" if kind == "bad" else artifact(kind, revision, tmp_path)
            path.write_bytes(data)
            os.utime(path, ns=(revision, revision))  # a new stamp even within the clock's resolution
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if (holder.catalog.revision == revision) if kind != "bad" else holder.last_error is not None:
                    break
                time.sleep(0.02)
            assert holder._thread.is_alive()
        assert seen == [101, 102, 104] and holder.catalog.revision == 104
        assert holder.status()["callback_error"] is not None


def test_an_on_error_that_raises_at_start_up_from_the_cache(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/catalog.json"
    cache.write(cache.path_for(str(tmp_path), dead), cache.Entry(artifact("mini", 100, tmp_path), None))
    holder = CatalogHolder(dead, cache_dir=tmp_path, timeout=1, on_error=_raise(OSError("disk full")))
    status = holder.status()
    assert status["origin"] == "cache" and status["revision"] == 100
    assert isinstance(holder.last_error, FetchError)
    assert status["callback_error"] == "on_error raised OSError: disk full"


def test_a_keyboard_interrupt_in_a_callback_is_not_swallowed(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    holder = CatalogHolder(path, on_error=_raise(KeyboardInterrupt()))
    path.write_bytes(b"{}")
    with pytest.raises(KeyboardInterrupt):
        holder.reload()
    assert holder.catalog.revision == 100


# --- Catalog.from_content -----------------------------------------------------------------------


def _content(tmp_path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(content("mini", tmp_path))
    return doc


def test_from_content_accepts_what_the_compiler_writes(tmp_path: Path) -> None:
    doc = _content(tmp_path)
    catalog = Catalog.from_content(doc)
    assert len(catalog) == len(doc["models"]) and catalog.digest == ""


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda c, ref: c["models"][ref]["pricing"][0]["prices"].update(input_per_1m="NaN"), "input_per_1m"),
        (lambda c, ref: c["models"][ref]["pricing"][0]["prices"].update(input_per_1m=2.5), "input_per_1m"),
        (lambda c, ref: c["models"][ref].update(limits={"context_window": True}), "context_window"),
        (lambda c, ref: c["models"][ref].pop("provider"), "provider"),
        (lambda c, ref: c["aliases"].update({"acme/zz": "acme/nope"}), "alias"),
        (lambda c, ref: c.pop("models"), "models"),
    ],
)
def test_from_content_refuses_what_loads_refuses(tmp_path: Path, change: Any, named: str) -> None:
    doc = copy.deepcopy(_content(tmp_path))
    change(doc, sorted(doc["models"])[0])
    with pytest.raises(ArtifactError, match=f"artifact content is malformed: .*{named}"):
        Catalog.from_content(doc)


@pytest.mark.parametrize("value", [None, [], "content", 3])
def test_from_content_of_not_an_object(value: Any) -> None:
    with pytest.raises(ArtifactError, match="malformed"):
        Catalog.from_content(value)


def test_callbacks_run_outside_the_lock_so_they_may_refresh_the_holder(tmp_path: Path) -> None:
    """An on_change or on_error that calls refresh(), reload() or status() does not deadlock: the
    callbacks run once the check has released the holder's lock (a test thread detects a hang)."""
    import threading

    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    seen: list[tuple[str, object]] = []
    holder: CatalogHolder | None = None

    def on_change(catalog: Catalog) -> None:
        assert holder is not None
        seen.append(("change", catalog.revision))
        seen.append(("refresh", holder.refresh()))  # unchanged since: False, and no deadlock
        seen.append(("status", holder.status()["revision"]))

    def on_error(exc: CatalogError) -> None:
        assert holder is not None
        seen.append(("error", type(exc).__name__))
        seen.append(("reload", holder.reload()))  # the same bad file: refused again, reported once

    holder = CatalogHolder(path, on_change=on_change, on_error=on_error)

    def steps() -> None:
        path.write_bytes(artifact("mini2", 101, tmp_path))
        holder.reload_if_changed()
        path.write_bytes(b"{}")
        holder.reload_if_changed()

    worker = threading.Thread(target=steps, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "a callback that refreshes the holder deadlocked"
    assert seen == [
        ("change", 101),
        ("refresh", False),
        ("status", 101),
        ("error", "ArtifactError"),
        ("reload", False),
    ]
    assert holder.catalog.revision == 101 and holder.status()["callback_error"] is None
