"""The shape of an artifact's content, checked once at load so that no method fails later.

The tables below list every field the runtime reads or hands out (``ModelInfo.deprecation``),
and those modelctl's own commands interpret (a period's ``checked`` day, the notes), with its
shape (``_shapes`` says what a shape can be).  Fields only shown as text (``family``...) are
not checked: the commands show them with ``str()``.  A key ending in ``!`` is required; keys
the tables do not name are ignored, because a minor format version only adds fields (and fields
nothing reads need no check).  Adding a field the runtime reads is one line.
"""

from __future__ import annotations

import re
from itertools import repeat

from modelctl.runtime._errors import ArtifactError
from modelctl.runtime._shapes import (
    _Bad,
    _count,
    _date,
    _decimal,
    _decimals,
    _describe,
    _each,
    _Either,
    _enum,
    _Gen,
    _Leaf,
    _map,
    _NonEmpty,
    _obj,
    _percent,
    _str_or_strs,
    own_keys,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

# --- the tables: every field read (module docstring) ----------------------------------------

_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00", re.ASCII)

_PRICES = _map(_decimal())  # every price key (new keys too) maps to a decimal string
_TIER = _obj({"above_input_tokens!": int, "prices": _PRICES})
_HHMM = _Leaf(str, lambda t: _TIME.fullmatch(t) is not None, "a UTC time HH:MM (00:00 to 24:00)")
_WINDOW = _obj(
    {"start!": _HHMM, "end!": _HHMM, "weekdays": _each(_enum("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
)
_VARIANT = _obj({"prices": _PRICES, "tiers": _each(_TIER), "windows": _each(_WINDOW), "note": str})
_LIMITS = _obj({"context_window": _count, "max_input_tokens": _count, "max_output_tokens": _count})
_PERIOD = _obj(
    {
        "effective_from!": _date,
        "source": str,
        "checked": _date,  # (modelctl show and site read it, and the notes)
        "note": str,
        "prices": _PRICES,
        "tiers": _each(_TIER),
        "variants": _map(_VARIANT),
        "limits": _LIMITS,
    }
)
_MODEL = _obj(
    {
        "provider!": str,
        "id!": str,
        "name!": str,
        "status!": _enum("preview", "active", "deprecated", "retired"),  # (an unknown one would be served)
        "enabled": bool,
        "aliases": _each(str),
        "features": _each(str),
        "modalities!": _obj({"input!": _each(str), "output!": _each(str)}),
        "limits": _LIMITS,
        "alias_variants": _map(str),
        "currency": str,
        "released": _date,
        "deprecation": _obj({"replacement": str, "announced": _date, "retires": _date, "note": str}),
        "pricing": _each(_PERIOD),
    }
)
_SELECTOR = _Either(
    str,
    _obj({"model": str, "provider": _str_or_strs, "feature": _str_or_strs, "status": _str_or_strs}),
    "a glob (a string) or an object",
)
_ROLLOUT = _obj(
    {
        "id!": str,
        "salt": str,
        "model": str,
        "percent": _decimal(),
        "purpose": str,
        "variants": _NonEmpty(_each(_obj({"model!": str, "weight!": _count}))),
    }
)
_PLAN = _obj(
    {
        "id!": str,
        "name": str,
        "description": str,
        "models": _obj({"allow": _each(_SELECTOR), "deny": _each(_SELECTOR)}),
        "defaults": _map(_str_or_strs),  # one model, or fall-backs in order
        "markup": _decimal(),
        "markups": _each(_obj({"markup!": _decimal(), "effective_from!": _date, "until": _date, "note": str})),
        "credits_per_usd": _decimal(),
        "rounding": _obj(
            {
                "decimals": _decimals,
                "mode": _enum("up", "half_up", "half_even", "down"),
                "per": _enum("request", "invoice"),
            }
        ),
        "rollouts": _each(_ROLLOUT),
    }
)
_ACCOUNT = _obj(
    {
        "id!": str,
        "name": str,
        "description": str,
        "plan!": str,
        "models": _obj({"allow": _each(_SELECTOR), "deny": _each(_SELECTOR), "widen": _each(_SELECTOR)}),
        "defaults": _map(_str_or_strs),  # one model, or fall-backs in order
        "pricing": _each(
            _obj(
                {
                    "model!": _SELECTOR,
                    "prices": _PRICES,
                    "discount_percent": _percent,
                    "effective_from": _date,
                    "until": _date,
                    "note": str,
                }
            )
        ),
        "rollouts": _map(bool),
    }
)
_CONTENT = _obj(
    {
        "catalog!": _obj({"name": str, "currency": str, "purposes": _each(str)}),
        "providers!": _map(_obj({"id": str, "name": str, "currency": str})),
        "models!": _map(_MODEL),
        "aliases!": _map(str),
        "plans!": _map(_PLAN),
        "accounts": _map(_ACCOUNT),
    }
)


_SELECTOR_KEYS = frozenset(("model", "provider", "feature", "status"))


def _object_selectors(content: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Where each selector written as an object is, and the object (of content whose tables passed)."""
    for section, lists in (("plans", ("allow", "deny")), ("accounts", ("allow", "deny", "widen"))):
        for oid, doc in content.get(section, {}).items():
            models = doc.get("models", {})
            for name in lists:
                for i, selector in enumerate(models.get(name, ())):
                    if selector.__class__ is dict:
                        yield f"{section}.{oid}.models.{name}[{i}]", selector
            for i, entry in enumerate(doc.get("pricing", ()) if section == "accounts" else ()):
                if entry["model"].__class__ is dict:
                    yield f"accounts.{oid}.pricing[{i}].model", entry["model"]


def _references_ok(content: dict[str, Any]) -> bool:
    aliases, models = content["aliases"], content["models"]
    if not (all(map(str.__contains__, aliases, repeat("/"))) and models.keys() >= set(aliases.values())):
        return False
    for _, selector in _object_selectors(content):
        if not selector or not _SELECTOR_KEYS.issuperset(selector):
            return False
    plans = content["plans"]
    if not all(account["plan"] in plans for account in content.get("accounts", {}).values()):
        return False
    for plan in content["plans"].values():
        for rollout in plan.get("rollouts", ()):
            if ("model" in rollout and "percent" not in rollout) or (
                "purpose" in rollout and "variants" not in rollout
            ):
                return False
    return True


def _references(content: dict[str, Any]) -> None:
    """What the tables cannot say: a rollout is by model or by purpose; an alias names a model, an
    account a plan; a selector object says what it selects with keys this runtime knows (one it
    does not know could narrow the selector: ignoring it would widen what a plan allows or an
    account pays, so the artifact is refused, as one of a newer major version is)."""
    models = content["models"]
    for key, ref in content["aliases"].items():
        if "/" not in key:
            raise _Bad(f"alias {_describe(key)} is not provider/alias")
        if ref not in models:
            raise _Bad(f"alias {_describe(key)} names {_describe(ref)}, which is not a model")
    for pid, plan in content["plans"].items():
        for i, rollout in enumerate(plan.get("rollouts", ())):
            if "model" in rollout and "percent" not in rollout:
                raise _Bad(f"plans.{pid}.rollouts[{i}] has a model but no percent")
            if "purpose" in rollout and "variants" not in rollout:
                raise _Bad(f"plans.{pid}.rollouts[{i}] has a purpose but no variants")
    for aid, account in content.get("accounts", {}).items():
        if account["plan"] not in content["plans"]:
            raise _Bad(f"accounts.{aid}.plan names {_describe(account['plan'])}, which is not a plan")
    for where, selector in _object_selectors(content):
        if not selector:
            raise _Bad(f"{where} selects nothing: it has none of model, provider, feature, status")
        unknown = sorted(selector.keys() - _SELECTOR_KEYS)
        if unknown:
            raise _Bad(
                f"{where} has {_describe(unknown[0])}, which this runtime does not know as a selector key "
                "(a newer modelctl's artifact?): upgrade modelctl"
            )


def _where(path: list[str | int]) -> str:
    out = "content"
    for key in reversed(path):
        if isinstance(key, int):
            out += f"[{key}]"
        elif key.replace("_", "").isalnum() and key.isascii():
            out += f".{key}"
        else:
            out += f"[{_describe(key)}]"
    return out


_compiled_check: list[Callable[[Any], bool]] = []


def _compiled() -> Callable[[Any], bool]:
    """The content check as one plain function, made on first use (not at import), called with
    the parse's own key objects (``own_keys``).  Its code is ``_shapes/generated.py``'s, compiled at
    install like any module, while that is what the tables generate (else compiled here: 4-11 ms
    at the first load of every process)."""
    if not _compiled_check:
        from modelctl.runtime._shapes import generated

        gen = _Gen()
        check = gen.build(_CONTENT, generated)
        keys = tuple(gen.keys.items())

        def fast(content: Any) -> bool:
            own = own_keys(content)
            return check(content, **{name: own.get(key, key) for key, name in keys})

        _compiled_check.append(fast)
    return _compiled_check[0]


def _accepts(content: Any) -> bool:
    """The fast check: True when ``content``, as ``json.loads`` made it, has the shape of the tables.
    (It leans on what JSON makes: only exact dicts, lists, strings, numbers, true/false/null.)"""
    try:
        return _compiled()(content) and _references_ok(content)
    except (TypeError, KeyError, AttributeError):  # not a string, unhashable, a key absent, not an object
        return False  # (the walk names it)


def check_content(content: Any, *, parsed: bool = True) -> None:
    """Raise ArtifactError naming the first field of ``content`` whose shape the runtime cannot use.
    ``parsed=False``: content built in memory (``Catalog.from_content``), which may hold values
    JSON never makes (a subclass of str, a mapping that is not a dict): only the walk decides."""
    if parsed and _accepts(content):
        return
    try:
        _CONTENT.one(content)
        _references(content)
    except _Bad as bad:
        raise ArtifactError(f"artifact content is malformed: {_where(bad.path)}: {bad.what}") from None
    if parsed:
        raise ArtifactError("artifact content is malformed")  # not reached: one() finds what the fast check found
