"""Help texts in the words of a command line, not of Python.

Typer 0.29 labels values with their annotations (``<str>``, ``<bool>``,
``<list[str]>``, ``<path>``) and writes required arguments as ``{model}``.
These patches restore Click's conventions: ``TEXT``, ``INTEGER``, ``PATH``,
``[a|b|c]`` for choices, nothing for on/off flags, ``MODEL`` and
``[CATALOG]`` in the usage line.  Applied once, by ``modelctl.cli``.
"""

from __future__ import annotations

from typing import Any

from typer import core

_WORDS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "Decimal": "NUMBER", "date": "DATE", "datetime": "DATE"}


def _label(param: Any, ctx: Any) -> str | None:
    desc = param.type_descriptor
    if getattr(param, "is_bool_flag", False) or desc.annotation is bool:
        return None
    if desc.is_choice:
        choices = [str(getattr(c, "value", c)) for c in desc.choices or ()]
        return "[" + "|".join(choices) + "]"
    if desc.is_path:
        return "PATH"
    if desc.is_datetime:
        return "DATE"
    annotation = desc.annotation
    if desc.is_list:
        args = getattr(annotation, "__args__", ())
        annotation = args[0] if args else str
    name = getattr(annotation, "__name__", str(annotation))
    return _WORDS.get(name, name.upper())


def _display_type(self: Any, ctx: Any) -> Any:
    try:
        return _label(self, ctx)
    except (AttributeError, TypeError):  # pragma: no cover - a Typer that changed shape: fall back
        return _ORIGINAL(self, ctx) if _ORIGINAL is not None else None


def _display_name_raw(self: Any) -> str:
    return str(self.metavar) if self.metavar is not None else str(self.name).upper()


def _usage_display_name(self: Any) -> str:
    name = str(self.display_name_raw)
    if not self.required:
        name = f"[{name}]" if not name.startswith("[") else name
    if self.nargs != 1 and not name.rstrip("]").endswith("..."):
        name += "..."
    return name


_ORIGINAL: Any = getattr(core._TyperParameter, "display_type", None)


def apply() -> None:
    if _ORIGINAL is None or not hasattr(core.TyperArgument, "_usage_display_name"):  # pragma: no cover
        return
    core._TyperParameter.display_type = _display_type  # type: ignore[method-assign]
    core.TyperArgument.display_name_raw = property(_display_name_raw)  # type: ignore[assignment,method-assign]
    core.TyperArgument._usage_display_name = _usage_display_name  # type: ignore[method-assign]
