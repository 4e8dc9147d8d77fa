"""What every editing command shares: find the model, validate the edited
catalog before writing (the edited files are read from memory by the strict
loader, the others from disk), write atomically, and describe the change as
a unified diff.

An edit is refused (``EditRefused``, nothing written) when it brings an error
the catalog did not have before; errors that were there already do not block
an unrelated edit.  A model whose own file cannot be read (a YAML or schema
error) cannot be edited: ``ModelFileInvalid`` names the file's errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from modelctl.authoring.files import unified_diff, write_atomic
from modelctl.authoring.new import UsageProblem
from modelctl.authoring.roundtrip import CommentedMap, dump, load
from modelctl.catalog.loader import SourceFile, discover, load_sources
from modelctl.catalog.model import Model
from modelctl.catalog.strict_yaml import LoadedFile, load_file, load_text, plain_text
from modelctl.errors import Finding, ModelctlError, Severity
from modelctl.rules.validate import ValidationResult, check_loaded

__all__ = [
    "Edit",
    "EditRefused",
    "ModelFileInvalid",
    "Outcome",
    "apply_edits",
    "edit_model",
    "find_model",
    "validate_with",
]


class EditRefused(ModelctlError):
    """The edited catalog would have new errors; nothing was written."""

    def __init__(self, findings: list[Finding]) -> None:
        shown = "\n".join(f"  {f}" for f in findings)
        super().__init__(f"refused: the edit would make the catalog invalid (nothing written):\n{shown}")
        self.findings = findings


class ModelFileInvalid(ModelctlError):
    """The model's file has errors that keep it out of the catalog (YAML, schema): fix them first."""

    def __init__(self, ref: str, display: str, findings: list[Finding]) -> None:
        shown = "\n".join(f"  {f}" for f in findings)
        super().__init__(f"{ref} is in {display}, which has errors: fix them first (nothing written):\n{shown}")
        self.findings = findings


@dataclass(frozen=True, slots=True)
class Edit:
    path: Path
    before: str
    after: str
    newline: str = "\n"  # the line ending written (the file's own: an edit changes only its lines)
    bom: bool = False  # the file began with a byte order mark, and keeps it

    @property
    def diff(self) -> str:
        return unified_diff(self.path, self.before, self.after)

    @property
    def written(self) -> str:
        """``after`` as it goes to disk, in the file's own line endings."""
        text = self.after if self.newline == "\n" else self.after.replace("\n", self.newline)
        return "\ufeff" + text if self.bom else text


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an edit did: the files changed (none when it changed nothing), the catalog after, notes for people."""

    edits: tuple[Edit, ...]
    result: ValidationResult
    notes: tuple[str, ...] = ()

    @property
    def diff(self) -> str:
        return "".join(e.diff for e in self.edits)


def validate_with(root: Path, texts: dict[Path, str], *, today: date) -> ValidationResult:
    """Validate the catalog at ``root`` as if each file in ``texts`` held that text."""
    overlay = {p.resolve(): t for p, t in texts.items()}

    def read(src: SourceFile) -> LoadedFile:
        text = overlay.get(src.path.resolve())
        return load_file(src.path, src.display) if text is None else load_text(text, src.display)

    sources, findings = discover(root)
    return check_loaded(load_sources(str(root), sources, read, findings), today=today)


def _key(f: Finding) -> tuple[str, str, str]:
    return (f.code, f.location.file, f.message)


def apply_edits(root: Path, edits: list[Edit], *, today: date, before: ValidationResult) -> Outcome:
    """Validate, then write every edit that changes its file; raises EditRefused."""
    changed = [e for e in edits if e.after != e.before]
    if not changed:
        return Outcome((), before)
    after = validate_with(root, {e.path: e.after for e in changed}, today=today)
    old = {_key(f) for f in before.findings if f.severity is Severity.ERROR}
    new = [f for f in after.findings if f.severity is Severity.ERROR and _key(f) not in old]
    if new:
        raise EditRefused(new)
    for e in changed:
        write_atomic(e.path, e.written)
    return Outcome(tuple(changed), after)


def find_model(result: ValidationResult, ref: str) -> Model:
    """A model by provider/id or provider/alias, case-insensitively; UsageProblem with suggestions."""
    models = result.catalog.models
    low = ref.lower()
    for model in models.values():
        if model.ref.lower() == low or low in (f"{model.provider}/{a}".lower() for a in model.aliases):
            return model
    broken = _unbuilt_model_files(result)
    for display, findings in broken.items():
        path = Path(display)
        named = f"{path.parent.name}/{path.name.removesuffix('.yaml')}"  # models/<provider>/<id>.yaml
        if named.lower() == low:
            raise ModelFileInvalid(named, display, findings)
    close = difflib.get_close_matches(ref, list(models), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    if broken:  # an alias may be in a file that could not be read
        hint += f" (model files with errors, not read: {', '.join(broken)})"
    raise UsageProblem(f"unknown model {ref!r} (use provider/id){hint}")


def _unbuilt_model_files(result: ValidationResult) -> dict[str, list[Finding]]:
    """The error findings of each model file that the catalog has no model from."""
    built = {m.file for m in result.catalog.models.values()}
    models_dir = Path(result.root) / "models"
    out: dict[str, list[Finding]] = {}
    for f in result.findings:
        where = f.location.file
        if f.severity is Severity.ERROR and where not in built and Path(where).parent.parent == models_dir:
            out.setdefault(where, []).append(f)
    return out


def edit_model(
    root: Path,
    ref: str,
    change: Callable[[CommentedMap, Model], list[str]],
    *,
    today: date,
    before: ValidationResult,
) -> Outcome:
    """Load the model's file round-trip, let ``change`` edit it (returning notes), validate and write."""
    model = find_model(before, ref)
    path = Path(model.file)
    raw = path.read_bytes().decode("utf-8")
    newline = "\r\n" if "\r\n" in raw else "\r" if "\r" in raw else "\n"
    text = plain_text(raw)  # (a CRLF file was written back all LF: every line changed in git)
    data = load(text, model.file)
    notes = change(data, model)
    edit = Edit(path, text, dump(data), newline, raw.startswith("\ufeff"))
    outcome = apply_edits(root, [edit], today=today, before=before)
    return Outcome(outcome.edits, outcome.result, tuple(notes))


def put_after(data: CommentedMap, key: str, value: object, after: tuple[str, ...]) -> None:
    """Set ``key``; a new key goes right after the last of ``after`` that is present (else at the end)."""
    if key in data:
        data[key] = value
        return
    keys = list(data)
    where = max((keys.index(k) + 1 for k in after if k in data), default=len(keys))
    data.insert(where, key, value)
