"""Source health: the store queries (SQLite and PostgreSQL), the checks behind the
``news_health`` DAG, ``newsmon sources status``, and the adaptive polling interval."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsmon.config import Polling
from newsmon.health import source_health
from readers.feeds import next_interval
from store import repo
from store.db import session_scope

NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


class _Src:
    def __init__(self, sid: str) -> None:
        self.id, self.name, self.group, self.country, self.languages, self.enabled = sid, sid, "t", None, ["en"], True


def _history(factory: Any, source_id: str, polls: list[tuple[timedelta, str, int]], now: datetime = NOW) -> None:
    """Write polls (age, status, new items) of one feed of ``source_id``, as poll_feed does."""
    with session_scope(factory) as session:
        repo.sync_sources(session, [_Src(source_id)])
        state = repo.feed_state(session, source_id, f"https://{source_id}.example/feed", "feed")
        for age, status, new in sorted(polls, key=lambda p: -p[0]):
            at = now - age
            repo.record_feed_poll(
                session, state, polled_at=at, status=status, http_status=None, new_items=new, error=None
            )
            state.last_status = status
            if status == "ok":
                state.last_success_at = at
                if new:
                    state.last_new_item_at = at


def test_feed_health_counts_the_window(session_factory: Any) -> None:
    _history(
        session_factory,
        "a",
        [(timedelta(hours=1), "ok", 3), (timedelta(hours=2), "timeout", 0), (timedelta(days=2), "ok", 7)],
    )
    with session_scope(session_factory) as session:
        (day,) = repo.feed_health(session, now=NOW, window_days=1)
        (week,) = repo.feed_health(session, now=NOW, window_days=7)
        assert repo.poll_error_rate(session, "a", NOW - timedelta(days=1), NOW) == (2, 1)
    assert (day.polls, day.errors, day.new_items) == (2, 1, 3)
    assert day.error_rate == 0.5 and day.items_per_day == 3
    assert (week.polls, week.new_items) == (3, 10)
    assert day.last_new_item_at == NOW - timedelta(hours=1)


def test_healthy_silent_and_erroring_sources(session_factory: Any) -> None:
    # Steady: a new item every 2 hours for a week, the last one an hour ago.
    steady = [(timedelta(hours=1 + 2 * i), "ok", 1) for i in range(84)]
    _history(session_factory, "steady", steady)
    # Silent: the same cadence until two days ago, then polls without anything new.
    silent = [(timedelta(days=2, hours=2 * i), "ok", 1) for i in range(60)]
    silent += [(timedelta(hours=3 * i), "unchanged", 0) for i in range(16)]
    _history(session_factory, "silent", silent)
    # Erroring: fine for a week, then most polls of the last day failed.
    erroring = [(timedelta(days=1, hours=2 * i + 1), "ok", 1) for i in range(72)]
    erroring += [(timedelta(hours=2 * i + 1), "http_error", 0) for i in range(8)] + [(timedelta(hours=20), "ok", 2)]
    _history(session_factory, "erroring", erroring)
    # Quiet by nature: one item a week is its cadence, not silence.
    _history(session_factory, "weekly", [(timedelta(days=3), "ok", 1), (timedelta(hours=1), "not_modified", 0)])
    with session_scope(session_factory) as session:
        health = {h.source_id: h for h in source_health(session, NOW)}
    assert health["steady"].problems == ()
    assert health["weekly"].problems == ()
    assert len(health["silent"].problems) == 1 and health["silent"].problems[0].startswith("silent: no new item")
    assert any(p.startswith("error rate jumped") for p in health["erroring"].problems)
    assert health["erroring"].error_rate == pytest.approx(8 / 9)
    assert health["steady"].new_items_per_day == 12


def test_next_interval_adapts_within_bounds() -> None:
    polling = Polling(min_interval=300, max_interval=6 * 3600)
    assert next_interval(None, 0, 20, False, polling) == 450  # nothing new: slower
    assert next_interval(3600, 20, 20, False, polling) == 300  # a full window of news: items may be lost
    assert next_interval(3600, 1, 20, False, polling) == 5400  # fewer than the target: slower (1.5x at most)
    assert next_interval(3600, 4, 20, False, polling) == 1800  # twice the target: twice as often
    assert next_interval(3600, 1, 2, False, polling) == 300  # half of a tiny feed is new: at once
    wide = Polling(min_interval=300, max_interval=6 * 3600, target_new_items=10)
    assert next_interval(3600, 4, 20, False, wide) == 4500  # target capped at a quarter window: 5, not 10
    assert next_interval(3600, 2, 20, False, polling) == 3600  # the target (2 new): keep
    assert next_interval(600, 20, 20, False, polling) == 300  # never below the minimum
    assert next_interval(5 * 3600, 0, 20, False, polling) == 6 * 3600  # never above the maximum
    assert next_interval(3600, 0, 0, True, polling) == 7200  # failures back off


def test_news_health_task_fails_with_the_reason_and_cli_prints_the_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    from newsmon.cli import main
    from newsmon.pipeline import SourceUnhealthy, health_report
    from store.db import create_engine_from_url, make_session_factory, migrate

    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    sources = {
        "version": 1,
        "sources": [
            {"id": sid, "name": sid, "group": "t", "languages": ["en"], "feeds": [f"https://{sid}.example/feed"]}
            for sid in ("steady", "silent")
        ],
    }
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(sources), encoding="utf-8")
    monkeypatch.setenv("NEWSMON_DATABASE_URL", url)
    monkeypatch.setenv("NEWSMON_SOURCES_FILE", str(tmp_path / "sources.yaml"))
    monkeypatch.setenv("NEWSMON_SOURCE_GROUPS", "t")
    now = datetime.now(UTC)
    engine = create_engine_from_url(url)
    factory = make_session_factory(engine)
    try:
        _history(factory, "steady", [(timedelta(hours=1 + 2 * i), "ok", 1) for i in range(84)], now)
        _history(factory, "silent", [(timedelta(days=2, hours=2 * i), "ok", 1) for i in range(60)], now)
    finally:
        engine.dispose()

    with pytest.raises(SourceUnhealthy, match=r"silent: silent: no new item"):
        health_report()
    assert main(["sources", "status", "--feeds"]) == 1
    out = capsys.readouterr().out
    assert "last_new_item" in out and "error_rate" in out
    assert "steady" in out and "silent: no new item" in out and "https://steady.example/feed" in out
    assert main(["sources", "status", "--json"]) == 1
    rows = {r["source"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["steady"]["problems"] == [] and rows["silent"]["problems"]
