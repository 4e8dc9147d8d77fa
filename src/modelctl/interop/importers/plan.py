"""Decide what an import writes: which files, with what text, and why not.

``plan_import`` turns a ``SourceData`` into an ``ImportPlan`` against a
catalog folder (which may not exist yet): new model files, the provider files
and ``catalog.yaml`` they need, and with ``update`` the changed existing
files (merged, see ``merge``).  An existing file is never changed without
``update``.  Every planned file is validated with the catalog it joins
(``check``); a model whose file would not validate is dropped and reported
with the finding, so what is written always validates.  Nothing is written
here: see ``write``.
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from modelctl.errors import Finding, ModelctlError
from modelctl.interop.importers.check import Existing, Planned, check
from modelctl.interop.importers.common import Candidate, Progress, Skip, SourceData, assign_ids, count_unmapped
from modelctl.interop.importers.merge import MergeConflict, merge_model_report, normalized
from modelctl.interop.importers.yamlout import render_model, render_provider, render_settings

MAX_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class FileChange:
    rel: str  # relative to the catalog root, with /
    kind: str  # model | provider | catalog
    action: str  # create | update
    text: str
    old_text: str | None = None
    ref: str | None = None  # provider/id, for models
    source_key: str | None = None
    price_changes: tuple[str, ...] = ()  # an update: each price it adds or changes, ``key old -> new``


@dataclass(frozen=True, slots=True)
class ImportPlan:
    root: Path
    kind: str
    source: str
    entries: int
    changes: tuple[FileChange, ...]
    exists: tuple[str, ...]  # models whose file exists (use --update)
    unchanged: tuple[str, ...]  # --update found nothing to change
    skipped: tuple[Skip, ...]
    unmapped: Counter[str]
    warnings: tuple[Finding, ...]  # validation warnings in the planned files
    errors_before: int  # errors the catalog had before (not the import's)
    notes: tuple[str, ...] = ()

    def of(self, kind: str, action: str) -> list[FileChange]:
        return [c for c in self.changes if c.kind == kind and c.action == action]


@dataclass(slots=True)
class _Item:
    cand: Candidate
    id: str
    doc: dict[str, Any]
    old_text: str | None = None
    notes: list[str] = field(default_factory=list)
    prices: list[str] = field(default_factory=list)  # the prices an update adds or changes

    @property
    def ref(self) -> str:
        return f"{self.cand.provider}/{self.id}"

    @property
    def rel(self) -> str:
        return f"models/{self.cand.provider}/{self.id}.yaml"


def select(cands: Iterable[Candidate], providers: Iterable[str] = (), models: Iterable[str] = ()) -> list[Candidate]:
    wanted = {p.lower() for p in providers}
    globs = [g.lower() for g in models]
    out = []
    for c in cands:
        if wanted and c.provider.lower() not in wanted:
            continue
        names = (c.name.lower(), c.source_key.lower())
        if globs and not any(fnmatch.fnmatchcase(n, g) for n in names for g in globs):
            continue
        out.append(c)
    return out


def plan_import(
    root: Path,
    data: SourceData,
    *,
    today: date,
    update: bool = False,
    providers: Iterable[str] = (),
    models: Iterable[str] = (),
    progress: Progress | None = None,
) -> ImportPlan:
    existing = Existing.read(root, today)
    cands = select(data.candidates, providers, models)
    items, exists, unchanged, skipped = _items(cands, existing, update=update, today=today, since=data.since)
    wanted = {p.lower() for p in providers}
    skipped += [s for s in data.skipped if not wanted or (s.provider or "").lower() in wanted]
    chosen = {c.provider for c in cands}
    unmapped = count_unmapped(cands, [info for p, info in data.providers.items() if p in chosen])
    notes: list[str] = []
    for _ in range(MAX_ROUNDS):
        if progress:
            progress("validate", 0, 0)  # no total: validation is one step over every file
        _resolve_aliases(items, existing, notes)
        changes = _materialize(items, existing, data)
        result = check(existing, [_planned(c) for c in changes], today)
        if result.unattributed:
            raise ModelctlError(
                "the import would make the catalog invalid and it is not clear which model causes it: "
                + "; ".join(str(f) for f in result.unattributed[:5])
            )
        if not result.bad:
            if progress:
                progress("validate", 1, 1)
            if all(c.kind == "catalog" for c in changes):
                changes = []  # no model to write (every one skipped, or none in the source): no catalog to make
            return ImportPlan(
                root,
                data.kind,
                data.path,
                data.entries,
                tuple(changes),
                tuple(exists),
                tuple(unchanged),
                tuple(skipped),
                unmapped,
                tuple(result.warnings),
                result.errors_before,
                tuple(notes),
            )
        bad_rels = set(result.bad)
        # A provider file that would not validate (a source's provider named "." or " x") is its
        # models' fault: they are skipped, not the whole import refused.
        dropped = [i for i in items if i.rel in bad_rels or f"providers/{i.cand.provider}.yaml" in bad_rels]
        if not dropped:
            raise ModelctlError("the import would write invalid files: " + "; ".join(map(str, result.bad)))
        for item in dropped:
            if item.rel in bad_rels:
                first = result.bad[item.rel][0]
                reason = f"invalid: {first.code} {first.message}"
            else:
                first = result.bad[f"providers/{item.cand.provider}.yaml"][0]
                reason = f"invalid provider {item.cand.provider!r}: {first.code} {first.message}"
            skipped.append(Skip(item.cand.source_key, reason, item.cand.provider))
            items.remove(item)
    raise ModelctlError("the import could not be made valid: run it on fewer models (--provider, --model)")


def _planned(change: FileChange) -> Planned:
    return Planned(change.rel, change.kind, change.text, change.ref or change.rel)


def _items(
    cands: list[Candidate], existing: Existing, *, update: bool, today: date, since: date | None
) -> tuple[list[_Item], list[str], list[str], list[Skip]]:
    index, files = _existing_index(existing)
    by_provider: dict[str, list[Candidate]] = {}
    for c in cands:
        by_provider.setdefault(c.provider, []).append(c)
    items: list[_Item] = []
    exists: list[str] = []
    unchanged: list[str] = []
    skipped: list[Skip] = []
    for provider, group in sorted(by_provider.items()):
        ids = assign_ids((c.name for c in group), index.get(provider, {}))
        seen: dict[str, str] = {}
        for c in group:
            model_id = ids[c.name]
            if seen.setdefault(model_id.lower(), c.source_key) != c.source_key:
                skipped.append(Skip(c.source_key, f"the same model as {seen[model_id.lower()]!r}", provider))
                continue
            aliases = [a for a in (c.name, *c.aliases) if a.lower() != model_id.lower()]
            doc = {"id": model_id, **c.doc, "aliases": list(dict.fromkeys(aliases))}
            loaded = files.get((provider, model_id.lower()))
            if loaded is None:
                if not (doc.get("limits") or {}).get("context_window"):
                    reason = "no context window in the source (import it from another source first, then --update)"
                    skipped.append(Skip(c.source_key, reason, provider))
                    continue
                items.append(_Item(c, model_id, doc))
            elif not update:
                exists.append(f"{provider}/{model_id}")
            elif loaded.data is None:
                skipped.append(Skip(c.source_key, "its existing file does not load: fix it first", provider))
            else:
                old = normalized(loaded.data)
                try:
                    merged, price_report = merge_model_report(old, doc, c, today, since=since)
                except MergeConflict as exc:
                    skipped.append(Skip(c.source_key, f"not updated: {exc}", provider))
                    continue
                if merged == old:
                    unchanged.append(f"{provider}/{model_id}")
                else:
                    items.append(_Item(c, old.get("id", model_id), merged, loaded.text, prices=price_report))
    return items, exists, unchanged, skipped


def _existing_index(existing: Existing) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str], Any]]:
    index: dict[str, dict[str, str]] = {}
    files: dict[tuple[str, str], Any] = {}
    if existing.loaded is None:
        return index, files
    for src in existing.loaded.model_files:
        assert src.provider is not None
        index.setdefault(src.provider, {})[src.stem.lower()] = src.stem
        files[(src.provider, src.stem.lower())] = existing.loaded.files[src.display]
    for model in existing.loaded.catalog.models.values():
        for alias in model.aliases:
            index.setdefault(model.provider, {}).setdefault(alias.lower(), model.id)
    return index, files


def _resolve_aliases(items: list[_Item], existing: Existing, notes: list[str]) -> None:
    """Drop an alias that another model of the provider already uses (MC204)."""
    owner: dict[tuple[str, str], str] = {}
    mine = {i.ref.lower() for i in items}
    if existing.loaded is not None:
        for m in existing.loaded.catalog.models.values():
            if m.ref.lower() in mine:
                continue
            for name in (m.id, *m.aliases):
                owner[(m.provider, name.lower())] = m.ref
    for item in items:
        owner.setdefault((item.cand.provider, item.id.lower()), item.ref)
    # Each model's own source name first; then other names (a snapshot slug), in name order, so that
    # `x` rather than `x:free` keeps the slug both list.
    ordered = sorted(items, key=lambda i: i.cand.name)
    for item in ordered:
        owner.setdefault((item.cand.provider, item.cand.name.lower()), item.ref)
    for item in ordered:
        kept = []
        for alias in item.doc.get("aliases") or []:
            who = owner.setdefault((item.cand.provider, alias.lower()), item.ref)
            if who == item.ref:
                kept.append(alias)
            else:
                notes.append(f"{item.ref}: alias {alias!r} left out, {who} already uses it")
        item.doc["aliases"] = kept


def _materialize(items: list[_Item], existing: Existing, data: SourceData) -> list[FileChange]:
    changes: list[FileChange] = []
    if not (existing.root / "catalog.yaml").exists():
        changes.append(FileChange("catalog.yaml", "catalog", "create", render_settings(f"imported from {data.kind}")))
    have = {Path(s.display).name[: -len(".yaml")] for s in existing.sources if s.kind == "provider"}
    for provider in sorted({i.cand.provider for i in items} - have):
        info = data.providers.get(provider)
        doc = {"id": provider, **(info.doc if info else {"name": provider, "currency": "USD"})}
        changes.append(FileChange(f"providers/{provider}.yaml", "provider", "create", render_provider(doc)))
    replacements = _replacements(items, existing)
    for item in items:
        doc = item.doc
        if item.ref in replacements:
            doc = {**doc, "deprecation": {**doc["deprecation"], "replacement": replacements[item.ref]}}
        text = render_model(doc)
        if item.old_text == text:
            continue
        action = "create" if item.old_text is None else "update"
        prices = tuple(item.prices)
        key = item.cand.source_key
        changes.append(FileChange(item.rel, "model", action, text, item.old_text, item.ref, key, prices))
    return changes


def _replacements(items: list[_Item], existing: Existing) -> dict[str, str]:
    """A source's successor name -> ``deprecation.replacement``, when that model is in the catalog."""
    out: dict[str, str] = {}
    names: dict[tuple[str, str], _Item] = {}
    for item in items:
        for name in (item.cand.name, item.cand.source_key, item.id):
            names[(item.cand.provider, name.lower())] = item
    known = existing.loaded.catalog.models if existing.loaded else {}
    for item in items:
        succ, dep = item.cand.successor, item.doc.get("deprecation")
        if not succ or not isinstance(dep, dict) or dep.get("replacement"):
            continue
        provider = item.cand.provider
        tails = [succ, succ.split("/", 1)[-1]]
        target = next((names[(provider, t.lower())] for t in tails if (provider, t.lower()) in names), None)
        if target is not None and target is not item and target.doc.get("status") != "retired":
            out[item.ref] = target.ref
            continue
        ref = next((f"{provider}/{t}" for t in tails if f"{provider}/{t}" in known), None)
        if ref is not None and known[ref].status != "retired" and ref != item.ref:
            out[item.ref] = ref
    return out
