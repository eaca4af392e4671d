"""Discover article links from a source's news sitemaps (and the sitemap indexes above them)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from newsmon.config import SitemapConfig
from processors.language import normalise_declared
from processors.urls import canonicalize_url
from spiders.base import SourceSpider
from spiders.items import FeedStatusItem, LinkItem
from spiders.sitemaps import parse_sitemap

MAX_INDEX_DEPTH = 2
DEFAULT_SITEMAP_MAX_BYTES = 64 * 1024 * 1024


class NewsSitemapSpider(SourceSpider):
    name = "news_sitemap"

    async def start(self) -> Any:
        for sitemap in self.source.news_sitemaps:
            yield self._request(sitemap.url, sitemap, depth=0)

    def _request(self, url: str, cfg: SitemapConfig, depth: int) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_sitemap,
            errback=self.sitemap_failed,
            cb_kwargs={"cfg": cfg, "depth": depth},
            dont_filter=depth == 0,
            meta={"cfg": cfg},
        )

    def _body(self, response: Response) -> bytes | None:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            max_size = self.crawler.settings.getint("SITEMAP_MAX_BYTES") or DEFAULT_SITEMAP_MAX_BYTES
            try:
                body = gunzip(body, max_size=max_size)
            except Exception:  # noqa: BLE001 - scrapy raises a private class for the size cap
                return None
        return body

    def parse_sitemap(self, response: Response, cfg: SitemapConfig, depth: int) -> Iterator[Any]:
        stats = self.crawler.stats
        body = self._body(response)
        if body is None:
            yield FeedStatusItem(
                self.source.id,
                response.url,
                "news_sitemap",
                "too_large",
                response.status,
                "decompressed size over the limit",
            )
            return
        parsed = parse_sitemap(body)
        if parsed.kind == "unknown":
            yield FeedStatusItem(
                self.source.id, response.url, "news_sitemap", "parse_error", response.status, "not a sitemap"
            )
            return
        if parsed.kind == "sitemapindex":
            yield FeedStatusItem(
                self.source.id, response.url, "news_sitemap", "ok", response.status, items=len(parsed.entries)
            )
            if depth >= MAX_INDEX_DEPTH:
                return
            newest = sorted(parsed.entries, key=lambda e: e.lastmod or datetime.min.replace(tzinfo=UTC), reverse=True)
            cutoff = datetime.now(UTC) - timedelta(days=cfg.max_age_days)
            for entry in newest[:20]:
                if entry.lastmod is not None and entry.lastmod < cutoff:
                    continue
                yield self._request(response.urljoin(entry.loc), cfg, depth + 1)
            return
        cutoff = datetime.now(UTC) - timedelta(days=cfg.max_age_days)
        kept = 0
        for entry in parsed.entries:
            when = entry.date
            if when is not None and when < cutoff:
                if stats is not None:
                    stats.inc_value("newsmon/sitemap/too_old")
                continue
            found = response.urljoin(entry.loc)
            if not found.startswith(("http://", "https://")):
                continue
            kept += 1
            yield LinkItem(
                source_id=self.source.id,
                url=canonicalize_url(found),
                found_url=found,
                discovered_via="news_sitemap",
                discovered_from=cfg.url,
                title=entry.title,
                published_at=when,
                language=normalise_declared(entry.language),
            )
        yield FeedStatusItem(self.source.id, response.url, "news_sitemap", "ok", response.status, items=kept)

    def sitemap_failed(self, failure: Failure) -> Iterator[Any]:
        from spiders.article import classify_failure

        request = failure.request  # type: ignore[attr-defined]
        _status, reason, http_status = classify_failure(failure)
        yield FeedStatusItem(self.source.id, request.url, "news_sitemap", reason, http_status, str(failure.value)[:300])
