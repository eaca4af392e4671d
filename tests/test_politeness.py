"""Politeness: the shared per-host budget in the store (SQLite and PostgreSQL), Retry-After,
and robots.txt disallow + Crawl-delay + 429 in the Scrapy path against a local server."""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from newsmon.politeness import MAX_RETRY_AFTER, HostBudget, host_key, parse_retry_after, retry_after_for
from store import repo
from store.db import create_engine_from_url, make_session_factory, session_scope
from store.models import HostBudget as HostBudgetRow

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


# -- Retry-After and host keys -----------------------------------------------------------------


def test_parse_retry_after_seconds_dates_and_junk() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Sun, 01 Mar 2026 12:02:00 GMT", T0) == 120.0
    assert parse_retry_after("Sun, 01 Mar 2026 11:00:00 GMT", T0) == 0.0  # in the past
    assert parse_retry_after("9999999") == MAX_RETRY_AFTER
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert retry_after_for(429, None) == 60.0  # a default when the server names none
    assert retry_after_for(503, "5") == 5.0
    assert retry_after_for(500, "5") is None


def test_host_key() -> None:
    assert host_key("https://WWW.Example.com/a?b") == "www.example.com"
    assert host_key("https://example.com:443/") == "example.com"
    assert host_key("http://127.0.0.1:8765/feed") == "127.0.0.1:8765"


# -- the budget in the store ---------------------------------------------------------------------


def _reserve(factory: Any, now: datetime, delay: float = 10.0, concurrency: int = 1, host: str = "h") -> float:
    with session_scope(factory) as session:
        return repo.reserve_host(session, host, now=now, delay=delay, concurrency=concurrency)


def _release(factory: Any, now: datetime, retry_after: float | None = None, host: str = "h") -> None:
    with session_scope(factory) as session:
        repo.release_host(session, host, now=now, retry_after=retry_after)


def test_reserve_enforces_the_delay(session_factory: Any) -> None:
    assert _reserve(session_factory, T0) == 0.0
    _release(session_factory, T0)
    assert _reserve(session_factory, T0 + timedelta(seconds=4)) == pytest.approx(6.0)
    assert _reserve(session_factory, T0 + timedelta(seconds=10)) == 0.0
    assert _reserve(session_factory, T0, host="other") == 0.0  # hosts are independent


def test_reserve_enforces_concurrency_and_leases_expire(session_factory: Any) -> None:
    assert _reserve(session_factory, T0, delay=0, concurrency=2) == 0.0
    assert _reserve(session_factory, T0, delay=0, concurrency=2) == 0.0
    assert _reserve(session_factory, T0, delay=0, concurrency=2) > 0  # two in flight
    _release(session_factory, T0)
    assert _reserve(session_factory, T0, delay=0, concurrency=2) == 0.0
    # A worker that died holding its slots: the lease (120 s) runs out and frees them.
    assert _reserve(session_factory, T0 + timedelta(seconds=60), delay=0, concurrency=2) > 0
    assert _reserve(session_factory, T0 + timedelta(seconds=200), delay=0, concurrency=2) == 0.0
    with session_scope(session_factory) as session:
        assert session.get(HostBudgetRow, "h").in_flight == 1  # type: ignore[union-attr]


def test_retry_after_pushes_the_host_for_everyone(session_factory: Any) -> None:
    assert _reserve(session_factory, T0, delay=1) == 0.0
    _release(session_factory, T0, retry_after=300)
    assert _reserve(session_factory, T0 + timedelta(seconds=5), delay=1) == pytest.approx(295.0)
    assert _reserve(session_factory, T0 + timedelta(seconds=300), delay=1) == 0.0
    with session_scope(session_factory) as session:
        row = session.get(HostBudgetRow, "h")
        assert row is not None and row.retry_after_until == T0 + timedelta(seconds=300)


def test_budget_is_shared_by_concurrent_workers(db_url: str) -> None:
    """Six threads, each with its own engine (own connections, as separate worker processes
    would have), race for one host with a 0.15 s delay: the times the store granted a slot
    are never closer than that, and nobody was granted twice at once."""
    delay, per_worker, workers = 0.15, 3, 6
    grants: list[datetime] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        engine = create_engine_from_url(db_url)
        try:
            asked: list[datetime] = []

            def clock() -> datetime:
                asked.append(datetime.now(UTC))
                return asked[-1]

            budget = HostBudget(make_session_factory(engine), clock)
            for _ in range(per_worker):
                budget.acquire("race.example", delay, 1, max_wait=60)
                with lock:
                    grants.append(asked[-1])  # the "now" of the reservation that succeeded
                budget.release("race.example")
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(grants) == per_worker * workers
    grants.sort()
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(grants)]
    assert min(gaps) >= delay, gaps


# -- the Scrapy path: robots.txt disallow, Crawl-delay, 429 + Retry-After ------------------------


class _Site:
    """A local site: robots.txt with Crawl-delay, articles, a disallowed page, a 429 once."""

    def __init__(self, crawl_delay: float) -> None:
        self.hits: list[tuple[float, str]] = []
        self.throttled = False
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits.append((time.monotonic(), self.path))
                if self.path == "/robots.txt":
                    body = f"User-agent: *\nDisallow: /private/\nCrawl-delay: {crawl_delay}\n".encode()
                    return self._send(200, body, "text/plain")
                if self.path == "/busy" and not site.throttled:
                    site.throttled = True
                    self.send_response(429)
                    self.send_header("Retry-After", "2")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                n = self.path.strip("/").replace("/", "-")
                html = f"<html><head><title>Page {n}</title></head><body><p>{'word ' * 80}</p></body></html>"
                return self._send(200, html.encode(), "text/html; charset=utf-8")

            def _send(self, code: int, body: bytes, ctype: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def write_sources(path: Path, sources: list[dict[str, Any]]) -> Path:
    import yaml

    path.write_text(yaml.safe_dump({"version": 1, "sources": sources}), encoding="utf-8")
    return path


@pytest.fixture
def crawl_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, str]]:
    from store.db import migrate

    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    env = {
        "NEWSMON_DATA_DIR": str(tmp_path),
        "NEWSMON_DATABASE_URL": url,
        "NEWSMON_SOURCE_GROUPS": "test",
        "NEWSMON_ALLOW_PRIVATE_ADDRESSES": "1",
        "NEWSMON_SCRAPY_LOG_LEVEL": "INFO",
        "NEWSMON_SOURCES_FILE": str(tmp_path / "sources.yaml"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    yield env


def _seed_links(source_id: str, urls: list[str]) -> None:
    from newsmon.pipeline import list_sources

    list_sources("all")  # registers the sources
    engine = create_engine_from_url(os.environ["NEWSMON_DATABASE_URL"])
    try:
        with session_scope(make_session_factory(engine)) as session:
            links = [
                repo.DiscoveredLink(url=u, found_url=u, discovered_via="feed", discovered_from="test") for u in urls
            ]
            repo.upsert_links(session, source_id, links)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_scrapy_obeys_robots_applies_crawl_delay_and_retry_after(crawl_env: dict[str, str], tmp_path: Path) -> None:
    from newsmon.pipeline import crawl_source
    from store.models import Link

    site = _Site(crawl_delay=1)
    try:
        write_sources(
            tmp_path / "sources.yaml",
            [
                {
                    "id": "polite",
                    "name": "Polite",
                    "group": "test",
                    "languages": ["en"],
                    "feeds": [f"{site.base}/feed.xml"],
                    "politeness": {"delay": 0, "concurrency": 2},
                }
            ],
        )
        urls = [f"{site.base}/a/{i}" for i in range(3)] + [f"{site.base}/private/x", f"{site.base}/busy"]
        _seed_links("polite", urls)
        counts = crawl_source("polite", "article", raise_on_failure=False)
    finally:
        site.close()
    assert counts["exit_code"] == 0, counts
    engine = create_engine_from_url(os.environ["NEWSMON_DATABASE_URL"])
    try:
        with session_scope(make_session_factory(engine)) as session:
            status = {lk.url: (lk.status, lk.status_reason) for lk in session.scalars(select(Link))}
            budget = session.get(HostBudgetRow, host_key(site.base))
            assert budget is not None and budget.retry_after_until is not None
    finally:
        engine.dispose()
    assert status[f"{site.base}/private/x"] == ("skipped", "robots")
    assert all(status[u] == ("fetched", None) for u in urls if "/private/" not in u), status
    pages = [(t, p) for t, p in site.hits if p != "/robots.txt"]
    assert "/private/x" not in [p for _, p in pages]
    times = sorted(t for t, _ in pages)
    # Crawl-delay: 1 applies although the source asks for no delay and allows 2 at once.
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.95, times
    busy = [t for t, p in pages if p == "/busy"]
    assert len(busy) == 2 and busy[1] - busy[0] >= 1.95  # Retry-After: 2 was honoured
    assert counts.get("politeness/retry_after/429") == 1
    assert json.dumps(counts)  # counts stay JSON for the Asset event
