"""push and publish --to: the immutable content-addressed copy first, then the pointer; to a
folder and to a real S3-protocol server (moto's standalone server on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import MINI, MakeCatalog
from modelctl.artifact.publish import publish
from modelctl.artifact.push import push
from modelctl.errors import ModelctlError
from modelctl.runtime import Catalog

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    env["AWS_DEFAULT_REGION"] = "us-east-1"
    return subprocess.run([sys.executable, "-m", "modelctl", *args], env=env, capture_output=True, text=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = Path(sys.executable).with_name("moto_server")
    if not server.exists():
        pytest.skip("moto[server] is not installed (the test extra installs it)")
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=fh, stderr=fh)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"moto_server did not start: {log.read_text()}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> object:
    import boto3

    for name, value in [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ]:
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    bucket = f"b{time.monotonic_ns()}"
    client.create_bucket(Bucket=bucket)
    return client, bucket


def _published(make_catalog: MakeCatalog, out: Path, price: str = "2.00") -> str:
    alpha = MINI["models/acme/alpha.yaml"].replace("input_per_1m: 2.00", f"input_per_1m: {price}")
    result = publish(make_catalog({"models/acme/alpha.yaml": alpha}, name=f"c{price}"), out)
    assert result.digest
    return result.digest


def test_push_to_a_folder_writes_the_copy_then_the_pointer(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out, site = tmp_path / "dist", tmp_path / "site"
    digest = _published(make_catalog, out)
    pushed = push(out, f"file://{site}")
    revision = Catalog.load(out / "catalog.json").revision
    copy = site / "catalogs" / f"{revision}-{digest.removeprefix('sha256:')}.json"
    assert pushed.uploaded == (f"catalogs/{copy.name}", "catalog.json")
    assert copy.read_bytes() == (site / "catalog.json").read_bytes() == (out / "catalog.json").read_bytes()
    assert (copy.parent / (copy.name + ".sha256")).read_text().endswith(f"  {copy.name}\n")
    check = subprocess.run(["sha256sum", "-c", copy.name + ".sha256"], cwd=copy.parent, capture_output=True)
    assert check.returncode == 0
    # Pushed again: nothing to write.
    assert push(out, str(site)).uploaded == ()
    # A new revision: a second immutable copy, the old one stays, the pointer moves.
    _published(make_catalog, out, "2.50")
    push(out, str(site))
    assert len(list((site / "catalogs").glob("*.json"))) == 2
    assert Catalog.load(site / "catalog.json").digest != digest


def test_push_refuses_a_folder_whose_pair_disagrees(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    _published(make_catalog, out)
    (out / "catalog.json.sha256").write_text("0" * 64 + "  catalog.json\n")
    with pytest.raises(ModelctlError, match="does not match"):
        push(out, str(tmp_path / "site"))
    assert not (tmp_path / "site").exists()
    run = _cli("push", str(tmp_path / "nothing"), str(tmp_path / "site"))
    assert run.returncode == 4 and "nothing" in run.stderr and "Traceback" not in run.stderr
    _published(make_catalog, out, "2.10")
    run = _cli("push", str(out), "ftp://example/x")
    assert run.returncode == 2 and "file:// or s3://" in run.stderr  # a usage error (hostile/test_push_hostile.py)


def test_push_to_s3(make_catalog: MakeCatalog, tmp_path: Path, s3: object, s3_endpoint: str) -> None:
    client, bucket = s3  # type: ignore[misc]
    out = tmp_path / "dist"
    digest = _published(make_catalog, out)
    run = _cli("push", str(out), f"s3://{bucket}/prices/prod", "--endpoint-url", s3_endpoint, "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    immutable = summary["immutable"]
    assert immutable.startswith("catalogs/") and digest.removeprefix("sha256:") in immutable
    pointer = client.get_object(Bucket=bucket, Key="prices/prod/catalog.json")
    body = pointer["Body"].read()
    assert body == (out / "catalog.json").read_bytes()
    assert pointer["CacheControl"].startswith("public, max-age=60")
    assert pointer["ContentType"] == "application/json"
    copy = client.get_object(Bucket=bucket, Key=f"prices/prod/{immutable}")
    assert copy["Body"].read() == body and "immutable" in copy["CacheControl"]
    checksum = client.get_object(Bucket=bucket, Key="prices/prod/catalog.json.sha256")["Body"].read()
    assert checksum.decode().split()[0] == hashlib.sha256(body).hexdigest()
    # A second push of the same revision does not upload the immutable copy again.
    again = _cli("push", str(out), f"s3://{bucket}/prices/prod", "--endpoint-url", s3_endpoint, "--json")
    assert json.loads(again.stdout)["uploaded"] == ["catalog.json"]


def test_publish_to_s3_in_one_step(make_catalog: MakeCatalog, tmp_path: Path, s3: object, s3_endpoint: str) -> None:
    client, bucket = s3  # type: ignore[misc]
    out = tmp_path / "dist"
    run = _cli(
        "publish", str(make_catalog()), "--out", str(out), "--to", f"s3://{bucket}", "--endpoint-url", s3_endpoint
    )
    assert run.returncode == 0, run.stderr
    keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"])
    assert "catalog.json" in keys and "catalog.json.sha256" in keys
    assert any(k.startswith("catalogs/") and k.endswith(".json") for k in keys)


def test_push_to_an_unreachable_s3_exits_4(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    _published(make_catalog, out)
    port = _free_port()
    run = _cli("push", str(out), "s3://bucket/x", "--endpoint-url", f"http://127.0.0.1:{port}")
    assert run.returncode == 4 and "cannot push" in run.stderr and "Traceback" not in run.stderr
