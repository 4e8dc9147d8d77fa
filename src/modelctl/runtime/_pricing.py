"""Price sets compiled for fast costing, and days."""

from __future__ import annotations

from collections import namedtuple
from datetime import UTC, date, datetime
from decimal import Decimal
from time import time as _time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# --- pricing plans: a price set compiled for fast costing -------------------------

_MILLION = Decimal(1_000_000)
_ZERO = Decimal(0)
# usage field -> (component name, price keys to try in order, per million?)
_COMPONENTS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("input_tokens", "input", ("input_per_1m",), True),
    ("output_tokens", "output", ("output_per_1m",), True),
    ("cached_input_tokens", "cached_input", ("cached_input_per_1m", "input_per_1m"), True),
    ("cache_write_tokens", "cache_write", ("cache_write_per_1m", "input_per_1m"), True),
    ("cache_write_1h_tokens", "cache_write_1h", ("cache_write_1h_per_1m", "cache_write_per_1m", "input_per_1m"), True),
    ("reasoning_tokens", "reasoning", ("reasoning_per_1m", "output_per_1m"), True),
    ("input_audio_tokens", "input_audio", ("input_audio_per_1m", "input_per_1m"), True),
    ("output_audio_tokens", "output_audio", ("output_audio_per_1m", "output_per_1m"), True),
    ("input_image_tokens", "input_image", ("input_image_per_1m", "input_per_1m"), True),
    ("output_image_tokens", "output_image", ("output_image_per_1m", "output_per_1m"), True),
    ("requests", "request", ("per_request",), False),
    ("images", "image", ("per_image",), False),
)
_OPTIONAL = {"requests"}  # no per_request price: requests cost nothing


# One (component, price per unit) per usage field, in USAGE_FIELDS order; the
# price is None where the model has none.
if TYPE_CHECKING:
    _Rates = tuple[tuple[str | None, Decimal | None], ...]


def _rates(prices: Mapping[str, Decimal]) -> _Rates:
    out: list[tuple[str | None, Decimal | None]] = []
    for usage_field, component, keys, per_million in _COMPONENTS:
        price = next((prices[k] for k in keys if k in prices), None)
        if price is None:
            # (component, None): a non-zero usage is an error; (None, None): it is free.
            out.append((None if usage_field in _OPTIONAL else component, None))
        else:
            # Dividing by a power of ten is exact: it only moves the exponent.
            out.append((component, price / _MILLION if per_million else price))
    return tuple(out)


class _Plan(namedtuple("_Plan", ("price", "rates", "tiers"))):
    __slots__ = ()


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


def _day(at: date | datetime | str | None) -> date:
    if at is None:
        return datetime.now(UTC).date()
    if isinstance(at, datetime):
        return (at.astimezone(UTC) if at.tzinfo else at).date()
    if isinstance(at, date):
        return at
    if isinstance(at, str):
        try:
            return datetime.fromisoformat(at.replace("Z", "+00:00")).date() if "T" in at else date.fromisoformat(at)
        except ValueError:
            raise ValueError(f"{at!r} is not an ISO date or date-time") from None
    raise TypeError(f"at must be a date, datetime or ISO string, not {type(at).__name__}")
