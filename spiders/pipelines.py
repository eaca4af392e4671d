"""Write spider items to the store, one short transaction per item."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.crawler import Crawler

from spiders.items import FeedStatusItem, LinkItem, LinkOutcomeItem, RawPageItem


class StorePipeline:
    def __init__(self, crawler: Crawler | None = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        from newsmon.settings import get_settings
        from store.db import create_engine_from_url, make_session_factory

        self.engine = create_engine_from_url(get_settings().database_url)
        self.factory = make_session_factory(self.engine)

    def close_spider(self, spider: Spider | None = None) -> None:
        self.engine.dispose()

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        from store import repo
        from store.db import session_scope

        stats = self.crawler.stats if self.crawler is not None else None
        with session_scope(self.factory) as session:
            if isinstance(item, RawPageItem):
                _raw_id, new = repo.save_raw_page(
                    session,
                    link_id=item.link_id,
                    source_id=item.source_id,
                    url=item.url,
                    final_url=item.final_url,
                    status_code=item.status,
                    headers=item.headers,
                    body=item.body,
                    redirects=item.redirects,
                )
                repo.mark_link(session, item.link_id, "fetched")
                if stats is not None:
                    stats.inc_value("newsmon/pages/new" if new else "newsmon/pages/same")
            elif isinstance(item, LinkOutcomeItem):
                repo.mark_link(session, item.link_id, item.status, item.reason)
            elif isinstance(item, LinkItem):
                data = ItemAdapter(item).asdict()
                source_id = data.pop("source_id")
                added, _known = repo.upsert_links(session, source_id, [repo.DiscoveredLink(**data)])
                if stats is not None:
                    stats.inc_value("newsmon/links/new" if added else "newsmon/links/known")
            elif isinstance(item, FeedStatusItem):
                state = repo.feed_state(session, item.source_id, item.url, item.kind)
                now = repo.utcnow()
                state.polls += 1
                state.last_polled_at = now
                state.last_status = item.status
                state.last_http_status = item.http_status
                state.last_error = item.error
                if item.status == "ok":
                    state.consecutive_failures = 0
                    state.last_success_at = now
                    state.items_seen += item.items
                else:
                    state.consecutive_failures += 1
                # The sitemap's poll history feeds the error rate of source health. Its new
                # links are counted per crawl (links/new), not per sitemap: 0 here.
                repo.record_feed_poll(
                    session,
                    state,
                    polled_at=now,
                    status=item.status,
                    http_status=item.http_status,
                    new_items=0,
                    error=item.error,
                )
                if stats is not None:
                    stats.inc_value(f"newsmon/sitemaps/{item.status}")
        return item
