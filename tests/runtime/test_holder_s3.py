"""From merge to a running application through object storage: ``modelctl publish --sign --to
s3://…`` on moto's S3 server (127.0.0.1), a ``CatalogHolder`` with the public key reading the
bucket over plain HTTP (S3's own ETags and 304s), a newer publish picked up by one refresh, and a
re-run of an older commit's job refused by push, so the holder keeps the newer prices."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import MINI, write_catalog
from modelctl.artifact.signing import write_key_pair
from modelctl.runtime import CatalogHolder
from moto_server import run_moto

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from run_moto(tmp_path_factory)


def _modelctl(*args: str, epoch: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "SOURCE_DATE_EPOCH": str(epoch), "AWS_DEFAULT_REGION": "us-east-1"}
    env |= {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    return subprocess.run([sys.executable, "-m", "modelctl", *args], env=env, capture_output=True, text=True)


def test_a_signed_publish_to_s3_reaches_a_holder_and_an_older_rerun_does_not(endpoint: str, tmp_path: Path) -> None:
    import boto3

    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    client.create_bucket(Bucket="prices")
    public_read = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::prices/*"}
    client.put_bucket_policy(Bucket="prices", Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_read]}))
    secret, public = write_key_pair(tmp_path / "keys")

    def publish(price: str, epoch: int) -> subprocess.CompletedProcess[str]:
        alpha = MINI["models/acme/alpha.yaml"].replace("input_per_1m: 2.00", f"input_per_1m: {price}")
        catalog = write_catalog(tmp_path / f"cat-{epoch}", {**MINI, "models/acme/alpha.yaml": alpha})
        out = tmp_path / f"dist-{epoch}"  # each CI job starts from a clean checkout
        to = ["--to", "s3://prices/prod", "--endpoint-url", endpoint]
        return _modelctl("publish", str(catalog), "--out", str(out), "--sign", str(secret), *to, epoch=epoch)

    first = publish("2.00", 1_800_000_000)
    assert first.returncode == 0, first.stderr
    holder = CatalogHolder(f"{endpoint}/prices/prod/catalog.json", public_key=public, timeout=5.0)
    try:
        status = holder.status()
        assert status["revision"] == 1_800_000_000 and status["origin"] == "source"
        assert str(holder.catalog.price("acme/alpha").prices["input_per_1m"]) == "2.00"
        fetched = status["fetched_at"]
        assert holder.refresh() is False  # unchanged: S3 answers the holder's If-None-Match with a 304
        assert holder.status()["fetched_at"] == fetched and holder.status()["checked_at"] >= fetched

        second = publish("2.50", 1_800_000_600)  # a merged price change
        assert second.returncode == 0, second.stderr
        assert holder.refresh() is True
        assert holder.status()["revision"] == 1_800_000_600
        assert str(holder.catalog.price("acme/alpha").prices["input_per_1m"]) == "2.50"

        rerun = publish("2.00", 1_800_000_000)  # the first commit's job, run again
        assert rerun.returncode == 1, rerun.stderr
        assert "holds revision 1800000600" in rerun.stderr
        assert holder.refresh() is False
        status = holder.status()
        assert status["revision"] == 1_800_000_600 and status["last_error"] is None
    finally:
        holder.close()
