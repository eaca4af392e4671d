"""``readers.feeds``: ``parse_feed`` (pure) and ``poll_feed`` (conditional GET, body hash, store).

The poll tests serve feeds from a local HTTP server on 127.0.0.1 that each test controls, and
run on every store backend of the ``session_factory`` fixture (SQLite, and PostgreSQL where
``NEWSMON_TEST_DATABASE_URL`` is set).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from localserver import LocalServer, Route, send
from sqlalchemy import func, select

import readers.feeds as feeds_module
from newsmon.config import FeedConfig, SourceConfig
from newsmon.settings import Settings, get_settings
from readers.feeds import ParsedFeed, html_to_text, parse_feed, poll_feed
from store import repo
from store.db import session_scope
from store.models import FeedState, Link

ROOT = Path(__file__).resolve().parents[1]
REPLAY = ROOT / "fixtures" / "replay"
BASE = "http://example.org"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


def _replay(name: str) -> bytes:
    return (REPLAY / name).read_bytes().replace(b"{{BASE}}", BASE.encode())


def _is_absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _assert_utc(value: datetime | None) -> datetime:
    assert value is not None
    assert value.tzinfo is not None
    assert value.utcoffset() == timedelta(0)
    return value


# ================================================================================================
# parse_feed on the project's replay fixtures
# ================================================================================================


def test_rss2_replay_fixture() -> None:
    body = _replay("kyiv-herald/rss.xml")
    feed = parse_feed(body, base_url=f"{BASE}/kyiv-herald/rss.xml", content_type="application/rss+xml")

    assert feed.version == "rss20"
    assert feed.bozo is None
    assert feed.title == "Kyiv Herald: latest news"
    assert feed.language == "en"

    xml_items = ET.fromstring(body).findall("./channel/item")
    assert len(feed.items) == len(xml_items) == 4
    for item, xml_item in zip(feed.items, xml_items):
        assert item.title == xml_item.findtext("title")
        assert item.link == xml_item.findtext("link")
        assert _is_absolute(item.link)
        assert item.guid == xml_item.findtext("guid")
        assert item.language == "en"
        # <description> holds <p>...</p> in CDATA: stored as the plain text of the paragraph.
        assert item.summary
        assert "<" not in item.summary and ">" not in item.summary
        assert "<p>" + item.summary + "</p>" == xml_item.findtext("description")
        expected = parsedate_to_datetime(xml_item.findtext("pubDate") or "").astimezone(UTC)
        assert _assert_utc(item.published_at) == expected

    first = feed.items[1]
    assert first.title == "Coalition jets to patrol the skies over western Ukraine under guarantees plan"
    assert first.link == f"{BASE}/kyiv-herald/articles/air-policing-mission.html"
    assert first.published_at == datetime(2026, 1, 7, 8, 15, tzinfo=UTC)  # 10:15 +02:00
    # Query strings survive parsing (canonicalisation happens later, when links are stored).
    summit = f"{BASE}/kyiv-herald/articles/paris-summit-guarantees.html"
    assert feed.items[2].link == summit + "?utm_source=rss&utm_medium=feed"


def test_atom_replay_fixture() -> None:
    body = _replay("le-courrier/atom.xml")
    feed = parse_feed(body, base_url=f"{BASE}/le-courrier/atom.xml", content_type="application/atom+xml")

    assert feed.version == "atom10"
    assert feed.bozo is None
    assert feed.title == "Le Courrier de la Seine : International"
    assert feed.language == "fr"  # from xml:lang on <feed>

    entries = ET.fromstring(body).findall(f"{ATOM_NS}entry")
    assert len(feed.items) == len(entries) == 3
    for item, entry in zip(feed.items, entries):
        assert item.title == entry.findtext(f"{ATOM_NS}title")
        link = entry.find(f"{ATOM_NS}link")
        assert link is not None
        assert item.link == link.get("href")
        assert _is_absolute(item.link)
        assert item.guid == entry.findtext(f"{ATOM_NS}id")
        assert item.summary == entry.findtext(f"{ATOM_NS}summary")
        assert item.language == "fr"
        expected = datetime.fromisoformat(entry.findtext(f"{ATOM_NS}published") or "").astimezone(UTC)
        assert _assert_utc(item.published_at) == expected

    assert feed.items[0].title == "Mer Noire : une mission navale de déminage au cœur des garanties pour l'Ukraine"
    assert feed.items[0].published_at == datetime(2026, 1, 7, 8, 12, tzinfo=UTC)  # 09:12 +01:00
    # <published> wins over <updated> when both are present.
    assert feed.items[2].published_at == datetime(2026, 1, 6, 19, 30, tzinfo=UTC)


def test_feed_items_serialise_to_json() -> None:
    feed = parse_feed(_replay("le-courrier/atom.xml"), base_url=f"{BASE}/le-courrier/atom.xml")
    data = feed.items[0].to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["link"] == f"{BASE}/le-courrier/articles/depeche-afp-deminage-mer-noire.html"
    assert data["language"] == "fr"
    assert data["published_at"].startswith("2026-01-07T08:12:00")


# ================================================================================================
# JSON Feed, RSS 0.91, RSS 1.0 (RDF): relative links, HTML reduced to text
# ================================================================================================

JSON_FEED: dict[str, Any] = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON News",
    "home_page_url": "https://json.example.com/",
    "language": "en-GB",
    "items": [
        {
            "id": "1",
            "url": "/posts/1",
            "title": "First &amp; best",
            "content_html": "<p>Hello <b>world</b></p><script>steal('cookies')</script><style>p{color:red}</style>",
            "date_published": "2025-06-01T10:00:00+02:00",
        },
        {
            "id": 2,
            "external_url": "https://elsewhere.example.net/x",
            "title": "Second",
            "summary": "Plain summary",
            "content_text": "not used when there is a summary",
            "date_modified": "2025-06-02T00:00:00Z",
            "language": "fr",
        },
        {"id": "3", "url": "relative/3.html", "content_text": "text only"},
        "not an object: skipped",
    ],
}


def test_json_feed() -> None:
    feed = parse_feed(json.dumps(JSON_FEED).encode(), base_url="https://json.example.com/feed.json")

    assert feed.version == "json"
    assert feed.bozo is None
    assert feed.title == "JSON News"
    assert feed.language == "en"  # en-GB -> en
    assert len(feed.items) == 3

    one, two, three = feed.items
    assert one.link == "https://json.example.com/posts/1"
    assert one.title == "First & best"
    assert one.summary == "Hello world"
    assert one.guid == "1"
    assert one.language == "en"
    assert one.published_at == datetime(2025, 6, 1, 8, 0, tzinfo=UTC)

    assert two.link == "https://elsewhere.example.net/x"
    assert two.guid == "2"
    assert two.summary == "Plain summary"
    assert two.language == "fr"
    assert two.published_at == datetime(2025, 6, 2, tzinfo=UTC)

    assert three.link == "https://json.example.com/relative/3.html"
    assert three.title is None
    assert three.summary == "text only"
    assert three.published_at is None


def test_json_feed_with_leading_whitespace() -> None:
    feed = parse_feed(b"\n\t  " + json.dumps(JSON_FEED).encode(), base_url="https://json.example.com/feed.json")
    assert feed.version == "json"
    assert len(feed.items) == 3


def test_json_feed_with_utf8_bom() -> None:
    feed = parse_feed(b"\xef\xbb\xbf" + json.dumps(JSON_FEED).encode(), base_url="https://json.example.com/feed.json")
    assert feed.version == "json"
    assert len(feed.items) == 3


@pytest.mark.parametrize(
    "doc",
    [
        {"items": [{"id": "1", "url": "https://x.example.com/1", "summary": 5}]},
        {"items": [{"id": "1", "url": "https://x.example.com/1", "date_published": 1735689600}]},
        {"items": [{"id": "1", "url": "https://x.example.com/1", "language": ["en"]}]},
        {"language": 7, "items": []},
    ],
    ids=["summary-int", "date-int", "item-language-list", "feed-language-int"],
)
def test_json_feed_with_non_string_fields_never_raises(doc: dict[str, Any]) -> None:
    feed = parse_feed(json.dumps(doc).encode(), base_url="https://x.example.com/feed.json")
    assert isinstance(feed, ParsedFeed)


RDF_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example.com/">
    <title>RDF News</title>
    <link>https://news.example.com/</link>
    <description>An RSS 1.0 feed</description>
    <dc:language>de-DE</dc:language>
    <items><rdf:Seq>
      <rdf:li rdf:resource="https://news.example.com/a1"/>
      <rdf:li rdf:resource="https://news.example.com/a2"/>
    </rdf:Seq></items>
  </channel>
  <item rdf:about="https://news.example.com/a1">
    <title>Erster &lt;b&gt;Artikel&lt;/b&gt;</title>
    <link>/artikel/eins.html</link>
    <description>&lt;p&gt;Hallo &lt;em&gt;Welt&lt;/em&gt;&lt;/p&gt;&lt;script&gt;evil()&lt;/script&gt;</description>
    <dc:date>2025-05-06T07:08:09+02:00</dc:date>
  </item>
  <item rdf:about="https://news.example.com/a2">
    <title>Zweiter</title>
    <link>artikel/zwei.html</link>
    <description>plain</description>
  </item>
</rdf:RDF>
"""


def test_rss1_rdf_feed() -> None:
    feed = parse_feed(RDF_FEED, base_url="https://news.example.com/feeds/rdf.xml", content_type="application/rdf+xml")

    assert feed.version == "rss10"
    assert feed.title == "RDF News"
    assert feed.language == "de"
    assert len(feed.items) == 2
    one, two = feed.items
    assert one.title == "Erster Artikel"
    assert one.link == "https://news.example.com/artikel/eins.html"  # root-relative
    assert two.link == "https://news.example.com/feeds/artikel/zwei.html"  # relative to the feed
    assert one.summary == "Hallo Welt"
    assert "evil" not in (one.summary or "")
    assert one.published_at == datetime(2025, 5, 6, 5, 8, 9, tzinfo=UTC)
    assert one.guid == "https://news.example.com/a1"
    assert two.published_at is None
    assert {i.language for i in feed.items} == {"de"}


RSS091_FEED = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91">
  <channel>
    <title>Old &amp; Gold</title>
    <link>http://old.example.net/</link>
    <description>An RSS 0.91 feed</description>
    <language>en-us</language>
    <item>
      <title>One</title>
      <link>/stories/1.html</link>
      <description>&lt;p&gt;Story &lt;b&gt;one&lt;/b&gt;
        &lt;script type="text/javascript"&gt;var s = "SECRET";&lt;/script&gt;
        &lt;style&gt;p { color: red }&lt;/style&gt;
        continues   here&lt;/p&gt;</description>
    </item>
    <item>
      <title>Two</title>
      <link>stories/2.html</link>
      <description>Fish &amp;amp; chips</description>
    </item>
  </channel>
</rss>
"""


def test_rss091_feed() -> None:
    feed = parse_feed(RSS091_FEED, base_url="http://old.example.net/feeds/rss091.xml", content_type="text/xml")

    assert feed.version is not None and feed.version.startswith("rss091")
    assert feed.title == "Old & Gold"
    assert feed.language == "en"
    one, two = feed.items
    assert one.link == "http://old.example.net/stories/1.html"
    assert two.link == "http://old.example.net/feeds/stories/2.html"
    assert one.summary == "Story one continues here"  # whitespace collapsed, no markup
    assert "SECRET" not in (one.summary or "")
    assert "color" not in (one.summary or "")
    assert two.summary == "Fish & chips"
    assert one.guid == one.link  # no <guid>: the link stands in


def test_html_to_text() -> None:
    assert html_to_text(None) is None
    assert html_to_text("") is None
    assert html_to_text("   ") is None
    assert html_to_text("<p>  </p>") is None
    assert html_to_text("plain  text\n here") == "plain text here"
    assert html_to_text("Tom &amp; Jerry") == "Tom & Jerry"
    assert html_to_text("<p>a <script>alert('x')</script><style>.a{}</style>b</p>") == "a b"
    assert html_to_text("<p>a</p> <p>b</p>") == "a b"
    assert html_to_text("<ul><li>one</li> <li>two</li></ul>") == "one two"
    assert html_to_text("1 < 2 and 3 > 2") == "1 < 2 and 3 > 2"


def test_html_to_text_separates_blocks() -> None:
    assert html_to_text("<p>Ukraine</p><p>Security guarantees</p>") == "Ukraine Security guarantees"
    assert html_to_text("first line<br>second line") == "first line second line"
    assert html_to_text("<ul><li>one</li><li>two</li></ul>") == "one two"


# ================================================================================================
# Garbage never raises
# ================================================================================================

GARBAGE = [
    pytest.param(
        b"",
        id="empty",
    ),
    pytest.param(b"   \n\t ", id="whitespace"),
    pytest.param(b"not xml", id="text"),
    pytest.param(b"<?xml version='1.0'?><rss version='2.0'><channel><title>Cut off", id="truncated-channel"),
    pytest.param(b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Cut", id="truncated-atom"),
    pytest.param(bytes(range(256)) * 8, id="all-bytes"),
    pytest.param(random.Random(1234).randbytes(8192), id="random-bytes"),
    pytest.param(b"\x1f\x8b\x08\x00" + b"\x00" * 64, id="gzip-magic"),
    pytest.param(b"{", id="json-cut"),
    pytest.param(b"[1, 2, 3]", id="json-list"),
    pytest.param(b'{"items": "nope"}', id="json-items-not-list"),
    pytest.param(b'{"version": "https://jsonfeed.org/version/1"', id="json-truncated"),
    pytest.param(
        b"<html><head><title>404</title></head><body><h1>Not found</h1></body></html>",
        id="html",
    ),
    pytest.param(
        b'<?xml version="1.0"?><error><code>403</code><message>Denied</message></error>',
        id="xml-not-a-feed",
    ),
    pytest.param("<?xml version='1.0' encoding='utf-16'?><rss>".encode("utf-16"), id="utf16-cut"),
    pytest.param(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;&a;</x', id="doctype-cut"),
]


@pytest.mark.parametrize("body", GARBAGE)
def test_garbage_never_raises(body: bytes) -> None:
    for content_type in (None, "application/rss+xml", "text/html"):
        feed = parse_feed(body, base_url="https://example.org/feed.xml", content_type=content_type)
        assert feed.items == []
        assert feed.bozo, (content_type, feed)


def test_truncated_inside_an_item_salvages_what_it_can() -> None:
    """feedparser's loose parser keeps the complete part of a truncated feed; it is flagged."""
    body = _replay("kyiv-herald/rss.xml")
    cut = body[: body.index(b"<item>", body.index(b"air-policing")) + 20]
    feed = parse_feed(cut, base_url=f"{BASE}/kyiv-herald/rss.xml", content_type="application/rss+xml")
    assert feed.bozo
    assert [i.guid for i in feed.items[:2]] == ["kh-memo-2026-01-07", "kh-2026-0107-air-policing"]


def test_billion_laughs_does_not_expand() -> None:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
        )
        + b']><rss version="2.0"><channel><title>&lol9;</title><item><title>t</title>'
        + b"<link>https://x.example.org/1</link></item></channel></rss>"
    )
    started = time.monotonic()
    feed = parse_feed(lol, base_url="https://x.example.org/feed")
    assert time.monotonic() - started < 5
    assert len(feed.title or "") < 1_000_000


# ================================================================================================
# The shared corpus
# ================================================================================================

CORPUS_DIRS = {
    # folder: minimum number of files that must yield items
    "feeds/feedparser-test-corpus": 500,
    "feeds/rss-parser-fixtures/input": 20,
    "feeds/feed-rs-fixtures": 30,
    "feeds/feedjira-sample-feeds": 25,
}


@pytest.mark.corpus
def test_corpus_feeds_parse_without_exceptions(corpus: Path) -> None:
    started = time.monotonic()
    failures: list[str] = []
    report: dict[str, tuple[int, int, int]] = {}
    for folder, min_with_items in CORPUS_DIRS.items():
        root = corpus / folder
        assert root.is_dir(), root
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "LICENSE" and "LICENSE" not in p.name)
        with_items = items = 0
        for path in files:
            rel = path.relative_to(corpus)
            try:
                feed = parse_feed(path.read_bytes(), base_url="https://corpus.example.org/feeds/feed.xml")
            except Exception as exc:
                failures.append(f"{rel}: {type(exc).__name__}: {exc}")
                continue
            if feed.items:
                with_items += 1
                items += len(feed.items)
            for item in feed.items:
                if item.published_at is not None:
                    assert item.published_at.utcoffset() == timedelta(0), rel
                assert item.language is None or len(item.language) == 2, (rel, item.language)
                assert item.title is None or isinstance(item.title, str), rel
                assert item.summary is None or "<script" not in item.summary.lower(), rel
                if item.link and urlsplit(item.link).scheme in ("http", "https"):
                    assert _is_absolute(item.link), (rel, item.link)
        report[folder] = (len(files), with_items, items)
        assert with_items >= min_with_items, (folder, report[folder])
    assert failures == []
    # Real-world feeds (not unit snippets) carry many items.
    assert report["feeds/rss-parser-fixtures/input"][2] >= 500
    assert report["feeds/feedjira-sample-feeds"][2] >= 200
    assert time.monotonic() - started < 60


# ================================================================================================
# poll_feed against a local server
# ================================================================================================


def serve(status: int, body: bytes, content_type: str = "application/rss+xml; charset=utf-8") -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        send(h, status, body, {"Content-Type": content_type})

    return route


def rss(items: list[tuple[str, str]], build: str = "Wed, 07 Jan 2026 12:00:00 +0000") -> bytes:
    """An RSS 2.0 document with ``(title, link)`` items."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
        "<title>Test feed</title><link>https://t.example.org/</link><description>d</description>",
        f"<language>en</language><lastBuildDate>{build}</lastBuildDate>",
    ]
    for n, (title, link) in enumerate(items):
        parts.append(
            f"<item><title>{title}</title><link>{link}</link>"
            f"<description>&lt;p&gt;About {title}&lt;/p&gt;</description>"
            f"<pubDate>Tue, 06 Jan 2026 {10 + n:02d}:00:00 +0200</pubDate><guid>g-{n}</guid></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode()


THREE = [
    ("Alpha", "https://news.example.com/alpha.html"),
    ("Beta", "https://news.example.com/beta.html"),
    ("Gamma", "https://news.example.com/gamma.html"),
]


def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, timeout: float = 5.0) -> Settings:
    monkeypatch.setenv("NEWSMON_ALLOW_PRIVATE_ADDRESSES", "1")
    monkeypatch.setenv("NEWSMON_FETCH_TIMEOUT", str(timeout))
    monkeypatch.setenv("NEWSMON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSMON_USER_AGENT", "newsmon-tests/1.0")
    return get_settings()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    return _settings(monkeypatch, tmp_path)


@dataclass
class Poller:
    """One configured source with one feed on the local server, synced into the store."""

    session_factory: Any
    source: SourceConfig
    feed: FeedConfig
    settings: Settings

    def poll(self) -> feeds_module.PollResult:
        return poll_feed(self.session_factory, self.source, self.feed, self.settings)

    def state(self) -> FeedState:
        with session_scope(self.session_factory) as session:
            return session.scalars(select(FeedState).where(FeedState.url == self.feed.url)).one()

    def links(self) -> list[Link]:
        with session_scope(self.session_factory) as session:
            return list(session.scalars(select(Link).order_by(Link.id)))

    def link_count(self) -> int:
        with session_scope(self.session_factory) as session:
            return int(session.scalar(select(func.count()).select_from(Link)) or 0)


def _poller(session_factory: Any, settings: Settings, feed_url: str) -> Poller:
    source = SourceConfig(id="t-src", name="T", languages=["en"], feeds=[FeedConfig(url=feed_url)])
    with session_scope(session_factory) as session:
        repo.sync_sources(session, [source])
    return Poller(session_factory, source, source.feeds[0], settings)


@pytest.fixture
def poller(session_factory: Any, settings: Settings, server: LocalServer) -> Poller:
    return _poller(session_factory, settings, server.url("/feed.xml"))


def test_poll_stores_links_and_validators_then_304(poller: Poller, server: LocalServer) -> None:
    body = rss(THREE)
    etag, last_modified = '"v1-abc"', "Wed, 07 Jan 2026 10:00:00 GMT"

    def conditional(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == etag:
            send(h, 304, headers={"ETag": etag})
        else:
            send(h, 200, body, {"Content-Type": "application/rss+xml", "ETag": etag, "Last-Modified": last_modified})

    server.routes["/feed.xml"] = conditional

    first = poller.poll()
    assert (first.status, first.http_status) == ("ok", 200)
    assert (first.items, first.new_links, first.known_links) == (3, 3, 0)
    assert not first.failed

    state = poller.state()
    assert state.etag == etag
    assert state.last_modified == last_modified
    assert state.body_hash == hashlib.sha256(body).hexdigest()
    assert (state.polls, state.items_seen, state.consecutive_failures) == (1, 3, 0)
    assert (state.last_status, state.last_http_status, state.last_error) == ("ok", 200, None)
    assert state.kind == "feed"
    assert state.source_id == "t-src"
    assert state.last_success_at is not None and state.last_new_item_at is not None

    links = poller.links()
    assert [link.url for link in links] == [u for _, u in THREE]
    assert [link.title for link in links] == ["Alpha", "Beta", "Gamma"]
    assert all(link.summary == f"About {link.title}" for link in links)
    assert links[0].published_at == datetime(2026, 1, 6, 8, 0, tzinfo=UTC)
    assert {link.language for link in links} == {"en"}
    assert {link.status for link in links} == {"pending"}
    first_new_item_at = state.last_new_item_at

    assert "if-none-match" not in server.requests[0].headers
    second = poller.poll()
    sent = server.requests[-1].headers
    assert sent["if-none-match"] == etag
    assert sent["if-modified-since"] == last_modified
    assert sent["user-agent"] == "newsmon-tests/1.0"
    assert (second.status, second.http_status) == ("not_modified", 304)
    assert (second.items, second.new_links) == (0, 0)
    assert not second.failed
    assert poller.link_count() == 3

    state = poller.state()
    assert (state.polls, state.consecutive_failures, state.last_status) == (2, 0, "not_modified")
    assert state.etag == etag  # kept for the next poll
    assert state.items_seen == 3
    assert state.last_new_item_at == first_new_item_at


@pytest.mark.parametrize("etag", [None, '"ignored-etag"'], ids=["no-validators", "etag-but-never-304"])
def test_same_body_without_304_is_unchanged_and_not_reparsed(
    poller: Poller, server: LocalServer, monkeypatch: pytest.MonkeyPatch, etag: str | None
) -> None:
    body = rss(THREE)

    def always_200(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, body, {"Content-Type": "application/rss+xml", **({"ETag": etag} if etag else {})})

    server.routes["/feed.xml"] = always_200
    calls: list[bytes] = []
    real_parse = feeds_module.parse_feed

    def counting_parse(body: bytes, *args: Any, **kwargs: Any) -> ParsedFeed:
        calls.append(body)
        return real_parse(body, *args, **kwargs)

    monkeypatch.setattr(feeds_module, "parse_feed", counting_parse)

    assert poller.poll().new_links == 3
    assert len(calls) == 1

    again = poller.poll()
    assert again.status == "unchanged"
    assert (again.http_status, again.items, again.new_links) == (200, 0, 0)
    assert not again.failed
    assert len(calls) == 1  # the body hash matched: not parsed again
    assert poller.link_count() == 3
    state = poller.state()
    assert (state.polls, state.last_status, state.consecutive_failures, state.items_seen) == (2, "unchanged", 0, 3)
    assert state.body_hash == hashlib.sha256(body).hexdigest()


def test_http_error_counts_failures_and_keeps_links(poller: Poller, server: LocalServer) -> None:
    body = rss(THREE)
    server.routes["/feed.xml"] = serve(200, body)
    assert poller.poll().new_links == 3
    ok_state = poller.state()
    ids_before = [(link.id, link.url, link.status) for link in poller.links()]

    server.routes["/feed.xml"] = serve(500, b"<h1>Internal Server Error</h1>", "text/html")
    for n in (1, 2):
        res = poller.poll()
        assert (res.status, res.http_status, res.error) == ("http_error", 500, "HTTP 500")
        assert res.failed
        assert (res.items, res.new_links) == (0, 0)
        state = poller.state()
        assert state.consecutive_failures == n
        assert (state.last_status, state.last_http_status, state.last_error) == ("http_error", 500, "HTTP 500")
        assert state.last_success_at == ok_state.last_success_at
        assert state.body_hash == ok_state.body_hash

    assert [(link.id, link.url, link.status) for link in poller.links()] == ids_before

    server.routes["/feed.xml"] = serve(200, body)  # recovered, same content
    res = poller.poll()
    assert res.status == "unchanged"
    state = poller.state()
    assert state.consecutive_failures == 0
    assert state.last_error is None
    assert state.polls == 4


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b"<!doctype html><html><body><h1>Welcome!</h1></body></html>", "text/html", id="html-page"),
        pytest.param(b"Service moved, see our website.", "text/plain", id="plain-text"),
        pytest.param(b'{"error": "rate limited"}', "application/json", id="json-not-a-feed"),
        pytest.param(random.Random(7).randbytes(2048), "application/octet-stream", id="binary"),
        pytest.param(
            b'<?xml version="1.0"?><error><code>403</code><message>Denied</message></error>',
            "application/xml",
            id="xml-not-a-feed",
        ),
        pytest.param(
            b"",
            "application/rss+xml",
            id="empty-body",
        ),
    ],
)
def test_body_that_is_not_a_feed_is_parse_error(
    poller: Poller, server: LocalServer, body: bytes, content_type: str
) -> None:
    server.routes["/feed.xml"] = serve(200, body, content_type)

    res = poller.poll()

    assert res.status == "parse_error"
    assert res.failed
    assert res.http_status == 200
    assert res.error
    assert (res.items, res.new_links) == (0, 0)
    state = poller.state()
    assert (state.last_status, state.consecutive_failures) == ("parse_error", 1)
    assert state.last_error == res.error
    assert state.body_hash is None  # a failed poll stores no hash: the next poll parses again
    assert state.last_success_at is None
    assert poller.link_count() == 0


def test_slow_server_is_timeout(
    session_factory: Any, server: LocalServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = _settings(monkeypatch, tmp_path, timeout=1)
    assert settings.fetch_timeout == 1.0
    poller = _poller(session_factory, settings, server.url("/slow.xml"))

    def slow(h: BaseHTTPRequestHandler) -> None:
        if not server.stop.wait(4):
            send(h, 200, rss(THREE))

    server.routes["/slow.xml"] = slow

    started = time.monotonic()
    res = poller.poll()
    assert time.monotonic() - started < 3.5
    assert res.status == "timeout"
    assert res.failed
    assert res.http_status is None
    state = poller.state()
    assert (state.last_status, state.consecutive_failures, state.polls) == ("timeout", 1, 1)
    assert poller.link_count() == 0


def test_item_links_to_other_hosts_are_stored_canonical(poller: Poller, server: LocalServer) -> None:
    items = [
        ("Elsewhere", "https://other.example.net/story.html?utm_source=rss&amp;id=7"),
        ("Fragment", "http://third.example.com/a/b.html#comments"),
        ("Relative", "/local/page.html"),
        ("Mail", "mailto:editor@example.org"),
        ("Script", "javascript:alert(1)"),
    ]
    server.routes["/feed.xml"] = serve(200, rss(items))

    res = poller.poll()

    assert res.status == "ok"
    assert res.items == 5
    assert res.new_links == 3  # mailto: and javascript: are not links to fetch
    by_title = {link.title: link for link in poller.links()}
    assert set(by_title) == {"Elsewhere", "Fragment", "Relative"}
    assert by_title["Elsewhere"].url == "https://other.example.net/story.html?id=7"
    assert by_title["Elsewhere"].found_url == "https://other.example.net/story.html?utm_source=rss&id=7"
    assert by_title["Fragment"].url == "http://third.example.com/a/b.html"
    assert by_title["Relative"].url == server.url("/local/page.html")
    for link in by_title.values():
        assert link.source_id == "t-src"
        assert link.discovered_via == "feed"
        assert link.discovered_from == server.url("/feed.xml")
        assert link.status == "pending"
        assert link.attempts == 0


def test_redirected_feed_resolves_links_against_final_url(
    session_factory: Any, settings: Settings, server: LocalServer
) -> None:
    poller = _poller(session_factory, settings, server.url("/old/feed.xml"))

    def moved(h: BaseHTTPRequestHandler) -> None:
        send(h, 301, b"", {"Location": "/new/feed.xml"})

    server.routes["/old/feed.xml"] = moved
    server.routes["/new/feed.xml"] = serve(200, rss([("Rel", "item-1.html")]))

    res = poller.poll()

    # A permanent redirect succeeds as ``moved`` with the new URL, so the operator updates it.
    assert res.status == "moved" and not res.failed
    assert poller.state().moved_to == server.url("/new/feed.xml")
    assert [link.url for link in poller.links()] == [server.url("/new/item-1.html")]
    assert poller.state().url == server.url("/old/feed.xml")  # state stays keyed by the configured URL


def test_json_feed_over_http(poller: Poller, server: LocalServer) -> None:
    server.routes["/feed.xml"] = serve(200, json.dumps(JSON_FEED).encode(), "application/feed+json")

    res = poller.poll()

    assert (res.status, res.items, res.new_links) == ("ok", 3, 3)
    urls = {link.url for link in poller.links()}
    assert urls == {server.url("/posts/1"), "https://elsewhere.example.net/x", server.url("/relative/3.html")}


def test_repolling_a_changing_validatorless_feed_is_idempotent(poller: Poller, server: LocalServer) -> None:
    """The body changes on every poll (lastBuildDate) and the server sends no ETag or
    Last-Modified, so every poll re-parses; the same items must not be stored twice."""
    builds = iter(f"Wed, 07 Jan 2026 12:{m:02d}:00 +0000" for m in range(60))
    current: list[tuple[str, str]] = list(THREE)

    def changing(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, rss(current, build=next(builds)), {"Content-Type": "application/rss+xml"})

    server.routes["/feed.xml"] = changing

    first = poller.poll()
    assert (first.status, first.new_links, first.known_links) == ("ok", 3, 0)
    snapshot = [(link.id, link.url, link.first_seen_at) for link in poller.links()]
    seen_before = {link.url: link.last_seen_at for link in poller.links()}

    for _ in range(2):
        again = poller.poll()
        assert again.status == "ok"  # a new body: parsed again
        assert (again.items, again.new_links, again.known_links) == (3, 0, 3)
        assert "if-none-match" not in server.requests[-1].headers
        assert poller.link_count() == 3
        assert [(link.id, link.url, link.first_seen_at) for link in poller.links()] == snapshot
    for link in poller.links():
        assert link.last_seen_at >= seen_before[link.url]

    current.append(("Delta", "https://news.example.com/delta.html"))
    grown = poller.poll()
    assert (grown.new_links, grown.known_links) == (1, 3)
    assert poller.link_count() == 4
    state = poller.state()
    assert (state.polls, state.items_seen, state.consecutive_failures) == (4, 13, 0)


def test_duplicate_items_in_one_feed_store_one_link(poller: Poller, server: LocalServer) -> None:
    items = [
        ("Same", "https://news.example.com/same.html"),
        ("Same again", "https://news.example.com/same.html?utm_campaign=x"),
        ("Same, AMP", "https://news.example.com/same.amp.html"),
    ]
    server.routes["/feed.xml"] = serve(200, rss(items))

    res = poller.poll()

    assert res.items == 3
    assert res.new_links == 1
    assert [link.url for link in poller.links()] == ["https://news.example.com/same.html"]


def test_guard_blocks_private_feed_when_not_allowed(
    session_factory: Any, server: LocalServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _settings(monkeypatch, tmp_path)
    monkeypatch.setenv("NEWSMON_ALLOW_PRIVATE_ADDRESSES", "0")
    settings = get_settings()
    assert settings.allow_private_addresses is False
    poller = _poller(session_factory, settings, server.url("/feed.xml"))
    server.routes["/feed.xml"] = serve(200, rss(THREE))

    res = poller.poll()

    assert (res.status, res.error) == ("blocked", "private_address")
    assert server.requests == []
    assert (poller.state().consecutive_failures, poller.link_count()) == (1, 0)
