"""The Scrapy project: discovery (news sitemaps) and fetching (article pages).

Run a crawl as its own process (Twisted's reactor cannot restart)::

    SCRAPY_SETTINGS_MODULE=spiders.settings scrapy crawl article -a source=kyiv-independent
"""
