"""How text and Markdown output spell money: one rule for every command.

Within one column (one kind of figure in one command's output) every amount has
the same number of decimals: as many as the most precise amount of the column
needs, at least 2 and at most ``MAX_PLACES``.  Thousands are separated with
commas (``12,345.50``).  An amount that needs more than ``MAX_PLACES`` decimals
is rounded half-even to ``MAX_PLACES`` and marked ``~`` (``~0.00000004``): a
figure is never shown rounded without the mark, and a small cost never as a
bare zero.  JSON and CSV keep the exact strings (``common.plain``).
docs/cli.md, "Money in text output", says the same.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

MIN_PLACES = 2
MAX_PLACES = 8
ROUNDED_MARK = "~"


def places_needed(value: Decimal) -> int:
    """The decimals the exact value needs (``0.50`` needs 1, ``12`` none)."""
    if not value.is_finite():
        raise ValueError(f"not an amount of money: {value}")
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def places_for(values: Iterable[Decimal | None]) -> int:
    """The decimals a column of these amounts is shown with."""
    needed = [places_needed(v) for v in values if v is not None]
    return min(MAX_PLACES, max([MIN_PLACES, *needed]))


def amount(value: Decimal, places: int | None = None, *, sign: bool = False) -> str:
    """``value`` with ``places`` decimals (default: what it needs, within the bounds) and
    thousands separators; ``+`` before an increase when ``sign``; ``~`` when rounded."""
    if places is None:
        places = places_for([value])
    with decimal.localcontext() as ctx:
        ctx.prec = max(60, value.adjusted() + places + 2)
        shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
        mark = ROUNDED_MARK if shown != value else ""
        text = format(abs(shown), f",.{places}f")
    prefix = "-" if value < 0 else "+" if sign and value > 0 else ""
    return f"{mark}{prefix}{text}"


def column(values: Sequence[Decimal | None], *, missing: str = "-", sign: bool = False) -> list[str]:
    """A column of amounts, all with the same number of decimals."""
    places = places_for(values)
    return [missing if v is None else amount(v, places, sign=sign) for v in values]


@dataclass(frozen=True, slots=True)
class Money:
    """A table cell holding an amount, spelled when its whole column is known:
    ``Money(price, "{} per 1M")``, ``Money(total, "{} USD")``, ``Money(delta, sign=True)``.
    ``kind`` sets apart amounts of another unit in the same column (``"credits"``): each kind
    of a column gets its own number of decimals."""

    value: Decimal
    template: str = "{}"
    sign: bool = False
    kind: str = ""


Cell = str | Decimal | Money | None


def spell_rows(
    rows: Sequence[Sequence[Cell]], *, missing: str = "-", together: Iterable[Iterable[int]] = ()
) -> list[list[str]]:
    """Table rows with the money in each column spelled with that column's decimals.

    ``Decimal`` and ``Money`` cells are amounts; strings are kept; ``None`` is ``missing``.
    ``together``: sets of columns of the same kind (a cost and the same cost on another
    model) that share one number of decimals.
    """
    found: dict[tuple[int, str], list[Decimal]] = {}
    for row in rows:
        for i, cell in enumerate(row):
            if isinstance(cell, Decimal | Money):
                found.setdefault((i, _kind(cell)), []).append(_value(cell))
    places = {key: places_for(values) for key, values in found.items()}
    for group in together:
        keys = [key for key in places if key[0] in set(group)]
        for kind in {k for _i, k in keys}:
            shared = max(places[key] for key in keys if key[1] == kind)
            for key in keys:
                if key[1] == kind:
                    places[key] = shared
    out: list[list[str]] = []
    for row in rows:
        cells: list[str] = []
        for i, cell in enumerate(row):
            if isinstance(cell, Money):
                cells.append(cell.template.format(amount(cell.value, places[i, cell.kind], sign=cell.sign)))
            elif isinstance(cell, Decimal):
                cells.append(amount(cell, places[i, ""]))
            else:
                cells.append(missing if cell is None else cell)
        out.append(cells)
    return out


def _value(cell: Decimal | Money) -> Decimal:
    return cell.value if isinstance(cell, Money) else cell


def _kind(cell: Decimal | Money) -> str:
    return cell.kind if isinstance(cell, Money) else ""
