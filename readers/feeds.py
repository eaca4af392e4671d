"""Parse feeds and poll them into the store.

``parse_feed`` is pure (bytes in, items out). ``poll_feed`` does one conditional GET, skips
unchanged bodies (some servers never answer 304, a few answer it wrongly), parses, and writes
the discovered links. Re-polling an unchanged feed writes nothing new.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from processors.dates import is_plausible, parse_datetime
from processors.language import normalise_declared
from processors.urls import canonicalize_url

log = logging.getLogger(__name__)

_WS = re.compile(r"\s+")
_BLOCK_TAGS = (
    "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "td", "th",
    "table", "section", "article", "figure", "figcaption", "pre", "hr", "dt", "dd",
)  # fmt: skip
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True)
class FeedItem:
    title: str | None
    link: str | None
    summary: str | None
    published_at: datetime | None
    guid: str | None
    language: str | None

    def to_json(self) -> dict[str, Any]:
        from processors.types import iso_utc

        return {
            "title": self.title,
            "link": self.link,
            "summary": self.summary,
            "published_at": iso_utc(self.published_at),
            "guid": self.guid,
            "language": self.language,
        }


@dataclass(frozen=True)
class ParsedFeed:
    items: list[FeedItem]
    title: str | None = None
    language: str | None = None
    bozo: str | None = None  # feedparser's reason when the document was ill-formed
    version: str | None = None


def html_to_text(value: str | None) -> str | None:
    """Reduce feed HTML to plain text (we store text, never third-party markup)."""
    if not value:
        return None
    if "<" not in value and "&" not in value:
        text = value
    else:
        import lxml.html
        from lxml import etree

        try:
            frag = lxml.html.fragment_fromstring(value, create_parent="div")
            for bad in frag.xpath(".//script|.//style"):
                bad.drop_tree()
            # Blocks and line breaks separate words: <p>a</p><p>b</p> is "a b", not "ab".
            for node in frag.iter(*_BLOCK_TAGS):
                node.tail = " " + (node.tail or "")
                if node.tag != "br":
                    node.text = " " + (node.text or "")
            text = frag.text_content()
        except (etree.ParserError, ValueError):
            text = re.sub(r"<[^>]+>", " ", value)
    text = _WS.sub(" ", text).strip()
    return text or None


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        parsed_struct = entry.get(f"{key}_parsed")
        value = parse_datetime(raw) if raw else None
        if value is None and parsed_struct:
            value = datetime.fromtimestamp(calendar.timegm(parsed_struct), UTC)
        if value is not None and is_plausible(value):
            return value
    return None


def parse_feed(body: bytes, base_url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes. Never raises on bad input."""
    stripped = body.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not stripped:
        return ParsedFeed(items=[], bozo="empty document")
    if stripped[:1] in (b"{", b"["):
        return _parse_json_feed(body, base_url)
    import feedparser

    # No Content-Location for feedparser: item links are resolved against ``base_url`` below
    # (same links on every file of the shared corpus), and feedparser would otherwise join
    # every URI it sees and flag a spurious "no Content-type specified" bozo.
    headers: dict[str, str] = {}
    if content_type:
        headers["content-type"] = _trusted_content_type(body, content_type)
    # Neither sanitising nor rewriting relative URIs inside embedded HTML: we reduce that HTML
    # to text (html_to_text). Item links are still resolved (xml:base by feedparser, then
    # urljoin on base_url below). See bench/README.md for what each setting costs.
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    feed_lang = normalise_declared(parsed.feed.get("language"))
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            for candidate in entry.get("links", []):
                if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
                    link = candidate["href"]
                    break
        if link and base_url:
            from urllib.parse import urljoin

            link = urljoin(base_url, link)
        summary = entry.get("summary") or (entry.get("content") or [{}])[0].get("value")
        items.append(
            FeedItem(
                title=html_to_text(entry.get("title")),
                link=link.strip() if link else None,
                summary=html_to_text(summary),
                published_at=_entry_date(entry),
                guid=entry.get("id") or link,
                language=normalise_declared(entry.get("language")) or feed_lang,
            )
        )
    bozo = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        bozo = f"{type(exc).__name__}: {exc}" if exc else "ill-formed feed"
    elif not parsed.get("version") and not items:
        bozo = "not a feed: no RSS, Atom or RDF document found"
    return ParsedFeed(
        items=items,
        title=html_to_text(parsed.feed.get("title")),
        language=feed_lang,
        bozo=bozo,
        version=parsed.get("version") or None,
    )


_CHARSET_RE = re.compile(r";\s*charset\s*=\s*[\"']?([\w.:-]+)[\"']?", re.IGNORECASE)


def _trusted_content_type(body: bytes, content_type: str) -> str:
    """The Content-Type without its charset when the header contradicts the body: a body
    with non-ASCII bytes that is valid UTF-8 is UTF-8 (legacy-encoded text practically never
    validates), whatever a misconfigured server claims. Otherwise the header stands."""
    match = _CHARSET_RE.search(content_type)
    if not match or match.group(1).lower().replace("_", "-") in ("utf-8", "utf8"):
        return content_type
    if body.isascii():
        return content_type
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return content_type
    return _CHARSET_RE.sub("", content_type)


def _parse_json_feed(body: bytes, base_url: str | None) -> ParsedFeed:
    import json
    from urllib.parse import urljoin

    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        return ParsedFeed(items=[], bozo=f"JSONDecodeError: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return ParsedFeed(items=[], bozo="not a JSON Feed: no items list")
    lang = normalise_declared(_str(data.get("language")))
    items = []
    for entry in data["items"]:
        if not isinstance(entry, dict):
            continue
        link = _str(entry.get("url")) or _str(entry.get("external_url"))
        if link and base_url:
            link = urljoin(base_url, link)
        published = parse_datetime(_str(entry.get("date_published"))) or parse_datetime(
            _str(entry.get("date_modified"))
        )
        summary = _str(entry.get("summary")) or _str(entry.get("content_html")) or _str(entry.get("content_text"))
        items.append(
            FeedItem(
                title=html_to_text(_str(entry.get("title"))),
                link=link,
                summary=html_to_text(summary),
                published_at=published if published and is_plausible(published) else None,
                guid=str(entry["id"]) if isinstance(entry.get("id"), (str, int)) else None,
                language=normalise_declared(_str(entry.get("language"))) or lang,
            )
        )
    return ParsedFeed(items=items, title=_str(data.get("title")), language=lang, version="json")


def _str(value: Any) -> str | None:
    """JSON Feed fields are strings by spec; anything else from the wild is ignored."""
    return value if isinstance(value, str) else None


@dataclass
class PollResult:
    source_id: str
    feed_url: str
    status: str
    http_status: int | None = None
    items: int = 0
    new_links: int = 0
    known_links: int = 0
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    next_poll_at: datetime | None = None
    interval: int | None = None
    disabled: bool = False
    moved_to: str | None = None

    @property
    def failed(self) -> bool:
        return self.status not in OK_STATUSES


# Every poll ends in one of these (documented in docs/store.md). ``moved`` is a success whose
# feed answered through a permanent redirect (301/308): the new URL is in ``moved_to``;
# ``deferred`` means nothing was fetched because the host's shared budget (or its
# Retry-After) had no slot in time; it is neither a success nor a failure.
POLL_STATUSES = (
    "ok", "not_modified", "unchanged", "moved", "http_error", "timeout", "too_large", "parse_error",
    "blocked", "network_error", "redirect_loop", "deferred",
)  # fmt: skip
OK_STATUSES = ("ok", "not_modified", "unchanged", "moved", "deferred")


def next_interval(current: int | None, new_items: int, feed_items: int, failed: bool, polling: Any) -> int:
    """The next polling interval (seconds) of a feed, from what this poll brought.

    A poll without new items stretches the interval by half; one with new items scales it so
    that the next poll should find ``polling.target_new_items`` new (at most a quarter of
    the feed's window), never by more than 4x at once; half the window or more new means items may
    have scrolled out unseen: back to ``min_interval``. Failures back off by doubling.
    Always within ``[min_interval, max_interval]``.
    """
    cur = float(current or polling.min_interval)
    if failed:
        nxt = cur * 2
    elif new_items <= 0:
        nxt = cur * 1.5
    elif feed_items and new_items * 2 >= feed_items:
        nxt = polling.min_interval
    else:
        target = max(1.0, min(polling.target_new_items, feed_items / 4)) if feed_items else polling.target_new_items
        nxt = cur * min(max(target / new_items, 0.25), 1.5)
    return int(min(max(nxt, polling.min_interval), polling.max_interval))


def poll_feed(
    session_factory: Any,
    source: Any,
    feed: Any,
    settings: Any,
    *,
    polling: Any = None,
    clock: Callable[[], datetime] | None = None,
) -> PollResult:
    """Poll one configured feed of ``source`` and record the outcome in ``feed_state`` and
    ``feed_polls``: status, adaptive next poll time, weighted failures (and disabling)."""
    from datetime import timedelta

    from newsmon.config import Polling
    from newsmon.politeness import BudgetTimeout, HostBudget, host_key, retry_after_for
    from readers.http import fetch
    from store import repo
    from store.db import session_scope

    polling = polling or Polling()
    now_fn = clock or repo.utcnow
    started = now_fn()
    with session_scope(session_factory) as session:
        state = repo.feed_state(session, source.id, feed.url, feed.kind)
        etag, last_modified, old_hash = state.etag, state.last_modified, state.body_hash
        last_unconditional, interval = state.last_unconditional_at, state.poll_interval
    # Some servers answer 304 although the feed changed: every ``unconditional_every`` the
    # validators are left out, and the body hash decides.
    unconditional = (
        last_unconditional is None or (started - last_unconditional).total_seconds() >= polling.unconditional_every
    )
    conditional: dict[str, str] = {}
    if etag and not unconditional:
        conditional["If-None-Match"] = etag
    if last_modified and not unconditional:
        conditional["If-Modified-Since"] = last_modified
    host = host_key(feed.url)
    budget = HostBudget(session_factory, clock)
    polite = source.politeness
    try:
        budget.acquire(host, polite.delay, polite.concurrency, max_wait=max(30.0, 3 * polite.delay))
    except BudgetTimeout as exc:
        log.info("feed %s (%s): deferred, %s", feed.url, source.id, exc)
        with session_scope(session_factory) as session:
            state = repo.feed_state(session, source.id, feed.url, feed.kind)
            state.next_poll_at = started + timedelta(seconds=max(exc.wait, 1.0))
            return PollResult(source.id, feed.url, "deferred", error=str(exc), next_poll_at=state.next_poll_at)
    retry_after: float | None = None
    try:
        result = fetch(
            feed.url,
            user_agent=settings.user_agent,
            headers={"Accept": FEED_ACCEPT, **conditional},
            timeout=settings.fetch_timeout,
            max_bytes=settings.max_download_bytes,
            allow_private=settings.allow_private_addresses,
        )
        retry_after = retry_after_for(result.http_status, result.headers.get("retry-after"), now_fn())
    finally:
        budget.release(host, retry_after)
    poll = PollResult(source.id, feed.url, result.status, result.http_status, error=result.error)
    links: list[Any] = []
    new_hash = None
    if result.status == "ok":
        new_hash = hashlib.sha256(result.body).hexdigest()
        if new_hash == old_hash:
            poll.status = "unchanged"
        else:
            parsed = parse_feed(result.body, base_url=result.final_url, content_type=result.headers.get("content-type"))
            poll.items = len(parsed.items)
            if not parsed.items and parsed.bozo:
                poll.status, poll.error = "parse_error", parsed.bozo[:500]
            links = _links_from(parsed, feed)
        if result.redirect_codes and result.redirect_codes[0] in (301, 308) and poll.status != "parse_error":
            poll.moved_to = result.final_url
            poll.extra["moved_from_status"] = poll.status
            poll.status = "moved"
    now = now_fn()
    with session_scope(session_factory) as session:
        if links:
            poll.new_links, poll.known_links = repo.upsert_links(session, source.id, links)
        state = repo.feed_state(session, source.id, feed.url, feed.kind)
        state.polls += 1
        state.last_polled_at = now
        state.last_status = poll.status
        state.last_http_status = result.http_status
        state.last_error = poll.error
        if not conditional:
            state.last_unconditional_at = now
        if poll.failed:
            state.consecutive_failures += 1
            state.failure_score = (state.failure_score or 0.0) + polling.weight(poll.status, result.http_status)
            if state.failure_score >= polling.disable_after and not state.disabled:
                state.disabled = True
                state.disabled_at = now
                state.disabled_reason = (
                    f"{state.consecutive_failures} consecutive failures (weighted {state.failure_score:g} >= "
                    f"{polling.disable_after:g}); last: {poll.status}: {poll.error or ''}"
                )[:1000]
                log.warning("feed %s (%s) disabled: %s", feed.url, source.id, state.disabled_reason)
        else:
            state.consecutive_failures = 0
            state.failure_score = 0.0
            state.last_success_at = now
            state.moved_to = poll.moved_to
            if result.status == "ok":
                # New validators even when the body is unchanged: a server that changed its
                # ETag would otherwise never answer 304 again.
                state.etag = result.headers.get("etag")
                state.last_modified = result.headers.get("last-modified")
                state.body_hash = new_hash
            if poll.items:
                state.items_seen += poll.items
            if poll.new_links:
                state.last_new_item_at = now
        poll.interval = next_interval(interval, poll.new_links, poll.items, poll.failed, polling)
        wait = max(float(poll.interval), retry_after or 0.0)
        state.poll_interval = poll.interval
        state.next_poll_at = now + timedelta(seconds=wait)
        poll.next_poll_at, poll.disabled = state.next_poll_at, state.disabled
        repo.record_feed_poll(
            session,
            state,
            polled_at=now,
            status=poll.status,
            http_status=result.http_status,
            new_items=poll.new_links,
            error=poll.error,
        )
    log.info(
        "feed %s (%s): %s, %d items, %d new links, next poll in %d s",
        feed.url,
        source.id,
        poll.status,
        poll.items,
        poll.new_links,
        poll.interval,
    )
    return poll


def _links_from(parsed: ParsedFeed, feed: Any) -> list[Any]:
    from store.repo import DiscoveredLink

    out = []
    for item in parsed.items:
        if not item.link or not item.link.startswith(("http://", "https://")):
            continue
        out.append(
            DiscoveredLink(
                url=canonicalize_url(item.link),
                found_url=item.link,
                discovered_via=feed.kind,
                discovered_from=feed.url,
                title=item.title,
                summary=item.summary,
                published_at=item.published_at,
                language=item.language,
            )
        )
    return out
