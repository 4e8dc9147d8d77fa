"""Find a catalog's files, load them strictly, validate them against their
schemas and build the ``Catalog`` dataclasses.

Layout (see PRODUCT.md)::

    catalog.yaml
    providers/<provider>.yaml
    models/<provider>/<id>.yaml
    plans/<plan>.yaml
    accounts/<account>.yaml
    workloads/<workload>.yaml
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from modelctl._gc import paused_gc
from modelctl.catalog import construct, schema
from modelctl.catalog.files import Entry, scan
from modelctl.catalog.model import Account, Catalog, Model, Plan, Provider, Settings, Workload
from modelctl.catalog.strict_yaml import LoadedFile, load_file
from modelctl.codes import code as _code
from modelctl.errors import CatalogNotFound, Finding, Location

ENV_VAR = "MODELCTL_CATALOG"
_SCHEMA_PREFIX = "# yaml-language-server: $schema="
_FOLDERS = {"providers": "provider", "plans": "plan", "accounts": "account", "workloads": "workload"}


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A catalog file: where it is, how to show it, and what kind it is."""

    path: Path
    display: str
    kind: str
    provider: str | None = None  # for models: the models/<provider>/ folder

    @property
    def stem(self) -> str:
        return self.path.name[: -len(".yaml")]


@dataclass(slots=True)
class LoadResult:
    """Everything validation needs: the catalog built from the good files,
    every file as loaded (for positions), and the findings so far."""

    root: str
    catalog: Catalog
    files: dict[str, LoadedFile] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    model_files: list[SourceFile] = field(default_factory=list)


def resolve_root(arg: str | os.PathLike[str] | None) -> Path:
    """The catalog from the argument, else $MODELCTL_CATALOG, else ./catalog."""
    if arg:
        return Path(arg)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else Path("catalog")


def discover(root: Path) -> tuple[list[SourceFile], list[Finding]]:
    """The catalog's YAML files, and findings for files and folders it does not
    expect or cannot read (never silently fewer files)."""
    try:
        info = os.stat(root)
    except FileNotFoundError:
        raise CatalogNotFound(
            f"catalog directory {str(root)!r} does not exist (pass a path or set ${ENV_VAR})"
        ) from None
    except OSError as exc:
        raise CatalogNotFound(f"cannot read catalog directory {str(root)!r}: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise CatalogNotFound(f"{str(root)!r} is not a directory: pass the catalog folder")
    real_root = os.path.realpath(root)
    try:
        entries = {e.name: e for e in scan(root, real_root)}
    except OSError as exc:
        raise CatalogNotFound(f"cannot read catalog directory {str(root)!r}: {exc.strerror or exc}") from None
    if "catalog.yaml" not in entries and "models" not in entries and "providers" not in entries:
        raise CatalogNotFound(
            f"{str(root)!r} is not a catalog: it has no catalog.yaml, providers/ or models/ "
            "(pass the folder that holds them)"
        )
    walk = _Walk(root, real_root)
    if (top := entries.get("catalog.yaml")) is not None and walk.inside(top, ("catalog.yaml",)):
        walk.files.append(SourceFile(root / "catalog.yaml", _show(root, "catalog.yaml"), "catalog"))
    for folder, kind in _FOLDERS.items():
        walk.flat(folder, kind, entries.get(folder))
    walk.models(entries.get("models"))
    for name, entry in entries.items():
        if name in ("catalog.yaml", "models", *_FOLDERS):
            continue
        if name.endswith((".yaml", ".yml")) or entry.is_dir:
            walk.stray(
                (name,),
                "the catalog root holds only catalog.yaml and providers/, models/, plans/, accounts/, workloads/",
            )
    return walk.files, walk.findings


def _show(root: Path, *parts: str) -> str:
    return str(root.joinpath(*parts))


def _stray(display: str, why: str) -> Finding:
    return Finding("MC207", _code("MC207").severity, f"unexpected file or folder: {why}", Location(display))


class _Walk:
    """Collects the files of a catalog and findings about its folders."""

    def __init__(self, root: Path, real_root: str) -> None:
        self.root, self.real_root = root, real_root
        self.files: list[SourceFile] = []
        self.findings: list[Finding] = []

    def stray(self, parts: tuple[str, ...], why: str) -> None:
        self.findings.append(_stray(_show(self.root, *parts), why))

    def misnamed(self, parts: tuple[str, ...]) -> None:
        """A ``.yml`` file where a catalog file belongs: an error, since the model (or plan, ...) it
        holds would silently be left out of the catalog."""
        name = parts[-1]
        msg = f"catalog files end in .yaml, not .yml: rename it to {name[: -len('.yml')]}.yaml (it is not read)"
        self.findings.append(Finding("MC213", _code("MC213").severity, msg, Location(_show(self.root, *parts))))

    def unreadable(self, parts: tuple[str, ...], why: str) -> None:
        where = Location(_show(self.root, *parts))
        self.findings.append(Finding("MC017", _code("MC017").severity, why, where))

    def inside(self, entry: Entry, parts: tuple[str, ...]) -> bool:
        if entry.outside is None:
            return True
        self.unreadable(
            parts, f"a symbolic link to {entry.outside}, outside the catalog: only files inside the catalog are read"
        )
        return False

    def listing(self, entry: Entry | None, parts: tuple[str, ...]) -> list[Entry]:
        """The entries of a folder of the layout; a finding when it cannot be read."""
        if entry is None or not self.inside(entry, parts):
            return []
        if not entry.is_dir:
            self.stray(parts, f"{'/'.join(parts)} must be a folder")
            return []
        try:
            return scan(self.root.joinpath(*parts), self.real_root)
        except OSError as exc:
            self.unreadable(parts, f"cannot read the folder: {exc.strerror or exc} (its files would be left out)")
            return []

    def flat(self, folder: str, kind: str, entry: Entry | None) -> None:
        for item in self.listing(entry, (folder,)):
            parts = (folder, item.name)
            if not self.inside(item, parts):
                continue
            if item.name.endswith(".yaml") and not item.is_dir:
                self.files.append(SourceFile(self.root.joinpath(*parts), _show(self.root, *parts), kind))
            elif item.name.endswith(".yml"):
                self.misnamed(parts)
            elif item.is_dir:
                self.stray(parts, f"{folder}/ holds files, not folders")

    def models(self, entry: Entry | None) -> None:
        for provider in self.listing(entry, ("models",)):
            if provider.outside is None and not provider.is_dir:
                self.stray(("models", provider.name), "a model file goes in models/<provider>/<id>.yaml")
                continue
            for item in self.listing(provider, ("models", provider.name)):
                parts = ("models", provider.name, item.name)
                if not self.inside(item, parts):
                    continue
                if item.name.endswith(".yaml") and not item.is_dir:
                    path = self.root.joinpath(*parts)
                    self.files.append(SourceFile(path, _show(self.root, *parts), "model", provider.name))
                elif item.name.endswith(".yml"):
                    self.misnamed(parts)
                else:
                    self.stray(parts, "models/<provider>/ holds only <id>.yaml files")


def _schema_comment(src: SourceFile, loaded: LoadedFile) -> Finding | None:
    first = loaded.first_line.strip()
    wanted = f"{src.kind}.schema.json"
    if first.startswith(_SCHEMA_PREFIX) and first.endswith(wanted):
        return None
    depth = {"catalog": 1, "model": 3}.get(src.kind, 2)
    line = f"{_SCHEMA_PREFIX}{'../' * depth}schema/{wanted}"
    msg = f"the first line should be `{line}` so that editors validate the file"
    return Finding("MC016", _code("MC016").severity, msg, Location(src.display, 1, 1))


def _id_check(src: SourceFile, loaded: LoadedFile) -> Finding | None:
    file_id = loaded.data.get("id")
    if file_id == src.stem:
        return None
    msg = (
        f"id {file_id!r} differs from the file name {src.stem!r}: "
        f"rename the file to {file_id}.yaml or set id: {src.stem}"
    )
    return Finding("MC201", _code("MC201").severity, msg, loaded.locate(["id"]), "$.id")


def load_catalog(root: Path) -> LoadResult:
    """Load and schema-check every file; build the catalog from the valid ones."""
    sources, findings = discover(root)
    return load_sources(str(root), sources, lambda src: load_file(src.path, src.display), findings)


def classify(root: Path, relpaths: Iterable[str]) -> list[SourceFile]:
    """SourceFiles for paths relative to a catalog root (files read from git);
    paths the layout does not know are left out."""
    out = []
    for rel in sorted(relpaths):
        parts = rel.split("/")
        if not rel.endswith(".yaml"):
            continue
        display = str(root.joinpath(*parts))
        if parts == ["catalog.yaml"]:
            out.append(SourceFile(root / rel, display, "catalog"))
        elif len(parts) == 2 and parts[0] in _FOLDERS:
            out.append(SourceFile(root / rel, display, _FOLDERS[parts[0]]))
        elif len(parts) == 3 and parts[0] == "models":
            out.append(SourceFile(root / rel, display, "model", parts[1]))
    return out


def load_sources(
    root: str,
    sources: list[SourceFile],
    read: Callable[[SourceFile], LoadedFile],
    findings: list[Finding] | None = None,
) -> LoadResult:
    """Load, schema-check and build the given files, each read by ``read``."""
    with paused_gc():
        return _load_sources(root, sources, read, findings or [])


def _load_sources(
    root: str, sources: list[SourceFile], read: Callable[[SourceFile], LoadedFile], findings: list[Finding]
) -> LoadResult:
    result = LoadResult(root, Catalog(Settings(), {}, {}), findings=findings)
    settings: Settings | None = None
    providers: dict[str, Provider] = {}
    models: dict[str, Model] = {}
    plans: dict[str, Plan] = {}
    accounts: dict[str, Account] = {}
    workloads: dict[str, Workload] = {}
    for src in sources:
        loaded = read(src)
        result.files[src.display] = loaded
        findings.extend(loaded.findings)
        if src.kind == "model":
            result.model_files.append(src)
        if not loaded.ok:
            continue
        if (bad := _schema_comment(src, loaded)) is not None:
            findings.append(bad)
        schema_findings = schema.validate(src.kind, loaded)
        findings.extend(schema_findings)
        if schema_findings:
            continue
        if src.kind != "catalog" and (mismatch := _id_check(src, loaded)) is not None:
            findings.append(mismatch)
        if src.kind == "catalog":
            settings = construct.build_settings(loaded)
        elif src.kind == "provider":
            prov = construct.build_provider(loaded)
            providers[prov.id] = prov
        elif src.kind == "model":
            assert src.provider is not None
            model, date_findings = construct.build_model(loaded, src.provider)
            findings.extend(date_findings)
            if model is not None and model.ref in models:
                first = models[model.ref].file
                msg = f"id {model.id!r} is already used by {first}: give this model another id"
                findings.append(Finding("MC203", _code("MC203").severity, msg, loaded.locate(["id"]), "$.id"))
            elif model is not None:
                models[model.ref] = model
        elif src.kind == "plan":
            plan = construct.build_plan(loaded)
            plans[plan.id] = plan
        elif src.kind == "workload":
            workload = construct.build_workload(loaded)
            workloads[workload.id] = workload
        else:
            account = construct.build_account(loaded)
            accounts[account.id] = account
    if settings is None and not any(s.kind == "catalog" for s in sources):
        msg = "the catalog has no catalog.yaml: create it with at least `name: <catalog name>`"
        findings.append(Finding("MC208", _code("MC208").severity, msg, Location(_show(Path(root), "catalog.yaml"))))
    result.catalog = Catalog(settings or Settings(), providers, models, plans, accounts, workloads)
    return result


def load_workload(root: Path, name: str) -> tuple[Workload | None, list[Finding]]:
    """``workloads/<name>.yaml`` of the catalog at ``root``, loaded and schema-checked.
    Raises CatalogNotFound when there is no such file (the message lists the workloads there are)."""
    folder = root / "workloads"
    path = folder / f"{name}.yaml"
    if "/" in name or not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        listed = ", ".join(known) if known else f"none: {folder} has no workload files"
        raise CatalogNotFound(f"no workload {name!r} in {str(root)!r} (workloads: {listed})")
    src = SourceFile(path, _show(root, "workloads", path.name), "workload")
    result = load_sources(str(root), [src], lambda s: load_file(s.path, s.display))
    errors = [f for f in result.findings if f.code != "MC208"]  # a lone workload needs no catalog.yaml
    return result.catalog.workloads.get(name), errors
