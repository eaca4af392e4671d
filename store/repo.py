"""Every read and write the pipeline makes. Idempotent: re-running a step converges."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, insert, or_, select, union, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import (
    Article,
    ArticleBand,
    ArticleRevision,
    ArticleSignature,
    FeedState,
    Link,
    LinkDiscovery,
    RawPage,
    Run,
    Source,
    StoreMeta,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from processors.dedup import Candidate, Fingerprint

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
    record_discoveries(session, links, now)
    return len(new), len(known)


def record_discoveries(session: Session, links: Sequence[DiscoveredLink], now: datetime | None = None) -> int:
    """Record which feed, sitemap or section page found each link (``link_discoveries``).

    One row per (link, via, from_url): inserted the first time, ``last_seen_at`` refreshed
    after. Links must already be in ``links``. Returns the number of distinct discoveries.
    """
    now = now or utcnow()
    keys = {(link.url, link.discovered_via, link.discovered_from) for link in links}
    urls = sorted({k[0] for k in keys})
    ids: dict[str, int] = {}
    for i in range(0, len(urls), 500):
        for url, link_id in session.execute(select(Link.url, Link.id).where(Link.url.in_(urls[i : i + 500]))):
            ids[url] = link_id
    rows = [
        {"link_id": ids[url], "via": via, "from_url": from_url, "first_seen_at": now, "last_seen_at": now}
        for url, via, from_url in sorted(keys)
        if url in ids
    ]
    for i in range(0, len(rows), 500):
        stmt = _insert(session, LinkDiscovery).values(rows[i : i + 500])
        stmt = stmt.on_conflict_do_update(
            index_elements=[LinkDiscovery.link_id, LinkDiscovery.via, LinkDiscovery.from_url],
            set_={"last_seen_at": stmt.excluded.last_seen_at},
        )
        session.execute(stmt)
    return len(rows)


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
    redirects: list[Any] | None = None,
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
        redirects=redirects or None,
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


class StoreDedupIndex:
    """The article store as a :class:`processors.dedup.DedupIndex`: every lookup is an indexed
    query (``article_signatures``, ``article_bands``, ``articles.text_hash``), so its cost does
    not grow with the number of stored articles. The article of ``link_id`` is never a candidate.
    """

    def __init__(self, session: Session, link_id: int, canonical_url: str | None = None) -> None:
        self.session = session
        self.link_id = link_id
        self.canonical_url = canonical_url

    def _candidates(self, where: Any) -> list[Candidate]:
        from processors.dedup import Candidate

        stmt = (
            select(Article.id, Article.published_at)
            .where(where, Article.link_id != self.link_id)
            .order_by(Article.published_at.asc().nulls_last(), Article.id)
        )
        return [Candidate(int(i), p) for i, p in self.session.execute(stmt).tuples()]

    def by_url(self, fp: Fingerprint) -> list[Candidate]:
        # canonical_url: articles stored before signatures existed; url_key: scheme, www and
        # trailing-slash variants.
        keyed = select(ArticleSignature.article_id).where(ArticleSignature.url_key_hash == fp.url_key_hash)
        conds: list[Any] = [Article.id.in_(keyed)] if fp.url_key_hash else []
        if self.canonical_url:
            conds.append(Article.canonical_url == self.canonical_url)
        return self._candidates(or_(*conds)) if conds else []

    def by_text_hash(self, fp: Fingerprint) -> list[Candidate]:
        return self._candidates(Article.text_hash == fp.text_hash)

    def by_title(self, fp: Fingerprint) -> list[Candidate]:
        if fp.title_key_hash is None or fp.source is None:
            return []
        sig = ArticleSignature
        conds = [sig.title_key_hash == fp.title_key_hash, sig.title_alt_hash == fp.title_key_hash]
        if fp.title_alt_hash is not None:
            conds.append(sig.title_key_hash == fp.title_alt_hash)
        # One indexed lookup per condition (an OR would scan the source's rows on SQLite).
        ids = union(*(select(sig.article_id).where(sig.source_id == fp.source, cond) for cond in conds))
        return self._candidates(Article.id.in_(ids))

    def by_bands(self, fp: Fingerprint) -> list[Candidate]:
        if not fp.bands:
            return []
        band = ArticleBand
        hits = select(band.article_id).where(
            or_(*(and_(band.band_no == no, band.band_hash == key) for no, key in enumerate(fp.bands)))
        )
        return self._candidates(Article.id.in_(hits))

    def shingles(self, ids: Sequence[int]) -> dict[int, npt.NDArray[np.uint32]]:
        from processors.dedup import shingle_hashes

        if not ids:
            return {}
        rows = self.session.execute(select(Article.id, Article.text).where(Article.id.in_(list(ids)))).tuples()
        return {int(i): shingle_hashes(text) for i, text in rows}


def article_fingerprint(values: dict[str, Any], source_id: str) -> Fingerprint:
    from processors.dedup import fingerprint

    return fingerprint(
        url=values.get("canonical_url") or values.get("url") or "",
        title=values.get("title"),
        text=values["text"],
        source=source_id,
        published_at=values.get("published_at"),
    )


def index_article(session: Session, article_id: int, fp: Fingerprint) -> None:
    """Write (or replace, for a new version) the signature and LSH bands of an article."""
    from processors.dedup import SCHEME

    session.execute(delete(ArticleBand).where(ArticleBand.article_id == article_id))
    sig = session.get(ArticleSignature, article_id)
    if sig is None:
        sig = ArticleSignature(article_id=article_id)
        session.add(sig)
    sig.source_id = fp.source or ""
    sig.url_key_hash = fp.url_key_hash
    sig.title_key_hash = fp.title_key_hash
    sig.title_alt_hash = fp.title_alt_hash
    sig.shingle_count = int(fp.shingles.size)
    sig.minhash = fp.signature.tobytes()
    sig.scheme = SCHEME
    sig.published_at = fp.published_at
    if fp.bands:
        session.execute(
            insert(ArticleBand),
            [{"article_id": article_id, "band_no": no, "band_hash": key} for no, key in enumerate(fp.bands)],
        )
    session.flush()


def index_missing_signatures(session: Session, limit: int = 1000) -> int:
    """Index articles stored before signatures existed (or under another scheme). Returns how
    many were indexed; call until it returns 0."""
    from processors.dedup import SCHEME

    current = select(ArticleSignature.article_id).where(ArticleSignature.scheme == SCHEME)
    rows = session.scalars(select(Article).where(Article.id.not_in(current)).order_by(Article.id).limit(limit)).all()
    for art in rows:
        values: dict[str, Any] = {"canonical_url": art.canonical_url, "url": art.url, "title": art.title}
        values.update(text=art.text, published_at=art.published_at)
        index_article(session, art.id, article_fingerprint(values, art.source_id))
    return len(rows)


def find_duplicate(
    session: Session, link_id: int, canonical_url: str, text_hash: str, fp: Fingerprint | None = None
) -> tuple[Article | None, str | None, float | None]:
    """The earliest other article with the same URL key (or canonical URL), else the same
    text, else a verified near-duplicate, else the same title from the same source
    (``processors.dedup.find_match``), with the kind of match and, for ``near``, the
    similarity. Without ``fp`` only the URL and the text hash count."""
    if fp is None:
        from processors.dedup import Fingerprint as Fp

        empty = Fp("", text_hash, None, None, None, None, _empty_u32(), _empty_u32(), ())
        fp = empty
    from processors.dedup import find_match

    match = find_match(fp, StoreDedupIndex(session, link_id, canonical_url))
    if match is None:
        return None, None, None
    return session.get(Article, match.target), match.kind, match.similarity if match.kind == "near" else None


def _empty_u32() -> npt.NDArray[np.uint32]:
    import numpy as np

    return np.empty(0, dtype=np.uint32)


def store_article(
    session: Session, *, link_id: int, raw_page_id: int, source_id: str, values: dict[str, Any]
) -> StoredArticle:
    """Insert or revise the article of ``link_id``; link it to the origin of its duplicates.

    ``values`` holds the article columns (url, canonical_url, title, text, text_hash, ...).
    """
    now = utcnow()
    by_link = select(Article).where(Article.link_id == link_id)
    existing = session.scalars(by_link).first()
    seq: int | None = None
    if existing is None or existing.text_hash != values["text_hash"]:
        # The store changes. Take the store-wide sequence number first: its counter row stays
        # locked until this transaction commits, so a worker storing a copy of the same story,
        # or another page of the same link, at the same moment waits here; then it reads what
        # this one stored (read again below, and in the duplicate lookup) instead of both
        # becoming origins, or both inserting an article for the link.
        seq = next_seq(session)
        existing = session.scalars(by_link.execution_options(populate_existing=True)).first()
    if existing is None or existing.text_hash != values["text_hash"]:
        from processors.dedup import wire_credits

        fp = article_fingerprint(values, source_id)
        values = {"wire_credits": wire_credits(values["text"]), **values}
    if existing is not None and existing.text_hash == values["text_hash"]:
        changed = False
        for key in ("relevance_score", "relevant", "tags", "relevance_evidence", "topic_version"):
            if key in values and getattr(existing, key) != values[key]:
                setattr(existing, key, values[key])
                changed = True
        if changed:
            existing.seq = seq if seq is not None else next_seq(session)
            existing.updated_at = now
        return StoredArticle(existing.id, "unchanged")
    assert seq is not None
    if existing is not None:
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
        existing.seq = seq
        existing.updated_at = now
        index_article(session, existing.id, fp)
        if existing.duplicate_of is not None:
            # Its text changed: is it still a copy of its origin?
            origin, kind, similarity = find_duplicate(
                session, link_id, values["canonical_url"], values["text_hash"], fp
            )
            if origin is None:
                existing.duplicate_of, existing.duplicate_kind, existing.cluster_id = None, None, existing.id
                existing.duplicate_similarity = None
            else:
                existing.duplicate_of = origin.duplicate_of or origin.id
                existing.duplicate_kind = kind
                existing.duplicate_similarity = similarity
                existing.cluster_id = origin.cluster_id or origin.id
        return StoredArticle(existing.id, "revision", "revision")

    origin, kind, similarity = find_duplicate(session, link_id, values["canonical_url"], values["text_hash"], fp)
    article = Article(
        link_id=link_id,
        raw_page_id=raw_page_id,
        source_id=source_id,
        first_seen_at=now,
        updated_at=now,
        seq=seq,
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
            index_article(session, article.id, fp)
            members = session.scalars(
                select(Article).where(Article.cluster_id == article.cluster_id, Article.id != article.id)
            )
            for member in members:
                member.duplicate_of = article.id
                if member.duplicate_kind is None:  # the former origin: linked by this match
                    member.duplicate_kind, member.duplicate_similarity = kind, similarity
                member.seq = next_seq(session)
                member.updated_at = now
            return StoredArticle(article.id, "new", None)
        article.duplicate_of = origin.id
        article.duplicate_kind = kind
        article.duplicate_similarity = similarity
    session.add(article)
    session.flush()
    index_article(session, article.id, fp)
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


RELEVANCE_COLUMNS = ("relevance_score", "relevant", "tags", "relevance_evidence", "topic_version")


def articles_to_rescore(
    session: Session, topic_version: str | None, after_id: int = 0, limit: int = 500
) -> list[Article]:
    """The next ``limit`` articles with ``id > after_id`` whose relevance was not produced by
    ``topic_version`` (all articles when it is ``None``), in id order (keyset pagination)."""
    stmt = select(Article).where(Article.id > after_id)
    if topic_version is not None:
        stmt = stmt.where(or_(Article.topic_version.is_(None), Article.topic_version != topic_version))
    return list(session.scalars(stmt.order_by(Article.id).limit(limit)))


def update_relevance(session: Session, article: Article, values: dict[str, Any]) -> bool:
    """Store a new relevance result (``RELEVANCE_COLUMNS``) on ``article``. A row whose values
    change takes a new ``seq``, so incremental readers see it; an unchanged row is left alone."""
    changed = False
    for key in RELEVANCE_COLUMNS:
        if key in values and getattr(article, key) != values[key]:
            setattr(article, key, values[key])
            changed = True
    if changed:
        article.seq = next_seq(session)
        article.updated_at = utcnow()
    return changed


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


# -- polling history and the per-host politeness budget (issue 3) ------------------------------


def due_feed_urls(session: Session, urls: Sequence[str], now: datetime) -> set[str]:
    """Those of ``urls`` that are due: never polled, or ``next_poll_at`` reached, and enabled."""
    if not urls:
        return set()
    rows = session.execute(
        select(FeedState.url, FeedState.next_poll_at, FeedState.disabled).where(FeedState.url.in_(list(urls)))
    ).tuples()
    known = {url: (next_at, disabled) for url, next_at, disabled in rows}
    due = set()
    for url in urls:
        next_at, disabled = known.get(url, (None, False))
        if not disabled and (next_at is None or next_at <= now):
            due.add(url)
    return due


def record_feed_poll(
    session: Session,
    state: FeedState,
    *,
    polled_at: datetime,
    status: str,
    http_status: int | None,
    new_items: int,
    error: str | None,
) -> None:
    """Append one poll to ``feed_polls`` (the history behind error rates and items per day)."""
    from store.models import FeedPoll

    session.add(
        FeedPoll(
            feed_id=state.id,
            source_id=state.source_id,
            polled_at=polled_at,
            status=status,
            http_status=http_status,
            new_items=new_items,
            error=error,
        )
    )


def recent_poll_counts(session: Session, feed_id: int, limit: int = 12) -> list[int]:
    """New items of the feed's last ``limit`` successful polls, newest first."""
    from store.models import FeedPoll

    stmt = (
        select(FeedPoll.new_items)
        .where(FeedPoll.feed_id == feed_id, FeedPoll.status.in_(("ok", "not_modified", "unchanged")))
        .order_by(FeedPoll.polled_at.desc(), FeedPoll.id.desc())
        .limit(limit)
    )
    return [int(n) for n in session.scalars(stmt)]


def reserve_host(
    session: Session, host: str, *, now: datetime, delay: float, concurrency: int, lease: float = 120.0
) -> float:
    """Try to take one request slot of ``host`` now; 0.0 when taken, else the seconds to wait.

    One atomic ``UPDATE ... WHERE next_allowed_at <= now AND <a slot is free> RETURNING`` on
    SQLite and PostgreSQL alike (PostgreSQL re-checks the WHERE clause on the locked row), so
    every process, worker and DAG run shares the same budget. Leases expire: a worker that
    died holding slots frees them after ``lease`` seconds.
    """
    from datetime import timedelta

    from sqlalchemy import case, or_

    from store.models import HostBudget

    stmt = _insert(session, HostBudget).values(
        host=host, next_allowed_at=now, in_flight=0, lease_until=None, retry_after_until=None, updated_at=now
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=[HostBudget.host]))
    lease_expired = or_(HostBudget.lease_until.is_(None), HostBudget.lease_until < now)
    taken = session.execute(
        update(HostBudget)
        .where(
            HostBudget.host == host,
            HostBudget.next_allowed_at <= now,
            or_(HostBudget.in_flight < concurrency, lease_expired),
        )
        .values(
            next_allowed_at=now + timedelta(seconds=delay),
            in_flight=case((lease_expired, 1), else_=HostBudget.in_flight + 1),
            lease_until=now + timedelta(seconds=lease),
            updated_at=now,
        )
        .returning(HostBudget.host)
        .execution_options(synchronize_session=False)
    ).first()
    if taken is not None:
        return 0.0
    row = session.execute(
        select(HostBudget.next_allowed_at, HostBudget.lease_until).where(HostBudget.host == host)
    ).one()
    next_allowed, lease_until = row
    if next_allowed > now:
        return max((next_allowed - now).total_seconds(), 0.01)
    # Every slot is in flight: wait a little (slots come back as requests finish).
    return min(max(((lease_until or now) - now).total_seconds(), 0.05), 0.5)


def release_host(session: Session, host: str, *, now: datetime, retry_after: float | None = None) -> None:
    """Give a slot of ``host`` back; ``retry_after`` (seconds, from a 429/503) pushes the
    host's ``next_allowed_at`` for every process."""
    from datetime import timedelta

    from sqlalchemy import case

    from store.models import HostBudget

    values: dict[str, Any] = {
        "in_flight": case((HostBudget.in_flight > 0, HostBudget.in_flight - 1), else_=0),
        "updated_at": now,
    }
    if retry_after is not None and retry_after > 0:
        until = now + timedelta(seconds=retry_after)
        values["next_allowed_at"] = case((HostBudget.next_allowed_at < until, until), else_=HostBudget.next_allowed_at)
        values["retry_after_until"] = until
    session.execute(
        update(HostBudget).where(HostBudget.host == host).values(**values).execution_options(synchronize_session=False)
    )


# -- source health -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedHealth:
    source_id: str
    url: str
    kind: str
    status: str | None
    last_success_at: datetime | None
    last_new_item_at: datetime | None
    polls: int  # within the window
    errors: int  # within the window
    new_items: int  # within the window
    window_days: float
    disabled: bool
    disabled_reason: str | None
    next_poll_at: datetime | None
    poll_interval: int | None

    @property
    def error_rate(self) -> float:
        return self.errors / self.polls if self.polls else 0.0

    @property
    def items_per_day(self) -> float:
        return self.new_items / self.window_days if self.window_days else 0.0


_OK_POLL = ("ok", "not_modified", "unchanged")


def feed_health(
    session: Session, *, now: datetime, window_days: float = 1.0, source_ids: Sequence[str] | None = None
) -> list[FeedHealth]:
    """Per feed (and news sitemap): last success, last new item, polls, errors and new items
    within the window, status, disabled or not."""
    from datetime import timedelta

    from sqlalchemy import case

    from store.models import FeedPoll

    since = now - timedelta(days=window_days)
    stats = (
        select(
            FeedPoll.feed_id.label("feed_id"),
            func.count().label("polls"),
            func.sum(case((FeedPoll.status.in_(_OK_POLL), 0), else_=1)).label("errors"),
            func.sum(FeedPoll.new_items).label("new_items"),
        )
        .where(FeedPoll.polled_at >= since)
        .group_by(FeedPoll.feed_id)
        .subquery()
    )
    stmt = select(FeedState, stats.c.polls, stats.c.errors, stats.c.new_items).outerjoin(
        stats, stats.c.feed_id == FeedState.id
    )
    if source_ids is not None:
        stmt = stmt.where(FeedState.source_id.in_(list(source_ids)))
    out = []
    for state, polls, errors, new_items in session.execute(stmt.order_by(FeedState.source_id, FeedState.url)):
        out.append(
            FeedHealth(
                source_id=state.source_id,
                url=state.url,
                kind=state.kind,
                status=state.last_status,
                last_success_at=state.last_success_at,
                last_new_item_at=state.last_new_item_at,
                polls=int(polls or 0),
                errors=int(errors or 0),
                new_items=int(new_items or 0),
                window_days=window_days,
                disabled=bool(state.disabled),
                disabled_reason=state.disabled_reason,
                next_poll_at=state.next_poll_at,
                poll_interval=state.poll_interval,
            )
        )
    return out


def poll_error_rate(session: Session, source_id: str, since: datetime, until: datetime) -> tuple[int, int]:
    """(polls, failed polls) of a source's feeds in [since, until)."""
    from sqlalchemy import case

    from store.models import FeedPoll

    polls, errors = session.execute(
        select(func.count(), func.sum(case((FeedPoll.status.in_(_OK_POLL), 0), else_=1))).where(
            FeedPoll.source_id == source_id, FeedPoll.polled_at >= since, FeedPoll.polled_at < until
        )
    ).one()
    return int(polls or 0), int(errors or 0)
