"""Shapes: the checks ``_shape`` builds its tables from (see there for the tables), and
``generated.py``, the content check written ahead by ``tools/gen_shape_check.py``.  May import:
the standard library only.

A shape is one of: ``str``, ``bool``, ``int`` (exactly that type: an int is never a bool);
``_obj({...})`` (an object with those keys; ``key!`` is required, other keys are ignored),
``_each(shape)`` (a list), ``_map(shape)`` (an object of any keys), ``_enum(...)``;
``_decimal()`` (a plain non-negative decimal string such as ``"2.50"``: no sign, exponent,
``NaN`` or ``Infinity``), ``_date`` (``YYYY-MM-DD``), ``_count`` (an int >= 0), ``_percent``
(a decimal from 0 to 100), ``_Either(type, shape, words)``, ``_NonEmpty(shape)``.

Speed: ``_Gen`` turns a shape once into one plain Python function (no per-value
interpretation; strings already seen good, such as prices and dates, are not tested
again) that only says yes or no.  Only when it says no does the slower walk (``one``)
run, to name the first bad field in the error.  The function makes as few calls and steps as
it can: every nested object, list and map is checked in line (a ``for`` loop, no call per
model, period or variant); an object's class is not tested, since reading its fields with
``.get``, ``[]`` or ``.values()`` raises on anything else JSON makes; a list or map of strings
is one ``"".join`` (an empty list none); an absent optional date, price or count is read as a
value its test accepts (no branch); and the keys are parameters, passed the parse's own key
objects (``own_keys``), so that each lookup matches by identity.  It relies on what
``json.loads`` makes (exact dicts, lists, strings...): a ``TypeError``, ``KeyError`` or
``AttributeError`` means no, and content built in memory is judged by the walk alone.
"""

from __future__ import annotations

from datetime import date
from itertools import chain, islice

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_MAX_DECIMAL = 50  # characters of a decimal string: far above any price, bounded for the arithmetic
_MAX_DECIMALS = 18  # a plan's rounding.decimals
_NAMES = {str: "a string", bool: "true or false", int: "an integer", dict: "an object", list: "a list"}


class _Bad(Exception):
    """What is wrong, and the path to it (innermost key first)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what
        self.path: list[str | int] = []


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _wrong(value: Any, expected: str) -> _Bad:
    return _Bad(f"{_describe(value)} is not {expected}")


class _Spec:
    """A shape.  ``one`` raises _Bad naming what is wrong with a value; ``code`` writes Python
    statements that ``return False`` when ``var`` does not have the shape (for ``_Gen``);
    ``absent``, when set, what ``code`` accepts as it is for an absent optional field."""

    absent = ""

    def one(self, value: Any) -> None:
        raise NotImplementedError

    def code(self, var: str, gen: _Gen, pad: str) -> None:
        raise NotImplementedError


class _Type(_Spec):
    def __init__(self, typ: type) -> None:
        self.typ = typ

    def one(self, value: Any) -> None:
        if value.__class__ is not self.typ:
            raise _wrong(value, _NAMES[self.typ])

    def code(self, var: str, gen: _Gen, pad: str) -> None:
        gen.no(f"{var}.__class__ is not {self.typ.__name__}", pad)


def _spec(spec: Any) -> _Spec:
    return _Type(spec) if isinstance(spec, type) else spec


def _is_str(spec: _Spec) -> bool:
    return isinstance(spec, _Type) and spec.typ is str


class _Leaf(_Spec):
    """A string (or int) checked by ``test``; strings seen good are remembered."""

    def __init__(self, typ: type, test: Callable[[Any], bool], expected: str, inline: str = "") -> None:
        self.typ, self.test, self.expected = typ, test, expected
        self.inline = inline  # the test as an expression of ``{v}`` (ints: no call at all)
        self.seen: set[Any] = {_ABSENT}  # (an absent optional field is read as _ABSENT: no branch)
        self.absent = "A" if typ is str else "0" if typ is int and test(0) else ""

    def one(self, value: Any) -> None:
        if value.__class__ is not self.typ or not self.test(value):
            raise _wrong(value, self.expected)

    def ok(self, value: Any) -> bool:
        if value.__class__ is not self.typ or not self.test(value):
            return False
        if self.typ is str and len(self.seen) < 100_000:
            self.seen.add(value)
        return True

    def code(self, var: str, gen: _Gen, pad: str) -> None:
        if self.typ is str:  # a str is never equal to a value of another type (JSON makes no subclass)
            gen.no(f"{var} not in {gen.const(self.seen)} and not {gen.const(self.ok)}({var})", pad)
        elif self.inline:
            gen.no(f"{var}.__class__ is not {self.typ.__name__} or not ({self.inline.format(v=var)})", pad)
        else:
            gen.no(f"not {gen.const(self.ok)}({var})", pad)

    def all_code(self, values: str, gen: _Gen, pad: str) -> bool:
        """Many strings at once: usually all seen before, one C call."""
        if self.typ is not str:
            return False
        gen.no(f"not {gen.const(self.seen)}.issuperset({values}) and not all(map({gen.const(self.ok)}, {values}))", pad)
        return True


class _Obj(_Spec):
    """An object: the keys in the table have their shapes (``key!``: required); others are ignored."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.required = tuple(k[:-1] for k in table if k.endswith("!"))
        self.fields = tuple((k.rstrip("!"), _spec(v)) for k, v in table.items())

    def one(self, value: Any) -> None:
        if value.__class__ is not dict:
            raise _wrong(value, "an object")
        for key in self.required:
            if key not in value:
                raise _Bad(f"has no {key!r}")
        for key, sub in self.fields:
            if key in value:
                try:
                    sub.one(value[key])
                except _Bad as bad:
                    bad.path.append(key)
                    raise

    def code(self, var: str, gen: _Gen, pad: str) -> None:
        # No class test: every field is read with ``.get`` or ``[]``, which on any other value
        # JSON makes (list, string, number, true/false/null) raise AttributeError or TypeError.
        strings = []  # every plain string field, tested last
        for key, sub in self.fields:
            required = key in self.required
            k = gen.key(key)
            # a required key is read with [] (a KeyError: the caller's no), an absent one is skipped
            if _is_str(sub):
                strings.append(f"{var}[{k}]" if required else f"{var}.get({k}, '')")
            elif isinstance(sub, _Type):
                got = f"{var}[{k}]" if required else f"{var}.get({k}, {sub.typ()!r})"
                gen.no(f"{got}.__class__ is not {sub.typ.__name__}", pad)
            elif required or sub.absent:  # (no branch for an absent optional field)
                x = gen.temp()
                gen.line(f"{x} = {var}[{k}]" if required else f"{x} = {var}.get({k}, {sub.absent})", pad)
                sub.code(x, gen, pad)
            else:
                x = gen.temp()
                gen.line(f"{x} = {var}.get({k}, A)", pad)
                gen.line(f"if {x} is not A:", pad)
                sub.code(x, gen, pad + "    ")
        for got in strings:  # (cheaper than one "".join of them)
            gen.no(f"{got}.__class__ is not str", pad)


class _Each(_Spec):
    """A list whose items all have the shape ``spec``."""

    def __init__(self, spec: Any) -> None:
        self.sub = _spec(spec)

    def one(self, value: Any) -> None:
        if value.__class__ is not list:
            raise _wrong(value, "a list")
        for i, item in enumerate(value):
            try:
                self.sub.one(item)
            except _Bad as bad:
                bad.path.append(i)
                raise

    def code(self, var: str, gen: _Gen, pad: str) -> None:
        gen.no(f"{var}.__class__ is not list", pad)
        _items(self.sub, var, gen, pad)


class _Map(_Spec):
    """An object of any keys whose values all have the shape ``spec``."""

    def __init__(self, spec: Any) -> None:
        self.sub = _spec(spec)

    def one(self, value: Any) -> None:
        if value.__class__ is not dict:
            raise _wrong(value, "an object")
        for key, item in value.items():
            try:
                self.sub.one(item)
            except _Bad as bad:
                bad.path.append(key)
                raise

    def code(self, var: str, gen: _Gen, pad: str) -> None:
        _items(self.sub, f"{var}.values()", gen, pad)  # AttributeError on a value that is not an object


def _items(sub: _Spec, values: str, gen: _Gen, pad: str) -> None:
    """Statements checking every item of ``values`` (a list, or a dict's values)."""
    if _is_str(sub):
        if values.endswith(".values()"):  # (an object's: .values() raises on anything else)
            gen.line(f"J({values})", pad)  # a TypeError on an item that is not a string
        else:  # a list (its class tested): an empty one needs no join
            gen.line(f"if {values}: J({values})", pad)
    elif isinstance(sub, _Type):
        gen.no(f"not set(map(type, {values})) <= {gen.const({sub.typ})}", pad)
    elif not (isinstance(sub, _Leaf) and sub.all_code(values, gen, pad)):
        item = gen.temp()
        gen.line(f"for {item} in {values}:", pad)  # in line: no call per item
        sub.code(item, gen, pad + "    ")


class _NonEmpty(_Spec):
    def __init__(self, spec: _Spec) -> None:
        self.sub = spec

    def one(self, value: Any) -> None:
        self.sub.one(value)
        if not value:
            raise _Bad("is empty")

    def code(self, var: str, gen: _Gen, pad: str) -> None:
        self.sub.code(var, gen, pad)
        gen.no(f"not {var}", pad)


class _Either(_Spec):
    """A value of type ``first``, or of the shape ``second``."""

    def __init__(self, first: type, second: _Spec, expected: str) -> None:
        self.first, self.second, self.expected = first, second, expected

    def one(self, value: Any) -> None:
        if value.__class__ is self.first:
            return
        try:
            self.second.one(value)
        except _Bad as bad:
            if not bad.path:  # wrong at this level: say both shapes
                raise _wrong(value, self.expected) from None
            raise

    def code(self, var: str, gen: _Gen, pad: str) -> None:
        gen.line(f"if {var}.__class__ is not {self.first.__name__}:", pad)
        self.second.code(var, gen, pad + "    ")


class _Gen:
    """Writes the check of a shape as one function: every nested object, list and map in line
    (no call per model, period or variant), the constants bound as default arguments."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {"A": _ABSENT, "J": "".join}
        self.lines: list[str] = []
        self.done: dict[int, str] = {}  # id of a constant -> its name
        self.keys: dict[str, str] = {}  # an object key -> the name of the parameter it is read with
        self.temps = 0

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def const(self, value: Any) -> str:
        name = self.done.get(id(value))
        if name is None:
            name = self.done[id(value)] = f"c{len(self.names)}"
            self.names[name] = value
        return name

    def key(self, key: str) -> str:
        """The parameter a key is read with (``check(v, **...)`` can pass the parse's own key
        objects: a dict lookup then matches by identity, without comparing the strings)."""
        name = self.keys.get(key)
        if name is None:
            name = self.keys[key] = f"k{len(self.keys)}"
        return name

    def line(self, text: str, pad: str) -> None:
        self.lines.append(f"    {pad}{text}\n")

    def no(self, condition: str, pad: str) -> None:
        self.line(f"if {condition}: return False", pad)

    def source(self, spec: _Spec) -> str:
        spec.code("v", self, "")
        names = ", ".join([f"{name}={name}" for name in self.names] + [f"{n}={k!r}" for k, n in self.keys.items()])
        return f"def check(v, *, {names}):\n" + "".join(self.lines) + "    return True\n"

    def build(self, spec: _Spec, ready: Any = None) -> Callable[[Any], bool]:
        """The check: True when a value made by ``json.loads`` has the shape; False, or a
        ``TypeError`` or ``KeyError``, when it does not (the walk, ``one``, then says why).
        ``ready``: the module ``tools/gen_shape_check.py`` wrote (``_shapes/generated.py``):
        when it holds this very source, its already compiled ``make`` is used (compiling the
        source costs 4-11 ms, once per process: at the first load of every worker)."""
        source = self.source(spec)
        if ready is not None and getattr(ready, "SOURCE", None) == source:
            made: Callable[[Any], bool] = ready.make(**self.names)
            return made
        namespace = dict(self.names)
        exec(compile(source, "<modelctl.runtime._shape>", "exec"), namespace)  # noqa: S102
        found: Callable[[Any], bool] = namespace["check"]
        return found

    def module(self, spec: _Spec) -> str:
        """The text of ``_shapes/generated.py``: ``make(**names)`` defines the check of
        ``source(spec)``, compiled once at install like any module."""
        source = self.source(spec)
        body = "".join(f"    {line}" if line.strip() else line for line in source.splitlines(keepends=True))
        return (
            '"""The content check of runtime/_shape.py, written by tools/gen_shape_check.py: do not edit.\n\n'
            "_Gen.build uses ``make`` only while ``SOURCE`` is the source the tables generate today, and\n"
            "compiles the source itself otherwise (tests/runtime/test_shape_check.py says when to\n"
            'regenerate: python tools/gen_shape_check.py)."""\n'
            "# mypy: ignore-errors\n\n"
            f"SOURCE = {source!r}\n\n\n"
            f"def make({', '.join(self.names)}):\n{body}    return check\n"
        )


_ABSENT = object()


def own_keys(doc: Any, budget: int = 2000) -> dict[str, str]:
    """The key objects of a parsed document, from a sample: its first level's keys, and the keys
    of the first and last three items of each object or list in it (walked down to ``budget``
    values).  ``json.loads`` makes one object per distinct key for the whole document, so a
    dict lookup with these matches by identity (no string comparison); a key not in the sample
    is looked up with an equal string, which is only slower."""
    found: dict[str, str] = {}
    if doc.__class__ is not dict:
        return found
    found.update(zip(doc, doc, strict=True))
    stack: list[Any] = []
    for section in doc.values():
        items = section.values() if section.__class__ is dict else section if section.__class__ is list else ()
        stack += chain(islice(items, 3), islice(reversed(items), 3))  # (a list or a dict's values)
    while stack and budget > 0:
        value = stack.pop()
        budget -= 1
        if value.__class__ is dict:
            found.update(zip(value, value, strict=True))
            stack += islice(value.values(), 64)
        elif value.__class__ is list:
            stack += islice(value, 64)
    return found


def _is_decimal(text: str) -> bool:
    whole, dot, frac = text.partition(".")
    return len(text) <= _MAX_DECIMAL and text.isascii() and whole.isdigit() and (not dot or frac.isdigit())


def _is_percent(text: str) -> bool:
    if not _is_decimal(text):
        return False
    whole, _, frac = text.partition(".")
    return int(whole) < 100 or (int(whole) == 100 and not frac.strip("0"))


def _is_date(text: str) -> bool:
    if not (len(text) == 10 and text.isascii() and text[4] == text[7] == "-"):
        return False
    if not (text[:4] + text[5:7] + text[8:]).isdigit():
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _enum(*allowed: str) -> _Leaf:
    values = frozenset(allowed)
    return _Leaf(str, values.__contains__, "one of " + ", ".join(sorted(values)))


def _decimal() -> _Leaf:
    return _Leaf(str, _is_decimal, 'a plain non-negative decimal string (such as "2.50")')


_date = _Leaf(str, _is_date, "a date (YYYY-MM-DD)")
_count = _Leaf(int, (0).__le__, "an integer >= 0", "{v} >= 0")
_decimals = _Leaf(
    int, lambda n: 0 <= n <= _MAX_DECIMALS, f"an integer from 0 to {_MAX_DECIMALS}", f"0 <= {{v}} <= {_MAX_DECIMALS}"
)
_percent = _Leaf(str, _is_percent, "a percentage from 0 to 100")
_str_or_strs = _Either(str, _NonEmpty(_Each(str)), "a string or a non-empty list of strings")
_obj, _each, _map = _Obj, _Each, _Map
