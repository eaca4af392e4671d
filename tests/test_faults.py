"""Faults against local HTTP servers: every fault ends as a recorded status, the other
sources still succeed in the same run, nothing stored is lost.

Fetch-level behaviour (bounded reads, decoders, the redirect guard) is covered by
tests/test_http.py and single-feed polling by tests/test_feeds.py; here whole sources go
through ``newsmon.pipeline.poll_source`` / ``crawl_source`` together, as the DAGs run them.
"""

from __future__ import annotations

import gzip
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from newsmon.config import Polling
from store.db import create_engine_from_url, make_session_factory, session_scope
from store.models import FeedPoll, FeedState, HostBudget, Link

Handler = Callable[[BaseHTTPRequestHandler], None]


def rss(items: list[tuple[str, str]], title: str = "Feed") -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Wed, 07 Jan 2026 12:00:00 +0000</pubDate></item>"
        for t, link in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.org/</link>{entries}</channel></rss>"
    ).encode()


def _send(h: BaseHTTPRequestHandler, code: int, body: bytes, ctype: str = "application/rss+xml; charset=utf-8") -> None:
    h.send_response(code)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


class FaultServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: list[tuple[str, dict[str, str]]] = []
        server = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.hits.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if route is None:
                    _send(self, 404, b"not found", "text/plain")
                else:
                    route(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.hits if p == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- the faults --------------------------------------------------------------------------------


def slow_headers(h: BaseHTTPRequestHandler) -> None:
    time.sleep(4)


def slow_drip(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    try:
        for _ in range(40):  # one byte every 0.25 s: each read is quick, the whole is not
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.25)
    except OSError:
        pass


def connection_reset(h: BaseHTTPRequestHandler) -> None:
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def gzip_bomb(h: BaseHTTPRequestHandler) -> None:
    payload = gzip.compress(b"<rss>" + b" " * (64 * 1024 * 1024), compresslevel=9)
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Content-Length", str(len(payload)))
    h.end_headers()
    h.wfile.write(payload)


def redirect(to: str, code: int = 302) -> Handler:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        h.send_header("Location", to)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def status(code: int, headers: dict[str, str] | None = None) -> Handler:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def serve(body: bytes, ctype: str = "application/rss+xml; charset=utf-8") -> Handler:
    return lambda h: _send(h, 200, body, ctype)


# -- environment -----------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[FaultServer]:
    srv = FaultServer()
    yield srv
    srv.close()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    from store.db import migrate

    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    values = {
        "NEWSMON_DATA_DIR": str(tmp_path),
        "NEWSMON_DATABASE_URL": url,
        "NEWSMON_SOURCE_GROUPS": "faults",
        "NEWSMON_ALLOW_PRIVATE_ADDRESSES": "1",
        "NEWSMON_FETCH_TIMEOUT": "1",
        "NEWSMON_MAX_DOWNLOAD_BYTES": str(1024 * 1024),
        "NEWSMON_SOURCES_FILE": str(tmp_path / "sources.yaml"),
        "NEWSMON_SCRAPY_LOG_LEVEL": "INFO",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def write_sources(path: Path, feeds: dict[str, list[str]], polling: dict[str, Any] | None = None) -> None:
    import yaml

    doc: dict[str, Any] = {
        "version": 1,
        "sources": [
            {
                "id": sid,
                "name": sid,
                "group": "faults",
                "languages": ["en"],
                "feeds": urls,
                "politeness": {"delay": 0, "concurrency": 4},
            }
            for sid, urls in feeds.items()
        ],
    }
    if polling:
        doc["polling"] = polling
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def factory() -> Any:
    return make_session_factory(create_engine_from_url(os.environ["NEWSMON_DATABASE_URL"]))


def feed_states() -> dict[str, FeedState]:
    with session_scope(factory()) as session:
        return {s.source_id: s for s in session.scalars(select(FeedState))}


def link_urls() -> set[str]:
    with session_scope(factory()) as session:
        return set(session.scalars(select(Link.url)))


# -- tests ---------------------------------------------------------------------------------------


def test_every_fault_is_a_recorded_status_and_the_good_sources_succeed(
    env: dict[str, str], tmp_path: Path, server: FaultServer
) -> None:
    from newsmon.pipeline import list_sources, poll_source

    good = rss([("One", server.url("/art/1")), ("Two", server.url("/art/2"))])
    ukr = "Гарантії безпеки для України"
    server.routes.update(
        {
            "/good.xml": serve(good),
            "/other.xml": serve(rss([("Three", server.url("/art/3"))])),
            "/500.xml": status(500),
            "/slow.xml": slow_headers,
            "/drip.xml": slow_drip,
            "/reset.xml": connection_reset,
            "/loop-a.xml": redirect("/loop-b.xml"),
            "/loop-b.xml": redirect("/loop-a.xml"),
            "/bomb.xml": gzip_bomb,
            "/charset.xml": serve(rss([(ukr, server.url("/art/ua"))]), "application/rss+xml; charset=windows-1251"),
            "/old.xml": redirect("/new.xml", 301),
            "/new.xml": serve(rss([("Moved", server.url("/art/moved"))])),
            "/junk.xml": serve(b"<html><body>no feed here</body></html>", "text/html"),
        }
    )
    feeds = {
        "good": ["/good.xml"],
        "e500": ["/500.xml"],
        "slow": ["/slow.xml"],
        "drip": ["/drip.xml"],
        "reset": ["/reset.xml"],
        "loop": ["/loop-a.xml"],
        "bomb": ["/bomb.xml"],
        "charset": ["/charset.xml"],
        "moved": ["/old.xml"],
        "junk": ["/junk.xml"],
        "mixed": ["/other.xml", "/500.xml?mixed"],
    }
    server.routes["/500.xml?mixed"] = status(500)
    # A host that answers 429 with Retry-After is parked for everyone: its other feed (another
    # source) is deferred without a request. It is another host, so the rest go on.
    busy = FaultServer()
    busy.routes["/429.xml"] = status(429, {"Retry-After": "600"})
    busy.routes["/sibling.xml"] = serve(good)
    config = {k: [server.url(p) for p in v] for k, v in feeds.items()}
    config = {"throttled": [busy.url("/429.xml")], "sibling": [busy.url("/sibling.xml")], **config}
    write_sources(tmp_path / "sources.yaml", config)
    results = {}
    started = time.monotonic()
    try:
        for source_id in list_sources("feeds"):
            results[source_id] = poll_source(source_id, raise_on_failure=False)
    finally:
        busy.close()
    assert time.monotonic() - started < 60  # every fault is bounded in time
    assert busy.count("/sibling.xml") == 0 and results["sibling"]["statuses"] == {"deferred": 1}

    states = feed_states()
    expected = {
        "good": ("ok", 200),
        "e500": ("http_error", 500),
        "slow": ("timeout", None),
        "drip": ("timeout", 200),
        "reset": ("network_error", None),
        "loop": ("redirect_loop", 302),
        "bomb": ("too_large", 200),
        "charset": ("ok", 200),
        "moved": ("moved", 200),
        "throttled": ("http_error", 429),
        "junk": ("parse_error", 200),
    }
    for source_id, (want, _code) in expected.items():
        assert results[source_id]["statuses"] == {want: 1}, (source_id, results[source_id])
        assert states[source_id].last_status == want, source_id
    assert "bozo" not in (states["junk"].last_error or "") and states["junk"].last_error  # the reason is kept
    assert states["e500"].last_http_status == 500
    assert states["throttled"].last_http_status == 429
    assert states["moved"].moved_to == server.url("/new.xml")
    assert results["moved"]["moved"] == {server.url("/old.xml"): server.url("/new.xml")}
    assert results["mixed"]["statuses"] == {"ok": 1, "http_error": 1} and results["mixed"]["new_links"] == 1
    # The good sources' links are stored; the charset lie did not garble the Ukrainian title.
    urls = link_urls()
    for path in ("/art/1", "/art/2", "/art/3", "/art/moved", "/art/ua"):
        assert server.url(path) in urls
    with session_scope(factory()) as session:
        title = session.scalar(select(Link.title).where(Link.url == server.url("/art/ua")))
        assert title == ukr
        # Every poll is in the history, with its status.
        assert session.scalar(select(FeedPoll.status).where(FeedPoll.source_id == "bomb")) == "too_large"
        assert len(list(session.scalars(select(FeedPoll.id)))) == len(feeds) + 2  # deferred is no poll
        # Retry-After on the 429: the host is parked for everyone and the feed's next poll too.
        budget = session.get(HostBudget, busy.base.removeprefix("http://"))
        assert budget is not None and budget.retry_after_until is not None
    throttled = states["throttled"]
    assert throttled.next_poll_at is not None and throttled.last_polled_at is not None
    assert throttled.next_poll_at - throttled.last_polled_at >= timedelta(seconds=600)


def test_faults_lose_nothing_and_a_rerun_is_idempotent(
    env: dict[str, str], tmp_path: Path, server: FaultServer
) -> None:
    """A feed that worked, then breaks in every way: its stored links stay; re-running the
    same DAG run's task polls nothing new because the feed is not due."""
    from newsmon.pipeline import list_sources, poll_source

    good = rss([("One", server.url("/art/1")), ("Two", server.url("/art/2"))])
    server.routes["/feed.xml"] = serve(good)
    write_sources(tmp_path / "sources.yaml", {"flaky": [server.url("/feed.xml")]})
    list_sources("feeds")
    assert poll_source("flaky")["new_links"] == 2
    before = link_urls()
    hits = server.count("/feed.xml")
    assert poll_source("flaky")["not_due"] == 1  # the same run again: not due, not fetched
    assert server.count("/feed.xml") == hits
    for fault in (status(500), connection_reset, gzip_bomb, serve(b"\x00garbage", "application/xml")):
        server.routes["/feed.xml"] = fault
        with session_scope(factory()) as session:  # make it due again
            for state in session.scalars(select(FeedState)):
                state.next_poll_at = None
        poll_source("flaky", raise_on_failure=False)
        assert link_urls() == before
    state = feed_states()["flaky"]
    assert state.consecutive_failures == 4 and not state.disabled
    assert state.body_hash is not None  # the last good body's hash is kept


def test_weighted_failures_disable_a_feed_and_the_operator_sees_it(
    env: dict[str, str], tmp_path: Path, server: FaultServer
) -> None:
    from newsmon.health import source_health
    from newsmon.pipeline import SourceFailed, list_sources, poll_source

    server.routes["/gone.xml"] = status(410)
    server.routes["/slow.xml"] = slow_headers
    server.routes["/ok.xml"] = serve(rss([("A", server.url("/art/a"))]))
    write_sources(
        tmp_path / "sources.yaml",
        {"gone": [server.url("/gone.xml")], "slowpoke": [server.url("/slow.xml")], "fine": [server.url("/ok.xml")]},
        polling={"disable_after": 4, "failure_weights": {"http_410": 2.0, "timeout": 0.5}},
    )
    list_sources("feeds")

    def due_all() -> None:
        with session_scope(factory()) as session:
            for state in session.scalars(select(FeedState)):
                state.next_poll_at = None

    for _ in range(2):
        with pytest.raises(SourceFailed):
            poll_source("gone")
        poll_source("slowpoke", raise_on_failure=False)
        due_all()
    states = feed_states()
    assert states["gone"].disabled and states["gone"].disabled_at is not None
    assert "410" in (states["gone"].disabled_reason or "") and "weighted 4" in (states["gone"].disabled_reason or "")
    assert not states["slowpoke"].disabled and states["slowpoke"].failure_score == pytest.approx(1.0)
    # A disabled feed is not polled any more; the task says so instead of failing again.
    hits = server.count("/gone.xml")
    counts = poll_source("gone")
    assert server.count("/gone.xml") == hits and counts["feeds"] == 0
    poll_source("fine")
    with session_scope(factory()) as session:
        health = {h.source_id: h for h in source_health(session, datetime.now(UTC))}
    assert any("disabled" in p for p in health["gone"].problems)
    assert health["fine"].problems == () and health["fine"].status == "ok"


def test_a_lying_304_is_caught_by_the_periodic_unconditional_get(
    env: dict[str, str], tmp_path: Path, server: FaultServer
) -> None:
    """The server answers 304 to every conditional GET although the feed changed. Conditional
    polls cannot see it (neither can the body hash: there is no body); the unconditional GET
    every ``unconditional_every`` does, and max_interval bounds the staleness before it."""
    from newsmon.config import load_sources
    from newsmon.settings import get_settings
    from readers.feeds import poll_feed

    version = {"n": 1}

    def liar(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match"):
            return status(304)(h)
        items = [(f"Story {i}", server.url(f"/art/{i}")) for i in range(1, version["n"] + 1)]
        body = rss(items)
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("ETag", '"always-the-same"')
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    server.routes["/liar.xml"] = liar
    write_sources(tmp_path / "sources.yaml", {"liar": [server.url("/liar.xml")]})
    from newsmon.pipeline import list_sources

    list_sources("feeds")
    source = load_sources(get_settings().sources_file).get("liar")
    polling = Polling(min_interval=300, max_interval=3600, unconditional_every=3600)
    now = [datetime(2026, 3, 1, 12, 0, tzinfo=UTC)]
    fac = factory()

    def poll() -> str:
        return poll_feed(fac, source, source.feeds[0], get_settings(), polling=polling, clock=lambda: now[0]).status

    assert poll() == "ok"
    version["n"] = 3
    now[0] += timedelta(minutes=30)
    assert poll() == "not_modified"  # the lie
    now[0] += timedelta(minutes=31)
    assert poll() == "ok"  # an hour after the last unconditional GET: the body decides
    assert "if-none-match" not in server.hits[-1][1]
    assert {server.url(f"/art/{i}") for i in (1, 2, 3)} <= link_urls()


@pytest.mark.slow
def test_spider_refuses_private_address_links_and_the_gzip_bomb(
    env: dict[str, str], tmp_path: Path, server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The article spider: a gzip bomb page is stopped at DOWNLOAD_MAXSIZE of the *decompressed*
    body (Scrapy's HttpCompressionMiddleware) and recorded as too_large; the good page and the
    redirect chain are stored. Then, without the loopback allowance, links to 127.0.0.1 are
    skipped as private_address and the server is never contacted."""
    from newsmon.pipeline import crawl_source, list_sources
    from store import repo
    from store.models import RawPage

    page = b"<html><head><title>Fine</title></head><body><p>" + b"word " * 100 + b"</p></body></html>"
    server.routes.update(
        {
            "/robots.txt": lambda h: _send(h, 200, b"User-agent: *\nAllow: /\n", "text/plain"),
            "/fine": lambda h: _send(h, 200, page, "text/html; charset=utf-8"),
            "/hop": redirect("/fine", 301),
            "/bomb": _gzip_page,
        }
    )
    write_sources(tmp_path / "sources.yaml", {"site": [server.url("/feed.xml")]})
    list_sources("feeds")
    with session_scope(factory()) as session:
        links = [server.url(p) for p in ("/hop", "/bomb")]
        repo.upsert_links(
            session,
            "site",
            [repo.DiscoveredLink(url=u, found_url=u, discovered_via="feed", discovered_from="t") for u in links],
        )
    counts = crawl_source("site", "article", raise_on_failure=False)
    assert counts["exit_code"] == 0
    with session_scope(factory()) as session:
        status_of = {lk.url: (lk.status, lk.status_reason) for lk in session.scalars(select(Link))}
        raw = session.scalars(select(RawPage)).one()
        assert raw.final_url == server.url("/fine")
        assert raw.redirects == [{"url": server.url("/hop"), "status": 301}]
    assert status_of[server.url("/bomb")] == ("skipped", "too_large")
    assert status_of[server.url("/hop")] == ("fetched", None)

    monkeypatch.setenv("NEWSMON_ALLOW_PRIVATE_ADDRESSES", "0")
    with session_scope(factory()) as session:
        u = server.url("/fine?again")
        link = repo.DiscoveredLink(url=u, found_url=u, discovered_via="feed", discovered_from="t")
        repo.upsert_links(session, "site", [link])
    hits = len(server.hits)
    crawl_source("site", "article", raise_on_failure=False)
    assert len(server.hits) == hits  # not even robots.txt
    with session_scope(factory()) as session:
        assert session.scalar(select(Link.status_reason).where(Link.url == server.url("/fine?again"))) == (
            "private_address"
        )


def _gzip_page(h: BaseHTTPRequestHandler) -> None:
    payload = gzip.compress(b"<html><body>" + b"a" * (32 * 1024 * 1024), compresslevel=9)
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Content-Length", str(len(payload)))
    h.end_headers()
    h.wfile.write(payload)
