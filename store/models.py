"""SQLAlchemy models of the article store. Schema changes go through Alembic migrations.

Downstream contract (see ``docs/store.md``): ``articles`` rows are never deleted; every insert
or change of an article takes the next value of a store-wide change sequence (``articles.seq``),
so a reader keeps the highest ``seq`` it has seen and asks for ``seq > cursor``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

SCHEMA_VERSION = 1

# BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY auto-increments).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        from datetime import UTC

        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        from datetime import UTC

        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class StoreMeta(Base):
    """Key/value counters, among them the article change sequence."""

    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Source(Base):
    __tablename__ = "sources"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    group: Mapped[str] = mapped_column("group_name", String(64), default="live")
    country: Mapped[str | None] = mapped_column(String(8))
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FeedState(Base):
    """One row per feed or news sitemap URL: conditional-GET validators and last outcome."""

    __tablename__ = "feed_state"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="feed")  # feed | search | news_sitemap
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(String(64))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    last_polled_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(32))
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None]
    last_new_item_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    polls: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Adaptive polling and failure accounting (migration 0003).
    next_poll_at: Mapped[datetime | None] = mapped_column(index=True)
    poll_interval: Mapped[int | None] = mapped_column(Integer)  # seconds
    failure_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    disabled_at: Mapped[datetime | None]
    moved_to: Mapped[str | None] = mapped_column(Text)  # new URL announced by a 301/308
    last_unconditional_at: Mapped[datetime | None]


class FeedPoll(Base):
    """One row per feed poll: the history behind error rates and items per day."""

    __tablename__ = "feed_polls"
    __table_args__ = (Index("ix_feed_polls_feed_id_polled_at", "feed_id", "polled_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_state.id"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    polled_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(32))
    http_status: Mapped[int | None] = mapped_column(Integer)
    new_items: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class HostBudget(Base):
    """The per-host politeness budget shared by every process: when the next request may
    start, how many are in flight (leases expire, so a crashed worker frees its slot)."""

    __tablename__ = "host_budget"
    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    next_allowed_at: Mapped[datetime]
    in_flight: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None]
    retry_after_until: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class Link(Base):
    """The frontier: one row per canonical URL, whoever found it first."""

    __tablename__ = "links"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text, unique=True)  # canonical form
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    found_url: Mapped[str] = mapped_column(Text)  # as it appeared in the feed or sitemap
    discovered_via: Mapped[str] = mapped_column(String(16))  # feed | search | news_sitemap | section
    discovered_from: Mapped[str] = mapped_column(Text)  # the feed or sitemap URL
    title: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    fetched_at: Mapped[datetime | None]


class LinkDiscovery(Base):
    """Every (link, way, place) that found a link: which feed, sitemap or section page, and when."""

    __tablename__ = "link_discoveries"
    __table_args__ = (UniqueConstraint("link_id", "via", "from_url", name="uq_link_discoveries_link_via_from"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("links.id"), index=True)
    via: Mapped[str] = mapped_column(String(16))  # feed | search | news_sitemap | section
    from_url: Mapped[str] = mapped_column(Text)  # the feed, sitemap or section page URL
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class RawPage(Base):
    """A fetched response body, gzip-compressed, kept so pages can be re-processed."""

    __tablename__ = "raw_pages"
    __table_args__ = (UniqueConstraint("link_id", "content_hash", name="uq_raw_pages_link_hash"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("links.id"), index=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(Text)  # requested
    final_url: Mapped[str] = mapped_column(Text)  # after redirects
    status_code: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    body_gz: Mapped[bytes] = mapped_column(LargeBinary)
    body_size: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime]
    process_state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reject_reason: Mapped[str | None] = mapped_column(String(64))
    reject_detail: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None]
    redirects: Mapped[list[Any] | None] = mapped_column(JSON)  # the redirect chain, in order


class Article(Base):
    """A clean article. One row per link; duplicates are kept and point to their origin."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_canonical_url", "canonical_url"),
        Index("ix_articles_text_hash", "text_hash"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("links.id"), unique=True)
    raw_page_id: Mapped[int] = mapped_column(ForeignKey("raw_pages.id"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    authors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime | None]
    date_source: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    site_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    extractor: Mapped[str | None] = mapped_column(String(64))
    modified_at: Mapped[datetime | None]
    agencies: Mapped[list[Any] | None] = mapped_column(JSON, default=list)
    section: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(Text)
    extraction_method: Mapped[str | None] = mapped_column(String(32))
    relevance_score: Mapped[float] = mapped_column(Float, default=0.0)
    relevant: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    relevance_evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    topic_version: Mapped[str | None] = mapped_column(String(64))
    cluster_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    duplicate_kind: Mapped[str | None] = mapped_column(String(16))
    # near: word-shingle Jaccard (or containment) with the stored article it matched, in [0.8, 1]
    duplicate_similarity: Mapped[float | None] = mapped_column(Float)
    wire_credits: Mapped[list[Any] | None] = mapped_column(JSON, default=list)  # agencies credited in the text
    revision: Mapped[int] = mapped_column(Integer, default=1)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ArticleSignature(Base):
    """The deduplication keys of an article (issue 5): URL key, title keys, MinHash signature."""

    __tablename__ = "article_signatures"
    __table_args__ = (
        Index("ix_article_signatures_title", "source_id", "title_key_hash"),
        Index("ix_article_signatures_title_alt", "source_id", "title_alt_hash"),
    )
    article_id: Mapped[int] = mapped_column(BigId, ForeignKey("articles.id"), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64))
    url_key_hash: Mapped[str] = mapped_column(String(40), index=True)
    title_key_hash: Mapped[str | None] = mapped_column(String(40))
    title_alt_hash: Mapped[str | None] = mapped_column(String(40))
    shingle_count: Mapped[int] = mapped_column(Integer)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    scheme: Mapped[str] = mapped_column(String(32))  # shingling/MinHash parameters that made it
    published_at: Mapped[datetime | None]


class ArticleBand(Base):
    """LSH band hashes of article signatures: near-duplicate candidates by indexed lookup."""

    __tablename__ = "article_bands"
    __table_args__ = (Index("ix_article_bands_band", "band_no", "band_hash"),)
    article_id: Mapped[int] = mapped_column(BigId, ForeignKey("articles.id"), primary_key=True)
    band_no: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    band_hash: Mapped[int] = mapped_column(BigInteger)


class ArticleRevision(Base):
    """Earlier texts of an article whose page changed after it was first stored."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "revision", name="uq_revisions_article_rev"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    raw_page_id: Mapped[int] = mapped_column(ForeignKey("raw_pages.id"))
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime]


class Run(Base):
    """One unit of work (a feed poll, a crawl, a processing batch) and what it produced."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # feeds | crawl | process
    source_id: Mapped[str | None] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))  # ok | partial | failed
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
