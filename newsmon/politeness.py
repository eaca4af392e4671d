"""The per-host politeness budget shared by every process, and Retry-After.

The budget lives in the store (``host_budget``, see ``store.repo.reserve_host``): one row per
host with the time the next request may start and the requests in flight. The feed reader
waits for a slot in its worker thread (:meth:`HostBudget.acquire`); the Scrapy downloader
middleware asks without blocking (:meth:`HostBudget.try_reserve`) and reschedules the
request on the reactor instead of sleeping.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

# A server may not park us for longer than this (a typo'd Retry-After of a week would
# otherwise silence a host until someone notices).
MAX_RETRY_AFTER = 3600.0
# Crawl-delay above this is capped (and the cap logged): one request a minute is polite.
MAX_CRAWL_DELAY = 60.0
DEFAULT_RETRY_AFTER = 60.0


def host_key(url: str) -> str:
    """The budget key of a URL: lower-case host name, plus the port when it is not default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return f"{host}:{port}" if port and port != default else host


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), capped
    at :data:`MAX_RETRY_AFTER`; ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    seconds: float | None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def retry_after_for(http_status: int | None, header: str | None, now: datetime | None = None) -> float | None:
    """The back-off a 429 or 503 asks for (a default when it names none); ``None`` otherwise."""
    if http_status not in (429, 503):
        return None
    parsed = parse_retry_after(header, now)
    return parsed if parsed is not None else DEFAULT_RETRY_AFTER


class HostBudget:
    """Client of the shared per-host budget. Every call is one short transaction."""

    def __init__(self, session_factory: Any, clock: Callable[[], datetime] | None = None) -> None:
        self.factory = session_factory
        self.clock = clock or (lambda: datetime.now(UTC))

    def try_reserve(self, host: str, delay: float, concurrency: int) -> float:
        """0.0 when a slot of ``host`` was taken, else the seconds to wait before asking again."""
        from store import repo
        from store.db import session_scope

        with session_scope(self.factory) as session:
            return repo.reserve_host(session, host, now=self.clock(), delay=delay, concurrency=concurrency)

    def acquire(self, host: str, delay: float, concurrency: int, max_wait: float) -> float:
        """Block until a slot of ``host`` is taken; returns the seconds waited. Raises
        :class:`BudgetTimeout` when that would take longer than ``max_wait``."""
        waited = 0.0
        while True:
            wait = self.try_reserve(host, delay, concurrency)
            if wait <= 0:
                return waited
            if waited + wait > max_wait:
                raise BudgetTimeout(host, wait)
            time.sleep(wait)
            waited += wait

    def release(self, host: str, retry_after: float | None = None) -> None:
        from store import repo
        from store.db import session_scope

        with session_scope(self.factory) as session:
            repo.release_host(session, host, now=self.clock(), retry_after=retry_after)
        if retry_after:
            log.info("host %s asked us to wait %.0f s (Retry-After)", host, retry_after)


class BudgetTimeout(Exception):
    """The host's budget has no slot within the caller's patience (e.g. a long Retry-After)."""

    def __init__(self, host: str, wait: float) -> None:
        super().__init__(f"host {host} is not available for another {wait:.0f} s")
        self.host = host
        self.wait = wait
