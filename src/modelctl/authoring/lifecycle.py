"""``modelctl retire``, ``deprecate``, ``disable`` and ``enable``: one-line
lifecycle edits of a model's file, validated before they are written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from modelctl.authoring.edit import Outcome, edit_model, find_model, put_after
from modelctl.authoring.roundtrip import CommentedMap
from modelctl.catalog.model import Model
from modelctl.rules.validate import ValidationResult

__all__ = ["DefaultUse", "defaults_naming", "set_enabled", "set_lifecycle"]

_AFTER_STATUS = ("id", "name", "family", "status")


def set_lifecycle(
    root: Path,
    ref: str,
    *,
    status: str,
    on: date,
    replacement: str | None,
    today: date,
    before: ValidationResult,
    announced: date | None = None,
) -> Outcome:
    """``status`` (deprecated or retired) with the deprecation block: retires ``on``, the replacement,
    when it was announced.  A retired model is also disabled."""

    def change(data: CommentedMap, model: Model) -> list[str]:
        put_after(data, "status", status, ("id", "name", "family"))
        notes = [f"{model.ref}: status {model.status} -> {status}"] if model.status != status else []
        if status == "retired" and data.get("enabled", True) is not False:
            put_after(data, "enabled", False, _AFTER_STATUS)
            notes.append(f"{model.ref}: disabled (a retired model is served nowhere)")
        block = data.get("deprecation")
        if not isinstance(block, CommentedMap):
            block = CommentedMap()
            if announced is None:
                block.fa.set_flow_style()
            put_after(data, "deprecation", block, (*_AFTER_STATUS, "enabled", "aliases", "released"))
        if announced is not None:
            put_after(block, "announced", announced, ())
            block.move_to_end("announced", last=False)
        put_after(block, "retires", on, ("announced",))
        if replacement is not None:
            put_after(block, "replacement", find_model(before, replacement).ref, ("announced", "retires"))
        return notes

    return edit_model(root, ref, change, today=today, before=before)


def set_enabled(root: Path, ref: str, *, enabled: bool, today: date, before: ValidationResult) -> Outcome:
    def change(data: CommentedMap, model: Model) -> list[str]:
        if model.enabled is enabled:
            return [f"{model.ref} is {'enabled' if enabled else 'disabled'} already: nothing to change"]
        put_after(data, "enabled", enabled, _AFTER_STATUS)
        return [f"{model.ref}: {'enabled' if enabled else 'disabled'}"]

    return edit_model(root, ref, change, today=today, before=before)


@dataclass(frozen=True, slots=True)
class DefaultUse:
    """A plan's (or account's) default for a purpose that names the model."""

    owner: str  # "plan pro" or "account acme-bank"
    plan: str | None
    account: str | None
    purpose: str


def defaults_naming(result: ValidationResult, ref: str) -> list[DefaultUse]:
    catalog = result.catalog
    out = [
        DefaultUse(f"plan {plan.id}", plan.id, None, purpose)
        for plan in sorted(catalog.plans.values(), key=lambda p: p.id)
        for purpose, default in sorted(plan.defaults.items())
        if default == ref
    ]
    out += [
        DefaultUse(f"account {acc.id}", None, acc.id, purpose)
        for acc in sorted(catalog.accounts.values(), key=lambda a: a.id)
        for purpose, default in sorted(acc.defaults.items())
        if default == ref
    ]
    return out
