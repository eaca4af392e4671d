"""Section pages: the ``section`` spider keeps the article links matching the source's
pattern, and every discovery (feed, sitemap, section) is recorded in ``link_discoveries``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from newsmon.config import SectionConfig
from spiders.items import FeedStatusItem, LinkItem
from spiders.section import SectionSpider, section_links
from store import repo
from store.db import create_engine_from_url, make_session_factory, session_scope
from store.models import FeedState, Link, LinkDiscovery

SECTION_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>World</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/tag/ukraine">Ukraine</a>
<a href="/author/jane-doe">Jane Doe</a> <a href="mailto:desk@news.test">Mail</a>
<a href="javascript:void(0)">x</a></nav>
<main>
<article><a href="/world/2026/jan/07/paris-summit-security-guarantees">Paris summit</a></article>
<article><a href="/world/2026/jan/07/paris-summit-security-guarantees#comments">12 comments</a></article>
<article><a href="https://NEWS.test:{port}/world/2026/jan/06/air-patrols-ukraine?utm_source=home">Air</a></article>
<article><a href="/world/2026/jan/05/naval-demining-black-sea?utm_medium=rss">Demining</a></article>
<article><a href="/world/2026/jan/05/">Day index, not an article</a></article>
<article><a href="https://other.example.org/world/2026/jan/05/elsewhere">Another site</a></article>
</main></body></html>"""


def _section(port: int = 80) -> SectionConfig:
    return SectionConfig(url=f"http://127.0.0.1:{port}/world", link_pattern=r"/world/\d{4}/[a-z]{3}/\d{2}/[a-z0-9-]+$")


def test_section_links_match_the_pattern_only() -> None:
    url = "http://127.0.0.1/world"
    response = HtmlResponse(url=url, body=SECTION_HTML.replace("{port}", "80").encode(), encoding="utf-8")
    links = section_links(response, _section())
    assert links == [
        "http://127.0.0.1/world/2026/jan/07/paris-summit-security-guarantees",
        "https://NEWS.test:80/world/2026/jan/06/air-patrols-ukraine?utm_source=home",
        "http://127.0.0.1/world/2026/jan/05/naval-demining-black-sea?utm_medium=rss",
        "https://other.example.org/world/2026/jan/05/elsewhere",
    ]
    assert section_links(response, _section(), limit=2) == links[:2]
    not_html = Response(url=url, body=b"%PDF-1.4")
    assert section_links(not_html, _section()) == []


def test_section_spider_items(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "version: 1\nsources:\n  - id: sec-test\n    name: Sections\n    languages: [en]\n    sections:\n"
        "      - url: http://127.0.0.1:80/world\n        link_pattern: '^http://127\\.0\\.0\\.1(:80)?/world/\\d{4}/[a-z]{3}/\\d{2}/[a-z-]+$'\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NEWSMON_SOURCES_FILE", str(sources))
    spider = SectionSpider.from_crawler(get_crawler(SectionSpider), source="sec-test")
    section = spider.source.sections[0]
    response = HtmlResponse(
        url=section.url,
        body=SECTION_HTML.replace("{port}", "80").encode(),
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=Request(section.url),
    )
    items = list(spider.parse_section(response, section))
    links = [i for i in items if isinstance(i, LinkItem)]
    assert [(i.discovered_via, i.discovered_from) for i in links] == [("section", section.url)] * 2
    assert links[1].found_url == "http://127.0.0.1:80/world/2026/jan/05/naval-demining-black-sea?utm_medium=rss"
    assert links[1].url == "http://127.0.0.1/world/2026/jan/05/naval-demining-black-sea"  # canonical
    assert items[-1] == FeedStatusItem("sec-test", section.url, "section", "ok", 200, items=2)
    pdf = Response(url=section.url, body=b"%PDF", headers={"Content-Type": "application/pdf"})
    (status,) = list(spider.parse_section(pdf, section))
    assert (status.status, status.error) == ("parse_error", "not HTML: application/pdf")


class _Site:
    def __init__(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/world":
                    body = SECTION_HTML.replace("{port}", str(site.port)).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                elif self.path == "/gone":
                    body = b"gone"
                    self.send_response(410)
                else:
                    body = b"not found"
                    self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])

    def __enter__(self) -> _Site:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[_Site]:
    with _Site() as s:
        yield s


def test_section_crawl_records_links_and_discoveries(
    site: _Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A real ``scrapy crawl section`` process against a local site, through crawl_source."""
    from newsmon.pipeline import crawl_source, list_sources
    from store.db import migrate

    base = f"http://127.0.0.1:{site.port}"
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"""\
version: 1
sources:
  - id: local-news
    name: Local News
    languages: [en]
    sections:
      - url: {base}/world
        link_pattern: '^https?://[^/]+:{site.port}/world/\\d{{4}}/[a-z]{{3}}/\\d{{2}}/[a-z0-9-]+$'
      - url: {base}/gone
        link_pattern: '/world/'
    politeness: {{delay: 0}}
""",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'newsmon.db'}"
    for key, value in {
        "NEWSMON_SOURCES_FILE": str(sources),
        "NEWSMON_DATABASE_URL": db,
        "NEWSMON_DATA_DIR": str(tmp_path),
        "NEWSMON_ALLOW_PRIVATE_ADDRESSES": "1",
        "NEWSMON_SOURCE_GROUPS": "live",
        "NEWSMON_SCRAPY_LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(key, value)
    migrate(db)
    assert list_sources("sections") == ["local-news"]
    counts = crawl_source("local-news", "section")
    assert counts["exit_code"] == 0 and counts.get("links/new") == 3, counts
    again = crawl_source("local-news", "section")  # idempotent: known links, same discoveries
    assert again["links/known"] == 3 and "links/new" not in again, again

    engine = create_engine_from_url(db)
    try:
        with session_scope(make_session_factory(engine)) as session:
            links = {lk.url: lk for lk in session.scalars(select(Link))}
            assert set(links) == {
                f"{base}/world/2026/jan/07/paris-summit-security-guarantees",
                f"{base}/world/2026/jan/05/naval-demining-black-sea",
                "https://news.test:" + str(site.port) + "/world/2026/jan/06/air-patrols-ukraine",
            }
            assert {lk.discovered_via for lk in links.values()} == {"section"}
            found = list(session.scalars(select(LinkDiscovery)))
            assert len(found) == 3
            assert {(d.via, d.from_url) for d in found} == {("section", f"{base}/world")}
            assert all(d.last_seen_at > d.first_seen_at for d in found)
            states = {s.url: s for s in session.scalars(select(FeedState))}
            assert states[f"{base}/world"].kind == "section" and states[f"{base}/world"].last_status == "ok"
            assert states[f"{base}/gone"].last_status == "http_410"
    finally:
        engine.dispose()


def test_discoveries_are_recorded_per_link_via_and_place(session_factory: Any) -> None:
    from newsmon.config import FeedConfig, SourceConfig

    src = SourceConfig(id="disc", name="Disc", languages=["en"], feeds=[FeedConfig(url="https://d.example/rss")])
    url = "https://d.example/news/1"

    def found(via: str, where: str) -> repo.DiscoveredLink:
        return repo.DiscoveredLink(url=url, found_url=url, discovered_via=via, discovered_from=where)

    with session_scope(session_factory) as session:
        repo.sync_sources(session, [src])
        assert repo.upsert_links(session, "disc", [found("feed", "https://d.example/rss")]) == (1, 0)
    with session_scope(session_factory) as session:
        repo.upsert_links(session, "disc", [found("news_sitemap", "https://d.example/news.xml")])
        repo.upsert_links(session, "disc", [found("section", "https://d.example/world")])
        repo.upsert_links(session, "disc", [found("feed", "https://d.example/rss")])  # again: no new row
    with session_scope(session_factory) as session:
        link = session.scalars(select(Link)).one()
        assert (link.discovered_via, link.discovered_from) == ("feed", "https://d.example/rss")  # the first finder
        rows = session.scalars(select(LinkDiscovery).order_by(LinkDiscovery.id)).all()
        assert [(r.link_id, r.via, r.from_url) for r in rows] == [
            (link.id, "feed", "https://d.example/rss"),
            (link.id, "news_sitemap", "https://d.example/news.xml"),
            (link.id, "section", "https://d.example/world"),
        ]
        assert rows[0].last_seen_at > rows[0].first_seen_at
        assert rows[1].last_seen_at == rows[1].first_seen_at
