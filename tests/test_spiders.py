"""Scrapy spiders: callbacks on responses built from saved files, and whole crawls as their
own processes against the replay server on 127.0.0.1."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from spiders.article import ArticleSpider, classify_failure
from spiders.items import FeedStatusItem, LinkItem, LinkOutcomeItem, RawPageItem
from spiders.middlewares import BlockedRequest, PublicAddressOnlyMiddleware
from spiders.news_sitemap import NewsSitemapSpider
from spiders.sitemaps import parse_sitemap

ROOT = Path(__file__).resolve().parents[1]
REPLAY = ROOT / "fixtures" / "replay"
BASE = "http://127.0.0.1:8765"


def _fixture(path: str) -> bytes:
    return (REPLAY / path).read_bytes().replace(b"{{BASE}}", BASE.encode())


def _spider(
    cls: type[Any], monkeypatch: pytest.MonkeyPatch, source: str, settings: dict[str, Any] | None = None
) -> Any:
    monkeypatch.setenv("NEWSMON_REPLAY_BASE", BASE)
    crawler = get_crawler(cls, settings)
    return cls.from_crawler(crawler, source=source)


def test_article_spider_turns_a_saved_page_into_a_raw_page_item(monkeypatch: pytest.MonkeyPatch) -> None:
    spider = _spider(ArticleSpider, monkeypatch, "demo-kyiv-herald")
    url = f"{BASE}/kyiv-herald/articles/air-policing-mission.html"
    response = HtmlResponse(
        url=url,
        body=_fixture("kyiv-herald/articles/air-policing-mission.html"),
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=Request(url),
    )
    items = list(spider.parse_page(response, link_id=7))
    assert len(items) == 1
    item = items[0]
    assert isinstance(item, RawPageItem)
    assert (item.link_id, item.source_id, item.final_url, item.status) == (7, "demo-kyiv-herald", url, 200)
    assert item.headers["content-type"].startswith("text/html")
    assert b"air" in item.body and len(item.body) > 2000


def test_article_spider_skips_non_html(monkeypatch: pytest.MonkeyPatch) -> None:
    spider = _spider(ArticleSpider, monkeypatch, "demo-zeitung")
    url = f"{BASE}/zeitung/dokumente/erklaerung.pdf"
    response = Response(
        url=url, body=_fixture("zeitung/dokumente/erklaerung.pdf"), headers={"Content-Type": "application/pdf"}
    )
    items = list(spider.parse_page(response, link_id=3))
    assert items == [LinkOutcomeItem("demo-zeitung", 3, "skipped", "not_html")]


def test_spider_politeness_comes_from_the_source(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsmon.config import load_sources
    from newsmon.pipeline import scrapy_command

    source = load_sources(ROOT / "config" / "sources.yaml").get("le-monde")
    cmd = scrapy_command("article", source, "/tmp/stats.json", limit=10)
    assert "DOWNLOAD_DELAY=2.0" in cmd and "CONCURRENT_REQUESTS_PER_DOMAIN=1" in cmd and "ROBOTSTXT_OBEY=True" in cmd
    assert cmd[cmd.index("crawl") + 1 : cmd.index("crawl") + 4] == ["article", "-a", "source=le-monde"]
    with pytest.raises(KeyError):
        _spider(ArticleSpider, monkeypatch, "no-such-source")


def test_settings_are_polite_and_bounded() -> None:
    from scrapy.utils.project import get_project_settings

    monkey_env = {"SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    import os

    old = os.environ.get("SCRAPY_SETTINGS_MODULE")
    os.environ.update(monkey_env)
    try:
        settings = get_project_settings()
    finally:
        if old is None:
            os.environ.pop("SCRAPY_SETTINGS_MODULE")
        else:
            os.environ["SCRAPY_SETTINGS_MODULE"] = old
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert 0 < settings.getint("DOWNLOAD_TIMEOUT") <= 60
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 64 * 1024 * 1024
    assert "newsmon" in settings.get("USER_AGENT") and "+http" in settings.get("USER_AGENT")
    assert settings.getint("REDIRECT_MAX_TIMES") <= 10


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (HttpError(HtmlResponse("http://x.org/a", status=404, body=b""), "404"), ("failed", "http_404", 404)),
        (HttpError(HtmlResponse("http://x.org/a", status=503, body=b""), "503"), ("retry", "http_503", 503)),
        (IgnoreRequest("Forbidden by robots.txt"), ("skipped", "robots", None)),
        (BlockedRequest("private_address", "http://10.0.0.1/"), ("skipped", "private_address", None)),
        (TimeoutError(), ("retry", "timeout", None)),
        (DNSLookupError(), ("retry", "dns_error", None)),
    ],
)
def test_failures_are_classified_with_a_reason(exc: Exception, expected: tuple[Any, ...]) -> None:
    assert classify_failure(Failure(exc)) == expected


def test_private_addresses_are_refused_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    spider = _spider(ArticleSpider, monkeypatch, "demo-kyiv-herald")
    strict = PublicAddressOnlyMiddleware(allow_private=False)
    for url in (
        "http://127.0.0.1/x",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/",
    ):
        with pytest.raises(BlockedRequest) as info:
            strict.process_request(Request(url), spider)
        assert info.value.reason == "private_address"
    assert (
        PublicAddressOnlyMiddleware(allow_private=True).process_request(Request("http://127.0.0.1/x"), spider) is None
    )


def test_news_sitemap_parsing_keeps_news_dates_and_titles() -> None:
    parsed = parse_sitemap(_fixture("zeitung/news-sitemap.xml"))
    assert parsed.kind == "urlset"
    assert len(parsed.entries) == 4
    news = [e for e in parsed.entries if e.title]
    assert len(news) >= 3
    for entry in news:
        assert entry.publication_date is not None and entry.publication_date.tzinfo == UTC
        assert entry.language == "de"


def test_sitemap_index_and_junk() -> None:
    index = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.org/news-1.xml</loc><lastmod>2026-01-06T10:00:00+01:00</lastmod></sitemap>
  <sitemap><loc>https://example.org/news-2.xml.gz</loc></sitemap>
</sitemapindex>"""
    parsed = parse_sitemap(b"\xef\xbb\xbf  " + index)
    assert parsed.kind == "sitemapindex"
    assert [e.loc for e in parsed.entries] == ["https://example.org/news-1.xml", "https://example.org/news-2.xml.gz"]
    assert parsed.entries[0].lastmod == datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    assert parse_sitemap(b"<html><body>not a sitemap</body></html>").kind == "unknown"
    assert parse_sitemap(b"").kind == "unknown"
    entity_bomb = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&b;</loc></url></urlset>"""
    assert all(len(e.loc) < 100 for e in parse_sitemap(entity_bomb).entries)


def test_news_sitemap_spider_yields_links_and_status(monkeypatch: pytest.MonkeyPatch) -> None:
    spider = _spider(NewsSitemapSpider, monkeypatch, "demo-zeitung")
    cfg = spider.source.news_sitemaps[0]
    url = cfg.url
    response = XmlResponse(url=url, body=_fixture("zeitung/news-sitemap.xml"), request=Request(url))
    items = list(spider.parse_sitemap(response, cfg=cfg, depth=0))
    links = [i for i in items if isinstance(i, LinkItem)]
    statuses = [i for i in items if isinstance(i, FeedStatusItem)]
    assert len(links) == 4
    assert statuses and statuses[-1].status == "ok" and statuses[-1].items == 4
    first = next(link for link in links if link.title)
    assert first.discovered_via == "news_sitemap" and first.discovered_from == url
    assert first.published_at is not None and first.language == "de"

    gz = XmlResponse(url=url + ".gz", body=gzip.compress(_fixture("zeitung/news-sitemap.xml")), request=Request(url))
    assert len([i for i in spider.parse_sitemap(gz, cfg=cfg, depth=0) if isinstance(i, LinkItem)]) == 4


def test_gzip_bomb_sitemap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    spider = _spider(NewsSitemapSpider, monkeypatch, "demo-zeitung", {"SITEMAP_MAX_BYTES": 1024 * 1024})
    cfg = spider.source.news_sitemaps[0]
    bomb = gzip.compress(b"<urlset>" + b" " * (20 * 1024 * 1024) + b"</urlset>")
    response = TextResponse(url=cfg.url + ".gz", body=bomb, request=Request(cfg.url))
    items = list(spider.parse_sitemap(response, cfg=cfg, depth=0))
    assert items == [
        FeedStatusItem(
            "demo-zeitung", cfg.url + ".gz", "news_sitemap", "too_large", 200, "decompressed size over the limit"
        )
    ]


@pytest.mark.slow
def test_crawls_end_to_end_against_a_local_server(demo_env: dict[str, str]) -> None:
    """Each crawl runs as its own `scrapy crawl` process, as the DAG runs it."""
    from newsmon import pipeline
    from store.db import create_engine_from_url, make_session_factory, session_scope
    from store.models import FeedState, Link, RawPage

    assert pipeline.list_sources("news_sitemaps") == ["demo-zeitung"]
    discovered = pipeline.crawl_source("demo-zeitung", "news_sitemap")
    assert discovered["exit_code"] == 0 and discovered["links/new"] == 4
    pipeline.poll_source("demo-kyiv-herald")
    fetched_z = pipeline.crawl_source("demo-zeitung", "article")
    fetched_k = pipeline.crawl_source("demo-kyiv-herald", "article")
    assert fetched_z["fetched"] == 3 and fetched_z["skipped/not_html"] == 1
    assert fetched_k["fetched"] == 3 and fetched_k["skipped/robots"] == 1

    engine = create_engine_from_url(demo_env["NEWSMON_DATABASE_URL"])
    try:
        with session_scope(make_session_factory(engine)) as session:
            states = {(lk.source_id, lk.status, lk.status_reason) for lk in session.query(Link)}
            assert ("demo-kyiv-herald", "skipped", "robots") in states
            assert ("demo-zeitung", "skipped", "not_html") in states
            pages = session.query(RawPage).all()
            assert len(pages) == 6
            for page in pages:
                assert page.status_code == 200 and page.final_url.startswith(demo_env["NEWSMON_REPLAY_BASE"])
                assert len(page.content_hash) == 64 and page.body_size > 1000
                assert page.headers.get("content-type", "").startswith("text/html")
            sitemap_state = session.query(FeedState).filter_by(kind="news_sitemap").one()
            assert sitemap_state.last_status == "ok"
    finally:
        engine.dispose()

    # Re-running the fetch finds nothing pending: no duplicate pages.
    again = pipeline.crawl_source("demo-zeitung", "article")
    assert again.get("fetched", 0) == 0
