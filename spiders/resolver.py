"""Scrapy's DNS resolver with the SSRF guard on the address actually connected to.

``PublicAddressOnlyMiddleware`` checks a request's host before it is queued, but Twisted
resolves the name again when it connects, and a hostile DNS server can answer a public address
to the first lookup and a private one to the second (DNS rebinding). This resolver (the
``TWISTED_DNS_RESOLVER`` setting) makes the same check on the answer Twisted connects to, cached
answers included, unless ``NEWSMON_ALLOW_PRIVATE_ADDRESSES`` allows private addresses. It is
installed by Scrapy's ``CrawlerProcess`` (``scrapy crawl``), which is how the spiders run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred

from newsmon.netguard import is_public


class PrivateAddressError(Exception):
    """The name resolves to a non-public address. Not a ``DNSLookupError`` on purpose: Scrapy's
    retry middleware retries those, and the link is recorded ``skipped: private_address``."""

    reason = "private_address"


class PublicAddressResolver(CachingThreadedResolver):
    allow_private = False

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicAddressResolver:
        from newsmon.settings import get_settings

        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = get_settings().allow_private_addresses
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 - Twisted's API
        answer = super().getHostByName(name, timeout)
        if not self.allow_private:
            answer.addCallback(self._public_only, name)
        return answer

    @staticmethod
    def _public_only(address: str, name: str) -> str:
        if not is_public(address):
            raise PrivateAddressError(f"private_address: {name} resolves to {address}")
        return address
