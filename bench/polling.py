"""A simulated day of feed polling with the adaptive scheduler.

20 feeds on a local HTTP server publish items as Poisson processes with realistic rates
(a wire service at ~15 items/h down to a weekly blog), busier by day than by night. Some
answer conditional GETs (ETag/Last-Modified), some never do, some rewrite ``lastBuildDate``
on every request (so their body changes without news). A simulated clock drives both the
server and ``readers.feeds.poll_feed``; every ``--tick`` minutes (the ``news_feeds`` DAG
schedule) the due feeds are polled, exactly as ``newsmon.pipeline.poll_source`` selects them.

Reported: polls per status, the fraction of polls skipped as unchanged (304 or same body
hash), items missed (published and pushed out of the feed's window before any poll saw
them), and the mean delay to discover an item; and the same for a fixed schedule that polls
every feed at every tick.

    python bench/polling.py [--tick 15] [--hours 24] [--seed 7]
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import os
import random
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WINDOW = 20  # items a feed lists
START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)

# (items per hour at the daytime peak, validators, rewrites lastBuildDate on every request)
PROFILES: list[tuple[float, str, bool]] = [
    (15.0, "etag", False), (12.0, "none", True), (8.0, "etag", False), (6.0, "lastmod", False),
    (5.0, "none", False), (4.0, "etag", False), (3.0, "etag", True), (3.0, "none", False),
    (2.0, "lastmod", False), (2.0, "etag", False), (1.5, "none", False), (1.0, "etag", False),
    (1.0, "etag", False), (0.8, "none", True), (0.5, "lastmod", False), (0.5, "etag", False),
    (0.3, "none", False), (0.2, "etag", False), (0.1, "etag", False), (0.006, "none", False),
]  # fmt: skip


def diurnal(t: datetime) -> float:
    """Relative publishing activity by hour of day (UTC): 0.2 at night, 1.0 at the peak."""
    hour = t.hour + t.minute / 60
    if 6 <= hour < 22:
        return 0.4 + 0.6 * (1 - abs(hour - 14) / 8)
    return 0.2


@dataclass
class SimFeed:
    n: int
    rate: float
    validators: str
    volatile: bool
    items: list[datetime] = field(default_factory=list)  # publication times, ascending

    def generate(self, rng: random.Random, start: datetime, end: datetime) -> None:
        # Thinning of a Poisson process with the diurnal profile.
        t = start - timedelta(days=2)
        while True:
            t += timedelta(hours=rng.expovariate(self.rate))
            if t >= end:
                return
            if rng.random() < diurnal(t):
                self.items.append(t)

    def visible(self, now: datetime) -> list[tuple[int, datetime]]:
        shown = [(i, t) for i, t in enumerate(self.items) if t <= now]
        return shown[-WINDOW:]

    def body(self, now: datetime) -> tuple[bytes, str | None, datetime | None]:
        shown = self.visible(now)
        last = shown[-1][1] if shown else START - timedelta(days=30)
        build = now if self.volatile else last
        entries = "".join(
            f"<item><title>Feed {self.n} story {i}</title><link>http://news.example/{self.n}/{i}</link>"
            f"<guid>f{self.n}-{i}</guid><pubDate>{email.utils.format_datetime(t)}</pubDate></item>"
            for i, t in reversed(shown)
        )
        xml = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {self.n}</title>'
            f"<link>http://news.example/{self.n}</link>"
            f"<lastBuildDate>{email.utils.format_datetime(build)}</lastBuildDate>{entries}</channel></rss>"
        ).encode()
        etag = '"' + hashlib.sha1(xml).hexdigest()[:16] + '"'  # an ETag, not security
        return xml, etag, last


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def serve(feeds: dict[int, SimFeed], clock: Clock) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            feed = feeds[int(self.path.strip("/").split(".")[0])]
            body, etag, last = feed.body(clock.now)
            lastmod = email.utils.format_datetime(last, usegmt=True) if last else None
            if feed.validators == "etag" and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            if feed.validators == "lastmod" and lastmod and self.headers.get("If-Modified-Since") == lastmod:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            if feed.validators == "etag":
                self.send_header("ETag", etag)
            if feed.validators == "lastmod" and lastmod:
                self.send_header("Last-Modified", lastmod)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def simulate(adaptive: bool, tick: int, hours: int, seed: int) -> dict[str, Any]:
    os.environ["NEWSMON_ALLOW_PRIVATE_ADDRESSES"] = "1"
    from newsmon.config import Polling, SourceConfig
    from newsmon.settings import get_settings
    from readers.feeds import poll_feed
    from store import repo
    from store.db import create_engine_from_url, make_session_factory, migrate, session_scope
    from store.models import Link

    rng = random.Random(seed)
    end = START + timedelta(hours=hours)
    feeds = {}
    for n, (rate, validators, volatile) in enumerate(PROFILES):
        feed = SimFeed(n, rate, validators, volatile)
        feed.generate(rng, START, end)
        feeds[n] = feed
    clock = Clock(START)
    httpd = serve(feeds, clock)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    polling = Polling() if adaptive else Polling(min_interval=tick * 60, max_interval=tick * 60)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/sim.db"
        migrate(url)
        engine = create_engine_from_url(url)
        factory = make_session_factory(engine)
        sources = [
            SourceConfig(
                id=f"sim-{n}",
                name=f"sim {n}",
                languages=["en"],
                feeds=[{"url": f"{base}/{n}.xml"}],  # type: ignore[list-item]
                politeness={"delay": 0, "concurrency": 4},  # type: ignore[arg-type]
            )
            for n in feeds
        ]
        with session_scope(factory) as session:
            repo.sync_sources(session, sources)
        settings = get_settings()
        statuses: Counter[str] = Counter()
        seen_at: dict[str, datetime] = {}
        while clock.now < end:
            with session_scope(factory) as session:
                due = repo.due_feed_urls(session, [s.feeds[0].url for s in sources], clock.now)
            for src in sources:
                if src.feeds[0].url in due:
                    statuses[poll_feed(factory, src, src.feeds[0], settings, polling=polling, clock=clock).status] += 1
            with session_scope(factory) as session:
                for link_url in session.scalars(select_links(Link)):
                    seen_at.setdefault(link_url, clock.now)
            clock.now += timedelta(minutes=tick)
        engine.dispose()
    httpd.shutdown()
    httpd.server_close()
    published = {
        f"http://news.example/{f.n}/{i}": t for f in feeds.values() for i, t in enumerate(f.items) if START <= t < end
    }
    found = {u: seen_at[u] for u in published if u in seen_at}
    # Missed: never seen and already pushed out of its feed's window (the rest is still listed
    # at the end of the day and will be found by the next poll).
    still_listed = {f"http://news.example/{f.n}/{i}" for f in feeds.values() for i, _t in f.visible(end)}
    missed = [u for u in published if u not in found and u not in still_listed]
    delays = [(found[u] - published[u]).total_seconds() / 60 for u in found]
    polls = sum(statuses.values())
    skipped = statuses["not_modified"] + statuses["unchanged"]
    return {
        "schedule": "adaptive" if adaptive else f"fixed every {tick} min",
        "polls": polls,
        "statuses": dict(statuses),
        "skipped_unchanged_fraction": round(skipped / polls, 3) if polls else 0.0,
        "items_published": len(published),
        "items_missed": len(missed),
        "items_pending_at_end": len(published) - len(found) - len(missed),
        "mean_discovery_delay_min": round(sum(delays) / len(delays), 1) if delays else None,
    }


def select_links(link: Any) -> Any:
    from sqlalchemy import select

    return select(link.url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tick", type=int, default=15, help="minutes between scheduler runs (the DAG schedule)")
    parser.add_argument("--hours", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING)
    for adaptive in (True, False):
        print(json.dumps(simulate(adaptive, args.tick, args.hours, args.seed)))


if __name__ == "__main__":
    main()
