"""Downloader middlewares."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
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


class HostBusy(IgnoreRequest):
    """The host's shared budget (or its Retry-After) has no slot within our patience."""

    reason = "host_busy"


class HostBudgetMiddleware:
    """One per-host budget for every process: before each download (redirect hops, retries
    and robots.txt included) take a slot of the host from the store's ``host_budget``;
    give it back when the answer (or the error) arrives.

    - The delay is the source's ``DOWNLOAD_DELAY`` or the host's robots.txt ``Crawl-delay``
      (read through Scrapy's robots parser when it signals ``robots_parsed``), whichever is
      longer, capped at ``NEWSMON_MAX_CRAWL_DELAY``. Scrapy exposes Crawl-delay but does not
      apply it; this does.
    - A 429 or 503 pushes the host's ``next_allowed_at`` by its Retry-After for everyone.
    - Never blocks the reactor: a request without a slot waits on a reactor timer and asks
      again; after ``NEWSMON_MAX_HOST_WAIT`` seconds it is given up as ``host_busy`` (the link
      is retried by a later crawl).

    Sits next to the downloader (priority 950), after the retry and redirect middlewares, so
    it sees every response before they turn it into a new request.
    """

    def __init__(self, crawler: Crawler, factory: Any) -> None:
        from newsmon.politeness import MAX_CRAWL_DELAY, HostBudget

        settings = crawler.settings
        self.crawler = crawler
        self.budget = HostBudget(factory)
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.concurrency = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.max_crawl_delay = settings.getfloat("NEWSMON_MAX_CRAWL_DELAY", MAX_CRAWL_DELAY)
        self.max_wait = settings.getfloat("NEWSMON_MAX_HOST_WAIT", 600.0)
        self.robots_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.crawl_delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostBudgetMiddleware:
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        from newsmon.settings import get_settings
        from store.db import create_engine_from_url, make_session_factory

        if not crawler.settings.getbool("NEWSMON_HOST_BUDGET", True):
            raise NotConfigured
        engine = create_engine_from_url(get_settings().database_url)
        mw = cls(crawler, make_session_factory(engine))
        crawler.signals.connect(mw.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(lambda **_: engine.dispose(), signal=signals.spider_closed, weak=False)
        return mw

    def robots_parsed(self, robotparser: Any, request: Request, **_: Any) -> None:
        from newsmon.politeness import host_key

        delay = robotparser.crawl_delay(self.robots_agent)
        if not delay:
            return
        host = host_key(request.url)
        if delay > self.max_crawl_delay:
            log.warning("%s asks for Crawl-delay %s s; capped at %s s", host, delay, self.max_crawl_delay)
        self.crawl_delays[host] = min(float(delay), self.max_crawl_delay)
        self._inc("newsmon/politeness/crawl_delay_hosts")

    def delay_for(self, host: str) -> float:
        return max(self.delay, self.crawl_delays.get(host, 0.0))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor, task

        from newsmon.politeness import host_key

        host = host_key(request.url)
        waited = 0.0
        while True:
            wait = self.budget.try_reserve(host, self.delay_for(host), self.concurrency)
            if wait <= 0:
                break
            if waited + wait > self.max_wait:
                self._inc("newsmon/politeness/host_busy")
                raise HostBusy(f"host_busy: {host} has no slot for another {wait:.0f} s: {request.url}")
            self._inc("newsmon/politeness/waits")
            await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))  # type: ignore[arg-type]
            waited += wait
        request.meta["newsmon_budget_host"] = host

    def process_response(self, request: Request, response: Any, spider: Spider | None = None) -> Any:
        from newsmon.politeness import retry_after_for

        host = request.meta.pop("newsmon_budget_host", None)
        if host is not None:
            header = response.headers.get(b"Retry-After")
            retry_after = retry_after_for(response.status, header.decode("latin-1") if header else None)
            if retry_after:
                self._inc(f"newsmon/politeness/retry_after/{response.status}")
            self.budget.release(host, retry_after)
        return response

    def process_exception(self, request: Request, exception: BaseException, spider: Spider | None = None) -> None:
        host = request.meta.pop("newsmon_budget_host", None)
        if host is not None:
            self.budget.release(host)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, fixed for requests that wait for the same robots.txt.

    In Scrapy 2.19 every request that arrives while a host's robots.txt is being fetched
    awaits one shared Deferred; the first awaiter consumes its result and the others get
    ``None``, which Scrapy reads as "no robots.txt": they were fetched even when disallowed
    (``tests/test_politeness.py`` caught it with five queued links). Once the Deferred
    fired, the parser is in the middleware's cache: use it.
    """

    async def robot_parser(self, request: Request) -> Any:
        from scrapy.utils.httpobj import urlparse_cached
        from twisted.internet.defer import Deferred

        parser = await super().robot_parser(request)
        if parser is None:
            cached = self._parsers.get(urlparse_cached(request).netloc)
            if cached is not None and not isinstance(cached, Deferred):
                return cached
        return parser
