"""``modelctl --install-completion`` and ``--show-completion``: typer's, for a shell it has a script for.

Typer finds the shell among modelctl's parent processes (shellingham: the nearest one whose name
it knows, not ``$SHELL``) and has scripts for bash, zsh, fish and PowerShell.  Under any other one
(``sh``: a Dockerfile's ``RUN``, a Makefile, ``sh -c``) it said ``Shell sh not supported.``
(``--install-completion``: on stdout), and with none found ``Shell  not supported.``, exit 1, the
code of a "no".  Here that is a usage error: one line naming the shells and how to run the option
from one of them, exit 2, nothing written.  A shell typer has a script for is passed to typer's own
callbacks, which do the rest as before.
"""

from __future__ import annotations

from typing import Any

import typer
from typer import completion as typer_completion

__all__ = ["SHELLS", "route"]

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")  # the shells typer has a script for


def route(params: list[Any]) -> None:
    """Have typer's two completion options (of the root command) find their shell here."""
    for param in params:
        callback = _CALLBACKS.get(param.name or "")
        if callback is not None:
            param.callback = callback


def _show(ctx: Any, param: Any, value: Any) -> Any:
    if not value or ctx.resilient_parsing:
        return value
    return typer_completion.show_callback(ctx, param, value if isinstance(value, str) else _shell(param))


def _install(ctx: Any, param: Any, value: Any) -> Any:
    if not value or ctx.resilient_parsing:
        return value
    return typer_completion.install_callback(ctx, param, value if isinstance(value, str) else _shell(param))


_CALLBACKS = {"show_completion": _show, "install_completion": _install}


def _shell(param: Any) -> str:
    """The shell modelctl runs in, as typer would find it; a usage error if typer has no script for it."""
    import shellingham

    try:
        name, _ = shellingham.detect_shell()
    except shellingham.ShellDetectionFailure:
        name = None
    if name in SHELLS:
        return str(name)
    from modelctl.cli import EXIT_USAGE
    from modelctl.cli.output import error

    where = f"modelctl runs under {name}" if name else "modelctl found no shell among its parent processes"
    option = param.opts[0]
    error(
        f"shell completion is for bash, zsh, fish and PowerShell, and {where}: "
        f"run it from one of them, e.g. bash -c 'modelctl {option}; exit'"
    )
    raise typer.Exit(EXIT_USAGE)
