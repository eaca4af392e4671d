"""Feeds parsed per second: ``readers.feeds.parse_feed`` against ``feedparser.parse`` with its
default settings, on the real feeds of ../shared/corpus/feeds, same files, same run,
interleaved (each round alternates which parser goes first), plus peak memory (tracemalloc).

    python bench/feeds.py [--rounds 5] [--corpus ../shared/corpus/feeds]

Files that are not feeds (feedparser finds no RSS/Atom/RDF version and they are not JSON
Feed) are skipped. The variants show where the time goes: feedparser with sanitising off, and
with relative-URI resolution in embedded markup off too (we reduce feed HTML to text, so we
need neither).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

log = logging.getLogger(__name__)

SUBDIRS = ("rss-parser-fixtures/input", "feed-rs-fixtures", "feedjira-sample-feeds", "trafilatura-resources")


def feed_files(corpus: Path) -> list[tuple[Path, bytes]]:
    """The files of SUBDIRS that are feeds (RSS 0.9x/1.0/2.0, Atom, or JSON Feed)."""
    import feedparser

    out = []
    for sub in SUBDIRS:
        for path in sorted((corpus / sub).rglob("*")):
            if not path.is_file() or path.name.startswith(("LICENSE", "README")):
                continue
            body = path.read_bytes()
            head = body.lstrip()[:1]
            if head == b"{":
                try:
                    is_feed = isinstance(json.loads(body).get("items"), list)
                except (ValueError, AttributeError):
                    is_feed = False
            else:
                is_feed = bool(feedparser.parse(body).get("version"))
            if is_feed:
                out.append((path, body))
    return out


def _parsers() -> dict[str, Callable[[bytes], Any]]:
    import feedparser

    from readers.feeds import parse_feed

    return {
        "newsmon parse_feed": lambda b: parse_feed(b, base_url="https://example.org/feed"),
        "feedparser (defaults)": feedparser.parse,
        "feedparser sanitize_html=False": lambda b: feedparser.parse(b, sanitize_html=False),
        "feedparser sanitize_html=False, resolve_relative_uris=False": lambda b: feedparser.parse(
            b, sanitize_html=False, resolve_relative_uris=False
        ),
    }


def run(corpus: Path, rounds: int) -> dict[str, Any]:
    files = feed_files(corpus)
    parsers = _parsers()
    names = list(parsers)
    elapsed = dict.fromkeys(names, 0.0)
    items = dict.fromkeys(names, 0)
    for rnd in range(rounds):
        order = names if rnd % 2 == 0 else names[::-1]
        for _path, body in files:
            for name in order:  # interleaved: every file goes through every parser in turn
                t0 = time.perf_counter()
                result = parsers[name](body)
                elapsed[name] += time.perf_counter() - t0
                if rnd == 0:
                    items[name] += len(result.items if name.startswith("newsmon") else result.entries)
    peak: dict[str, int] = {}
    for name in names:
        gc.collect()
        tracemalloc.start()
        for _path, body in files:
            parsers[name](body)
        peak[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    n = len(files) * rounds
    rates = {name: n / elapsed[name] for name in names}
    base = rates["feedparser (defaults)"]
    return {
        "files": len(files),
        "bytes": sum(len(b) for _p, b in files),
        "rounds": rounds,
        "results": {
            name: {
                "feeds_per_second": round(rates[name], 1),
                "ratio_vs_feedparser_defaults": round(rates[name] / base, 2),
                "items_first_round": items[name],
                "peak_memory_mib": round(peak[name] / 2**20, 2),
            }
            for name in names
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "feeds")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")
    report = run(args.corpus, args.rounds)
    print(f"{report['files']} feeds ({report['bytes'] / 2**20:.1f} MiB) x {report['rounds']} rounds, interleaved")
    print(f"{'parser':62} {'feeds/s':>8} {'ratio':>6} {'items':>6} {'peak MiB':>9}")
    for name, r in report["results"].items():
        print(
            f"{name:62} {r['feeds_per_second']:>8} {r['ratio_vs_feedparser_defaults']:>6} "
            f"{r['items_first_round']:>6} {r['peak_memory_mib']:>9}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
