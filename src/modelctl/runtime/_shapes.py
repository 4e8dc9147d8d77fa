"""Shapes: the checks ``_shape`` builds its tables from (see there for the tables).

A shape is one of: ``str``, ``bool``, ``int`` (exactly that type: an int is never a bool);
``_obj({...})`` (an object with those keys; ``key!`` is required, other keys are ignored),
``_each(shape)`` (a list), ``_map(shape)`` (an object of any keys), ``_enum(...)``;
``_decimal()`` (a plain non-negative decimal string such as ``"2.50"``: no sign, exponent,
``NaN`` or ``Infinity``), ``_date`` (``YYYY-MM-DD``), ``_count`` (an int >= 0), ``_percent``
(a decimal from 0 to 100), ``_Either(type, shape, words)``, ``_NonEmpty(shape)``.

Speed: ``_Gen`` turns a shape once into plain Python functions (no per-value
interpretation; strings already seen good, such as prices and dates, are not tested
again) that only say yes or no.  Only when they say no does the slower walk (``one``)
run, to name the first bad field in the error.  The functions avoid calls where they can:
small objects (three fields or fewer) and integer tests are written in line, a list or
map of strings is one ``"".join`` (a ``TypeError`` on anything that is not a string: the
caller treats it as a no), a one-item list calls its item's function directly.
"""

from __future__ import annotations

from datetime import date

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
    """A shape.  ``one`` raises _Bad naming what is wrong with a value; ``expr`` writes a
    Python expression that is true when ``var`` has the shape (for ``_compile``)."""

    def one(self, value: Any) -> None:
        raise NotImplementedError

    def expr(self, var: str, gen: _Gen) -> str:
        raise NotImplementedError


class _Type(_Spec):
    def __init__(self, typ: type) -> None:
        self.typ = typ

    def one(self, value: Any) -> None:
        if value.__class__ is not self.typ:
            raise _wrong(value, _NAMES[self.typ])

    def expr(self, var: str, gen: _Gen) -> str:
        return f"{var}.__class__ is {self.typ.__name__}"


def _spec(spec: Any) -> _Spec:
    return _Type(spec) if isinstance(spec, type) else spec


class _Leaf(_Spec):
    """A string (or int) checked by ``test``; strings seen good are remembered."""

    def __init__(self, typ: type, test: Callable[[Any], bool], expected: str, inline: str = "") -> None:
        self.typ, self.test, self.expected = typ, test, expected
        self.inline = inline  # the test as an expression of ``{v}`` (ints: no call at all)
        self.seen: set[Any] = set()

    def one(self, value: Any) -> None:
        if value.__class__ is not self.typ or not self.test(value):
            raise _wrong(value, self.expected)

    def ok(self, value: Any) -> bool:
        if value.__class__ is not self.typ or not self.test(value):
            return False
        if self.typ is str and len(self.seen) < 100_000:
            self.seen.add(value)
        return True

    def expr(self, var: str, gen: _Gen) -> str:
        if self.typ is str:  # a str is never equal to a value of another type
            return f"({var} in {gen.const(self.seen)} or {gen.const(self.ok)}({var}))"
        if self.inline:
            return f"({var}.__class__ is {self.typ.__name__} and {self.inline.format(v=var)})"
        return f"{gen.const(self.ok)}({var})"


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

    def expr(self, var: str, gen: _Gen) -> str:
        if len(self.fields) <= 3 and var:  # a small object: its tests in line, no call
            return self.inline(var, gen)
        name = gen.done.get(id(self))
        if name is not None:
            return f"{name}({var})"
        tests = []  # one boolean expression per field, joined with "and"
        for key, sub in self.fields:
            if isinstance(sub, _Type):  # absent: A (an object) if required, else a value of the type
                default = "A" if key in self.required else repr(sub.typ())
                tests.append(f"g({key!r}, {default}).__class__ is {sub.typ.__name__}")
            elif key in self.required:
                tests.append(f"((x := g({key!r}, A)) is not A and {sub.expr('x', gen)})")
            else:
                tests.append(f"((x := g({key!r}, A)) is A or {sub.expr('x', gen)})")
        body = [
            "if v.__class__ is not dict:",
            "    return False",
            "g = v.get",
            "if not (",
            *(f"    {test} and" for test in tests),
            "    True",
            "):",
            "    return False",
        ]
        name = gen.done[id(self)] = gen.function(body)
        return f"{name}({var})"

    def inline(self, var: str, gen: _Gen) -> str:
        tests = [f"{var}.__class__ is dict"]
        for key, sub in self.fields:
            x = gen.temp()
            if isinstance(sub, _Type):
                default = "A" if key in self.required else repr(sub.typ())
                tests.append(f"{var}.get({key!r}, {default}).__class__ is {sub.typ.__name__}")
            elif key in self.required:
                tests.append(f"(({x} := {var}.get({key!r}, A)) is not A and {sub.expr(x, gen)})")
            else:
                tests.append(f"(({x} := {var}.get({key!r}, A)) is A or {sub.expr(x, gen)})")
        return "(" + " and ".join(tests) + ")"


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

    def expr(self, var: str, gen: _Gen) -> str:
        if isinstance(self.sub, _Type):
            if self.sub.typ is str:  # join raises TypeError on an item that is not a str
                return f"({var}.__class__ is list and J({var}).__class__ is str)"
            return f"({var}.__class__ is list and set(map(type, {var})) <= {gen.const({self.sub.typ})})"
        f = gen.function_of(self.sub)
        return f"({var}.__class__ is list and ({f}({var}[0]) if len({var}) == 1 else all(map({f}, {var}))))"


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

    def expr(self, var: str, gen: _Gen) -> str:
        sub = self.sub
        if isinstance(sub, _Type):
            if sub.typ is str:
                return f"({var}.__class__ is dict and J({var}.values()).__class__ is str)"
            return f"({var}.__class__ is dict and set(map(type, {var}.values())) <= {gen.const({sub.typ})})"
        if isinstance(sub, _Leaf) and sub.typ is str:  # prices: all seen before, in one call
            seen, ok = gen.const(sub.seen), gen.const(sub.ok)
            return (
                f"({var}.__class__ is dict and ({seen}.issuperset({var}.values()) or all(map({ok}, {var}.values()))))"
            )
        return f"({var}.__class__ is dict and all(map({gen.function_of(sub)}, {var}.values())))"


class _NonEmpty(_Spec):
    def __init__(self, spec: _Spec) -> None:
        self.sub = spec

    def one(self, value: Any) -> None:
        self.sub.one(value)
        if not value:
            raise _Bad("is empty")

    def expr(self, var: str, gen: _Gen) -> str:
        return f"({self.sub.expr(var, gen)} and len({var}) > 0)"


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

    def expr(self, var: str, gen: _Gen) -> str:
        return f"({var}.__class__ is {self.first.__name__} or {self.second.expr(var, gen)})"


class _Gen:
    """Writes the checking functions: one per object shape, constants by name."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {"A": _ABSENT, "J": "".join}
        self.source: list[str] = []
        self.done: dict[int, str] = {}  # id of a constant or a shape -> its name
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

    def function(self, body: list[str]) -> str:
        name = f"f{len(self.source)}"
        self.source.append(f"def {name}(v):\n" + "".join(f"    {line}\n" for line in body) + "    return True\n")
        return name

    def function_of(self, spec: _Spec) -> str:
        name = self.done.get(id(spec))
        if name is None:
            if isinstance(spec, _Obj):
                name = spec.expr("", self).removesuffix("()")
            else:
                name = self.function([f"if not ({spec.expr('v', self)}):", "    return False"])
            self.done[id(spec)] = name
        return name

    def build(self, spec: _Spec) -> Callable[[Any], bool]:
        top = self.function_of(spec)
        namespace = dict(self.names)
        exec(compile("".join(self.source), "<modelctl.runtime._shape>", "exec"), namespace)  # noqa: S102
        found: Callable[[Any], bool] = namespace[top]
        return found


_ABSENT = object()


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
