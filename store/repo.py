"""Every read and write the pipeline makes. Idempotent: re-running a step converges."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import Article, ArticleRevision, FeedState, Link, RawPage, Run, Source, StoreMeta

SEQ_KEY = "article_seq"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _insert(session: Session, table: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# -- sources and feeds ---------------------------------------------------------------------


def sync_sources(session: Session, sources: Iterable[Any]) -> int:
    """Upsert the configured sources (``newsmon.config.SourceConfig``) into ``sources``."""
    now = utcnow()
    n = 0
    for src in sources:
        values = {
            "id": src.id,
            "name": src.name,
            "group": src.group,
            "country": src.country,
            "languages": list(src.languages),
            "enabled": src.enabled,
            "created_at": now,
            "updated_at": now,
        }
        stmt = _insert(session, Source).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Source.id],
            set_={k: stmt.excluded[k] for k in ("name", "group_name", "country", "languages", "enabled", "updated_at")},
        )
        session.execute(stmt)
        n += 1
    return n


def feed_state(session: Session, source_id: str, url: str, kind: str) -> FeedState:
    """The state row of a feed or sitemap, created on first use."""
    stmt = _insert(session, FeedState).values(source_id=source_id, url=url, kind=kind)
    session.execute(stmt.on_conflict_do_nothing(index_elements=[FeedState.url]))
    state = session.scalars(select(FeedState).where(FeedState.url == url)).one()
    return state


# -- links (the frontier) --------------------------------------------------------------------


@dataclass(frozen=True)
class DiscoveredLink:
    url: str  # canonical
    found_url: str
    discovered_via: str
    discovered_from: str
    title: str | None = None
    summary: str | None = None
    published_at: datetime | None = None
    language: str | None = None


def upsert_links(session: Session, source_id: str, links: Sequence[DiscoveredLink]) -> tuple[int, int]:
    """Insert new links, refresh ``last_seen_at`` of known ones. Returns (new, already known)."""
    if not links:
        return 0, 0
    now = utcnow()
    by_url: dict[str, DiscoveredLink] = {}
    for link in links:
        by_url.setdefault(link.url, link)
    urls = list(by_url)
    known: set[str] = set()
    for i in range(0, len(urls), 500):
        known.update(session.scalars(select(Link.url).where(Link.url.in_(urls[i : i + 500]))))
    new = [by_url[u] for u in urls if u not in known]
    for link in new:
        stmt = _insert(session, Link).values(
            url=link.url,
            source_id=source_id,
            found_url=link.found_url,
            discovered_via=link.discovered_via,
            discovered_from=link.discovered_from,
            title=link.title,
            summary=link.summary,
            published_at=link.published_at,
            language=link.language,
            status="pending",
            attempts=0,
            first_seen_at=now,
            last_seen_at=now,
        )
        session.execute(stmt.on_conflict_do_nothing(index_elements=[Link.url]))
    if known:
        for i in range(0, len(urls), 500):
            chunk = [u for u in urls[i : i + 500] if u in known]
            if chunk:
                session.execute(update(Link).where(Link.url.in_(chunk)).values(last_seen_at=now))
    return len(new), len(known)


def pending_links(session: Session, source_id: str, limit: int = 200, max_attempts: int = 3) -> list[Link]:
    stmt = (
        select(Link)
        .where(Link.source_id == source_id)
        .where((Link.status == "pending") | ((Link.status == "retry") & (Link.attempts < max_attempts)))
        .order_by(Link.published_at.desc().nulls_last(), Link.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def mark_link(session: Session, link_id: int, status: str, reason: str | None = None) -> None:
    """``status``: fetched | failed | skipped | retry (a transient failure, tried again later)."""
    values: dict[str, Any] = {"status": status, "status_reason": reason, "attempts": Link.attempts + 1}
    if status == "fetched":
        values["fetched_at"] = utcnow()
    session.execute(update(Link).where(Link.id == link_id).values(**values))


# -- raw pages ----------------------------------------------------------------------------------


def save_raw_page(
    session: Session,
    *,
    link_id: int,
    source_id: str,
    url: str,
    final_url: str,
    status_code: int,
    headers: dict[str, Any],
    body: bytes,
    fetched_at: datetime | None = None,
) -> tuple[int, bool]:
    """Store a fetched body (gzip). The same body for the same link is stored once.

    Returns (raw page id, whether it was new).
    """
    digest = hashlib.sha256(body).hexdigest()
    existing = session.scalar(select(RawPage.id).where(RawPage.link_id == link_id, RawPage.content_hash == digest))
    if existing is not None:
        return existing, False
    row = RawPage(
        link_id=link_id,
        source_id=source_id,
        url=url,
        final_url=final_url,
        status_code=status_code,
        headers=headers,
        body_gz=gzip.compress(body, compresslevel=6),
        body_size=len(body),
        content_hash=digest,
        fetched_at=fetched_at or utcnow(),
        process_state="pending",
    )
    session.add(row)
    session.flush()
    return row.id, True


def raw_body(page: RawPage) -> bytes:
    return gzip.decompress(page.body_gz)


def pending_raw_page_ids(session: Session, limit: int = 10_000) -> list[int]:
    stmt = select(RawPage.id).where(RawPage.process_state == "pending").order_by(RawPage.id).limit(limit)
    return list(session.scalars(stmt))


def mark_raw_page(
    session: Session, raw_id: int, state: str, reason: str | None = None, detail: str | None = None
) -> None:
    session.execute(
        update(RawPage)
        .where(RawPage.id == raw_id)
        .values(process_state=state, reject_reason=reason, reject_detail=detail, processed_at=utcnow())
    )


# -- articles -----------------------------------------------------------------------------------


def next_seq(session: Session) -> int:
    """Take the next value of the store-wide change sequence.

    The counter row stays locked until the transaction commits, so sequence numbers become
    visible in the order they were taken: a reader that saw ``seq = n`` never misses a later
    commit with a smaller number.
    """
    stmt = _insert(session, StoreMeta).values(key=SEQ_KEY, value=0)
    session.execute(stmt.on_conflict_do_nothing(index_elements=[StoreMeta.key]))
    value = session.execute(
        update(StoreMeta).where(StoreMeta.key == SEQ_KEY).values(value=StoreMeta.value + 1).returning(StoreMeta.value)
    ).scalar_one()
    return int(value)


@dataclass(frozen=True)
class StoredArticle:
    article_id: int
    outcome: str  # new | duplicate | revision | unchanged
    duplicate_kind: str | None = None


def find_duplicate(
    session: Session, link_id: int, canonical_url: str, text_hash: str
) -> tuple[Article | None, str | None]:
    """The earliest other article with the same canonical URL, else the same text."""
    same_url = session.scalars(
        select(Article)
        .where(Article.canonical_url == canonical_url, Article.link_id != link_id)
        .order_by(Article.published_at.asc().nulls_last(), Article.id)
        .limit(1)
    ).first()
    if same_url is not None:
        return same_url, "url"
    same_text = session.scalars(
        select(Article)
        .where(Article.text_hash == text_hash, Article.link_id != link_id)
        .order_by(Article.published_at.asc().nulls_last(), Article.id)
        .limit(1)
    ).first()
    if same_text is not None:
        return same_text, "exact"
    return None, None


def store_article(
    session: Session, *, link_id: int, raw_page_id: int, source_id: str, values: dict[str, Any]
) -> StoredArticle:
    """Insert or revise the article of ``link_id``; link it to the origin of its duplicates.

    ``values`` holds the article columns (url, canonical_url, title, text, text_hash, ...).
    """
    now = utcnow()
    existing = session.scalars(select(Article).where(Article.link_id == link_id)).first()
    if existing is not None:
        if existing.text_hash == values["text_hash"]:
            changed = False
            for key in ("relevance_score", "relevant", "tags", "relevance_evidence", "topic_version"):
                if key in values and getattr(existing, key) != values[key]:
                    setattr(existing, key, values[key])
                    changed = True
            if changed:
                existing.seq = next_seq(session)
                existing.updated_at = now
            return StoredArticle(existing.id, "unchanged")
        session.add(
            ArticleRevision(
                article_id=existing.id,
                revision=existing.revision,
                raw_page_id=existing.raw_page_id,
                title=existing.title,
                text=existing.text,
                text_hash=existing.text_hash,
                seen_at=existing.updated_at,
            )
        )
        for key, value in values.items():
            setattr(existing, key, value)
        existing.raw_page_id = raw_page_id
        existing.revision += 1
        existing.seq = next_seq(session)
        existing.updated_at = now
        if existing.duplicate_of is not None:
            # Its text changed: is it still a copy of its origin?
            origin, kind = find_duplicate(session, link_id, values["canonical_url"], values["text_hash"])
            if origin is None:
                existing.duplicate_of, existing.duplicate_kind, existing.cluster_id = None, None, existing.id
            else:
                existing.duplicate_of = origin.duplicate_of or origin.id
                existing.duplicate_kind = kind
                existing.cluster_id = origin.cluster_id or origin.id
        return StoredArticle(existing.id, "revision", "revision")

    origin, kind = find_duplicate(session, link_id, values["canonical_url"], values["text_hash"])
    article = Article(
        link_id=link_id,
        raw_page_id=raw_page_id,
        source_id=source_id,
        first_seen_at=now,
        updated_at=now,
        seq=next_seq(session),
        **values,
    )
    if origin is not None and origin.duplicate_of is not None:
        origin = session.get(Article, origin.duplicate_of) or origin
    if origin is not None:
        article.cluster_id = origin.cluster_id or origin.id
        if _earlier(values.get("published_at"), origin.published_at):
            # The newcomer was published first: it becomes the cluster's origin.
            session.add(article)
            session.flush()
            members = session.scalars(
                select(Article).where(Article.cluster_id == article.cluster_id, Article.id != article.id)
            )
            for member in members:
                member.duplicate_of = article.id
                member.duplicate_kind = member.duplicate_kind or kind
                member.seq = next_seq(session)
                member.updated_at = now
            return StoredArticle(article.id, "new", None)
        article.duplicate_of = origin.id
        article.duplicate_kind = kind
    session.add(article)
    session.flush()
    if origin is None:
        article.cluster_id = article.id
    return StoredArticle(article.id, "duplicate" if origin is not None else "new", kind)


def _earlier(candidate: datetime | None, current: datetime | None) -> bool:
    return candidate is not None and current is not None and candidate < current


def articles_since(session: Session, cursor: int = 0, limit: int = 1000, relevant_only: bool = False) -> list[Article]:
    stmt = select(Article).where(Article.seq > cursor)
    if relevant_only:
        stmt = stmt.where(Article.relevant.is_(True))
    return list(session.scalars(stmt.order_by(Article.seq).limit(limit)))


# -- runs and summaries -------------------------------------------------------------------------


def record_run(
    session: Session,
    *,
    kind: str,
    source_id: str | None,
    started_at: datetime,
    status: str,
    counts: dict[str, Any],
    error: str | None = None,
) -> int:
    run = Run(
        kind=kind,
        source_id=source_id,
        started_at=started_at,
        finished_at=utcnow(),
        status=status,
        counts=counts,
        error=error,
    )
    session.add(run)
    session.flush()
    return run.id


def _counts(session: Session, stmt: Any) -> dict[str, int]:
    return {str(key): int(n) for key, n in session.execute(stmt).tuples()}


def store_summary(session: Session, source_ids: Sequence[str] | None = None) -> dict[str, Any]:
    """Counts across the store (optionally for some sources): what the demo and operators see."""

    def grouped(col: Any, source_col: Any, *where: Any) -> dict[str, int]:
        stmt = select(col, func.count()).where(*where).group_by(col)
        if source_ids:
            stmt = stmt.where(source_col.in_(source_ids))
        return _counts(session, stmt)

    def count(source_col: Any, *where: Any) -> int:
        stmt = select(func.count()).select_from(Article).where(*where)
        if source_ids:
            stmt = stmt.where(source_col.in_(source_ids))
        return int(session.scalar(stmt) or 0)

    pages = grouped(RawPage.process_state, RawPage.source_id)
    return {
        "feeds_by_status": grouped(FeedState.last_status, FeedState.source_id),
        "links_by_status": grouped(Link.status, Link.source_id),
        "links_not_fetched_by_reason": grouped(
            Link.status_reason, Link.source_id, Link.status.in_(("failed", "skipped", "retry"))
        ),
        "pages_fetched": sum(pages.values()),
        "pages_by_state": pages,
        "rejections_by_reason": grouped(RawPage.reject_reason, RawPage.source_id, RawPage.process_state == "rejected"),
        "articles": count(Article.source_id),
        "articles_relevant": count(Article.source_id, Article.relevant.is_(True)),
        "duplicates_by_kind": grouped(Article.duplicate_kind, Article.source_id, Article.duplicate_of.is_not(None)),
    }
