"""Date parsing and reconciliation: every date in UTC, implausible ones refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
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


# Zone abbreviations news pages print (dateutil knows only UTC/GMT): offsets in seconds.
_TZ_ABBREVIATIONS = {
    "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600, "MST": -7 * 3600,
    "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600, "BST": 3600, "CET": 3600, "CEST": 7200,
    "EET": 7200, "EEST": 3 * 3600, "MSK": 3 * 3600, "IST": 19800, "JST": 9 * 3600, "KST": 9 * 3600,
    "AEST": 10 * 3600, "AEDT": 11 * 3600,
}  # fmt: skip
_DEFAULT_A = datetime(2001, 1, 1, 1, 1, 1)
_DEFAULT_B = datetime(2002, 2, 2, 2, 2, 2)


def _parse_complete(value: str) -> datetime | None:
    """dateutil fills missing parts from a default; a date it had to complete is refused."""
    import warnings

    from dateutil import parser as du

    try:
        with warnings.catch_warnings():
            # An unknown zone name ("EDT") leaves the value naive: it is then read in the
            # source's time zone, which is what we want, not a warning.
            warnings.simplefilter("ignore", du.UnknownTimezoneWarning)
            a = du.parse(value, default=_DEFAULT_A, tzinfos=_TZ_ABBREVIATIONS)
            b = du.parse(value, default=_DEFAULT_B, tzinfos=_TZ_ABBREVIATIONS)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.date() != b.date():
        return None
    if (a.hour, a.minute) != (b.hour, b.minute):
        # Time missing: keep the date (midnight), as ISO date-only values are.
        return a.replace(hour=0, minute=0, second=0, microsecond=0)
    return a


def is_plausible(value: datetime, now: datetime | None = None, not_before: datetime | None = None) -> bool:
    """Not in the future (beyond a small clock slack), not before 1995 (the web news era), and
    not before ``not_before`` (the outlet's founding, where the registry knows it)."""
    now = now or datetime.now(UTC)
    earliest = max(EARLIEST, not_before) if not_before is not None else EARLIEST
    return earliest <= value <= now + FUTURE_SLACK


def _from_timestamp(value: float) -> datetime | None:
    """A Unix time in seconds or milliseconds (JSON-LD sometimes carries one)."""
    seconds = value / 1000 if value > 10**11 else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def pick_date(
    candidates: list[tuple[str, Any]],
    tz: str = "UTC",
    now: datetime | None = None,
    not_before: datetime | None = None,
) -> tuple[datetime | None, str | None]:
    """The first plausible candidate, in the given order of trust, and its source's name."""
    for source, raw in candidates:
        if callable(raw):  # an expensive source, evaluated only when reached
            raw = raw()
        if isinstance(raw, list):  # JSON-LD may list several values: the first is the claim
            raw = raw[0] if raw else None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = _from_timestamp(raw)
        if raw is None or not isinstance(raw, str | datetime):
            continue
        value = raw if isinstance(raw, datetime) else parse_datetime(raw, tz)
        if value is None:
            continue
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo(tz))
        value = value.astimezone(UTC)
        if is_plausible(value, now, not_before):
            return value, source
    return None, None
