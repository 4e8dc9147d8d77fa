"""CatalogHolder against a real static origin (nginx on 127.0.0.1): first load, 304s counted in
nginx's log, a new revision within one refresh, the origin down at start-up and later, tampering,
replay, shrinking, truncation, a slow origin, Retry-After, os.fork."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distribution_origin import Keys, Origin, artifact, free_port, make_keys, run_origin, signed

from modelctl.artifact.compile import assemble, canonical, digest_of
from modelctl.runtime import (
    ArtifactError,
    Catalog,
    CatalogError,
    CatalogHolder,
    FetchError,
    RollbackError,
    ShrinkError,
    SignatureError,
)

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[Origin]:
    yield from run_origin(tmp_path)


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    return make_keys(tmp_path)


def _wait(condition: object, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_first_load_then_304s_cost_no_download(origin: Origin, tmp_path: Path) -> None:
    origin.put(artifact("mini", 100, tmp_path))
    holder = CatalogHolder(origin.url)
    status = holder.status()
    assert status["origin"] == "source" and status["revision"] == 100 and status["models"] == 2
    assert status["stale"] is False and status["last_error"] is None
    for _ in range(3):
        assert holder.refresh() is False
    assert origin.count("/catalog.json", 200) == 1
    assert origin.count("/catalog.json", 304) == 3  # revalidated with nginx's own ETag


def test_a_new_revision_is_picked_up_within_one_refresh(origin: Origin, tmp_path: Path) -> None:
    origin.put(artifact("mini", 100, tmp_path))
    changes: list[int] = []
    with CatalogHolder(origin.url, refresh=0.3, on_change=lambda c: changes.append(c.revision)) as holder:
        origin.put(artifact("mini2", 101, tmp_path))
        revalidated = origin.count("/catalog.json", 304)
        assert _wait(lambda: holder.catalog.revision == 101, 10)
        assert changes == [101]
    # Within one refresh: the first check after the upload fetched it (at most one more check was
    # already on its way), whatever the machine's load; counted in nginx's access log, not timed.
    assert origin.count("/catalog.json", 200) == 2
    assert origin.count("/catalog.json", 304) - revalidated <= 1


def test_origin_down_at_start_up_starts_from_the_cache(origin: Origin, tmp_path: Path, keys: Keys) -> None:
    data = artifact("mini", 100, tmp_path)
    origin.put(data, signed(data, keys))
    cache = tmp_path / "cache"
    first = CatalogHolder(origin.url, cache_dir=cache, public_key=keys.public_path)
    assert first.status()["origin"] == "source"
    origin.stop()
    errors: list[CatalogError] = []
    started = time.monotonic()
    second = CatalogHolder(origin.url, cache_dir=cache, public_key=keys.public_text, timeout=1, on_error=errors.append)
    assert time.monotonic() - started < 1 + 3.0  # the timeout, plus the cache's load on a busy machine
    assert second.catalog.digest == first.catalog.digest
    assert second.status()["origin"] == "cache" and second.status()["revision"] == 100
    assert len(errors) == 1 and isinstance(errors[0], FetchError)
    # The cache is one file, private, shared by every process pointing at the same source.
    (entry,) = cache.iterdir()
    assert entry.stat().st_mode & 0o077 == 0


def test_no_source_and_no_cache_raises(tmp_path: Path) -> None:
    with pytest.raises(FetchError):
        CatalogHolder(f"http://127.0.0.1:{free_port()}/catalog.json", timeout=1, cache_dir=tmp_path / "empty")


def test_a_damaged_cache_is_not_used(origin: Origin, tmp_path: Path) -> None:
    origin.put(artifact("mini", 100, tmp_path))
    cache = tmp_path / "cache"
    CatalogHolder(origin.url, cache_dir=cache)
    (entry,) = cache.iterdir()
    entry.write_bytes(entry.read_bytes().replace(b'"2.00"', b'"0.20"', 1))
    origin.stop()
    with pytest.raises(CatalogError):
        CatalogHolder(origin.url, cache_dir=cache, timeout=1)


def test_origin_down_later_keeps_serving_and_turns_stale(origin: Origin, tmp_path: Path) -> None:
    origin.put(artifact("mini", 100, tmp_path))
    errors: list[CatalogError] = []
    holder = CatalogHolder(origin.url, stale_after=0.3, timeout=1, on_error=errors.append)
    good = holder.catalog
    origin.stop()
    for _ in range(3):
        assert holder.refresh() is False
    assert holder.catalog is good and len(errors) == 1  # one outage, reported once
    time.sleep(0.35)
    status = holder.status()
    assert status["stale"] is True and status["failures"] == 3 and "127.0.0.1" in status["last_error"]
    origin.start()
    holder.refresh()
    assert holder.status()["stale"] is False and holder.status()["last_error"] is None


def test_tampered_with_a_recomputed_digest_is_refused(origin: Origin, tmp_path: Path, keys: Keys) -> None:
    data = artifact("mini", 100, tmp_path)
    origin.put(data, signed(data, keys))
    errors: list[CatalogError] = []
    holder = CatalogHolder(origin.url, public_key=keys.public_path, on_error=errors.append)
    doc = json.loads(data)
    doc["content"]["models"]["acme/alpha"]["pricing"][0]["prices"]["input_per_1m"] = "0.01"
    body = canonical(doc["content"])
    forged = assemble(body, digest_of(body), "x", {}, revision=101, published_at=1767225600).data
    origin.put(forged, signed(data, keys))  # the old signature: digest fine, signature not
    for _ in range(3):
        assert holder.refresh() is False
    assert holder.catalog.revision == 100
    assert len(errors) == 1 and isinstance(errors[0], SignatureError)  # once per distinct artifact
    origin.put(forged, None)  # signature stripped: never a silent downgrade to unsigned
    holder.refresh()  # (a push can be seen before its signature: reported when a second check sees it)
    assert holder.catalog.revision == 100 and len(errors) == 1 and "unsigned" in holder.status()["last_error"]
    holder.refresh()
    assert holder.catalog.revision == 100 and len(errors) == 2 and "unsigned" in str(errors[1])
    assert "unsigned" in holder.status()["last_error"]


def test_an_old_revision_replayed_is_refused(origin: Origin, tmp_path: Path, keys: Keys) -> None:
    old, new = artifact("mini", 100, tmp_path), artifact("mini2", 200, tmp_path)
    origin.put(new, signed(new, keys))
    errors: list[CatalogError] = []
    holder = CatalogHolder(origin.url, public_key=keys.public_path, on_error=errors.append)
    origin.put(old, signed(old, keys))  # validly signed, but older
    assert holder.refresh() is False
    assert holder.catalog.revision == 200 and isinstance(errors[-1], RollbackError)
    # allow_rollback=True accepts it; so does a new publish of the old content.
    assert CatalogHolder(origin.url, public_key=keys.public_path).catalog.revision == 100  # nothing held before
    again = artifact("mini", 201, tmp_path)
    origin.put(again, signed(again, keys))
    assert holder.refresh() is True and holder.catalog.revision == 201


def test_a_replay_is_refused_across_restarts_through_the_cache(origin: Origin, tmp_path: Path) -> None:
    origin.put(artifact("mini2", 200, tmp_path))
    CatalogHolder(origin.url, cache_dir=tmp_path / "c")
    origin.put(artifact("mini", 100, tmp_path))
    errors: list[CatalogError] = []
    restarted = CatalogHolder(origin.url, cache_dir=tmp_path / "c", on_error=errors.append)
    assert restarted.catalog.revision == 200 and restarted.status()["origin"] == "cache"
    assert isinstance(errors[0], RollbackError)
    assert CatalogHolder(origin.url, cache_dir=tmp_path / "c", allow_rollback=True).catalog.revision == 100


def test_a_refused_artifact_is_not_downloaded_again_and_the_holder_stays_ready(origin: Origin, tmp_path: Path) -> None:
    """A bad publish is refused and reported once; the next checks ask with its ETag (a 304 while
    it is still there: no download, no parse), and the origin answered, so the holder is not
    ``stale``: a fleet refusing one bad publish keeps serving and stays ready."""
    origin.put(artifact("mini2", 200, tmp_path))
    errors: list[CatalogError] = []
    holder = CatalogHolder(origin.url, stale_after=0.3, on_error=errors.append)
    origin.put(artifact("mini", 100, tmp_path))  # a replayed older revision
    for _ in range(3):
        assert holder.refresh() is False
    assert len(errors) == 1 and isinstance(errors[0], RollbackError)
    assert origin.count("/catalog.json", 200) == 2  # the first load and the refused one, once
    assert origin.count("/catalog.json", 304) == 2
    time.sleep(0.35)
    holder.refresh()
    status = holder.status()
    assert status["stale"] is False and status["revision"] == 200 and "lower than" in status["last_error"]
    origin.put(artifact("repo", 201, tmp_path))  # the fix, published: picked up at once
    assert holder.refresh() is True and holder.catalog.revision == 201 and holder.status()["last_error"] is None


def test_a_publish_seen_between_its_artifact_and_its_signature_is_no_alarm(
    origin: Origin, tmp_path: Path, keys: Keys
) -> None:
    """The pointer's artifact and its signature are two objects: a check can see the new artifact
    with the old signature.  It is refused, shown in ``status()``, and not sent to ``on_error``
    until a second check sees the same; the new signature is then fetched alone (the artifact
    answers 304) and the artifact accepted."""
    old, new = artifact("mini", 100, tmp_path), artifact("mini2", 101, tmp_path)
    origin.put(old, signed(old, keys))
    errors: list[CatalogError] = []
    changes: list[int] = []
    holder = CatalogHolder(
        origin.url, public_key=keys.public_path, on_error=errors.append, on_change=lambda c: changes.append(c.revision)
    )
    origin.put(new, signed(old, keys))  # the artifact replaced, its signature not yet
    assert holder.refresh() is False and holder.catalog.revision == 100
    assert errors == [] and "signature" in holder.status()["last_error"]
    (origin.site / "catalog.json.minisig").write_bytes(signed(new, keys))  # the push completes
    assert holder.refresh() is True and holder.catalog.revision == 101
    assert errors == [] and changes == [101] and holder.status()["last_error"] is None
    assert origin.count("/catalog.json", 200) == 2 and origin.count("/catalog.json", 304) == 1  # not downloaded again


def test_an_artifact_seen_before_its_signature_is_accepted_when_the_signature_arrives(
    origin: Origin, tmp_path: Path, keys: Keys
) -> None:
    """A folder push removes the pointer's signature, replaces the artifact, then writes the new
    signature: a check in between sees no signature. The next check (a 304 for the artifact)
    fetches the signature alone and accepts the artifact."""
    old, new = artifact("mini", 100, tmp_path), artifact("mini2", 101, tmp_path)
    origin.put(old, signed(old, keys))
    errors: list[CatalogError] = []
    holder = CatalogHolder(origin.url, public_key=keys.public_path, on_error=errors.append)
    origin.put(new, None)
    assert holder.refresh() is False and "unsigned" in holder.status()["last_error"] and errors == []
    (origin.site / "catalog.json.minisig").write_bytes(signed(new, keys))
    assert holder.refresh() is True and holder.catalog.revision == 101 and errors == []
    assert origin.count("/catalog.json", 200) == 2 and origin.count("/catalog.json", 304) == 1


def test_a_signature_that_stays_wrong_is_reported_at_the_second_check(
    origin: Origin, tmp_path: Path, keys: Keys
) -> None:
    old, new = artifact("mini", 100, tmp_path), artifact("mini2", 101, tmp_path)
    origin.put(old, signed(old, keys))
    errors: list[CatalogError] = []
    holder = CatalogHolder(origin.url, public_key=keys.public_path, on_error=errors.append)
    origin.put(new, signed(old, keys))
    holder.refresh()
    assert errors == []
    for _ in range(3):
        assert holder.refresh() is False
    assert len(errors) == 1 and isinstance(errors[0], SignatureError) and holder.catalog.revision == 100
    assert origin.count("/catalog.json", 200) == 2  # the refused artifact downloaded once


def test_start_up_with_a_current_cache_downloads_nothing(origin: Origin, tmp_path: Path) -> None:
    """A worker starting beside a cache that is current asks with the cache's validators: a 304, no
    download of what the host already holds (a fleet restarting does not fetch N copies)."""
    origin.put(artifact("mini", 100, tmp_path))
    cache = tmp_path / "cache"
    first = CatalogHolder(origin.url, cache_dir=cache)
    second = CatalogHolder(origin.url, cache_dir=cache)
    assert second.catalog.digest == first.catalog.digest
    status = second.status()
    assert status["origin"] == "cache" and status["stale"] is False and status["last_error"] is None
    assert origin.count("/catalog.json", 200) == 1 and origin.count("/catalog.json", 304) == 1
    origin.put(artifact("mini2", 101, tmp_path))
    third = CatalogHolder(origin.url, cache_dir=cache)  # the cache is no longer current: downloaded
    assert third.catalog.revision == 101 and third.status()["origin"] == "source"


def test_a_worker_holding_an_older_revision_does_not_roll_the_shared_cache_back(origin: Origin, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    origin.put(artifact("mini", 100, tmp_path))
    behind = CatalogHolder(origin.url, cache_dir=cache)
    origin.put(artifact("mini2", 200, tmp_path))
    CatalogHolder(origin.url, cache_dir=cache)  # another worker: caches 200
    origin.put(artifact("mini", 100, tmp_path))  # an edge serving the old copy again
    assert behind.reload() is False and behind.catalog.revision == 100  # accepted: the revision it holds
    origin.stop()
    restarted = CatalogHolder(origin.url, cache_dir=cache, timeout=1)
    assert restarted.catalog.revision == 200 and restarted.status()["origin"] == "cache"


def test_a_shrunken_catalog_is_refused(origin: Origin, tmp_path: Path) -> None:
    origin.put(artifact("repo", 100, tmp_path))
    errors: list[CatalogError] = []
    holder = CatalogHolder(origin.url, on_error=errors.append)
    assert len(holder.catalog) == 80
    origin.put(artifact("mini", 101, tmp_path))
    assert holder.refresh() is False and len(holder.catalog) == 80
    assert isinstance(errors[0], ShrinkError) and "2 models" in str(errors[0])
    assert CatalogHolder(origin.url, max_shrink=0).catalog.revision == 101


def test_a_truncated_or_malformed_download_is_refused(origin: Origin, tmp_path: Path) -> None:
    data = artifact("mini", 100, tmp_path)
    origin.put(data)
    errors: list[CatalogError] = []
    holder = CatalogHolder(origin.url, on_error=errors.append)
    origin.put(artifact("mini2", 101, tmp_path)[:-200])  # a half-uploaded file
    assert holder.refresh() is False and holder.catalog.revision == 100
    origin.put(b'{"format_version": "1.1", "content": 7}')  # JSON, but no artifact
    assert holder.refresh() is False
    assert len(errors) == 2 and all(isinstance(e, ArtifactError) for e in errors)
    assert holder.status()["failures"] == 0  # refusals: the origin answered


def test_a_slow_origin_is_bounded_by_the_timeout(origin: Origin, tmp_path: Path) -> None:
    origin.put(artifact("repo", 100, tmp_path))  # ~100 kB at 2 kB/s
    started = time.monotonic()
    with pytest.raises(FetchError, match="timeout|timed out"):
        CatalogHolder(origin.base("slow/catalog.json"), timeout=0.5)
    assert time.monotonic() - started < 10.0  # the whole download takes 50 s: the timeout cut it short


def test_retry_after_is_honoured(origin: Origin, tmp_path: Path) -> None:
    origin.put(artifact("mini", 100, tmp_path))
    cache = tmp_path / "c"
    CatalogHolder(origin.url, cache_dir=cache)
    (origin.site / "busy").mkdir()
    busy = origin.base("busy/catalog.json")
    # Same cache file name is per source: seed the busy source's cache from the good one.
    good = next(cache.iterdir())
    from modelctl.runtime._remote.cache import path_for

    os.replace(good, path_for(str(cache), busy))
    holder = CatalogHolder(busy, cache_dir=cache, refresh=1)
    try:
        assert holder.status()["origin"] == "cache"
        assert holder._next_delay() >= 6.5  # the server asked for 7 s, more than the 1 s refresh
        assert "503" in holder.status()["last_error"]
    finally:
        holder.close()


FORKED = """
import os, sys, time
from modelctl.runtime import CatalogHolder
holder = CatalogHolder(sys.argv[1], refresh=0.2)   # gunicorn --preload: made before the fork
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    os.read(read, 1)                               # the parent has put a new revision
    deadline = time.monotonic() + 20                # generous: a busy CI machine
    while time.monotonic() < deadline and holder.catalog.revision != 101:
        time.sleep(0.02)
    ok = holder.catalog.revision == 101 and holder._thread is not None and holder._thread.is_alive()
    if not ok:
        print(holder.status(), holder._thread, file=sys.stderr, flush=True)
    os._exit(0 if ok else 1)
print("forked", flush=True)
sys.stdin.readline()
os.write(write, b"x")
_, status = os.waitpid(pid, 0)
print("child", os.waitstatus_to_exitcode(status), flush=True)
"""


def test_a_forked_worker_runs_its_own_refresh_thread(origin: Origin, tmp_path: Path) -> None:
    origin.put(artifact("mini", 100, tmp_path))
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(FORKED), origin.url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline().strip() == "forked"
    origin.put(artifact("mini2", 101, tmp_path))
    proc.stdin.write("go\n")
    proc.stdin.flush()
    out, _ = proc.communicate(timeout=20)
    assert out.strip() == "child 0"


def test_a_same_size_artifact_pushed_in_the_same_second_gets_a_new_etag(
    origin: Origin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nginx's ETag is the modification second and the size, and a price changed from 2.00 to 2.50
    keeps the artifact's size: pushed within the second of the one before, it was served under
    the old ETag, and every holder asking with it got 304s until the next publish."""
    from conftest import MINI, write_catalog
    from modelctl.artifact.publish import publish
    from modelctl.artifact.push import push

    folders = []
    for price, epoch in (("2.00", 1_800_000_000), ("2.50", 1_800_000_001)):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        alpha = MINI["models/acme/alpha.yaml"].replace("input_per_1m: 2.00", f"input_per_1m: {price}")
        publish(write_catalog(tmp_path / f"cat{price}", {**MINI, "models/acme/alpha.yaml": alpha}), tmp_path / price)
        folders.append(tmp_path / price)
    sizes = {(folder / "catalog.json").stat().st_size for folder in folders}
    assert len(sizes) == 1  # the case: same size
    push(folders[0], str(origin.site))
    holder = CatalogHolder(origin.url)
    while time.time() % 1 > 0.3:  # early in a second, so the next push lands in the same one
        time.sleep(0.01)
    second = int(time.time())
    os.utime(origin.site / "catalog.json", (second, second))  # the first push "in this second"
    push(folders[1], str(origin.site))
    assert holder.refresh() is True and holder.status()["revision"] == 1_800_000_001


def test_a_stale_pointer_signature_is_checked_against_the_immutable_copys(
    origin: Origin, tmp_path: Path, keys: Keys
) -> None:
    """Behind a CDN the pointer and its .minisig are cached apart: an edge can serve the new
    artifact with the old signature for up to a minute.  The holder then verifies the artifact
    with the signature beside its immutable copy (push's catalogs/REVISION-HEX.json.minisig),
    which no cache serves stale: accepted at once, no alarm.  A signature there that is not the
    artifact's is refused all the same."""
    old, new, other = (artifact(kind, rev, tmp_path) for kind, rev in (("mini", 100), ("mini2", 101), ("repo", 102)))
    origin.put(old, signed(old, keys))
    errors: list[CatalogError] = []
    holder = CatalogHolder(origin.url, public_key=keys.public_path, on_error=errors.append)
    (origin.site / "catalogs").mkdir()

    def immutable(data: bytes, signature: bytes) -> None:
        catalog = Catalog.loads(data)
        name = f"{catalog.revision}-{catalog.digest.removeprefix('sha256:')}.json.minisig"
        (origin.site / "catalogs" / name).write_bytes(signature)

    immutable(new, signed(new, keys))
    origin.put(new, signed(old, keys))  # the edge's pointer is new, its signature still the old one
    assert holder.refresh() is True and holder.catalog.revision == 101
    assert errors == [] and holder.status()["last_error"] is None
    # The copy's signature is not the artifact's: refused as before, reported at the second check.
    immutable(other, signed(new, keys))
    origin.put(other, signed(new, keys))
    for _ in range(3):
        assert holder.refresh() is False
    assert holder.catalog.revision == 101 and len(errors) == 1 and isinstance(errors[0], SignatureError)


@pytest.mark.parametrize("name", ["catalog.json", "catalog.public.json"])
def test_the_immutable_signature_is_where_push_puts_it(
    origin: Origin, tmp_path: Path, keys: Keys, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signature the holder falls back to is the one push writes (runtime._remote.immutable_name)."""
    from conftest import MINI, write_catalog
    from modelctl.artifact.publish import publish
    from modelctl.artifact.push import push

    outs = []
    for price, epoch in (("2.00", 1_800_000_000), ("2.50", 1_800_000_100)):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        alpha = MINI["models/acme/alpha.yaml"].replace("input_per_1m: 2.00", f"input_per_1m: {price}")
        root = write_catalog(tmp_path / f"cat{price}", {**MINI, "models/acme/alpha.yaml": alpha})
        publish(root, tmp_path / price, public=True, sign=keys.secret)
        outs.append(tmp_path / price)
    push(outs[0], str(origin.site), name=name)
    stale = (origin.site / f"{name}.minisig").read_bytes()
    holder = CatalogHolder(origin.base(name), public_key=keys.public_path)
    push(outs[1], str(origin.site), name=name)
    (origin.site / f"{name}.minisig").write_bytes(stale)  # an edge still serving the old signature
    assert holder.refresh() is True and holder.catalog.revision == 1_800_000_100
