"""Date parsing and reconciliation: every date in UTC, implausible ones refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(hours=36)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_datetime(value: str | None, tz: str = "UTC") -> datetime | None:
    """Parse ISO 8601 / RFC 822 / common variants; naive values are read in ``tz``."""
    if not value:
        return None
    value = value.strip()
    if not value:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
            if parsed.tzinfo is None and value.rstrip().endswith("-0000"):
                parsed = parsed.replace(tzinfo=UTC)  # RFC 2822: "-0000" is UTC, origin unknown
        except (TypeError, ValueError, IndexError):
            parsed = _parse_complete(value)
            if parsed is None:
                return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    return parsed.astimezone(UTC)


_DEFAULT_A = datetime(2001, 1, 1, 1, 1, 1)
_DEFAULT_B = datetime(2002, 2, 2, 2, 2, 2)


def _parse_complete(value: str) -> datetime | None:
    """dateutil fills missing parts from a default; a date it had to complete is refused."""
    from dateutil import parser as du

    try:
        a = du.parse(value, default=_DEFAULT_A)
        b = du.parse(value, default=_DEFAULT_B)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.date() != b.date():
        return None
    if (a.hour, a.minute) != (b.hour, b.minute):
        # Time missing: keep the date (midnight), as ISO date-only values are.
        return a.replace(hour=0, minute=0, second=0, microsecond=0)
    return a


def is_plausible(value: datetime, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    return EARLIEST <= value <= now + FUTURE_SLACK


def pick_date(
    candidates: list[tuple[str, str | datetime | None]], tz: str = "UTC", now: datetime | None = None
) -> tuple[datetime | None, str | None]:
    """The first plausible candidate, in the given order of trust, and its source's name."""
    for source, raw in candidates:
        if raw is None:
            continue
        value = raw if isinstance(raw, datetime) else parse_datetime(raw, tz)
        if value is None:
            continue
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo(tz))
        value = value.astimezone(UTC)
        if is_plausible(value, now):
            return value, source
    return None, None
