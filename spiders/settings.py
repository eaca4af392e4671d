"""Scrapy settings. Politeness is not optional; limits are on every fetch.

Values that operators tune come from the environment (``newsmon.settings``); per-source
politeness (delay) is applied by each spider from ``config/sources.yaml``.
"""

from __future__ import annotations

import os

BOT_NAME = "newsmon"
SPIDER_MODULES = ["spiders.news_sitemap", "spiders.article", "spiders.section"]
NEWSPIDER_MODULE = "spiders"

_CONTACT = os.environ.get("NEWSMON_CONTACT_URL", "https://github.com/newsmon/newsmon")
USER_AGENT = os.environ.get("NEWSMON_USER_AGENT", f"newsmon/0.1 (+{_CONTACT}; news monitoring research crawler)")

ROBOTSTXT_OBEY = True
ROBOTSTXT_USER_AGENT = "newsmon"
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = float(os.environ.get("NEWSMON_HOST_DELAY", "2.0"))
DOWNLOAD_DELAY_JITTER = 0.5
DOWNLOAD_TIMEOUT = int(float(os.environ.get("NEWSMON_FETCH_TIMEOUT", "20")))
DOWNLOAD_MAXSIZE = int(os.environ.get("NEWSMON_MAX_DOWNLOAD_BYTES", str(8 * 1024 * 1024)))
DOWNLOAD_WARNSIZE = DOWNLOAD_MAXSIZE // 2
REDIRECT_MAX_TIMES = 5
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Decompressed sitemaps are bounded like downloads (a gzip bomb is refused, not inflated).
SITEMAP_MAX_BYTES = DOWNLOAD_MAXSIZE * 4

# The SSRF guard again where Twisted connects (DNS rebinding): spiders/resolver.py.
TWISTED_DNS_RESOLVER = "spiders.resolver.PublicAddressResolver"

DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.PublicAddressOnlyMiddleware": 50,
    # robots.txt for every queued request, not only the first (see its doc).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.SharedRobotsTxtMiddleware": 100,
    # Shared per-host budget, Crawl-delay, Retry-After: next to the downloader (see its doc).
    "spiders.middlewares.HostBudgetMiddleware": 950,
}
ITEM_PIPELINES = {
    "spiders.pipelines.StorePipeline": 300,
}
EXTENSIONS = {
    "spiders.extensions.StatsToFile": 500,
}

LOG_LEVEL = os.environ.get("NEWSMON_SCRAPY_LOG_LEVEL", "INFO")
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
