"""Deduplication (issue 5): shingles, MinHash, LSH bands, titles, wire credits, the stream
deduplicator behind ``newsmon dedup``, and the store's index on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from newsmon.config import FeedConfig, SourceConfig
from processors import dedup
from processors.fingerprints import text_hash
from store import repo
from store.db import create_engine_from_url, make_session_factory, session_scope
from store.models import Article, ArticleBand, ArticleSignature, Link

ROOT = Path(__file__).resolve().parents[1]
Factory = sessionmaker[Session]

BASE = (
    "Leaders of the coalition of the willing met in Paris on Tuesday and endorsed a declaration on "
    "security guarantees for Ukraine once a ceasefire is agreed. The declaration foresees a "
    "multinational reassurance force led by France and the United Kingdom, air policing over western "
    "Ukraine and a naval mission to clear mines from the Black Sea shipping lanes. Officials said the "
    "United States had agreed in principle to provide a backstop, including intelligence and logistics, "
    "although the details were still being negotiated in Washington. The Ukrainian president welcomed "
    "the commitments and said that long-term military support for the armed forces remained the first "
    "guarantee of any settlement. Several governments said that parliamentary approval would be needed "
    "before troops could be deployed, and that the force would not take part in combat. Diplomats "
    "expect further talks on the monitoring of a ceasefire line, which would rely on drones and "
    "satellites rather than soldiers on the front. Russia rejected the presence of any European troops "
    "in Ukraine and said such a deployment would make them legitimate targets, a position repeated by "
    "the foreign ministry in Moscow on Wednesday evening after the summit had ended."
)
OTHER = (
    "The city council approved a new budget for public transport on Monday, adding three tram lines "
    "and extending night bus services to the suburbs. The mayor said fares would stay unchanged for "
    "another year while the network is modernised, and that the first new trams would arrive in spring. "
    "Opposition councillors criticised the cost of the project and asked for an independent audit of "
    "the tender, which they said had favoured a single supplier. Residents of the northern districts "
    "welcomed the plan, which had been discussed for more than a decade without a decision."
)
T0 = datetime(2026, 1, 6, 19, 40, tzinfo=UTC)


def mutate(base: str, edits: int, seed: int) -> str:
    """``base`` with ``edits`` words replaced by other words of the same text."""
    rng = random.Random(seed)
    words = base.split()
    for i in rng.sample(range(len(words)), edits):
        words[i] = rng.choice(words) + "x"
    return " ".join(words)


# -- pure parts ---------------------------------------------------------------------------------


def test_shingles_ignore_case_punctuation_and_spacing() -> None:
    a = dedup.shingle_hashes(BASE)
    b = dedup.shingle_hashes(BASE.upper().replace(",", " ,  ").replace(".", " !"))
    assert a.dtype == np.uint32
    assert np.array_equal(a, b)
    toks = re.findall(r"\w+", BASE.lower())
    assert a.size == len({tuple(toks[i : i + 5]) for i in range(len(toks) - 4)})
    assert dedup.shingle_hashes("").size == 0
    assert dedup.shingle_hashes("two words").size == 1
    assert dedup.fingerprint(url="", title=None, text=BASE).text_hash == text_hash(BASE)


def test_minhash_estimates_jaccard_and_is_deterministic() -> None:
    a, b = dedup.shingle_hashes(BASE), dedup.shingle_hashes(mutate(BASE, 6, 1))
    exact = dedup.jaccard(a, b)
    assert 0.6 < exact < 0.95
    est = dedup.estimated_jaccard(dedup.minhash(a), dedup.minhash(b))
    assert abs(est - exact) < 0.12
    assert np.array_equal(dedup.minhash(a), dedup.minhash(a.copy()))
    assert dedup.minhash(a).shape == (dedup.NUM_PERM,)
    # Stored signatures must stay comparable: the scheme's values do not depend on the process.
    code = "from processors import dedup; print(dedup.band_hashes(dedup.minhash(dedup.shingle_hashes('a b c d e f'))))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == dedup.band_hashes(dedup.minhash(dedup.shingle_hashes("a b c d e f")))


def test_lsh_bands_catch_near_copies_not_unrelated_texts() -> None:
    def bands(t: str) -> set[tuple[int, int]]:
        return set(enumerate(dedup.band_hashes(dedup.minhash(dedup.shingle_hashes(t)))))

    base = bands(BASE)
    assert len(base) == dedup.BANDS
    assert base & bands(mutate(BASE, 3, 2))  # Jaccard ~0.9
    assert not base & bands(OTHER)


def test_near_similarity_jaccard_and_containment() -> None:
    a = dedup.shingle_hashes(BASE)
    assert dedup.near_similarity(a, dedup.shingle_hashes(mutate(BASE, 2, 3))) is not None
    assert dedup.near_similarity(a, dedup.shingle_hashes(OTHER)) is None
    far = dedup.shingle_hashes(mutate(BASE, 40, 4))
    assert dedup.jaccard(a, far) < 0.5 and dedup.near_similarity(a, far) is None
    # Another fetcher kept navigation and a related-stories block around the same article.
    noisy = dedup.shingle_hashes("Home News World Sport Subscribe Log in " + BASE + " Related stories " + OTHER)
    assert dedup.jaccard(a, noisy) < dedup.JACCARD_THRESHOLD
    assert dedup.near_similarity(a, noisy) == pytest.approx(1.0)
    # Too short for containment alone to mean anything.
    short = dedup.shingle_hashes(" ".join(BASE.split()[:20]))
    assert dedup.near_similarity(short, a) is None


def test_title_keys_outlet_prefix_and_suffix() -> None:
    plain = dedup.title_keys("Allies agree on a reassurance force for Ukraine")
    assert plain[0] is not None and plain[1] is None
    assert dedup.title_keys("Kyiv Herald: Allies agree on a reassurance force for Ukraine")[1] == plain[0]
    assert dedup.title_keys("Allies agree on a reassurance force for Ukraine | Kyiv Herald")[1] == plain[0]
    assert dedup.title_keys("Allies agree on a reassurance force for Ukraine - Kyiv Herald")[1] == plain[0]
    assert dedup.title_keys("ALLIES agree on a reassurance force, for Ukraine!")[0] == plain[0]
    assert dedup.title_keys("Live updates") == (None, None)


def test_wire_credits() -> None:
    assert dedup.wire_credits("KYIV, Jan 6 (Reuters) - Leaders met in Paris. " + OTHER) == ["Reuters"]
    assert dedup.wire_credits(OTHER + " /AFP") == ["AFP"]
    assert dedup.wire_credits(BASE + " (dpa) " + BASE) == ["dpa"]
    assert dedup.wire_credits("Київ, 6 січня /Укрінформ/. " + OTHER) == ["Ukrinform"]
    assert dedup.wire_credits("Варшава (PAP) - " + OTHER + " Interfax-Ukraine") == ["PAP", "Interfax-Ukraine"]
    # A passing mention in the middle of a long text is not a credit.
    assert dedup.wire_credits(BASE + " Reuters reported that " + BASE) == []


def test_url_variants_share_a_key() -> None:
    k = dedup.url_key_hash("https://www.a.example/news/1/?utm_source=x")
    assert k == dedup.url_key_hash("http://a.example/news/1")
    assert k == dedup.url_key_hash("https://m.a.example/news/1/amp")
    assert k != dedup.url_key_hash("https://a.example/news/2")


def test_memory_index_returns_every_id_under_a_band_key_earliest_first() -> None:
    index = dedup.MemoryIndex()
    for i, when in ((5, T0), (3, None), (9, T0 - timedelta(days=1))):
        index.add(i, dedup.fingerprint(url="", title=None, text=BASE, published_at=when))
    probe = dedup.fingerprint(url="", title=None, text=mutate(BASE, 1, 13))
    assert [c.id for c in index.by_bands(probe)] == [9, 5, 3]
    assert [m.target for m in dedup.near_matches(probe, index)] == [9, 5, 3]
    assert index.by_bands(dedup.fingerprint(url="", title=None, text=OTHER)) == []


# -- the stream deduplicator (newsmon dedup) ---------------------------------------------------


def test_stream_kinds_and_origin() -> None:
    d = dedup.StreamDeduplicator()
    first = d.add("a", url="https://a.example/1", title="Allies agree on reassurance force", text=BASE)
    assert (first.cluster_id, first.duplicate_of, first.duplicate_kind) == ("a", None, None)
    assert d.add("b", url="https://b.example/2", title="x", text=BASE.upper()).duplicate_kind == "exact"
    near = d.add("c", url="https://c.example/3", title="y", text=mutate(BASE, 3, 5))
    assert (near.duplicate_of, near.duplicate_kind) == ("a", "near") and near.similarity is not None
    assert d.add("d", url="http://www.a.example/1/", title="z", text=OTHER).duplicate_kind == "revision"
    other = d.add("e", url="https://e.example/5", title="Tram budget approved", text=OTHER + " More.")
    assert other.duplicate_kind == "near" and other.cluster_id == "a"  # near copy of "d", in a's cluster
    title = d.add("f", url="https://a.example/6", title="Herald: Allies agree on reassurance force", text="Short.")
    assert (title.duplicate_of, title.duplicate_kind) == ("a", "title")
    # Same title from another site is not a title duplicate.
    elsewhere = d.add("g", url="https://z.example/7", title="Allies agree on reassurance force", text="Other.")
    assert (elsewhere.cluster_id, elsewhere.duplicate_kind) == ("g", None)
    with pytest.raises(ValueError, match="duplicate input id"):
        d.add("a", url="", title=None, text="again")


def test_stream_earlier_copy_becomes_origin() -> None:
    d = dedup.StreamDeduplicator()
    d.add(1, url="https://a.example/1", title=None, text=BASE, published_at=T0)
    earlier = d.add(
        2, url="https://b.example/1", title=None, text=mutate(BASE, 2, 6), published_at=T0 - timedelta(hours=3)
    )
    assert (earlier.cluster_id, earlier.duplicate_of, earlier.duplicate_kind) == (1, None, None)
    later = d.add(3, url="https://c.example/1", title=None, text=BASE, published_at=T0 + timedelta(hours=1))
    assert (later.cluster_id, later.duplicate_of, later.duplicate_kind) == (1, 2, "exact")


def test_title_rule_respects_the_date_window() -> None:
    d = dedup.StreamDeduplicator()
    d.add(1, url="https://a.example/1", title="Morning briefing on the war in Ukraine", text=BASE, published_at=T0)
    week = d.add(
        2,
        url="https://a.example/2",
        title="Morning briefing on the war in Ukraine",
        text=OTHER,
        published_at=T0 + timedelta(days=7),
    )
    assert week.duplicate_kind is None
    day = d.add(
        3,
        url="https://a.example/3",
        title="Morning briefing on the war in Ukraine",
        text="Brief.",
        published_at=T0 + timedelta(hours=5),
    )
    assert day.duplicate_kind == "title"


# -- the CLI ------------------------------------------------------------------------------------


def _cli(lines: list[str]) -> tuple[int, list[dict[str, Any]]]:
    proc = subprocess.run(
        [sys.executable, "-m", "newsmon.cli", "dedup"],
        input="\n".join(lines) + "\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines()]


def test_cli_dedup_one_line_per_input_in_order() -> None:
    docs = [
        {
            "id": "w1",
            "url": "https://wire.example/a",
            "title": "Allies agree",
            "text": BASE,
            "published_at": "2026-01-06T20:00:00Z",
        },
        {
            "id": "p1",
            "url": "https://paper.example/b",
            "title": "Allies agree",
            "text": mutate(BASE, 2, 7),
            "published_at": "2026-01-06T21:00:00+01:00",
        },
        {"id": "o1", "url": "https://paper.example/c", "title": "Trams", "text": OTHER},
        {"id": "w1-http", "url": "http://wire.example/a/", "title": "Allies agree", "text": BASE},
    ]
    lines = [json.dumps(d) for d in docs]
    lines.insert(2, "{not json")
    lines.insert(3, json.dumps({"id": "bad", "text": BASE, "published_at": "yesterday"}))
    code, out = _cli(lines)
    assert code == 1
    assert [o["id"] for o in out] == ["w1", "p1", None, "bad", "o1", "w1-http"]
    assert out[0] == {"id": "w1", "cluster_id": "w1", "duplicate_of": None, "duplicate_kind": None}
    # 21:00+01:00 is 20:00 UTC: not earlier than the wire copy, so the wire copy stays the origin.
    assert (out[1]["duplicate_of"], out[1]["duplicate_kind"]) == ("w1", "near")
    assert "invalid JSON" in out[2]["error"] and out[2]["line"] == 3
    assert "published_at" in out[3]["error"]
    assert (out[4]["cluster_id"], out[4]["duplicate_of"]) == ("o1", None)
    assert (out[5]["duplicate_of"], out[5]["duplicate_kind"]) == ("w1", "url")


# -- the store ----------------------------------------------------------------------------------

SOURCES = [
    SourceConfig(id="src-a", name="Source A", languages=["en"], feeds=[FeedConfig(url="https://a.example/rss.xml")]),
    SourceConfig(id="src-b", name="Source B", languages=["en"], feeds=[FeedConfig(url="https://b.example/rss.xml")]),
]


@pytest.fixture
def factory(session_factory: Factory) -> Factory:
    with session_scope(session_factory) as session:
        repo.sync_sources(session, SOURCES)
    return session_factory


def _link(session: Session, url: str, source_id: str = "src-a") -> int:
    """The id of the link of ``url``, created (as discovered in a feed) when it is new."""
    link_id = session.scalar(select(Link.id).where(Link.url == url))
    if link_id is not None:
        return int(link_id)
    now = datetime.now(UTC)
    link = Link(
        url=url,
        source_id=source_id,
        found_url=url,
        discovered_via="feed",
        discovered_from="https://a.example/rss.xml",
        status="fetched",
        attempts=1,
        first_seen_at=now,
        last_seen_at=now,
    )
    session.add(link)
    session.flush()
    return link.id


def _raw_page(session: Session, link_id: int, url: str, body: str, source_id: str = "src-a") -> int:
    raw_id, _ = repo.save_raw_page(
        session,
        link_id=link_id,
        source_id=source_id,
        url=url,
        final_url=url,
        status_code=200,
        headers={"content-type": "text/html"},
        body=body.encode("utf-8"),
    )
    return raw_id


def _store_in(
    session: Session,
    url: str,
    body: str,
    *,
    title: str | None = None,
    source_id: str = "src-a",
    published_at: datetime | None = T0,
) -> repo.StoredArticle:
    link_id = _link(session, url, source_id)
    raw_id = _raw_page(session, link_id, url, body, source_id)
    values = {
        "url": url,
        "canonical_url": url,
        "title": title if title is not None else body.split(".", maxsplit=1)[0][:80],
        "text": body,
        "text_hash": text_hash(body),
        "published_at": published_at,
        "language": "en",
        "word_count": len(body.split()),
    }
    return repo.store_article(session, link_id=link_id, raw_page_id=raw_id, source_id=source_id, values=values)


def _store(factory: Factory, url: str, body: str, **kwargs: Any) -> repo.StoredArticle:
    with session_scope(factory) as session:
        return _store_in(session, url, body, **kwargs)


def _get(factory: Factory, article_id: int) -> Article:
    with session_scope(factory) as session:
        art = session.get(Article, article_id)
        assert art is not None
        return art


def test_store_near_duplicate_found_from_another_process(factory: Factory, db_url: str) -> None:
    first = _store(factory, "https://a.example/news/1", "PARIS, Jan 6 (Reuters) - " + BASE)
    assert first.outcome == "new"
    # A second engine and session factory: as another worker process would see the store.
    engine = create_engine_from_url(db_url)
    try:
        other = make_session_factory(engine)
        copy = _store(other, "https://b.example/story", mutate(BASE, 3, 8), source_id="src-b")
    finally:
        engine.dispose()
    assert (copy.outcome, copy.duplicate_kind) == ("duplicate", "near")
    art = _get(factory, copy.article_id)
    assert (art.duplicate_of, art.cluster_id, art.duplicate_kind) == (first.article_id, first.article_id, "near")
    assert art.duplicate_similarity is not None and 0.8 <= art.duplicate_similarity < 1.0
    assert _get(factory, first.article_id).duplicate_similarity is None
    assert _get(factory, first.article_id).wire_credits == ["Reuters"]
    with session_scope(factory) as session:
        n_bands = session.scalar(select(func.count()).select_from(ArticleBand))
        assert n_bands == 2 * dedup.BANDS
        sig = session.get(ArticleSignature, first.article_id)
        assert sig is not None and sig.scheme == dedup.SCHEME and len(sig.minhash) == 4 * dedup.NUM_PERM
    unrelated = _store(factory, "https://b.example/trams", OTHER, source_id="src-b")
    assert (unrelated.outcome, unrelated.duplicate_kind) == ("new", None)


def test_store_url_variants_and_title_duplicates(factory: Factory) -> None:
    first = _store(
        factory, "https://www.a.example/news/1/", BASE, title="Allies agree on a reassurance force for Ukraine"
    )
    variant = _store(factory, "http://a.example/news/1", OTHER)
    assert (variant.duplicate_kind, _get(factory, variant.article_id).duplicate_of) == ("url", first.article_id)
    assert _get(factory, variant.article_id).duplicate_similarity is None  # only near duplicates carry one
    titled = _store(
        factory,
        "https://a.example/news/live",
        "A short update.",
        title="Source A: Allies agree on a reassurance force for Ukraine",
    )
    assert (titled.duplicate_kind, _get(factory, titled.article_id).duplicate_of) == ("title", first.article_id)
    elsewhere = _store(
        factory,
        "https://b.example/x",
        "Another short note.",
        title="Allies agree on a reassurance force for Ukraine",
        source_id="src-b",
    )
    assert elsewhere.duplicate_kind is None


def test_store_earlier_near_copy_becomes_origin(factory: Factory) -> None:
    late = _store(factory, "https://a.example/1", BASE, published_at=T0)
    dup = _store(factory, "https://a.example/2", mutate(BASE, 2, 9), published_at=T0 + timedelta(hours=1))
    early = _store(
        factory, "https://b.example/3", mutate(BASE, 3, 10), source_id="src-b", published_at=T0 - timedelta(hours=2)
    )
    assert early.outcome == "new"
    for member in (late, dup):
        art = _get(factory, member.article_id)
        assert (art.duplicate_of, art.cluster_id) == (early.article_id, late.article_id)
    assert _get(factory, early.article_id).duplicate_of is None


def test_store_revision_reindexes_and_keeps_history(factory: Factory) -> None:
    first = _store(factory, "https://a.example/1", BASE)
    revised = _store(factory, "https://a.example/1", OTHER)
    assert (revised.article_id, revised.outcome) == (first.article_id, "revision")
    # The index now holds the new text only: a copy of the old text is new, a copy of the new one is not.
    assert _store(factory, "https://b.example/old", mutate(BASE, 2, 11), source_id="src-b").duplicate_kind is None
    assert (
        _store(factory, "https://b.example/new", OTHER.replace("Monday", "Tuesday"), source_id="src-b").duplicate_kind
        == "near"
    )
    with session_scope(factory) as session:
        per_article = session.execute(
            select(ArticleBand.article_id, func.count()).group_by(ArticleBand.article_id)
        ).all()
        assert {n for _, n in per_article} == {dedup.BANDS}
        assert session.scalar(text("SELECT COUNT(*) FROM article_revisions")) == 1


def test_store_indexes_articles_stored_before_signatures(factory: Factory) -> None:
    first = _store(factory, "https://a.example/1", BASE)
    with session_scope(factory) as session:  # as after migrating a store that predates 0005
        session.execute(text("DELETE FROM article_bands"))
        session.execute(text("DELETE FROM article_signatures"))
    with session_scope(factory) as session:
        assert repo.index_missing_signatures(session) == 1
        assert repo.index_missing_signatures(session) == 0
    copy = _store(factory, "https://b.example/2", mutate(BASE, 2, 12), source_id="src-b")
    assert (copy.duplicate_kind, _get(factory, copy.article_id).duplicate_of) == ("near", first.article_id)


def test_store_lookups_are_index_searches(factory: Factory, db_url: str) -> None:
    """Every query the store's dedup index runs is an index search, never a table scan, so the
    cost of finding an article's candidates does not grow with the store (SQLite's planner)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; the same indexes serve PostgreSQL")
    _store(factory, "https://a.example/1", BASE, title="Allies agree on a reassurance force for Ukraine")
    statements: list[tuple[str, Any]] = []
    engine = create_engine_from_url(db_url)

    @event.listens_for(engine, "before_cursor_execute")
    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        statements.append((statement, parameters))

    try:
        with session_scope(make_session_factory(engine)) as session:
            index = repo.StoreDedupIndex(session, link_id=-1, canonical_url="https://a.example/1")
            fp = dedup.fingerprint(
                url="https://a.example/1",
                title="Herald: Allies agree on a reassurance force",
                text=BASE,
                source="src-a",
            )
            assert index.by_bands(fp) and index.by_url(fp) and index.by_text_hash(fp)
            index.by_title(fp)
        lookups = [(st, p) for st, p in statements if st.lstrip().upper().startswith("SELECT")]
        assert len(lookups) == 4
        with engine.connect() as conn:
            for statement, params in lookups:
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
                details = [str(row[-1]) for row in plan]
                assert not [d for d in details if d.startswith("SCAN")], (statement, details)
    finally:
        engine.dispose()


def test_real_pages_cleaned_text_is_contained_in_the_whole_page_text(corpus: Path) -> None:
    """Real pages (trafilatura-eval): the article text we extract against the whole text of the
    page's body, as a fetcher that does not clean would see it. Jaccard alone misses most of
    these pairs; containment recognises them."""
    import gzip

    from lxml import html as lxml_html

    from processors.extract import process_page
    from processors.types import RawPage, Rejected

    files = sorted((corpus / "extraction" / "trafilatura-eval" / "eval").glob("*.html.gz"))[:30]
    if not files:
        pytest.skip("trafilatura-eval pages not in the corpus")
    by_jaccard = by_rule = total = 0
    for path in files:
        body = gzip.decompress(path.read_bytes())
        result = process_page(RawPage(url="https://example.org/a", body=body, headers={"content-type": "text/html"}))
        tree = lxml_html.fromstring(body)
        if isinstance(result, Rejected) or not tree.xpath("//body"):
            continue
        for node in tree.xpath("//script|//style|//noscript"):
            node.drop_tree()
        whole = " ".join(tree.xpath("//body")[0].itertext())
        clean, noisy = dedup.shingle_hashes(result.text), dedup.shingle_hashes(whole)
        total += 1
        by_jaccard += dedup.jaccard(clean, noisy) >= dedup.JACCARD_THRESHOLD
        by_rule += dedup.near_similarity(clean, noisy) is not None
    assert total >= 20
    assert by_rule >= 0.75 * total
    assert by_jaccard < 0.5 * by_rule


def _race(
    factory: Factory,
    db_url: str,
    first: Callable[[Session], repo.StoredArticle],
    second: Callable[[Session], repo.StoredArticle],
) -> tuple[repo.StoredArticle, repo.StoredArticle]:
    """Two workers: ``first`` stores and holds its transaction open; ``second`` (another engine,
    as another process would have) must then wait for it; once ``first`` commits, both finish."""
    import threading

    engine_b = create_engine_from_url(db_url)
    factory_b = make_session_factory(engine_b)
    stored: dict[str, repo.StoredArticle] = {}
    a_stored, release_a = threading.Event(), threading.Event()

    def worker_a() -> None:
        with session_scope(factory) as session:
            stored["a"] = first(session)
            a_stored.set()
            release_a.wait(timeout=30)

    def worker_b() -> None:
        with session_scope(factory_b) as session:
            stored["b"] = second(session)

    thread_a = threading.Thread(target=worker_a)
    thread_b = threading.Thread(target=worker_b)
    try:
        thread_a.start()
        assert a_stored.wait(timeout=30)
        thread_b.start()
        thread_b.join(timeout=2)
        assert thread_b.is_alive(), "B must wait for A's transaction"
        release_a.set()
        thread_a.join(timeout=30)
        thread_b.join(timeout=30)
    finally:
        release_a.set()
        engine_b.dispose()
    return stored["a"], stored["b"]


def test_two_workers_storing_copies_at_once_make_one_cluster(factory: Factory, db_url: str) -> None:
    """Worker A stores the story and has not committed yet when worker B stores a copy: B waits
    for A's commit (the store-wide sequence row is locked first) and then finds A's article, so
    the two copies form one cluster instead of two origins."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: the race needs concurrent writers")
    a, b = _race(
        factory,
        db_url,
        lambda session: _store_in(session, "https://a.example/news/race", "KYIV, Jan 6 (AFP) - " + BASE),
        lambda session: _store_in(session, "https://b.example/race-copy", mutate(BASE, 3, 11), source_id="src-b"),
    )
    assert a.outcome == "new"
    assert (b.outcome, b.duplicate_kind) == ("duplicate", "near")
    assert _get(factory, b.article_id).cluster_id == a.article_id


def test_two_workers_storing_pages_of_one_link_at_once_make_a_revision(factory: Factory, db_url: str) -> None:
    """Two raw pages of the same link (a re-fetch) processed by two workers at once: the second
    waits for the first, then stores its text as a revision of the link's article instead of
    failing on the link's unique article."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: the race needs concurrent writers")
    url, texts = "https://a.example/news/refetched", (BASE, BASE + " Updated.")
    with session_scope(factory) as session:
        link_id = _link(session, url)
        raw_ids = [_raw_page(session, link_id, url, text) for text in texts]

    def store(raw_id: int, text: str) -> Callable[[Session], repo.StoredArticle]:
        values = {"url": url, "canonical_url": url, "title": "Talks", "text": text, "text_hash": text_hash(text)}
        return lambda session: repo.store_article(
            session, link_id=link_id, raw_page_id=raw_id, source_id="src-a", values=values
        )

    a, b = _race(factory, db_url, store(raw_ids[0], texts[0]), store(raw_ids[1], texts[1]))
    assert a.outcome == "new"
    assert (b.article_id, b.outcome) == (a.article_id, "revision")
    assert _get(factory, a.article_id).revision == 2
