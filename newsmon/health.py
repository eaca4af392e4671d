"""Source health for operators: the table behind ``newsmon sources status`` and the checks
of the ``news_health`` DAG (a source gone silent beyond its usual cadence, an error rate that
jumped, a feed disabled after repeated failures)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

log = logging.getLogger(__name__)

# A source is silent when no new item came for this many of its usual gaps between new
# items (measured over the baseline window), and for at least SILENT_FLOOR.
SILENT_GAPS = 4.0
SILENT_FLOOR = timedelta(hours=12)
BASELINE_DAYS = 7
# The error rate jumped: at least this share of the last day's polls failed, this much more
# than over the rest of the baseline, over at least this many polls.
ERROR_RATE_FLOOR = 0.5
ERROR_RATE_JUMP = 0.3
MIN_POLLS = 3


@dataclass(frozen=True)
class SourceHealth:
    source_id: str
    feeds: int
    disabled_feeds: int
    status: str  # the worst last status among its feeds
    last_success_at: datetime | None
    last_new_item_at: datetime | None
    new_items_per_day: float
    polls: int
    error_rate: float
    baseline_error_rate: float
    expected_gap: timedelta | None  # usual time between new items (baseline), None when unknown
    problems: tuple[str, ...]

    def row(self) -> dict[str, Any]:
        return {
            "source": self.source_id,
            "status": self.status,
            "feeds": f"{self.feeds - self.disabled_feeds}/{self.feeds}",
            "last_success": _ago(self.last_success_at),
            "last_new_item": _ago(self.last_new_item_at),
            "new/day": f"{self.new_items_per_day:.1f}",
            "polls": self.polls,
            "error_rate": f"{self.error_rate:.0%}",
            "problems": "; ".join(self.problems) or "-",
        }


def _ago(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


_SEVERITY = {"ok": 0, "moved": 0, "not_modified": 0, "unchanged": 0, "deferred": 1, None: 1}


def source_health(session: Any, now: datetime, source_ids: list[str] | None = None) -> list[SourceHealth]:
    """Health of every source that has feeds or sitemaps in the store (or of ``source_ids``)."""
    from store import repo

    day = repo.feed_health(session, now=now, window_days=1.0, source_ids=source_ids)
    week = {(f.url): f for f in repo.feed_health(session, now=now, window_days=BASELINE_DAYS, source_ids=source_ids)}
    by_source: dict[str, list[Any]] = {}
    for feed in day:
        by_source.setdefault(feed.source_id, []).append(feed)
    out = []
    for source_id, feeds in sorted(by_source.items()):
        polls = sum(f.polls for f in feeds)
        errors = sum(f.errors for f in feeds)
        base_polls = sum(week[f.url].polls for f in feeds) - polls
        base_errors = sum(week[f.url].errors for f in feeds) - errors
        base_items = sum(week[f.url].new_items for f in feeds)
        rate = errors / polls if polls else 0.0
        base_rate = base_errors / base_polls if base_polls > 0 else 0.0
        last_success = max((f.last_success_at for f in feeds if f.last_success_at), default=None)
        last_new = max((f.last_new_item_at for f in feeds if f.last_new_item_at), default=None)
        expected_gap = timedelta(days=BASELINE_DAYS) / base_items if base_items else None
        problems = []
        disabled = [f for f in feeds if f.disabled]
        for f in disabled:
            problems.append(f"feed {f.url} disabled: {f.disabled_reason}")
        if expected_gap is not None and last_new is not None:
            allowed = max(expected_gap * SILENT_GAPS, SILENT_FLOOR)
            if now - last_new > allowed:
                problems.append(
                    f"silent: no new item for {_hours(now - last_new)} (usual gap {_hours(expected_gap)}, "
                    f"allowed {_hours(allowed)})"
                )
        if polls >= MIN_POLLS and rate >= ERROR_RATE_FLOOR and rate - base_rate >= ERROR_RATE_JUMP:
            problems.append(f"error rate jumped to {rate:.0%} over {polls} polls (baseline {base_rate:.0%})")
        statuses = [f.status for f in feeds if not f.disabled]
        worst = max(statuses, key=lambda s: _SEVERITY.get(s, 2), default="disabled")
        out.append(
            SourceHealth(
                source_id=source_id,
                feeds=len(feeds),
                disabled_feeds=len(disabled),
                status=worst or "never polled",
                last_success_at=last_success,
                last_new_item_at=last_new,
                new_items_per_day=sum(f.new_items for f in feeds),
                polls=polls,
                error_rate=rate,
                baseline_error_rate=base_rate,
                expected_gap=expected_gap,
                problems=tuple(problems),
            )
        )
    return out


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"


COLUMNS = ["source", "status", "feeds", "last_success", "last_new_item", "new/day", "polls", "error_rate", "problems"]


def format_table(rows: list[dict[str, Any]], columns: list[str] = COLUMNS) -> str:
    widths = {c: max([len(c), *(len(str(r.get(c, ""))) for r in rows)]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


FEED_COLUMNS = ["source", "feed", "kind", "status", "last_success", "last_new_item", "new/day", "polls",
                "error_rate", "next_poll", "disabled"]  # fmt: skip


def feed_rows(session: Any, now: datetime, source_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """One row per feed or news sitemap over the last day, for the per-feed table."""
    from store import repo

    return [
        {
            "source": f.source_id,
            "feed": f.url,
            "kind": f.kind,
            "status": f.status or "never polled",
            "last_success": _ago(f.last_success_at),
            "last_new_item": _ago(f.last_new_item_at),
            "new/day": f"{f.items_per_day:.1f}",
            "polls": f.polls,
            "error_rate": f"{f.error_rate:.0%}",
            "next_poll": _ago(f.next_poll_at),
            "disabled": f.disabled_reason or ("yes" if f.disabled else "no"),
        }
        for f in repo.feed_health(session, now=now, window_days=1.0, source_ids=source_ids)
    ]
