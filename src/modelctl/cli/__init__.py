"""The ``modelctl`` command line: a thin layer over the library.

Exit codes, the same for every command:

    0  success
    1  the command's answer is "no" (validate found errors, ...)
    2  usage error
    3  a policy asked for with --fail-on failed
    4  an input the command needs cannot be read or is invalid

Commands are registered lazily (``_lazy``): a command's module, and the
library it imports, load only when that command runs or shows its own
``--help``, so ``modelctl --help`` stays fast (bench/bench_cli.py).  The
root ``--help`` shows each command's ``summary``; a test checks that it is
the first paragraph of the command's docstring.

May import any package of modelctl; nothing imports ``cli``.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from modelctl import __version__
from modelctl.cli import _help, completion

_help.apply()

EXIT_OK, EXIT_NO, EXIT_USAGE, EXIT_POLICY, EXIT_INPUT = 0, 1, 2, 3, 4


@dataclass(frozen=True, slots=True)
class _Lazy:
    name: str
    target: str  # "module:attribute": a command function, or a typer.Typer for a command group
    summary: str
    epilog: str | None = None


_LAZY: dict[str, _Lazy] = {}


class _Pending(TyperCommand):
    """Stands in for a lazy command until it is needed (name and summary only)."""

    def __init__(self, spec: _Lazy) -> None:
        super().__init__(name=spec.name, help=spec.summary)
        self.spec = spec

    def load(self, markup_mode: Any) -> Any:
        module, attr = self.spec.target.split(":")
        obj = getattr(import_module(module), attr)
        if isinstance(obj, typer.Typer):
            group = typer.main.get_command(obj)
            group.name = self.spec.name
            return group
        info = typer.models.CommandInfo(name=self.spec.name, callback=obj, epilog=self.spec.epilog)
        return typer.main.get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=markup_mode)


class _LazyGroup(TyperGroup):
    """A TyperGroup whose lazy commands are imported on first use."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        eager = dict(self.commands)
        self.commands.clear()
        for spec in _LAZY.values():
            self.commands[spec.name] = _Pending(spec)
        self.commands.update(eager)
        self._listing = False

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        cmd = self.commands.get(cmd_name)
        if isinstance(cmd, _Pending) and not self._listing:
            cmd = cmd.load(self.rich_markup_mode)
            self.commands[cmd_name] = cmd
        return cmd

    def invoke(self, ctx: Any) -> Any:
        """Every command's boundary: an I/O error nobody handled closer to it (a file or folder
        that cannot be read or written, stdout closed or full, an input that is not UTF-8)
        is a message naming the path and exit 4, never a traceback; so is a ``$MODELCTL_TODAY``
        that is not a date, which any command may find late, deep in the library."""
        from modelctl.errors import TodayNotADate  # not at the top: `modelctl --help` imports no library

        try:
            return super().invoke(ctx)
        except (OSError, UnicodeError) as exc:
            _io_failure(exc)
            raise typer.Exit(EXIT_INPUT) from None
        except TodayNotADate as exc:
            from modelctl.cli.output import error

            error(str(exc))
            raise typer.Exit(EXIT_INPUT) from None

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        completion.route(params)  # typer's completion options, a usage error under sh (cli/completion.py)
        return params

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # Listing the commands needs their names and summaries only.
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False


def _io_failure(exc: OSError | UnicodeError) -> None:
    """Say what could not be read or written, on stderr."""
    import os
    import sys

    from modelctl.cli.output import error

    if isinstance(exc, OSError) and exc.filename is None:
        # Most likely stdout (closed, full): what is still buffered for it goes nowhere, so that
        # Python's own flush at exit cannot fail again with a message of its own.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    if isinstance(exc, BrokenPipeError):  # the reader of our output went away (`| head`): nothing to say
        return
    if isinstance(exc, UnicodeDecodeError):
        error(f"an input is not valid UTF-8 text: {exc}")
        return
    if isinstance(exc, UnicodeError):
        error(f"text that cannot be written as UTF-8: {exc}")
        return
    names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
    where = " -> ".join(repr(n) for n in names) if names else "the standard output or an unnamed file"
    error(f"cannot read or write {where}: {exc.strerror or exc}")


def _lazy(name: str, target: str, *, summary: str, epilog: str | None = None) -> None:
    _LAZY[name] = _Lazy(name, target, summary, epilog)


app = typer.Typer(
    name="modelctl",
    cls=_LazyGroup,
    help="The catalog of AI models and their prices, kept as code.\n\n"
    "Exit codes: 0 success; 1 the answer is no (errors found); 2 usage error; "
    "3 a --fail-on policy failed; 4 an input cannot be read.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"modelctl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """The catalog of AI models and their prices, kept as code."""


_lazy(
    "validate",
    "modelctl.cli.validate:validate",
    summary="Check a catalog: YAML syntax, JSON Schema and the semantic rules (`modelctl docs rules`).",
    epilog="Exit codes: 0 valid (warnings allowed); 1 errors found (or warnings, with --strict); "
    "2 usage error; 4 the catalog directory cannot be read.",
)
_lazy(
    "publish",
    "modelctl.cli.publish:publish",
    summary="Validate the catalog and compile it into one JSON artifact for applications.",
    epilog="Exit codes: 0 published (or, with --check, up to date); 1 validation errors, nothing written "
    "(or, with --check, the artifact is out of date; or the runtime would refuse the compiled artifact, a "
    "modelctl bug: nothing written); 2 usage error (also: --out is the catalog folder or inside it, or --to "
    "is a DEST or --endpoint-url a URL that push refuses on its face: nothing written); 4 the catalog, the "
    "artifact to check or re-publish, or the signing key cannot be read, or --out or --to cannot be written.",
)
_lazy(
    "keygen",
    "modelctl.cli.keygen:keygen",
    summary="Write a new Ed25519 key pair in minisign's format, for `publish --sign`.",
    epilog="Exit codes: 0 written; 2 usage error; 4 the folder cannot be written, or a key is already there.",
)
_lazy(
    "push",
    "modelctl.cli.push:push",
    summary="Copy a published artifact to a static host or object storage.",
    epilog="Exit codes: 0 pushed; 2 usage error (a --name that is a path, --endpoint-url for a folder or not "
    "an http:// or https:// URL with a host, a DEST that is not file://, s3:// or a path, a file:// URL with a "
    "host, s3:// without a bucket); 4 the folder's artifact is missing, does not match its checksum or is "
    "invalid, or the destination cannot be written (boto3 missing for s3://, an endpoint that refuses, fails "
    "or redirects in a loop).",
)
_lazy(
    "diff",
    "modelctl.cli.diff:diff",
    summary="Show what changes between two versions of the catalog, field by field, and what it costs.",
    epilog="Exit codes: 0 done (changes or not); 1 changes found, with --exit-code; 2 usage error (also: "
    "--output names the --usage file, a side's artifact or a path inside a catalog); "
    "3 changes fail the --fail-on policy or a workload's cost rises past --fail-on-increase(-amount); "
    "4 a side or the --usage file cannot be read or is invalid (a revision that is not "
    "there, a shallow clone without the base, a side with validation errors, no catalog at --catalog's path on "
    "either side).",
)
_lazy(
    "history",
    "modelctl.cli.history:history",
    summary="The audit trail of one model from git: every commit that changed it.",
    epilog="Exit codes: 0 done (also when no commit falls after --since); 2 usage error; 4 the model's file has "
    "no history here, a shallow clone lacks the start of it, or git cannot be read.",
)
_lazy(
    "explain",
    "modelctl.cli.explain:explain",
    summary="Explain whether a plan (or account) may use a model, and what it would cost and charge.",
    epilog="Exit codes: 0 the model is allowed; 1 it is not (the rule that decides is shown); 2 usage error "
    "(an unknown model, plan or account); 4 the catalog cannot be read or is invalid.",
)

# --- issue 6: everyday commands ---
_lazy(
    "list",
    "modelctl.cli.list_cmd:list_",
    summary="List the models of a catalog with their current prices, filtered and sorted.",
    epilog="Exit codes: 0 done (also when nothing matches); 1 an unknown --provider (close names are suggested); "
    "2 usage error; 4 the catalog cannot be read or is invalid.",
)
_lazy(
    "show",
    "modelctl.cli.show:show",
    summary="Everything about one model: identity, lifecycle, limits, features and its whole price history.",
    epilog="Exit codes: 0 done; 1 an unknown plan or account (close names are suggested); "
    "2 usage error (an unknown or ambiguous model, a NAME after a model); 4 the catalog cannot be read or is invalid.",
)
_lazy(
    "plans",
    "modelctl.cli.plans:plans",
    summary="List the plans and accounts: models allowed, default model, markup, credits and rounding.",
    epilog="Exit codes: 0 done; 2 usage error; 4 the catalog cannot be read or is invalid.",
)
_lazy(
    "compare",
    "modelctl.cli.compare:compare",
    summary="Several models side by side: prices, limits, modalities, features and lifecycle.",
    epilog="Exit codes: 0 done (also when a model cannot price the usage: its cost says unpriced); 2 usage error "
    "(fewer than two models, an unknown or ambiguous model, a bad date or count); "
    "4 the catalog cannot be read or is invalid.",
)
_lazy(
    "cost",
    "modelctl.cli.cost:cost",
    summary="What one request (or a batch of them) costs on a model, component by component.",
    epilog="Exit codes: 0 done; 1 no price applies (none in force on that day, or none for a kind of token "
    "given, or the model does not take the usage: a modality it does not accept, more input per request than its "
    "context window); 2 usage error (an unknown model or variant, a bad count or date, no count at all); "
    "4 the catalog cannot be read or is invalid.",
)
_lazy(
    "estimate",
    "modelctl.cli.estimate:estimate_",
    summary="Price one workload on every matching model, cheapest first.",
    epilog="Exit codes: 0 done (also when no model can price it); 2 usage error (a bad count or date, "
    "token counts with --workload); 4 the catalog or the workload cannot be read or is invalid.",
)
_lazy(
    "new",
    "modelctl.cli.new:new_app",
    summary="Start a new catalog file: a model (blank, or copied from another) or a provider.",
)
_lazy(
    "reprice",
    "modelctl.cli.reprice:reprice",
    summary="Price a usage file (CSV or JSON Lines) at the prices in force when each request was made.",
    epilog="Exit codes: 0 every row priced; 1 some rows could not be priced (listed; the totals leave them out); "
    "2 usage error (an unknown --what-if model, --plan or --account, a bad option); "
    "4 the usage file or the catalog cannot be read, "
    "or the file has no timestamp, model or token column.",
)
_lazy(
    "rollout",
    "modelctl.cli.rollout:rollout_app",
    summary="Rollouts and A/B tests: preview how subjects are bucketed (`modelctl docs rollouts`).",
)
_lazy(
    "site",
    "modelctl.cli.site:site",
    summary="Write the model comparison page: one self-contained HTML file.",
    epilog="Exit codes: 0 written; 2 usage error (also: --out is the catalog folder or inside it); 4 the "
    "catalog or artifact cannot be read or is invalid, or the output folder cannot be written.",
)
# --- issue 15: a repository of one's own, authoring ---
_lazy(
    "init",
    "modelctl.cli.init:init",
    summary="Start a catalog repository: a valid catalog, its schemas, CI workflows and pre-commit.",
    epilog="Exit codes: 0 written; 1 some files exist already (listed), nothing written; 2 usage error "
    "(an unknown --from-reference provider); 4 a file cannot be written (a folder where a file goes, a file "
    "where a folder goes, DIR itself or above it included: nothing written), or the catalog would not validate.",
)
_lazy(
    "schema",
    "modelctl.cli.init:schema",
    summary="Write the JSON Schemas of this modelctl into a folder (refreshes a repository's schema/).",
    epilog="Exit codes: 0 written; 2 usage error (--out is the catalog folder or inside it: nothing written); "
    "4 the folder cannot be written.",
)
_EDIT_EPILOG = (
    "Exit codes: 0 written (or nothing to change); 1 refused: the edit would make the catalog invalid, "
    "nothing written; 2 usage error (an unknown model, a bad date); 4 the catalog cannot be read, or the model's "
    "file (or the replacement's) has YAML or schema errors (listed, nothing written)."
)
_lazy(
    "price",
    "modelctl.cli.authoring:price_app",
    summary="Change a model's prices: `modelctl price set`.",
)
_lazy(
    "retire",
    "modelctl.cli.authoring:retire",
    summary="Retire a model: status retired, disabled, with its retirement date and replacement.",
    epilog=_EDIT_EPILOG,
)
_lazy(
    "deprecate",
    "modelctl.cli.authoring:deprecate",
    summary="Deprecate a model: status deprecated, with the day it retires and its replacement.",
    epilog=_EDIT_EPILOG,
)
_lazy(
    "disable",
    "modelctl.cli.authoring:disable",
    summary="Disable a model now (enabled: false): no plan serves it; reports the plan defaults it was.",
    epilog=_EDIT_EPILOG,
)
_lazy(
    "enable",
    "modelctl.cli.authoring:enable",
    summary="Enable a model again (enabled: true); reports the plan defaults that name it.",
    epilog=_EDIT_EPILOG,
)
_lazy(
    "fmt",
    "modelctl.cli.fmt:fmt",
    summary="Put catalog files in canonical form: key order, newest period first, the $schema line, prices as 0.40.",
    epilog="Exit codes: 0 done (or, with --check, every file is canonical); 1 with --check, some file is not; "
    "2 usage error; 4 a file cannot be read, is not a catalog file, or has YAML errors to fix first.",
)
# --- issue 7: import / export / check-prices ---
_lazy(
    "import",
    "modelctl.cli.importer:import_",
    summary="Import models and prices from a public catalog into catalog files.",
    epilog="Exit codes: 0 done (models skipped, fields unmapped or --update changes not applied are reported, "
    "not errors); 1 the import would make the catalog invalid, nothing written; 2 usage error (a --provider the "
    "source does not have); 4 the source "
    "cannot be read or is malformed (nothing written), or the catalog folder is not a catalog.",
)
_lazy(
    "export",
    "modelctl.cli.export:export",
    summary="Write a published artifact in another tool's format: LiteLLM, OpenRouter, or a flat price table.",
    epilog="Exit codes: 0 written; 2 usage error (an unknown format, parquet without pyarrow, a bad --at, "
    "--output the artifact itself or a path inside a catalog); "
    "4 the artifact cannot be read or is invalid, or the output cannot be written.",
)
_lazy(
    "check-prices",
    "modelctl.cli.check_prices:check_prices",
    summary="Compare today's catalog prices with a public reference (LiteLLM or genai-prices).",
    epilog="Exit codes: 0 compared (disagreements are warnings); 2 usage error; 3 --fail-on drift and some "
    "prices disagree; 4 the reference or the catalog cannot be read.",
)

_lazy(
    "docs",
    "modelctl.cli.docs:docs",
    summary="Read the documentation of this version: every page, offline.",
    epilog="Exit codes: 0 printed; 2 usage error (no such page: close names are suggested).",
)


def main() -> None:
    # A command is a short-lived process that builds millions of long-lived
    # objects (a catalog): automatic cyclic collections only rescan them.
    # Reference counting still frees everything else (docs/performance.md).
    gc.disable()
    app()
