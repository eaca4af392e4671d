"""Fetch the pending links of one source and store the raw pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from spiders.base import SourceSpider
from spiders.items import LinkOutcomeItem, RawPageItem
from spiders.middlewares import BlockedRequest, HostBusy
from spiders.resolver import PrivateAddressError

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PERMANENT_HTTP = {400, 401, 403, 404, 410, 451}


def classify_failure(failure: Failure) -> tuple[str, str, int | None]:
    """(link status, reason, HTTP status) for a failed request. Reasons are documented."""
    exc = failure.value
    if isinstance(exc, HttpError):
        code = exc.response.status
        return ("failed" if code in _PERMANENT_HTTP else "retry"), f"http_{code}", code
    if isinstance(exc, HostBusy):
        return "retry", "host_busy", None
    if isinstance(exc, (BlockedRequest, PrivateAddressError)):
        return "skipped", exc.reason, None
    if isinstance(exc, IgnoreRequest):
        msg = str(exc).lower()
        if "robots" in msg:
            return "skipped", "robots", None
        if "maxsize" in msg:  # the decompressed body passed DOWNLOAD_MAXSIZE (a gzip bomb)
            return "skipped", "too_large", None
        return "skipped", "ignored", None
    if isinstance(exc, (TimeoutError, TCPTimedOutError)):
        return "retry", "timeout", None
    if isinstance(exc, DNSLookupError):
        return "retry", "dns_error", None
    if isinstance(exc, (ConnectionRefusedError, ConnectionLost, ResponseFailed)):
        return "retry", "connection_error", None
    name = type(exc).__name__
    if name == "CancelledError" or "maxsize" in str(exc).lower():
        return "skipped", "too_large", None
    return "retry", f"error_{name}"[:64], None


def redirect_chain(response: Response) -> list[dict[str, Any]]:
    """The hops Scrapy's redirect middleware followed to reach ``response`` (bounded by
    ``REDIRECT_MAX_TIMES``): each requested URL with the 3xx status it answered."""
    urls = response.meta.get("redirect_urls") or []
    reasons = response.meta.get("redirect_reasons") or []
    return [{"url": u, "status": reasons[i] if i < len(reasons) else None} for i, u in enumerate(urls)]


class ArticleSpider(SourceSpider):
    name = "article"

    def __init__(self, source: str | None = None, limit: str | int = 200, **kwargs: Any) -> None:
        super().__init__(source=source, **kwargs)
        self.limit = int(limit)

    async def start(self) -> Any:
        from newsmon.settings import get_settings
        from store import repo
        from store.db import create_engine_from_url, make_session_factory, session_scope

        engine = create_engine_from_url(get_settings().database_url)
        try:
            with session_scope(make_session_factory(engine)) as session:
                links = [(lk.id, lk.url) for lk in repo.pending_links(session, self.source.id, self.limit)]
        finally:
            engine.dispose()
        self.logger.info("%s: %d pending links", self.source.id, len(links))
        for link_id, url in links:
            yield scrapy.Request(
                url,
                callback=self.parse_page,
                errback=self.fetch_failed,
                cb_kwargs={"link_id": link_id},
                meta={"link_id": link_id},
                dont_filter=True,
            )

    def parse_page(self, response: Response, link_id: int) -> Iterator[Any]:
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()
        if ctype and ctype not in _HTML_TYPES:
            self.crawler.stats.inc_value("newsmon/skipped/not_html")  # type: ignore[union-attr]
            yield LinkOutcomeItem(self.source.id, link_id, "skipped", "not_html")
            return
        headers = {k.decode("latin-1").lower(): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        self.crawler.stats.inc_value("newsmon/fetched")  # type: ignore[union-attr]
        yield RawPageItem(
            source_id=self.source.id,
            link_id=link_id,
            url=response.request.url if response.request else response.url,
            final_url=response.url,
            status=response.status,
            headers=headers,
            body=response.body,
            redirects=redirect_chain(response),
        )

    def fetch_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        link_id = request.meta["link_id"]
        status, reason, _code = classify_failure(failure)
        self.crawler.stats.inc_value(f"newsmon/{status}/{reason}")  # type: ignore[union-attr]
        self.logger.info("link %s %s: %s (%s)", link_id, status, reason, request.url)
        yield LinkOutcomeItem(self.source.id, link_id, status, reason)
