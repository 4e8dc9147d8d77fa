"""push and publish --to: the immutable content-addressed copy first, then the pointer; to a
folder and to a real S3-protocol server (moto's standalone server on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINI, MakeCatalog
from modelctl.artifact.publish import publish
from modelctl.artifact.push import Prior, PushRefused, judge_pointer, push
from modelctl.errors import ModelctlError
from modelctl.runtime import Catalog
from moto_server import free_port, run_moto

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    env["AWS_DEFAULT_REGION"] = "us-east-1"
    return subprocess.run([sys.executable, "-m", "modelctl", *args], env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from run_moto(tmp_path_factory)


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
    port = free_port()
    run = _cli("push", str(out), "s3://bucket/x", "--endpoint-url", f"http://127.0.0.1:{port}")
    assert run.returncode == 4 and "cannot push" in run.stderr and "Traceback" not in run.stderr


# --- The pointer never goes back -------------------------------------------------------------


def _at(make_catalog: MakeCatalog, out: Path, epoch: int, monkeypatch: pytest.MonkeyPatch, price: str) -> int:
    """Publish into ``out`` as of ``epoch`` (SOURCE_DATE_EPOCH: the revision of a commit at that time)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    _published(make_catalog, out, price)
    revision = Catalog.load(out / "catalog.json").revision
    assert revision == epoch
    return revision


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_push_never_moves_a_folder_pointer_back(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new, old, site = tmp_path / "new", tmp_path / "old", tmp_path / "site"
    _at(make_catalog, new, 1_800_000_000, monkeypatch, "2.50")
    _at(make_catalog, old, 1_700_000_000, monkeypatch, "2.00")
    assert push(new, str(site)).prior == Prior()
    before = _tree(site)
    with pytest.raises(PushRefused, match=r"holds revision 1800000000, newer than the folder's 1700000000"):
        push(old, str(site))
    assert _tree(site) == before  # nothing written, not even the old revision's immutable copy
    run = _cli("push", str(old), str(site))
    assert run.returncode == 1 and "--allow-rollback" in run.stderr and "Traceback" not in run.stderr
    assert _tree(site) == before
    # The same revision again, or a higher one, is a step forward.
    assert push(new, str(site)).prior.revision == 1_800_000_000
    # Asked for: moved back, and said so.
    run = _cli("push", str(old), str(site), "--allow-rollback", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["previous_revision"] == 1_800_000_000
    assert "moved back from revision 1800000000 to 1700000000" in run.stderr
    assert Catalog.load(site / "catalog.json").revision == 1_700_000_000


def test_publish_to_a_destination_holding_a_newer_revision_exits_1(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    _at(make_catalog, tmp_path / "new", 1_800_000_000, monkeypatch, "2.50")
    push(tmp_path / "new", str(site))
    before = _tree(site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "rerun-dist"  # an older commit's CI job, run again after a newer one pushed
    run = _cli("publish", str(make_catalog(name="rerun")), "--out", str(out), "--to", str(site))
    assert run.returncode == 1, run.stderr
    assert f"published to {out}, not pushed" in run.stderr and "revision 1800000000" in run.stderr
    assert (out / "catalog.json").is_file() and _tree(site) == before
    run = _cli("publish", str(make_catalog(name="rerun")), "--out", str(out), "--allow-rollback")
    assert run.returncode == 2 and "--allow-rollback needs --to" in run.stderr


@pytest.mark.parametrize(
    "pointer",
    [b"", b"<html>502 Bad Gateway</html>", b"[" * 200_000, b'{"revision": 9999999999999}', b"\xff\xfe{"],
    ids=["empty", "html", "deep", "no-digest", "not-utf8"],
)
def test_a_pointer_that_is_not_an_artifact_is_replaced_and_said(
    make_catalog: MakeCatalog, tmp_path: Path, pointer: bytes
) -> None:
    out, site = tmp_path / "dist", tmp_path / "site"
    _published(make_catalog, out)
    site.mkdir()
    (site / "catalog.json").write_bytes(pointer)
    run = _cli("push", str(out), str(site), "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["replaced_unreadable"] is True
    assert "there was not an artifact: replaced" in run.stderr
    assert (site / "catalog.json").read_bytes() == (out / "catalog.json").read_bytes()


def test_a_fifo_in_place_of_the_pointer_does_not_hang_push(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out, site = tmp_path / "dist", tmp_path / "site"
    _published(make_catalog, out)
    site.mkdir()
    os.mkfifo(site / "catalog.json")  # opening it to read would wait for a writer for ever
    pushed = push(out, str(site))
    assert pushed.prior.unreadable and (site / "catalog.json").read_bytes() == (out / "catalog.json").read_bytes()


def test_a_publish_over_an_out_folder_holding_deep_json_is_no_traceback(
    make_catalog: MakeCatalog, tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "catalog.json").write_bytes(b"[" * 200_000)  # was a RecursionError reading its revision
    run = _cli("publish", str(make_catalog()), "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert Catalog.load(out / "catalog.json").revision > 0


@given(st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
@settings(max_examples=300, deadline=None)
def test_judge_pointer_takes_any_bytes(held: bytes) -> None:
    prior = judge_pointer(held, 10**12, "x", allow_rollback=False)  # no revision of bytes this short is higher
    assert prior.unchecked is None
    assert (prior.revision is None) == prior.unreadable


@given(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=0, max_value=2**40),
    st.booleans(),
    st.dictionaries(st.sampled_from(["content", "format_version", "source"]), st.integers() | st.text()),
)
@settings(max_examples=300, deadline=None)
def test_judge_pointer_refuses_exactly_a_higher_revision(
    held: int, own: int, allow: bool, extra: dict[str, object]
) -> None:
    body = json.dumps({**extra, "revision": held, "digest": "sha256:" + "0" * 64, "published_at": "x"}).encode()
    if held > own and not allow:
        with pytest.raises(PushRefused, match=f"holds revision {held}, newer than the folder's {own}"):
            judge_pointer(body, own, "s3://b/catalog.json", allow_rollback=allow)
    else:
        assert judge_pointer(body, own, "s3://b/catalog.json", allow_rollback=allow) == Prior(revision=held)


def test_push_never_moves_an_s3_pointer_back(
    make_catalog: MakeCatalog, tmp_path: Path, s3: object, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, bucket = s3  # type: ignore[misc]
    new, old = tmp_path / "new", tmp_path / "old"
    _at(make_catalog, new, 1_800_000_000, monkeypatch, "2.50")
    _at(make_catalog, old, 1_700_000_000, monkeypatch, "2.00")
    dest = f"s3://{bucket}/prod"
    push(new, dest, endpoint_url=s3_endpoint)

    def objects() -> dict[str, str]:
        return {o["Key"]: o["ETag"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]}

    before = objects()
    run = _cli("push", str(old), dest, "--endpoint-url", s3_endpoint)
    assert run.returncode == 1 and f"{dest}/catalog.json holds revision 1800000000" in run.stderr
    assert objects() == before
    pushed = push(old, dest, endpoint_url=s3_endpoint, allow_rollback=True)
    assert pushed.prior.revision == 1_800_000_000
    body = client.get_object(Bucket=bucket, Key="prod/catalog.json")["Body"].read()
    assert body == (old / "catalog.json").read_bytes()


def test_two_s3_pushes_racing_end_on_the_newer_revision(
    make_catalog: MakeCatalog, tmp_path: Path, s3: object, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The older push reads the pointer, the newer one lands before the older one writes it: the
    conditional PUT fails, the older push judges the pointer again and stops."""
    import boto3

    client, bucket = s3  # type: ignore[misc]
    new, old = tmp_path / "new", tmp_path / "old"
    _at(make_catalog, new, 1_800_000_000, monkeypatch, "2.50")
    _at(make_catalog, old, 1_700_000_000, monkeypatch, "2.00")
    dest = f"s3://{bucket}/prod"
    real_client = boto3.client
    started: list[bool] = []
    landed: list[int] = []

    def racing_client(*args: object, **kwargs: object) -> object:
        made = real_client(*args, **kwargs)  # type: ignore[call-overload]

        def newer_push_lands_first(params: dict[str, object], **_: object) -> None:
            if params["Key"] == "prod/catalog.json" and not started:
                started.append(True)  # the newer push's own client has this hook too
                landed.append(push(new, dest, endpoint_url=s3_endpoint).revision)

        made.meta.events.register("before-parameter-build.s3.PutObject", newer_push_lands_first)
        return made

    monkeypatch.setattr(boto3, "client", racing_client)
    with pytest.raises(PushRefused, match=r"holds revision 1800000000.*the immutable catalogs/1700000000-"):
        push(old, dest, endpoint_url=s3_endpoint)
    monkeypatch.setattr(boto3, "client", real_client)
    assert landed == [1_800_000_000]
    body = client.get_object(Bucket=bucket, Key="prod/catalog.json")["Body"].read()
    assert body == (new / "catalog.json").read_bytes()
    checksum = client.get_object(Bucket=bucket, Key="prod/catalog.json.sha256")["Body"].read()
    assert checksum == (new / "catalog.json.sha256").read_bytes()


def test_a_folder_push_waiting_for_another_judges_the_pointer_it_left(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder stays locked from the check to the write: an older push that waited for a newer
    one sees the newer pointer, not the one from before."""
    import fcntl

    new, old, site = tmp_path / "new", tmp_path / "old", tmp_path / "site"
    _at(make_catalog, new, 1_800_000_000, monkeypatch, "2.50")
    _at(make_catalog, old, 1_700_000_000, monkeypatch, "2.00")
    site.mkdir()
    fd = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a newer push at work
        env = {**os.environ, "PYTHONPATH": SRC}
        waiting = subprocess.Popen(
            [sys.executable, "-m", "modelctl", "push", str(old), str(site)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.0)  # let it reach the lock (were it later, it would see the pointer all the same)
        for name in ("catalog.json", "catalog.json.sha256"):
            (site / name).write_bytes((new / name).read_bytes())
    finally:
        os.close(fd)
    _, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 1, stderr
    assert "holds revision 1800000000" in stderr
    assert (site / "catalog.json").read_bytes() == (new / "catalog.json").read_bytes()


def test_an_s3_immutable_copy_with_other_bytes_of_its_size_is_replaced(
    make_catalog: MakeCatalog, tmp_path: Path, s3: object, s3_endpoint: str
) -> None:
    """Its name holds its digest: a same-size object there with other bytes (a corrupt upload) is
    not the copy, and a rollback from it would be refused."""
    client, bucket = s3  # type: ignore[misc]
    out = tmp_path / "dist"
    digest = _published(make_catalog, out)
    data = (out / "catalog.json").read_bytes()
    name = f"catalogs/{Catalog.loads(data).revision}-{digest.removeprefix('sha256:')}.json"
    client.put_object(Bucket=bucket, Key=name, Body=b"x" * len(data))
    pushed = push(out, f"s3://{bucket}", endpoint_url=s3_endpoint)
    assert pushed.uploaded == (name, "catalog.json")
    assert client.get_object(Bucket=bucket, Key=name)["Body"].read() == data
    # The same bytes there already: not uploaded again.
    assert push(out, f"s3://{bucket}", endpoint_url=s3_endpoint).uploaded == ("catalog.json",)


def test_a_role_that_may_put_but_not_get_pushes_unchecked_and_says_so(
    make_catalog: MakeCatalog, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """moto enforcing IAM: a user allowed s3:PutObject and s3:DeleteObject only (a CI role set up
    before push read the pointer) still pushes, with a warning that it could not check."""
    import boto3

    servers = run_moto(tmp_path_factory, {"INITIAL_NO_AUTH_ACTION_COUNT": "7"})  # the set-up's seven calls
    endpoint = next(servers)
    try:
        admin = {"endpoint_url": endpoint, "aws_access_key_id": "test", "aws_secret_access_key": "test"}
        boto3.client("s3", region_name="us-east-1", **admin).create_bucket(Bucket="prices")
        iam = boto3.client("iam", region_name="us-east-1", **admin)
        keys = {}
        for user, actions in [("pusher", ["s3:PutObject", "s3:DeleteObject"]), ("reader", ["s3:GetObject"])]:
            iam.create_user(UserName=user)
            keys[user] = iam.create_access_key(UserName=user)["AccessKey"]
            statement = {"Effect": "Allow", "Action": actions, "Resource": "*"}
            policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
            iam.put_user_policy(UserName=user, PolicyName=user, PolicyDocument=policy)
        out = tmp_path / "dist"
        _published(make_catalog, out)
        env = {**os.environ, "PYTHONPATH": SRC, "AWS_DEFAULT_REGION": "us-east-1"}
        env |= {"AWS_ACCESS_KEY_ID": keys["pusher"]["AccessKeyId"]}
        env |= {"AWS_SECRET_ACCESS_KEY": keys["pusher"]["SecretAccessKey"]}
        command = [sys.executable, "-m", "modelctl", "push", str(out), "s3://prices/prod", "--endpoint-url", endpoint]
        run = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert "cannot read the pointer there (AccessDenied): pushed without checking" in run.stderr
        assert json.loads(run.stdout)["unchecked"] == "cannot read the pointer there (AccessDenied)"
        reader = boto3.client(
            "s3",
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id=keys["reader"]["AccessKeyId"],
            aws_secret_access_key=keys["reader"]["SecretAccessKey"],
        )
        pointer = reader.get_object(Bucket="prices", Key="prod/catalog.json")["Body"].read()
        assert pointer == (out / "catalog.json").read_bytes()
    finally:
        next(servers, None)


def test_push_refuses_a_signature_applications_would_refuse(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Holders with the public key refuse a junk or stale .minisig (and keep the older prices):
    push says so first, and writes nothing."""
    from modelctl.artifact.signing import load_secret_key, write_key_pair

    secret, public = write_key_pair(tmp_path / "keys")
    _, other_public = write_key_pair(tmp_path / "other")
    key = load_secret_key(secret)
    site = tmp_path / "site"

    def signed_folder(price: str, epoch: int) -> Path:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        alpha = MINI["models/acme/alpha.yaml"].replace("input_per_1m: 2.00", f"input_per_1m: {price}")
        out = tmp_path / f"dist{price}"
        publish(make_catalog({"models/acme/alpha.yaml": alpha}, name=f"c{price}"), out, sign=key)
        return out

    old, new = signed_folder("2.00", 1_700_000_000), signed_folder("2.50", 1_800_000_000)
    assert push(new, str(site), public_key=public).prior == Prior()  # verified with the key
    before = _tree(site)
    cases = {
        b"not a signature\n": "not in minisign's format",
        (old / "catalog.json.minisig").read_bytes(): "signs another artifact (revision 1700000000",
    }
    good = (new / "catalog.json.minisig").read_bytes()
    for bad, words in cases.items():
        (new / "catalog.json.minisig").write_bytes(bad)
        run = _cli("push", str(new), str(site))
        assert run.returncode == 4 and words in run.stderr and "Traceback" not in run.stderr, run.stderr
        assert _tree(site) == before
    (new / "catalog.json.minisig").write_bytes(good)
    run = _cli("push", str(new), str(site), "--public-key", str(other_public))
    assert run.returncode == 4 and "signed with another key" in run.stderr
    (new / "catalog.json.minisig").unlink()
    run = _cli("push", str(new), str(site), "--public-key", str(public))
    assert run.returncode == 4 and "not signed" in run.stderr
    assert _tree(site) == before
