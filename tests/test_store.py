"""The article store on SQLite and PostgreSQL: migrations, frontier, raw pages, articles, dedup."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from newsmon.config import FeedConfig, SitemapConfig, SourceConfig
from processors.fingerprints import text_hash
from store import repo
from store.db import create_engine_from_url, current_revision, migrate, session_scope
from store.models import Article, ArticleRevision, Link, RawPage, Source

Factory = sessionmaker[Session]

SOURCE_A = SourceConfig(
    id="src-a",
    name="Source A",
    country="ua",
    languages=["uk", "en"],
    feeds=[FeedConfig(url="https://a.example/rss.xml")],
)
SOURCE_B = SourceConfig(
    id="src-b",
    name="Source B",
    group="demo",
    languages=["fr"],
    timezone="Europe/Paris",
    news_sitemaps=[SitemapConfig(url="https://b.example/news-sitemap.xml")],
)
TEXT_1 = "Leaders of the coalition of the willing endorsed the Paris declaration on security guarantees."
TEXT_2 = "Coalition jets will patrol the skies over western Ukraine once a ceasefire holds."


# -- helpers ------------------------------------------------------------------------------------


def _head_revision(url: str) -> str:
    from alembic.script import ScriptDirectory

    from store.db import alembic_config

    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert head is not None
    return head


def _discovered(url: str, **over: Any) -> repo.DiscoveredLink:
    values: dict[str, Any] = {
        "url": url,
        "found_url": url + "?utm_source=rss",
        "discovered_via": "feed",
        "discovered_from": "https://a.example/rss.xml",
        "title": "A title",
        "published_at": datetime(2026, 1, 6, 19, 40, tzinfo=UTC),
        "language": "en",
    }
    values.update(over)
    return repo.DiscoveredLink(**values)


def _setup_sources(factory: Factory) -> None:
    with session_scope(factory) as session:
        repo.sync_sources(session, [SOURCE_A, SOURCE_B])


def _add_link(session: Session, url: str, source_id: str = "src-a") -> int:
    repo.upsert_links(session, source_id, [_discovered(url)])
    link_id = session.scalar(select(Link.id).where(Link.url == url))
    assert link_id is not None
    return link_id


def _add_raw(session: Session, link_id: int, body: bytes, source_id: str = "src-a") -> int:
    raw_id, _new = repo.save_raw_page(
        session,
        link_id=link_id,
        source_id=source_id,
        url=f"https://a.example/page/{link_id}",
        final_url=f"https://a.example/page/{link_id}",
        status_code=200,
        headers={"content-type": "text/html; charset=utf-8"},
        body=body,
    )
    return raw_id


def _values(body: str, canonical_url: str, **over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "url": canonical_url,
        "canonical_url": canonical_url,
        "title": body.split(".", maxsplit=1)[0],
        "text": body,
        "text_hash": text_hash(body),
        "authors": ["Olena Marchuk"],
        "published_at": datetime(2026, 1, 6, 19, 40, tzinfo=UTC),
        "date_source": "jsonld",
        "language": "en",
        "word_count": len(body.split()),
        "relevance_score": 10.0,
        "relevant": True,
        "tags": ["security-guarantees"],
        "topic_version": "ukraine-security-guarantees@1",
    }
    values.update(over)
    return values


def _store(
    factory: Factory, url: str, body: str, canonical_url: str | None = None, source_id: str = "src-a", **over: Any
) -> repo.StoredArticle:
    """Create (or reuse) the link for ``url`` and store an article for it in one transaction."""
    with session_scope(factory) as session:
        link_id = session.scalar(select(Link.id).where(Link.url == url)) or _add_link(session, url, source_id)
        raw_id = _add_raw(session, link_id, body.encode("utf-8"), source_id)
        return repo.store_article(
            session,
            link_id=link_id,
            raw_page_id=raw_id,
            source_id=source_id,
            values=_values(body, canonical_url or url, **over),
        )


def _article(factory: Factory, article_id: int) -> Article:
    with session_scope(factory) as session:
        art = session.get(Article, article_id)
        assert art is not None
        return art


# -- migrations ---------------------------------------------------------------------------------


def test_migrations_idempotent(db_url: str) -> None:
    engine = create_engine_from_url(db_url)
    try:
        head = _head_revision(db_url)
        assert current_revision(engine) == head
        migrate(db_url)
        migrate(db_url)
        assert current_revision(engine) == head
        with engine.connect() as conn:
            for table in ("sources", "links", "raw_pages", "articles", "article_revisions", "feed_state", "runs"):
                assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0
    finally:
        engine.dispose()


# -- sources ------------------------------------------------------------------------------------


def test_sync_sources_upsert_idempotent(session_factory: Factory) -> None:
    with session_scope(session_factory) as session:
        assert repo.sync_sources(session, [SOURCE_A, SOURCE_B]) == 2
    with session_scope(session_factory) as session:
        assert repo.sync_sources(session, [SOURCE_A, SOURCE_B]) == 2
    with session_scope(session_factory) as session:
        rows = {s.id: s for s in session.scalars(select(Source))}
        assert set(rows) == {"src-a", "src-b"}
        assert rows["src-a"].name == "Source A"
        assert rows["src-a"].languages == ["uk", "en"]
        assert rows["src-a"].country == "ua"
        assert rows["src-b"].group == "demo"
        created_b = rows["src-b"].created_at

    renamed = SOURCE_A.model_copy(update={"name": "Source A (renamed)", "enabled": False})
    with session_scope(session_factory) as session:
        repo.sync_sources(session, [renamed])
    with session_scope(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 2
        a = session.get(Source, "src-a")
        assert a is not None
        assert a.name == "Source A (renamed)"
        assert a.enabled is False
        assert a.updated_at >= a.created_at
        b = session.get(Source, "src-b")
        assert b is not None and b.created_at == created_b


# -- links --------------------------------------------------------------------------------------


def test_upsert_links_new_then_known(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    links = [_discovered(f"https://a.example/news/{i}") for i in range(3)]
    with session_scope(session_factory) as session:
        # a duplicate within one batch counts once
        assert repo.upsert_links(session, "src-a", [*links, links[0]]) == (3, 0)
    with session_scope(session_factory) as session:
        before = {link.url: link.last_seen_at for link in session.scalars(select(Link))}
        first_seen = {link.url: link.first_seen_at for link in session.scalars(select(Link))}
    with session_scope(session_factory) as session:
        assert repo.upsert_links(session, "src-a", links) == (0, 3)
    with session_scope(session_factory) as session:
        rows = list(session.scalars(select(Link).order_by(Link.id)))
        assert len(rows) == 3
        for row in rows:
            assert row.last_seen_at > before[row.url]
            assert row.first_seen_at == first_seen[row.url]
            assert row.status == "pending"
            assert row.found_url == row.url + "?utm_source=rss"
    with session_scope(session_factory) as session:
        assert repo.upsert_links(session, "src-a", [links[0], _discovered("https://a.example/news/new")]) == (1, 1)
        assert repo.upsert_links(session, "src-a", []) == (0, 0)
        assert session.scalar(select(func.count()).select_from(Link)) == 4


def test_link_needs_existing_source(session_factory: Factory) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key|violates"), session_scope(session_factory) as session:
        repo.upsert_links(session, "no-such-source", [_discovered("https://a.example/x")])


# -- raw pages ----------------------------------------------------------------------------------


def test_save_raw_page_dedups_per_link_and_roundtrips_gzip(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    body = ("<html><body><p>" + "Пошта, café, 数字 " * 500 + "</p></body></html>").encode()
    with session_scope(session_factory) as session:
        link1 = _add_link(session, "https://a.example/1")
        link2 = _add_link(session, "https://a.example/2")
        raw1, new1 = repo.save_raw_page(
            session, link_id=link1, source_id="src-a", url="u1", final_url="u1", status_code=200, headers={}, body=body
        )
        raw1b, new1b = repo.save_raw_page(
            session, link_id=link1, source_id="src-a", url="u1", final_url="u1", status_code=200, headers={}, body=body
        )
        raw2, new2 = repo.save_raw_page(
            session, link_id=link2, source_id="src-a", url="u2", final_url="u2", status_code=200, headers={}, body=body
        )
        raw3, new3 = repo.save_raw_page(
            session,
            link_id=link1,
            source_id="src-a",
            url="u1",
            final_url="u1",
            status_code=200,
            headers={"etag": '"v2"'},
            body=body + b"<!-- changed -->",
        )
        assert (new1, new1b, new2, new3) == (True, False, True, True)
        assert raw1 == raw1b
        assert len({raw1, raw2, raw3}) == 3
    with session_scope(session_factory) as session:
        page = session.get(RawPage, raw1)
        assert page is not None
        assert repo.raw_body(page) == body
        assert page.body_gz[:2] == b"\x1f\x8b"
        assert len(page.body_gz) < len(body)
        assert gzip.decompress(page.body_gz) == body
        assert page.body_size == len(body)
        assert page.process_state == "pending"
        assert page.fetched_at.tzinfo is not None
        page3 = session.get(RawPage, raw3)
        assert page3 is not None and page3.headers == {"etag": '"v2"'}
        assert session.scalar(select(func.count()).select_from(RawPage)) == 3


# -- sequence -----------------------------------------------------------------------------------


def test_next_seq_strictly_increasing(session_factory: Factory) -> None:
    values: list[int] = []
    with session_scope(session_factory) as session:
        values += [repo.next_seq(session) for _ in range(5)]
    with session_scope(session_factory) as session:
        values += [repo.next_seq(session) for _ in range(5)]
    assert values == sorted(values)
    assert len(set(values)) == len(values)
    assert values[0] >= 1


# -- articles -----------------------------------------------------------------------------------


def test_new_article_is_its_own_cluster(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    stored = _store(session_factory, "https://a.example/1", TEXT_1)
    assert stored.outcome == "new"
    assert stored.duplicate_kind is None
    art = _article(session_factory, stored.article_id)
    assert art.cluster_id == art.id
    assert art.duplicate_of is None
    assert art.duplicate_kind is None
    assert art.revision == 1
    assert art.seq >= 1
    assert art.authors == ["Olena Marchuk"]
    assert art.tags == ["security-guarantees"]


def test_same_canonical_url_from_other_link_is_url_duplicate(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    first = _store(session_factory, "https://a.example/1", TEXT_1, canonical_url="https://a.example/story")
    second = _store(
        session_factory, "https://b.example/copy", TEXT_2, canonical_url="https://a.example/story", source_id="src-b"
    )
    assert (second.outcome, second.duplicate_kind) == ("duplicate", "url")
    art = _article(session_factory, second.article_id)
    assert art.duplicate_of == first.article_id
    assert art.duplicate_kind == "url"
    assert art.cluster_id == first.article_id


def test_same_text_hash_is_exact_duplicate(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    first = _store(session_factory, "https://a.example/1", TEXT_1)
    # a syndicated copy: different URL, same words with different spacing and case
    copy = "  " + TEXT_1.upper().replace(" ", "\n") + "  "
    second = _store(session_factory, "https://b.example/afp-copy", copy, source_id="src-b")
    third = _store(session_factory, "https://b.example/another-copy", TEXT_1, source_id="src-b")
    assert (second.outcome, second.duplicate_kind) == ("duplicate", "exact")
    assert (third.outcome, third.duplicate_kind) == ("duplicate", "exact")
    for dup in (second, third):
        art = _article(session_factory, dup.article_id)
        assert art.duplicate_of == first.article_id  # always the origin, never a copy
        assert art.cluster_id == first.article_id


def test_same_link_same_text_is_unchanged(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    first = _store(session_factory, "https://a.example/1", TEXT_1)
    before = _article(session_factory, first.article_id)
    again = _store(session_factory, "https://a.example/1", TEXT_1)
    assert again.article_id == first.article_id
    assert again.outcome == "unchanged"
    after = _article(session_factory, first.article_id)
    assert after.seq == before.seq
    assert after.revision == 1
    assert after.updated_at == before.updated_at
    with session_scope(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(ArticleRevision)) == 0
        assert session.scalar(select(func.count()).select_from(Article)) == 1


def test_same_text_new_relevance_takes_new_seq(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    first = _store(session_factory, "https://a.example/1", TEXT_1)
    before = _article(session_factory, first.article_id)
    rescored = _store(
        session_factory, "https://a.example/1", TEXT_1, relevance_score=2.0, relevant=False, topic_version="x@2"
    )
    assert rescored.outcome == "unchanged"
    after = _article(session_factory, first.article_id)
    assert after.seq > before.seq
    assert (after.relevant, after.topic_version, after.revision) == (False, "x@2", 1)


def test_changed_text_is_revision(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    first = _store(session_factory, "https://a.example/1", TEXT_1)
    before = _article(session_factory, first.article_id)
    changed = TEXT_1 + " Defence ministers meet again later this month."
    revised = _store(session_factory, "https://a.example/1", changed)
    assert revised.article_id == first.article_id
    assert revised.outcome == "revision"
    after = _article(session_factory, first.article_id)
    assert after.revision == 2
    assert after.seq > before.seq
    assert after.text == changed
    assert after.text_hash == text_hash(changed)
    assert after.raw_page_id != before.raw_page_id
    with session_scope(session_factory) as session:
        revs = list(session.scalars(select(ArticleRevision)))
        assert len(revs) == 1
        rev = revs[0]
        assert rev.article_id == first.article_id
        assert rev.revision == 1
        assert rev.text == TEXT_1
        assert rev.text_hash == text_hash(TEXT_1)
        assert rev.raw_page_id == before.raw_page_id


def test_revised_exact_duplicate_is_no_longer_exact(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    origin = _store(session_factory, "https://a.example/1", TEXT_1)
    copy = _store(session_factory, "https://b.example/copy", TEXT_1, source_id="src-b")
    assert copy.duplicate_kind == "exact"
    _store(session_factory, "https://b.example/copy", TEXT_2, source_id="src-b")
    art = _article(session_factory, copy.article_id)
    origin_art = _article(session_factory, origin.article_id)
    assert art.text_hash != origin_art.text_hash
    assert not (art.duplicate_kind == "exact" and art.duplicate_of == origin.article_id)


def test_articles_since_cursor(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    a1 = _store(session_factory, "https://a.example/1", TEXT_1)
    a2 = _store(session_factory, "https://a.example/2", TEXT_2, relevant=False, tags=[])
    with session_scope(session_factory) as session:
        all_rows = repo.articles_since(session, 0)
        assert [a.id for a in all_rows] == [a1.article_id, a2.article_id]
        cursor = all_rows[0].seq
        assert [a.id for a in repo.articles_since(session, cursor)] == [a2.article_id]
        assert repo.articles_since(session, all_rows[-1].seq) == []
        assert [a.id for a in repo.articles_since(session, 0, relevant_only=True)] == [a1.article_id]
        assert [a.id for a in repo.articles_since(session, 0, limit=1)] == [a1.article_id]
        cursor = all_rows[-1].seq
    # a revision of the first article moves it after the cursor
    _store(session_factory, "https://a.example/1", TEXT_1 + " Updated.")
    with session_scope(session_factory) as session:
        newer = repo.articles_since(session, cursor)
        assert [a.id for a in newer] == [a1.article_id]
        seqs = [a.seq for a in repo.articles_since(session, 0)]
        assert seqs == sorted(seqs)
        assert [a.id for a in repo.articles_since(session, 0)] == [a2.article_id, a1.article_id]


def test_store_summary_counts(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    _store(session_factory, "https://a.example/1", TEXT_1, canonical_url="https://a.example/story")
    _store(session_factory, "https://a.example/2", TEXT_2, relevant=False)
    _store(session_factory, "https://b.example/1", TEXT_2, source_id="src-b")  # exact dup of /2
    _store(session_factory, "https://b.example/2", "Other words.", canonical_url="https://a.example/story")  # url dup
    with session_scope(session_factory) as session:
        link_id = _add_link(session, "https://a.example/rejected")
        raw_id = _add_raw(session, link_id, b"<html></html>")
        repo.mark_raw_page(session, raw_id, "rejected", "empty", "empty body")
        failed = _add_link(session, "https://a.example/gone")
        repo.mark_link(session, failed, "failed", "http_404")
    with session_scope(session_factory) as session:
        summary = repo.store_summary(session)
        assert summary["articles"] == 4
        assert summary["articles_relevant"] == 3
        assert summary["duplicates_by_kind"] == {"exact": 1, "url": 1}
        assert summary["pages_fetched"] == 5
        assert summary["pages_by_state"] == {"pending": 4, "rejected": 1}
        assert summary["rejections_by_reason"] == {"empty": 1}
        assert summary["links_by_status"] == {"pending": 5, "failed": 1}
        assert summary["links_not_fetched_by_reason"] == {"http_404": 1}
        scoped = repo.store_summary(session, ["src-b"])
        assert scoped["articles"] == 1
        assert scoped["duplicates_by_kind"] == {"exact": 1}
        assert scoped["pages_fetched"] == 1


# -- timestamps ---------------------------------------------------------------------------------


def test_store_refuses_naive_datetimes(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    with pytest.raises(StatementError) as info, session_scope(session_factory) as session:
        repo.upsert_links(session, "src-a", [_discovered("https://a.example/naive", published_at=datetime(2026, 1, 6))])
    assert isinstance(info.value.orig, ValueError)
    assert "naive datetime" in str(info.value.orig)
    with pytest.raises(StatementError) as info, session_scope(session_factory) as session:
        link_id = _add_link(session, "https://a.example/ok")
        repo.save_raw_page(
            session,
            link_id=link_id,
            source_id="src-a",
            url="u",
            final_url="u",
            status_code=200,
            headers={},
            body=b"x",
            fetched_at=datetime(2026, 1, 6, 12, 0),
        )
    assert isinstance(info.value.orig, ValueError)
    with session_scope(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Link)) == 0  # both transactions rolled back


def test_timestamps_come_back_utc_aware(session_factory: Factory) -> None:
    _setup_sources(session_factory)
    kyiv = datetime(2026, 1, 6, 21, 40, tzinfo=ZoneInfo("Europe/Kyiv"))
    expected = datetime(2026, 1, 6, 19, 40, tzinfo=UTC)
    with session_scope(session_factory) as session:
        repo.upsert_links(session, "src-a", [_discovered("https://a.example/tz", published_at=kyiv)])
    with session_scope(session_factory) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET TIME ZONE 'Asia/Tokyo'"))  # the result must not depend on it
        link = session.scalars(select(Link).where(Link.url == "https://a.example/tz")).one()
        for value in (link.published_at, link.first_seen_at, link.last_seen_at):
            assert value is not None
            assert value.tzinfo is not None
            assert value.utcoffset() == timedelta(0)
        assert link.published_at == expected
        assert link.published_at is not None and link.published_at.tzinfo == UTC
        assert abs(link.first_seen_at - datetime.now(UTC)) < timedelta(minutes=5)
        # comparisons against aware values work on both backends
        found = session.scalars(select(Link.id).where(Link.published_at == expected)).all()
        assert found == [link.id]
