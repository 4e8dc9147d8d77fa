"""Today's date, from one place.

Every rule that depends on the date asks here.  Tests (and reproducible CI
runs) set ``MODELCTL_TODAY=YYYY-MM-DD``; library callers may pass ``today``
explicitly instead.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from modelctl.errors import TodayNotADate

ENV_VAR = "MODELCTL_TODAY"


def today() -> date:
    value = os.environ.get(ENV_VAR)
    if not value:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TodayNotADate(f"${ENV_VAR}={value!r} is not a date: use YYYY-MM-DD") from None
