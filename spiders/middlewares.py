"""Downloader middlewares."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from newsmon.netguard import BlockedAddress, check_url

log = logging.getLogger(__name__)


class BlockedRequest(IgnoreRequest):
    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason


class PublicAddressOnlyMiddleware:
    """Refuse requests (redirect hops included: they pass through here again) to non-public
    addresses, unless ``NEWSMON_ALLOW_PRIVATE_ADDRESSES`` allows them. robots.txt requests too.
    """

    def __init__(self, allow_private: bool, crawler: Crawler | None = None) -> None:
        self.allow_private = allow_private
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PublicAddressOnlyMiddleware:
        from newsmon.settings import get_settings

        return cls(get_settings().allow_private_addresses, crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        try:
            check_url(request.url, self.allow_private)
        except BlockedAddress as exc:
            if self.crawler is not None and self.crawler.stats is not None:
                self.crawler.stats.inc_value(f"newsmon/blocked/{exc.reason}")
            raise BlockedRequest(exc.reason, request.url) from None
        return None
