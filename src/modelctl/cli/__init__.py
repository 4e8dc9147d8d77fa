"""The ``modelctl`` command line: a thin layer over the library.

Exit codes, the same for every command:

    0  success
    1  the command's answer is "no" (validate found errors, ...)
    2  usage error
    3  a policy asked for with --fail-on failed
    4  an input the command needs cannot be read or is invalid
"""

from __future__ import annotations

import gc

import typer

from modelctl import __version__
from modelctl.cli.diff import diff
from modelctl.cli.history import history
from modelctl.cli.publish import publish
from modelctl.cli.validate import validate

EXIT_OK, EXIT_NO, EXIT_USAGE, EXIT_POLICY, EXIT_INPUT = 0, 1, 2, 3, 4

app = typer.Typer(
    name="modelctl",
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


app.command(
    epilog="Exit codes: 0 valid (warnings allowed); 1 errors found (or warnings, with --strict); "
    "2 usage error; 4 the catalog directory cannot be read."
)(validate)
app.command(
    epilog="Exit codes: 0 published (or, with --check, up to date); 1 validation errors, nothing written "
    "(or, with --check, the artifact is out of date); 2 usage error; 4 the catalog or the artifact to "
    "check cannot be read."
)(publish)
app.command(
    epilog="Exit codes: 0 done (changes or not); 1 changes found, with --exit-code; 2 usage error; "
    "3 changes fail the --fail-on policy; 4 a side cannot be read or is invalid (a revision that is not "
    "there, a shallow clone without the base, a side with validation errors)."
)(diff)
app.command(epilog="Exit codes: 0 done; 2 usage error; 4 the model's file has no history here, or git cannot be read.")(
    history
)


def main() -> None:
    # A command is a short-lived process that builds millions of long-lived
    # objects (a catalog): automatic cyclic collections only rescan them.
    # Reference counting still frees everything else (docs/performance.md).
    gc.disable()
    app()
