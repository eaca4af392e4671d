"""``newsmon read-feed``: one feed in, JSON lines out; any input yields items or one error
object, never a crash, a hang or unbounded memory (every file of the shared feed corpus)."""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from newsmon.cli import main, read_feed

ITEM_KEYS = {"title", "link", "summary", "published_at", "guid", "language"}

RELATIVE_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Rel</title><link>https://news.example.org/</link><language>de</language>
<item><title>Gipfel &lt;b&gt;in&lt;/b&gt; Paris</title><link>/politik/gipfel-paris.html</link>
<description>&lt;p&gt;Die &lt;a href="/x"&gt;Koalition&lt;/a&gt; der Willigen&lt;/p&gt;
&lt;p&gt;tagt.&lt;/p&gt;</description>
<guid isPermaLink="false">g-1</guid><pubDate>Wed, 07 Jan 2026 10:00:00 +0100</pubDate></item>
</channel></rss>"""


def _run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    assert main(["read-feed", *argv]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_items_as_json_lines_with_text_and_resolved_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(RELATIVE_RSS)
    out = _run_cli(capsys, str(path), "--url", "https://news.example.org/feeds/politik.xml")
    assert len(out) == 1
    item = out[0]
    assert set(item) == ITEM_KEYS
    assert item["link"] == "https://news.example.org/politik/gipfel-paris.html"
    assert item["title"] == "Gipfel in Paris"
    assert item["summary"] == "Die Koalition der Willigen tagt."
    assert item["published_at"] == "2026-01-07T09:00:00Z"
    assert (item["guid"], item["language"]) == ("g-1", "de")


def test_unparseable_input_prints_one_error_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        "empty.xml": b"",
        "html.xml": b"<html><body><p>not a feed</p></body></html>",
        "binary.xml": bytes(range(256)) * 20,
        "array.json": b'[{"title": "a parsed item, not a feed"}]',
    }
    for name, body in cases.items():
        (tmp_path / name).write_bytes(body)
        out = _run_cli(capsys, str(tmp_path / name))
        assert len(out) == 1 and "error" in out[0] and out[0]["file"].endswith(name), (name, out)
    out = _run_cli(capsys, str(tmp_path / "missing.xml"))
    assert len(out) == 1 and out[0]["error"].startswith("cannot read")


def test_input_size_is_capped_decompressed_too(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(RELATIVE_RSS + b" " * 5000)
    assert read_feed(str(big), max_bytes=4096) == [{"file": str(big), "error": "too_large: more than 4096 bytes"}]
    bomb = tmp_path / "bomb.xml.gz"
    bomb.write_bytes(gzip.compress(b"<rss>" + b" " * 50_000_000))  # ~50 KB on disk, 50 MB inflated
    assert len(bomb.read_bytes()) < 100_000
    tracemalloc.start()
    try:
        out = read_feed(str(bomb), max_bytes=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out[0]["error"].startswith("too_large") and "decompressed" in out[0]["error"]
    assert peak < 5_000_000, peak  # never inflated past the cap
    small = tmp_path / "small.xml.gz"
    small.write_bytes(gzip.compress(RELATIVE_RSS))
    assert read_feed(str(small), base_url="https://news.example.org/")[0]["title"] == "Gipfel in Paris"


def test_url_input_uses_the_bounded_fetch(
    replay: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSMON_ALLOW_PRIVATE_ADDRESSES", "1")
    out = _run_cli(capsys, f"{replay.base}/le-courrier/atom.xml")
    assert len(out) >= 3 and all(set(o) == ITEM_KEYS for o in out)
    assert all(o["link"].startswith(("http://", "https://")) for o in out)
    missing = _run_cli(capsys, f"{replay.base}/no/such/feed.xml")
    assert len(missing) == 1 and missing[0]["error"].startswith("http_error")
    monkeypatch.setenv("NEWSMON_ALLOW_PRIVATE_ADDRESSES", "0")
    blocked = _run_cli(capsys, f"{replay.base}/le-courrier/atom.xml")
    assert len(blocked) == 1 and blocked[0]["error"].startswith("blocked")


def test_every_file_of_the_feed_corpus(corpus: Path) -> None:
    """No file of ../shared/corpus/feeds crashes, hangs or blows memory; rumca's JSON arrays of
    parsed items are not feeds and yield an error object."""
    files = sorted(p for p in (corpus / "feeds").rglob("*") if p.is_file())
    assert len(files) > 1000
    parsed = errors = 0
    slowest = 0.0
    for path in files:
        t0 = time.perf_counter()
        out = read_feed(str(path))
        slowest = max(slowest, time.perf_counter() - t0)
        json.dumps(out, ensure_ascii=False)  # every object serialises
        if len(out) == 1 and "error" in out[0]:
            errors += 1
            assert isinstance(out[0]["error"], str) and out[0]["error"], path
        else:
            parsed += 1
            for item in out:
                assert set(item) == ITEM_KEYS, path
                assert item["link"] is None or isinstance(item["link"], str)
        if "rumca-2026-01-dev" in path.parts and path.suffix == ".json":
            assert len(out) == 1 and "error" in out[0], path
    assert parsed > 1000 and errors > 100, (parsed, errors)
    assert slowest < 30.0, slowest  # no hang (the largest feed, 1.6 MB, takes about a second)
    # Memory: the peak while reading the largest files stays a small multiple of their size.
    largest = sorted(files, key=lambda p: p.stat().st_size)[-5:]
    tracemalloc.start()
    try:
        for path in largest:
            read_feed(str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * max(p.stat().st_size for p in largest), peak
