"""The units of work the DAG tasks and ``newsmon run --once`` call. Each is idempotent.

Every function builds what it needs from the environment when called (never at import),
works on rows in the store, and returns small JSON-able counts for XCom and Asset events.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from newsmon.config import SourceConfig, SourcesFile, TopicProfile, load_sources, load_topic
from newsmon.settings import REPO_ROOT, Settings, get_settings

log = logging.getLogger(__name__)

PROCESS_BATCH_SIZE = 50
CRAWL_TIMEOUT_SECONDS = 45 * 60


class SourceFailed(RuntimeError):
    """Every fetch of a source failed in this run; the outcome is recorded in the store."""


@dataclass
class Context:
    settings: Settings
    sources: SourcesFile
    factory: Any
    engine: Any

    def selected(self) -> list[SourceConfig]:
        return self.sources.select(self.settings.source_groups)


@contextmanager
def context(migrate: bool = False) -> Iterator[Context]:
    from store.db import create_engine_from_url, ensure_current_schema, make_session_factory
    from store.db import migrate as run_migrations

    settings = get_settings()
    sources = load_sources(settings.sources_file, settings.topic_file)
    if migrate:
        run_migrations(settings.database_url)
    engine = create_engine_from_url(settings.database_url)
    try:
        ensure_current_schema(engine)
        yield Context(settings, sources, make_session_factory(engine), engine)
    finally:
        engine.dispose()


def topic() -> TopicProfile:
    return load_topic(get_settings().topic_file)


# -- discovery: feeds ------------------------------------------------------------------------


def list_sources(kind: str) -> list[str]:
    """Ids of the enabled sources of the configured groups that have ``kind`` entry points
    (``feeds`` or ``news_sitemaps``); also registers them in the store."""
    from store import repo
    from store.db import session_scope

    with context() as ctx:
        selected = ctx.selected()
        with session_scope(ctx.factory) as session:
            repo.sync_sources(session, ctx.sources.sources)
    if kind == "feeds":
        return [s.id for s in selected if s.feeds]
    if kind == "news_sitemaps":
        return [s.id for s in selected if s.news_sitemaps]
    if kind == "sections":
        return [s.id for s in selected if s.sections]
    if kind == "all":
        return [s.id for s in selected]
    raise ValueError(f"unknown source kind {kind!r}")


def poll_source(source_id: str, raise_on_failure: bool = True) -> dict[str, Any]:
    """Poll the due feeds of one source (each feed has its own adaptive ``next_poll_at``;
    disabled feeds are left alone). Raises :class:`SourceFailed` (after recording each
    feed's status) when all of its polled feeds failed, so the operator sees the task fail.

    Idempotent: a re-run within a feed's interval polls nothing (the feed is not due), unless
    ``NEWSMON_POLL_ALL_FEEDS`` asks for every enabled feed now (the demo's one-shot cycle).
    """
    from readers.feeds import poll_feed
    from store import repo
    from store.db import session_scope

    started = repo.utcnow()
    poll_all = os.environ.get("NEWSMON_POLL_ALL_FEEDS", "").strip().lower() in ("1", "true", "yes", "on")
    with context() as ctx:
        source = ctx.sources.get(source_id)
        polling = ctx.sources.polling_for(source)
        with session_scope(ctx.factory) as session:
            for feed in source.feeds:
                repo.feed_state(session, source.id, feed.url, feed.kind)
            due = repo.due_feed_urls(session, [f.url for f in source.feeds], started)
            if poll_all:
                due |= {s.url for s in repo.feed_health(session, now=started, source_ids=[source.id]) if not s.disabled}
        results = []
        for feed in source.feeds:
            if feed.url in due:
                results.append(poll_feed(ctx.factory, source, feed, ctx.settings, polling=polling))
        statuses = Counter(r.status for r in results)
        failed = [r for r in results if r.failed]
        counts: dict[str, Any] = {
            "source": source_id,
            "feeds": len(results),
            "not_due": len(source.feeds) - len(results),
            "items": sum(r.items for r in results),
            "new_links": sum(r.new_links for r in results),
            "known_links": sum(r.known_links for r in results),
            "errors_count": len(failed),
            "statuses": dict(statuses),
            "errors": {r.feed_url: r.error for r in failed},
            "disabled": [r.feed_url for r in results if r.disabled],
            "moved": {r.feed_url: r.moved_to for r in results if r.moved_to},
        }
        all_failed = bool(results) and len(failed) == len(results)
        with session_scope(ctx.factory) as session:
            repo.record_run(
                session,
                kind="feeds",
                source_id=source_id,
                started_at=started,
                status="failed" if all_failed else ("partial" if failed else "ok"),
                counts=counts,
                error="; ".join(f"{u}: {e}" for u, e in counts["errors"].items()) or None,
            )
    for url in counts["disabled"]:
        log.warning("source %s: feed %s is disabled after repeated failures", source_id, url)
    if all_failed and raise_on_failure:
        raise SourceFailed(f"{source_id}: every feed failed: {counts['errors']}")
    return counts


# -- crawling: one scrapy process per crawl -----------------------------------------------------


def scrapy_command(spider: str, source: SourceConfig, stats_file: str, limit: int = 200) -> list[str]:
    """The ``scrapy crawl`` command line of one crawl, with the source's politeness settings."""
    polite = source.politeness
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"source={source.id}"]
    cmd += ["-s", f"NEWSMON_STATS_FILE={stats_file}", "-s", f"DOWNLOAD_DELAY={polite.delay}"]
    cmd += ["-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={polite.concurrency}", "-s", f"ROBOTSTXT_OBEY={polite.obey_robots}"]
    if spider == "article":
        cmd += ["-a", f"limit={limit}"]
    return cmd


def crawl_totals(spider: str, stats: dict[str, Any]) -> dict[str, int]:
    """new / known / errors of one crawl, the same three numbers for every source and spider
    (the operator's view in Asset events and the report tables)."""

    def total(prefix: str, skip: tuple[str, ...] = ()) -> int:
        return sum(int(v) for k, v in stats.items() if k.startswith(prefix) and k not in skip)

    if spider == "article":
        return {
            "new": total("newsmon/pages/new"),
            "known": total("newsmon/pages/same"),
            "errors": total("newsmon/failed/") + total("newsmon/retry/"),
        }
    return {
        "new": total("newsmon/links/new"),
        "known": total("newsmon/links/known"),
        "errors": total("newsmon/sitemaps/", skip=("newsmon/sitemaps/ok",)),
    }


def crawl_source(source_id: str, spider: str, limit: int = 200, raise_on_failure: bool = True) -> dict[str, Any]:
    """Run ``scrapy crawl <spider> -a source=<id>`` as its own OS process and return counts."""
    from store import repo
    from store.db import session_scope

    started = repo.utcnow()
    with tempfile.TemporaryDirectory(prefix="newsmon-crawl-") as tmp:
        stats_file = os.path.join(tmp, "stats.json")
        with context() as ctx:
            source = ctx.sources.get(source_id)
        cmd = scrapy_command(spider, source, stats_file, limit)
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
        t0 = time.monotonic()
        proc = subprocess.run(
            cmd, env=env, cwd=str(REPO_ROOT), capture_output=True, text=True, timeout=CRAWL_TIMEOUT_SECONDS, check=False
        )
        elapsed = time.monotonic() - t0
        for line in proc.stderr.splitlines()[-40:]:
            log.info("[scrapy %s %s] %s", spider, source_id, line)
        stats: dict[str, Any] = {}
        if os.path.exists(stats_file):
            with open(stats_file, encoding="utf-8") as fh:
                stats = json.load(fh)
    counts = {"source": source_id, "spider": spider, "exit_code": proc.returncode, "seconds": round(elapsed, 2)}
    counts.update(
        {
            k.removeprefix("newsmon/"): v
            for k, v in stats.items()
            if k.startswith("newsmon/") or k in ("downloader/request_count", "finish_reason", "item_scraped_count")
        }
    )
    counts.update(crawl_totals(spider, stats))
    ok = proc.returncode == 0 and stats.get("finish_reason") == "finished"
    sitemap_outcomes = {k: v for k, v in stats.items() if k.startswith("newsmon/sitemaps/")}
    if spider in ("news_sitemap", "section") and sitemap_outcomes and not stats.get("newsmon/sitemaps/ok"):
        ok = False  # every sitemap (or section page) of the source failed: the operator must see it
    with context() as ctx, session_scope(ctx.factory) as session:
        repo.record_run(
            session,
            kind=f"crawl:{spider}",
            source_id=source_id,
            started_at=started,
            status="ok" if ok else "failed",
            counts=counts,
            error=None if ok else proc.stderr[-2000:],
        )
    if not ok and raise_on_failure:
        raise SourceFailed(f"{source_id}: scrapy {spider} exited {proc.returncode}: {proc.stderr[-1000:]}")
    return counts


# -- processing -------------------------------------------------------------------------------


def plan_process_batches(batch_size: int = PROCESS_BATCH_SIZE, limit: int = 5000) -> list[list[int]]:
    from store import repo
    from store.db import session_scope

    with context() as ctx, session_scope(ctx.factory) as session:
        ids = repo.pending_raw_page_ids(session, limit)
    return [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]


def process_batch(raw_ids: list[int]) -> dict[str, Any]:
    """Clean, score, deduplicate and store the given raw pages (each in its own transaction)."""
    from processors.extract import process_page
    from processors.relevance import score_text
    from processors.types import PageHints, Rejected
    from processors.types import RawPage as RawPageValue
    from store import repo
    from store.db import session_scope
    from store.models import Link, RawPage

    profile = topic()
    counts: Counter[str] = Counter()
    with context() as ctx:
        for raw_id in raw_ids:
            with session_scope(ctx.factory) as session:
                row = session.get(RawPage, raw_id)
                if row is None or row.process_state != "pending":
                    counts["skipped_already_processed"] += 1
                    continue
                link = session.get(Link, row.link_id)
                src = ctx.sources.get(row.source_id) if _known(ctx.sources, row.source_id) else None
                hints = PageHints(
                    title=link.title if link else None,
                    summary=link.summary if link else None,
                    published_at=link.published_at if link else None,
                    language=link.language if link else None,
                    source_languages=tuple(src.languages) if src else (),
                    timezone=src.timezone if src else "UTC",
                    not_before=src.founded_at if src else None,
                )
                page = RawPageValue(
                    url=row.url,
                    final_url=row.final_url,
                    body=repo.raw_body(row),
                    status=row.status_code,
                    headers=dict(row.headers or {}),
                    fetched_at=row.fetched_at,
                    hints=hints,
                )
                try:
                    result = process_page(page)
                except Exception as exc:
                    log.exception("processing raw page %s failed", raw_id)
                    repo.mark_raw_page(
                        session, raw_id, "error", "processor_error", f"{type(exc).__name__}: {exc}"[:500]
                    )
                    counts["errors"] += 1
                    continue
                if isinstance(result, Rejected):
                    repo.mark_raw_page(session, raw_id, "rejected", result.reason, result.detail)
                    counts[f"rejected:{result.reason}"] += 1
                    continue
                rel = score_text(profile, result.title, result.text, result.description)
                values = {
                    "url": result.url,
                    "canonical_url": result.canonical_url,
                    "title": result.title,
                    "text": result.text,
                    "authors": list(result.authors),
                    "published_at": result.published_at,
                    "date_source": result.date_source,
                    "language": result.language,
                    "site_name": result.site_name,
                    "description": result.description,
                    "text_hash": result.text_hash,
                    "word_count": result.word_count,
                    "extractor": result.extractor,
                    "modified_at": result.modified_at,
                    "agencies": list(result.agencies),
                    "section": result.section,
                    "image": result.image,
                    "extraction_method": result.extraction_method,
                    "relevance_score": rel.score,
                    "relevant": rel.relevant,
                    "tags": list(rel.tags),
                    "relevance_evidence": rel.matches,
                    "topic_version": rel.profile,
                }
                stored = repo.store_article(
                    session, link_id=row.link_id, raw_page_id=raw_id, source_id=row.source_id, values=values
                )
                repo.mark_raw_page(session, raw_id, "processed")
                counts[f"articles:{stored.outcome}"] += 1
                if stored.duplicate_kind and stored.outcome == "duplicate":
                    counts[f"duplicates:{stored.duplicate_kind}"] += 1
                if rel.relevant:
                    counts["relevant"] += 1
    return {"pages": len(raw_ids), **dict(sorted(counts.items()))}


def _known(sources: SourcesFile, source_id: str) -> bool:
    return any(s.id == source_id for s in sources.sources)


# -- relevance: re-scoring stored articles ------------------------------------------------------

RESCORE_BATCH_SIZE = 500


def rescore_articles(all_articles: bool = False, batch_size: int = RESCORE_BATCH_SIZE) -> dict[str, Any]:
    """Re-score stored articles with the current topic profile, without fetching anything.

    Only articles scored by another profile version (or never scored) are looked at, or every
    article with ``all_articles``. A row whose score, decision, tags, evidence or version
    changes takes a new ``seq``; re-running with the same profile changes nothing. One
    transaction per batch, so an interrupted run resumes where it stopped.
    """
    from processors.relevance import score_text
    from store import repo
    from store.db import create_engine_from_url, make_session_factory, session_scope

    profile = topic()
    version = f"{profile.id}@{profile.version}"
    counts: Counter[str] = Counter()
    after_id = 0
    # Only the store and the profile: the source registry plays no part in re-scoring.
    engine = create_engine_from_url(get_settings().database_url)
    factory = make_session_factory(engine)
    try:
        while True:
            with session_scope(factory) as session:
                batch = repo.articles_to_rescore(session, None if all_articles else version, after_id, batch_size)
                for article in batch:
                    rel = score_text(profile, article.title, article.text, article.description)
                    changed = repo.update_relevance(
                        session,
                        article,
                        {
                            "relevance_score": rel.score,
                            "relevant": rel.relevant,
                            "tags": list(rel.tags),
                            "relevance_evidence": rel.matches,
                            "topic_version": rel.profile,
                        },
                    )
                    counts["examined"] += 1
                    counts["changed" if changed else "unchanged"] += 1
                    counts["relevant"] += int(rel.relevant)
                last_id = batch[-1].id if batch else None
            if last_id is None:
                break
            after_id = last_id
    finally:
        engine.dispose()
    result = {"topic_version": version, **{k: counts[k] for k in ("examined", "changed", "unchanged", "relevant")}}
    log.info(
        "rescored %s articles with %s: %s changed, %s relevant",
        result["examined"],
        version,
        result["changed"],
        result["relevant"],
    )
    return result


# -- whole cycle -------------------------------------------------------------------------------


def run_once() -> dict[str, Any]:
    """One full cycle in-process: the same functions the DAG tasks call, in the same order.
    A failing source is recorded and the others go on."""
    report: dict[str, Any] = {"feeds": [], "sitemaps": [], "fetch": [], "process": []}
    with context(migrate=True):
        pass
    for source_id in list_sources("feeds"):
        try:
            report["feeds"].append(poll_source(source_id, raise_on_failure=False))
        except Exception as exc:
            log.exception("polling %s failed", source_id)
            report["feeds"].append({"source": source_id, "error": str(exc)})
    for source_id in list_sources("news_sitemaps"):
        report["sitemaps"].append(crawl_source(source_id, "news_sitemap", raise_on_failure=False))
    for source_id in list_sources("sections"):
        report.setdefault("sections", []).append(crawl_source(source_id, "section", raise_on_failure=False))
    for source_id in list_sources("all"):
        report["fetch"].append(crawl_source(source_id, "article", raise_on_failure=False))
    for batch in plan_process_batches():
        report["process"].append(process_batch(batch))
    report["summary"] = summary()
    return report


def summary(source_ids: list[str] | None = None) -> dict[str, Any]:
    from store import repo
    from store.db import session_scope

    with context() as ctx, session_scope(ctx.factory) as session:
        ids = source_ids if source_ids is not None else [s.id for s in ctx.selected()]
        result = repo.store_summary(session, ids)
        result["sources"] = len(ids)
        return result


# -- source health -----------------------------------------------------------------------------


class SourceUnhealthy(RuntimeError):
    """A source went silent beyond its cadence, its error rate jumped, or a feed was disabled."""


def health_report(raise_on_problem: bool = True) -> dict[str, Any]:
    """Per-source health of the configured sources; raises :class:`SourceUnhealthy` naming
    every problem (after logging the whole table) so the ``news_health`` task turns red."""
    from newsmon.health import format_table, source_health
    from store import repo
    from store.db import session_scope

    now = repo.utcnow()
    with context() as ctx, session_scope(ctx.factory) as session:
        ids = [s.id for s in ctx.selected()]
        health = source_health(session, now, ids)
    rows = [h.row() for h in health]
    log.info("source health\n%s", format_table(rows))
    problems = {h.source_id: list(h.problems) for h in health if h.problems}
    result = {
        "sources": len(rows),
        "unhealthy": len(problems),
        "problems": problems,
        "disabled_feeds": sum(h.disabled_feeds for h in health),
    }
    if problems:
        for source_id, reasons in problems.items():
            for reason in reasons:
                log.error("source %s: %s", source_id, reason)
        if raise_on_problem:
            raise SourceUnhealthy(
                "; ".join(f"{sid}: {' | '.join(reasons)}" for sid, reasons in sorted(problems.items()))
            )
    return result
