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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from modelctl._gc import paused_gc
from modelctl.catalog import construct, schema
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
    """The catalog's YAML files, and findings for files it does not expect."""
    if not root.exists():
        raise CatalogNotFound(f"catalog directory {str(root)!r} does not exist (pass a path or set ${ENV_VAR})")
    if not root.is_dir():
        raise CatalogNotFound(f"{str(root)!r} is not a directory: pass the catalog folder")
    try:
        entries = sorted(os.listdir(root))
    except OSError as exc:
        raise CatalogNotFound(f"cannot read catalog directory {str(root)!r}: {exc.strerror}") from None
    if "catalog.yaml" not in entries and "models" not in entries and "providers" not in entries:
        raise CatalogNotFound(
            f"{str(root)!r} is not a catalog: it has no catalog.yaml, providers/ or models/ "
            "(pass the folder that holds them)"
        )
    files: list[SourceFile] = []
    stray: list[Finding] = []
    if "catalog.yaml" in entries:
        files.append(SourceFile(root / "catalog.yaml", _show(root, "catalog.yaml"), "catalog"))
    for folder, kind in _FOLDERS.items():
        files.extend(_flat(root, folder, kind, stray))
    files.extend(_models(root, stray))
    for name in entries:
        if name.startswith(".") or name in ("catalog.yaml", "models", *_FOLDERS):
            continue
        if name.endswith((".yaml", ".yml")) or (root / name).is_dir():
            stray.append(
                _stray(
                    _show(root, name),
                    "the catalog root holds only catalog.yaml and providers/, models/, plans/, accounts/, workloads/",
                )
            )
    return files, stray


def _show(root: Path, *parts: str) -> str:
    return str(root.joinpath(*parts))


def _stray(display: str, why: str) -> Finding:
    return Finding("MC207", _code("MC207").severity, f"unexpected file or folder: {why}", Location(display))


def _listdir(path: Path) -> list[str]:
    try:
        return sorted(n for n in os.listdir(path) if not n.startswith("."))
    except OSError:
        return []


def _flat(root: Path, folder: str, kind: str, stray: list[Finding]) -> list[SourceFile]:
    out = []
    for name in _listdir(root / folder):
        display = _show(root, folder, name)
        if name.endswith(".yaml") and not (root / folder / name).is_dir():
            out.append(SourceFile(root / folder / name, display, kind))
        elif name.endswith(".yml"):
            stray.append(_stray(display, "catalog files end in .yaml, not .yml: rename it"))
        elif (root / folder / name).is_dir():
            stray.append(_stray(display, f"{folder}/ holds files, not folders"))
    return out


def _models(root: Path, stray: list[Finding]) -> list[SourceFile]:
    out = []
    for provider in _listdir(root / "models"):
        pdir = root / "models" / provider
        if not pdir.is_dir():
            stray.append(_stray(_show(root, "models", provider), "a model file goes in models/<provider>/<id>.yaml"))
            continue
        for name in _listdir(pdir):
            display = _show(root, "models", provider, name)
            if name.endswith(".yaml") and not (pdir / name).is_dir():
                out.append(SourceFile(pdir / name, display, "model", provider))
            elif name.endswith(".yml"):
                stray.append(_stray(display, "catalog files end in .yaml, not .yml: rename it"))
            else:
                stray.append(_stray(display, "models/<provider>/ holds only <id>.yaml files"))
    return out


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
