"""Discover article links on a source's section pages (``sections`` in config/sources.yaml).

A section page lists articles; navigation, tag and author links are on it too. Only links
whose absolute URL matches the section's ``link_pattern`` are recorded, with
``discovered_via = "section"`` and the section URL as ``discovered_from``. Each section's
outcome is recorded in ``feed_state`` (kind ``section``) like a sitemap's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from newsmon.config import SectionConfig
from processors.urls import canonicalize_url
from spiders.base import SourceSpider
from spiders.items import FeedStatusItem, LinkItem

MAX_LINKS_PER_SECTION = 500
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def section_links(response: Response, section: SectionConfig, limit: int = MAX_LINKS_PER_SECTION) -> list[str]:
    """Absolute article URLs on a section page that match the section's link pattern, in page
    order, without duplicates or fragments. A URL matches with its query string or without it
    (``/a-st1?source=rss`` matches a pattern written for ``/a-st1``)."""
    if not isinstance(response, TextResponse):
        return []
    pattern = re.compile(section.link_pattern)
    out: list[str] = []
    seen: set[str] = set()
    for href in response.xpath("//a/@href").getall():
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        try:
            url = urldefrag(response.urljoin(href))[0]
            parts = urlsplit(url)
        except ValueError:
            continue
        if parts.scheme not in ("http", "https") or not parts.hostname or url in seen:
            continue
        bare = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        if pattern.search(url) or pattern.search(bare):
            seen.add(url)
            out.append(url)
            if len(out) >= limit:
                break
    return out


class SectionSpider(SourceSpider):
    name = "section"

    async def start(self) -> Any:
        for section in self.source.sections:
            yield scrapy.Request(
                section.url,
                callback=self.parse_section,
                errback=self.section_failed,
                cb_kwargs={"section": section},
                dont_filter=True,
            )

    def parse_section(self, response: Response, section: SectionConfig) -> Iterator[Any]:
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()
        if (ctype and ctype not in _HTML_TYPES) or not isinstance(response, TextResponse):
            yield FeedStatusItem(
                self.source.id, section.url, "section", "parse_error", response.status, f"not HTML: {ctype or 'binary'}"
            )
            return
        links = section_links(response, section)
        for found in links:
            yield LinkItem(
                source_id=self.source.id,
                url=canonicalize_url(found),
                found_url=found,
                discovered_via="section",
                discovered_from=section.url,
            )
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("newsmon/section/links", len(links))
        self.logger.info("section %s (%s): %d article links", section.url, self.source.id, len(links))
        yield FeedStatusItem(self.source.id, section.url, "section", "ok", response.status, items=len(links))

    def section_failed(self, failure: Failure) -> Iterator[Any]:
        from spiders.article import classify_failure

        section: SectionConfig = failure.request.cb_kwargs["section"]  # type: ignore[attr-defined]
        _status, reason, http_status = classify_failure(failure)
        yield FeedStatusItem(self.source.id, section.url, "section", reason, http_status, str(failure.value)[:300])
