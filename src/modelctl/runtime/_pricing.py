"""Price sets compiled for fast costing, the decimal context money is computed in, and days."""

from __future__ import annotations

from collections import namedtuple
from datetime import UTC, date, datetime
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from operator import itemgetter
from time import time as _time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

# --- money: exact, whatever context the application set -----------------------------

# Costs are products and sums of decimal prices and integer counts: exact at any
# precision, so the runtime computes them in a context as wide as decimal allows,
# never in the application's (``decimal.getcontext().prec = 6`` must not round a
# bill).  Only exact operations (multiply, add, scale by a power of ten) run in it:
# a non-terminating division at MAX_PREC would exhaust memory.
MONEY = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, DivisionByZero, Overflow])
# Bound once: looking a method up on a Context is slow (its __getattr__ checks for flags and traps).
MONEY_MULTIPLY, MONEY_ADD = MONEY.multiply, MONEY.add
# Prices per 1M tokens or 1,000 calls become per-unit prices in this context: exact (a price has far
# fewer digits); per-minute prices become per-second ones to 50 significant digits (1/60 has no decimal form).
_DIVIDE = Context(prec=50, traps=[InvalidOperation, DivisionByZero, Overflow])

# --- pricing plans: a price set compiled for fast costing -------------------------

_ZERO = Decimal(0)
# usage field -> (component name, price keys to try in order, units the price is for:
# 1,000,000 tokens, 1,000 calls, 60 seconds, or 1)
_COMPONENTS: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("input_tokens", "input", ("input_per_1m",), 1_000_000),
    ("output_tokens", "output", ("output_per_1m",), 1_000_000),
    ("cached_input_tokens", "cached_input", ("cached_input_per_1m", "input_per_1m"), 1_000_000),
    ("cache_write_tokens", "cache_write", ("cache_write_per_1m", "input_per_1m"), 1_000_000),
    (
        "cache_write_1h_tokens",
        "cache_write_1h",
        ("cache_write_1h_per_1m", "cache_write_per_1m", "input_per_1m"),
        1_000_000,
    ),
    ("reasoning_tokens", "reasoning", ("reasoning_per_1m", "output_per_1m"), 1_000_000),
    ("input_audio_tokens", "input_audio", ("input_audio_per_1m", "input_per_1m"), 1_000_000),
    ("output_audio_tokens", "output_audio", ("output_audio_per_1m", "output_per_1m"), 1_000_000),
    ("input_image_tokens", "input_image", ("input_image_per_1m", "input_per_1m"), 1_000_000),
    ("output_image_tokens", "output_image", ("output_image_per_1m", "output_per_1m"), 1_000_000),
    ("requests", "request", ("per_request",), 1),
    ("images", "image", ("per_image",), 1),
    ("web_search_requests", "web_search", ("web_search_per_1k",), 1_000),
    ("file_search_requests", "file_search", ("file_search_per_1k",), 1_000),
    ("input_audio_seconds", "input_audio_time", ("input_audio_per_minute",), 60),
    ("input_video_tokens", "input_video", ("input_video_per_1m", "input_per_1m"), 1_000_000),
    (
        "cached_input_audio_tokens",
        "cached_input_audio",
        ("cached_input_audio_per_1m", "input_audio_per_1m", "cached_input_per_1m", "input_per_1m"),
        1_000_000,
    ),
    (
        "cached_input_image_tokens",
        "cached_input_image",
        ("cached_input_image_per_1m", "cached_input_per_1m", "input_image_per_1m", "input_per_1m"),
        1_000_000,
    ),
    (
        "cache_write_12h_tokens",
        "cache_write_12h",
        ("cache_write_12h_per_1m", "cache_write_per_1m", "input_per_1m"),
        1_000_000,
    ),
    ("seconds", "time", ("per_second",), 1),
)
_OPTIONAL = {"requests"}  # no per_request price: requests cost nothing
_REQUESTS = next(i for i, (f, *_) in enumerate(_COMPONENTS) if f == "requests")
# Usage fields that count towards a context tier: every input-side token.
SIDE_FIELDS: tuple[str, ...] = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "input_audio_tokens",
    "input_image_tokens",
    "input_video_tokens",
    "cached_input_audio_tokens",
    "cached_input_image_tokens",
    "cache_write_12h_tokens",
)
SIDE_INDEXES: tuple[int, ...] = tuple(i for i, (f, *_) in enumerate(_COMPONENTS) if f in SIDE_FIELDS)


def unit_price(price: Decimal, unit: int) -> Decimal:
    """The price of one unit: exact for a power of ten (as ``price / unit`` is), 50 digits for minutes."""
    return _DIVIDE.divide(price, unit) if unit != 1 else price


# One (component, price per unit) per usage field, in USAGE_FIELDS order; the
# price is None where the model has none.
if TYPE_CHECKING:
    _Rates = tuple[tuple[str | None, Decimal | None], ...]


def _rates(prices: Mapping[str, Decimal]) -> _Rates:
    out: list[tuple[str | None, Decimal | None]] = []
    for usage_field, component, keys, unit in _COMPONENTS:
        price = next((prices[k] for k in keys if k in prices), None)
        if price is None:
            # (component, None): a non-zero usage is an error; (None, None): it is free.
            out.append((None if usage_field in _OPTIONAL else component, None))
        else:
            out.append((component, unit_price(price, unit)))
    return tuple(out)


class _Plan(
    namedtuple("_Plan", ("price", "rates", "tiers", "windows", "unsupported", "max_input", "week", "served", "text"))
):
    """A period compiled: its PriceSet, rates, (threshold, rates) tiers, the time-of-day windows of its
    variants (base plans only), the usage fields the model cannot serve, and the most input-side
    tokens it takes (0: no limit known).  For ``cost()``: ``week`` is ``week_table(windows)`` (None
    without windows), ``served`` is a function of a usage that is truthy when a field the model
    cannot serve is non-zero (None when it serves every field), and ``text`` is ``text_rates``."""

    __slots__ = ()


# The usage fields of a text-only usage (what most responses report): the first six counts; every
# other field holds its default (requests 1).  ``cost()`` prices such a usage without walking the
# other fourteen fields: a text-only usage is ``usage[TEXT_COUNTS:TEXT_END] == TEXT_TAIL``.
TEXT_COUNTS = 6
TEXT_END = len(_COMPONENTS)
TEXT_TAIL: tuple[int, ...] = tuple(1 if f in _OPTIONAL else 0 for f, *_ in _COMPONENTS[TEXT_COUNTS:])
TEXT_NAMES: tuple[str, ...] = tuple(component for _, component, _, _ in _COMPONENTS[:TEXT_COUNTS])


def text_rates(rates: _Rates, tiers: tuple[tuple[int, _Rates], ...], price: Any, max_input: int) -> Any:
    """For a text-only usage: (the six text fields' unit prices, (threshold, those prices) per tier,
    currency, effective_from, max_input); None when requests have a price (the full loop prices them)."""
    if rates[_REQUESTS][1] is not None or any(r[_REQUESTS][1] is not None for _, r in tiers):
        return None
    head = tuple(rate for _, rate in rates[:TEXT_COUNTS])
    by_tier = tuple((above, tuple(rate for _, rate in r[:TEXT_COUNTS])) for above, r in tiers)
    return head, by_tier, price[1], price[2], max_input


def served_check(unsupported: tuple[tuple[int, str, str], ...]) -> Callable[[tuple[Any, ...]], Any] | None:
    """A C-level check of a usage: a tuple of the ``unsupported`` fields' counts, one of them non-zero
    when the usage needs what the model cannot serve (None when it serves every field)."""
    if not unsupported:
        return None
    first = unsupported[0][0]
    return itemgetter(first, *(k for k, _, _ in unsupported))  # two or more indexes: always a tuple


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


_today = [0, 0.0]  # [ordinal of today (UTC), the time at which it ends]


def _today_ordinal() -> int:
    now = _time()
    if now >= _today[1]:
        days = int(now // 86400)
        _today[0], _today[1] = _EPOCH_ORDINAL + days, (days + 1) * 86400.0
    return int(_today[0])


def _ordinal(at: date | datetime | str | None) -> int:
    if at is None:
        return _today_ordinal()
    if type(at) is date:
        return at.toordinal()
    return _day(at).toordinal()


# --- the catalog ---------------------------------------------------------------------


def in_utc(moment: datetime, at: object) -> datetime:
    """The aware ``moment`` (``at``, or parsed from it) in UTC (naive: a tzinfo whose ``utcoffset()`` is None
    leaves it naive, and a naive instant is UTC).  ValueError naming ``at`` when its UTC
    day is outside what ``date`` holds (0001-01-01 to 9999-12-31) or its tzinfo raises (the caller's
    error chained as the cause)."""
    try:
        if moment.utcoffset() is None:
            # A tzinfo that knows no offset makes the datetime naive (as Python says): UTC here, never
            # the machine's local time, which astimezone() would read it as.
            return moment.replace(tzinfo=None)
        return moment.astimezone(UTC)
    except OverflowError:
        shown = repr(at) if isinstance(at, str) else moment.isoformat()
        raise ValueError(
            f"at={shown} is out of range in UTC: its UTC day is before 0001-01-01 or after 9999-12-31"
        ) from None
    except Exception as exc:
        tz = type(moment.tzinfo).__name__
        raise ValueError(f"at: its tzinfo {tz} raised {type(exc).__name__}: {exc}") from exc


def _day(at: date | datetime | str | None) -> date:
    if at is None:
        return datetime.now(UTC).date()
    if isinstance(at, datetime):
        return (in_utc(at, at) if at.tzinfo is not None else at).date()
    if isinstance(at, date):
        return at
    if isinstance(at, str):
        # A date-time string is an instant: its UTC day (as for a datetime), whatever offset it was
        # written with; a date alone is a calendar day.
        try:
            if "T" not in at:
                return date.fromisoformat(at)
            moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{at!r} is not an ISO date or date-time") from None
        return (in_utc(moment, at) if moment.tzinfo is not None else moment).date()
    raise TypeError(f"at must be a date, datetime or ISO string, not {type(at).__name__}")


# --- time-of-day windows --------------------------------------------------------------------

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ALL_DAYS = 0b1111111

if TYPE_CHECKING:
    # (variant, ((start minute, end minute, weekday bit mask), ...)): minutes of the UTC day, end excluded
    _Windows = tuple[tuple[str, tuple[tuple[int, int, int], ...]], ...]


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def compile_windows(variants: Mapping[str, Mapping[str, object]]) -> _Windows:
    """The windows of a period's variants, by variant name (sorted: the first that matches wins)."""
    out = []
    for name in sorted(variants):
        spans = []
        for w in variants[name].get("windows", ()) or ():  # type: ignore[attr-defined]
            days = w.get("weekdays")
            mask = sum(1 << _WEEKDAYS.index(d) for d in days) if days else _ALL_DAYS
            spans.append((_minutes(w["start"]), _minutes(w["end"]), mask))
        if spans:
            out.append((name, tuple(spans)))
    return tuple(out)


def instant(at: date | datetime | str | None) -> tuple[int, int] | None:
    """(minute of the UTC day, weekday 0=Monday) of an instant; None for a date alone (the base price)."""
    if at is None:
        now = _time()
        return int(now % 86400) // 60, (int(now // 86400) + 3) % 7  # 1970-01-01 was a Thursday
    if isinstance(at, datetime):
        moment = in_utc(at, at) if at.tzinfo is not None else at
    elif isinstance(at, str) and "T" in at:
        try:
            moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{at!r} is not an ISO date or date-time") from None
        moment = in_utc(moment, at) if moment.tzinfo is not None else moment
    else:
        return None
    return moment.hour * 60 + moment.minute, moment.weekday()


_WEEK = 7 * 1440  # minutes


def week_table(windows: _Windows) -> tuple[tuple[str | None, ...], bytes] | None:
    """(names, table): ``names[table[minute of the UTC week]]`` (0 = Monday 00:00) is the variant
    whose window holds that minute, as ``window_variant`` finds it (None: none does).  10,080 bytes
    per windowed period, built once, so that ``cost()`` finds the variant with two subscripts."""
    if not windows or len(windows) > 254:
        return None
    names: tuple[str | None, ...] = (None, *(name for name, _ in windows))
    table = bytearray(_WEEK)
    # The first variant by name wins an overlap: fill the last first, so that earlier ones overwrite.
    for index in range(len(windows), 0, -1):
        for start, end, mask in windows[index - 1][1]:
            for day in range(7):
                if not mask & (1 << day):
                    continue
                base = day * 1440
                spans = [(start, end)] if start <= end else [(start, 1440), (0, end)]
                for lo, hi in spans:
                    table[base + lo : base + min(hi, 1440)] = bytes([index]) * max(0, min(hi, 1440) - lo)
    return names, bytes(table)


def minute_of_week(at: date | datetime | str | None) -> int:
    """The minute of the UTC week (0 = Monday 00:00) of an instant; -1 for a date alone."""
    when = instant(at)
    return -1 if when is None else when[1] * 1440 + when[0]


def window_variant(windows: _Windows, minute: int, weekday: int) -> str | None:
    """The variant whose window holds the instant, or None."""
    bit = 1 << weekday
    for name, spans in windows:
        for start, end, mask in spans:
            if not mask & bit:
                continue
            if (start <= minute < end) if start <= end else (minute >= start or minute < end):
                return name
    return None


# --- what a model can serve -------------------------------------------------------------------

# usage field -> the modality it needs (input or output side)
_NEEDS: dict[str, tuple[str, str]] = {
    "input_audio_tokens": ("input", "audio"),
    "cached_input_audio_tokens": ("input", "audio"),
    "input_audio_seconds": ("input", "audio"),
    "input_image_tokens": ("input", "image"),
    "cached_input_image_tokens": ("input", "image"),
    "input_video_tokens": ("input", "video"),
    "output_audio_tokens": ("output", "audio"),
    "output_image_tokens": ("output", "image"),
}


# What cost() assumes of a text-only usage: no text field needs a modality, and its input-side
# tokens are the input, cached input and cache writes (5 minutes, 1 hour).
assert not set(_NEEDS) & {f for f, *_ in _COMPONENTS[:TEXT_COUNTS]}  # noqa: S101
assert tuple(i for i in SIDE_INDEXES if i < TEXT_COUNTS) == (0, 2, 3, 4)  # noqa: S101
assert _REQUESTS not in SIDE_INDEXES  # noqa: S101 - the tail's only non-zero default


def unsupported_fields(input_modalities: object, output_modalities: object) -> tuple[tuple[int, str, str], ...]:
    """(usage index, field, reason) for each usage field the model's modalities rule out."""
    fields = [f for f, *_ in _COMPONENTS]
    out = []
    for name, (side, modality) in _NEEDS.items():
        accepted = input_modalities if side == "input" else output_modalities
        if modality not in accepted:  # type: ignore[operator]
            verb = "accept" if side == "input" else "produce"
            out.append((fields.index(name), name, f"does not {verb} {modality} {side}"))
    return tuple(out)


def max_input_of(model: Mapping[str, object], period: Mapping[str, object]) -> int:
    """The most input-side tokens one request may have in ``period`` (0: no limit known): the
    period's own limits where it has them, else the model's; ``max_input_tokens``, else the window."""
    limits: Mapping[str, int] = period.get("limits") or model.get("limits") or {}  # type: ignore[assignment]
    return int(limits.get("max_input_tokens") or limits.get("context_window") or 0)
