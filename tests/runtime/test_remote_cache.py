"""The holder's disk cache file (``runtime/_remote/cache.py``): what ``write`` writes ``read``
gives back, byte for byte; a file that is not one of ours is None; and ``read`` (which reads the
artifact by itself, after the header) answers as splitting the whole file would, for any bytes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelctl.runtime._remote import cache


def _fields(entry: cache.Entry | None) -> tuple[Any, ...] | None:
    if entry is None:
        return None
    return (entry.artifact, entry.signature, entry.etag, entry.last_modified, entry.fetched_at)


def _reference(path: Path) -> tuple[Any, ...] | None:
    """The whole file split at the header's newline (what ``read`` did before issue 13)."""
    raw = path.read_bytes()
    if not raw.startswith(cache.MAGIC):
        return None
    header, sep, artifact = raw[len(cache.MAGIC) :].partition(b"\n")
    if not sep:
        return None
    try:
        meta = json.loads(header)
        sig = meta.get("signature")
        return (
            artifact,
            sig.encode("utf-8") if isinstance(sig, str) else None,
            meta.get("etag") if isinstance(meta.get("etag"), str) else None,
            meta.get("last_modified") if isinstance(meta.get("last_modified"), str) else None,
            float(meta["fetched_at"]) if isinstance(meta.get("fetched_at"), int | float) else None,
        )
    except (ValueError, TypeError, UnicodeDecodeError, AttributeError):
        return None


@pytest.mark.parametrize("etag_size", [10, 70_000])  # a header inside the first read, and past it
def test_what_write_writes_read_gives_back(tmp_path: Path, etag_size: int) -> None:
    artifact = b'{"content":{}}\n' + bytes(range(256)) * 4000 + b"\n\n"  # newlines in it too
    entry = cache.Entry(artifact, b"untrusted comment: x\nRWQ...\n", '"' + "e" * etag_size + '"', "Tue", 1.5)
    path = str(tmp_path / "c" / "catalog.cache")
    cache.write(path, entry)
    assert _fields(cache.read(path)) == (artifact, entry.signature, entry.etag, "Tue", 1.5)
    assert _fields(cache.read(path)) == _reference(Path(path))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        cache.MAGIC,
        cache.MAGIC + b'{"etag":null}',  # no newline after the header
        b"MODELCTL-CACHE 2\n{}\nartifact",
        cache.MAGIC + b"not json\nartifact",
        cache.MAGIC + b"[]\nartifact",
        cache.MAGIC + b"x" * 70_000,  # a long line with no end
    ],
)
def test_a_file_that_is_not_one_of_ours_is_none(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "catalog.cache"
    path.write_bytes(data)
    assert cache.read(str(path)) is None


def test_no_file_or_a_folder_is_none(tmp_path: Path) -> None:
    assert cache.read(str(tmp_path / "absent")) is None
    assert cache.read(str(tmp_path)) is None


@settings(max_examples=100, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.builds(lambda h, a: cache.MAGIC + h + a, st.binary(max_size=80), st.binary(max_size=200)),
        st.builds(
            lambda meta, a: cache.MAGIC + json.dumps(meta).encode() + b"\n" + a,
            st.dictionaries(
                st.sampled_from(["etag", "signature", "fetched_at", "x"]),
                st.none() | st.text() | st.floats(allow_nan=False),
            ),
            st.binary(max_size=200),
        ),
    )
)
def test_read_answers_as_splitting_the_whole_file(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("cache") / "catalog.cache"
    path.write_bytes(data)
    assert _fields(cache.read(str(path))) == _reference(path)


@pytest.mark.parametrize("link", [False, True])
def test_a_fifo_in_place_of_the_cache_is_no_entry_not_a_hang(tmp_path: Path, link: bool) -> None:
    """Opening a FIFO waits for a writer for ever (no timeout applies there): a holder's start-up
    from such a cache hung.  Now it is no entry, as any file that is not one of ours."""
    import os
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    path = tmp_path / "catalog-x.cache"
    if link:
        path.symlink_to(fifo)
    else:
        path = fifo
    got: list[Any] = []
    reader = threading.Thread(target=lambda: got.append(cache.read(str(path))), daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # unblock the reader (a writer opens the FIFO) before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(10)
        pytest.fail("cache.read blocked on a FIFO")
    assert got == [None]


def test_a_lower_revision_never_replaces_a_higher_one(tmp_path: Path) -> None:
    """The workers of a host share the file: one that accepted an older artifact (a CDN edge's old
    copy of the revision it holds) must not put it in place of a newer one another worker cached."""
    path = str(tmp_path / "c" / "catalog.cache")
    assert cache.write(path, cache.Entry(b"new", None, revision=200)) is True
    assert cache.held_revision(path) == 200
    assert cache.write(path, cache.Entry(b"old", None, revision=100)) is False
    entry = cache.read(path)
    assert entry is not None and entry.artifact == b"new" and entry.revision == 200
    assert cache.write(path, cache.Entry(b"same", None, revision=200)) is True  # the same revision: replaced
    assert cache.write(path, cache.Entry(b"old", None, revision=100), allow_rollback=True) is True
    entry = cache.read(path)
    assert entry is not None and entry.artifact == b"old" and entry.revision == 100
    assert list((tmp_path / "c").iterdir()) == [Path(path)]  # no lock or temporary file left beside it


@pytest.mark.parametrize("meta", [b'{"etag":null}', b'{"revision":"200"}', b'{"revision":-1}', b"[200]", b"{"])
def test_an_entry_of_unknown_revision_is_replaced(tmp_path: Path, meta: bytes) -> None:
    """A cache written before the header held a revision (or a header that is not ours) protects
    nothing: the new entry replaces it."""
    path = tmp_path / "catalog.cache"
    path.write_bytes(cache.MAGIC + meta + b"\n" + b"artifact")
    assert cache.held_revision(str(path)) is None
    assert cache.write(str(path), cache.Entry(b"new", None, revision=1)) is True
    entry = cache.read(str(path))
    assert entry is not None and entry.artifact == b"new" and entry.revision == 1


def test_a_file_larger_than_an_artifact_can_be_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "catalog.cache")
    cache.write(path, cache.Entry(b"x" * 70_000, None, revision=1))
    assert cache.read(path) is not None
    monkeypatch.setattr(cache, "MAX_BYTES", 1000)  # the 64 KiB header allowance and 1000 bytes: too big now
    assert cache.read(path) is None


def test_a_folder_that_refuses_locks_is_still_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import fcntl

    def refuse(fd: int, op: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")  # what NFS without a lock daemon answers

    monkeypatch.setattr(fcntl, "flock", refuse)
    path = str(tmp_path / "c" / "catalog.cache")
    assert cache.write(path, cache.Entry(b"artifact", None, revision=3)) is True
    entry = cache.read(path)
    assert entry is not None and entry.artifact == b"artifact" and entry.revision == 3


def test_a_lock_held_by_a_stopped_writer_is_waited_for_only_so_long(tmp_path: Path) -> None:
    """Another process holding the folder's lock (stopped in a debugger, say) does not hold a
    writer up for ever: after ``wait`` the entry is written without the lock."""
    import fcntl
    import os
    import subprocess
    import sys
    import time

    folder = tmp_path / "c"
    folder.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl,os,sys,time; fd=os.open(sys.argv[1], os.O_RDONLY); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)", str(folder)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        probe = os.open(folder, os.O_RDONLY)
        with pytest.raises(BlockingIOError):  # the lock is really held
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(probe)
        started = time.monotonic()
        assert cache.write(str(folder / "catalog.cache"), cache.Entry(b"artifact", None, revision=3), wait=0.2)
        assert 0.2 <= time.monotonic() - started < 5
        entry = cache.read(str(folder / "catalog.cache"))
        assert entry is not None and entry.revision == 3
    finally:
        holder.kill()
        holder.communicate()


def test_a_lock_released_within_the_wait_is_taken(tmp_path: Path) -> None:
    import fcntl
    import os
    import threading

    folder = tmp_path / "c"
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    threading.Timer(0.1, os.close, (fd,)).start()  # closing releases it
    path = str(folder / "catalog.cache")
    cache.write(path, cache.Entry(b"high", None, revision=9))  # waits for the release, then writes
    assert cache.write(path, cache.Entry(b"low", None, revision=2), wait=0) is False  # compared as usual
    entry = cache.read(path)
    assert entry is not None and entry.artifact == b"high"


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_writer_removes_the_temporaries_of_dead_writers_of_this_host_only(tmp_path: Path) -> None:
    """A worker killed mid-write (the OOM killer) leaves a temporary as large as the artifact, and
    nothing else would ever remove it: the next writer does, under the folder's lock. A live
    writer's, another host's, and names not of this pattern stay."""
    import os

    folder = tmp_path / "c"
    folder.mkdir()
    stem = cache._stem()
    dead = folder / f"{stem}{_dead_pid()}-abc123.tmp"
    keep = [
        folder / f"{stem}{os.getppid()}-abc123.tmp",  # alive: the test runner's parent
        folder / f".catalog-another.host-{_dead_pid()}-abc123.tmp",
        folder / ".catalog-abc123.tmp",  # an older version's name: whose, nobody knows
        folder / f"{stem}0{_dead_pid()}-abc123.tmp",
        folder / f"{stem}{_dead_pid()}-abc123.tmp.bak",
    ]
    for p in (dead, *keep):
        p.write_bytes(b"x" * 1000)
    link = folder / f"{stem}{_dead_pid()}-link.tmp"
    link.symlink_to(tmp_path / "elsewhere")
    assert cache.write(str(folder / "catalog.cache"), cache.Entry(b"artifact", None, revision=1))
    assert not dead.exists() and all(p.exists() for p in keep) and link.is_symlink()
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") and p.name.startswith(stem)) == sorted(
        [keep[0].name, keep[3].name, link.name]
    )


def test_a_writer_killed_mid_write_leaves_a_temporary_the_next_one_removes(tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = tmp_path / "c"
    code = (
        "import os, sys\n"
        "from modelctl.runtime._remote import cache\n"
        "os.fsync = lambda fd: os.kill(os.getpid(), 9)\n"  # killed between the write and the rename
        "cache.write(sys.argv[1], cache.Entry(b'x' * 100_000, None, revision=5))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(folder / "catalog.cache")], check=False)
    assert done.returncode == -9
    left = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].stat().st_size > 100_000 and not (folder / "catalog.cache").exists()
    assert cache.write(str(folder / "catalog.cache"), cache.Entry(b"artifact", None, revision=6))
    assert [p.name for p in folder.iterdir()] == ["catalog.cache"]


def test_no_lock_no_removal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the lock (refused, or waited for too long) a temporary may be a live writer's on
    another pid namespace or a lock-less writer: it is left alone."""
    import errno
    import fcntl

    def refuse(fd: int, op: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    folder = tmp_path / "c"
    folder.mkdir()
    dead = folder / f"{cache._stem()}{_dead_pid()}-abc123.tmp"
    dead.write_bytes(b"x")
    monkeypatch.setattr(fcntl, "flock", refuse)
    assert cache.write(str(folder / "catalog.cache"), cache.Entry(b"artifact", None, revision=1))
    assert dead.exists()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="0123456789-.tmpcatalogx_", min_size=1, max_size=40), max_size=8, unique=True))
def test_remove_stale_only_removes_its_own_pattern(tmp_path_factory: pytest.TempPathFactory, tails: list[str]) -> None:
    """Any other name in the folder stays, whatever it looks like (and nothing raises)."""
    folder = tmp_path_factory.mktemp("c")
    stem = cache._stem()
    names = [stem + t for t in tails] + [t for t in tails if t not in (".", "..")]
    made = []
    for name in dict.fromkeys(names):
        try:
            (folder / name).write_bytes(b"x")
            made.append(name)
        except OSError:
            pass
    cache.remove_stale(str(folder), stem)
    ours = re.compile(re.escape(stem) + r"[1-9][0-9]{0,9}-.+\.tmp", re.DOTALL)
    for name in made:
        if not ours.fullmatch(name):
            assert (folder / name).exists(), name
