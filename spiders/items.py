"""Items the spiders yield; the store pipeline writes them (ItemAdapter-compatible dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class LinkItem:
    """A link discovered by a sitemap or section page."""

    source_id: str
    url: str  # canonical
    found_url: str
    discovered_via: str
    discovered_from: str
    title: str | None = None
    published_at: datetime | None = None
    language: str | None = None


@dataclass
class RawPageItem:
    """A fetched page of a pending link."""

    source_id: str
    link_id: int
    url: str
    final_url: str
    status: int
    headers: dict[str, Any] = field(default_factory=dict)
    body: bytes = b""
    # The redirect chain: [{"url": requested URL of the hop, "status": its 3xx code}, ...]
    redirects: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LinkOutcomeItem:
    """A link that was not stored as a page: failed, skipped or to retry, with the reason."""

    source_id: str
    link_id: int
    status: str  # failed | skipped | retry
    reason: str


@dataclass
class FeedStatusItem:
    """The outcome of fetching one sitemap (recorded in ``feed_state``)."""

    source_id: str
    url: str
    kind: str
    status: str
    http_status: int | None = None
    error: str | None = None
    items: int = 0
