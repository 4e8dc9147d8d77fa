"""`modelctl explain --subject` and `modelctl rollout preview` on the repository's catalog."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import REPO
from modelctl.cli import app

runner = CliRunner()
CATALOG = str(REPO / "catalog")


def _bucket(salt: str, subject: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}/{subject}".encode()).digest()[:8], "big") % 10_000


def test_explain_names_the_arm_and_rule_for_a_subject() -> None:
    # docs/rollouts.md: user-123 is in bucket 5378 of gpt-6-1-sol-launch, outside pro's 10%
    assert _bucket("gpt-6-1-sol-launch", "user-123") == 5378
    result = runner.invoke(
        app, ["explain", "openai/gpt-6.1-sol", "--plan", "pro", "--subject", "user-123", "--catalog", CATALOG]
    )
    assert result.exit_code == 1
    assert "subject user-123 of plan pro: NOT ALLOWED" in result.stdout
    assert "rule:   plan pro rollout gpt-6-1-sol-launch" in result.stdout
    assert "bucket 5378 >= 1000" in result.stdout and "arm:    out (rollout gpt-6-1-sol-launch)" in result.stdout
    # on team (50%), acme-bank (bucket 3655 in docs/rollouts.md) as a subject is in
    result = runner.invoke(
        app,
        ["explain", "openai/gpt-6.1-sol", "--plan", "team", "--subject", "acme-bank", "--catalog", CATALOG, "--json"],
    )
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and (doc["rollout"], doc["arm"], doc["subject"]) == (
        "gpt-6-1-sol-launch",
        "in",
        "acme-bank",
    )


def test_explain_refuses_an_empty_subject() -> None:
    result = runner.invoke(
        app, ["explain", "openai/gpt-6.1-sol", "--plan", "pro", "--subject", "", "--catalog", CATALOG]
    )
    assert result.exit_code == 2 and "--subject" in result.stderr


def test_rollout_preview_counts_ids_per_arm(tmp_path: Path) -> None:
    ids = [f"user-{i}" for i in range(3000)]
    path = tmp_path / "subjects.txt"
    path.write_text("\n".join(ids[:1500]) + "\n\n" + "\r\n".join(ids[1500:]) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "rollout",
            "preview",
            "pro",
            "chat-default-2026-11",
            "--subjects",
            str(path),
            "--catalog",
            CATALOG,
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    first = sum(1 for s in ids if _bucket("chat-default-2026-11", s) < 8000)
    arms = {a["arm"]: a for a in doc["arms"]}
    assert doc["subjects"] == 3000
    assert arms["openai/gpt-6-luna"]["subjects"] == first
    assert arms["anthropic/claude-haiku-5-5"]["subjects"] == 3000 - first
    assert arms["openai/gpt-6-luna"]["expected"] == "80.00"
    text = runner.invoke(
        app, ["rollout", "preview", "team", "gpt-6-1-sol-launch", "--subjects", str(path), "--catalog", CATALOG]
    )
    inside = sum(1 for s in ids if _bucket("gpt-6-1-sol-launch", s) < 5000)
    assert text.exit_code == 0 and f"{inside:,}" in text.stdout and "50.00" in text.stdout


def test_rollout_preview_errors(tmp_path: Path) -> None:
    good = tmp_path / "ids.txt"
    good.write_text("a\n", encoding="utf-8")
    unknown = runner.invoke(app, ["rollout", "preview", "pro", "nope", "--subjects", str(good), "--catalog", CATALOG])
    assert unknown.exit_code == 2 and "has no rollout 'nope'" in unknown.stderr
    plan = runner.invoke(app, ["rollout", "preview", "gold", "x", "--subjects", str(good), "--catalog", CATALOG])
    assert plan.exit_code == 2 and "unknown plan" in plan.stderr
    missing = runner.invoke(
        app,
        ["rollout", "preview", "pro", "chat-default-2026-11", "--subjects", str(tmp_path / "no"), "--catalog", CATALOG],
    )
    assert missing.exit_code == 4 and "cannot read subjects file" in missing.stderr
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00bad\n")
    bad = runner.invoke(
        app, ["rollout", "preview", "pro", "chat-default-2026-11", "--subjects", str(binary), "--catalog", CATALOG]
    )
    assert bad.exit_code == 4 and "cannot read subjects file" in bad.stderr
