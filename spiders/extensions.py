"""Write the crawl's final stats as JSON where the Airflow task can read them."""

from __future__ import annotations

import json
import os
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler


class StatsToFile:
    def __init__(self, crawler: Crawler, path: str | None) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsToFile:
        ext = cls(crawler, crawler.settings.get("NEWSMON_STATS_FILE") or os.environ.get("NEWSMON_STATS_FILE"))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if not self.path or self.crawler.stats is None:
            return
        stats: dict[str, Any] = {k: v for k, v in self.crawler.stats.get_stats().items()}
        stats["finish_reason"] = reason
        with open(self.path, "w", encoding="utf-8") as fh:
            json.dump(stats, fh, default=str, sort_keys=True)
