"""Near-duplicate detection: our dedup (processors/dedup.py) against datasketch's MinHashLSH.

    python bench/dedup.py --sizes 1000 10000 100000 [--store-batch 1000] [--database-url URL]

Data: real article texts from ``../shared/corpus`` (trafilatura-eval pages extracted once with
trafilatura and cached in ``data/bench/``, fundus-dev bodies) as originals; beyond the number
of real texts, originals are made of random real paragraphs. About 30% of the documents are
mutated near-copies of an earlier document (word substitutions, deletions and insertions at a
random rate of 0-6% of the words, which spreads their Jaccard around 0.8; sometimes a paragraph
dropped or a boilerplate paragraph added).

Truth: a pair is a duplicate when the exact Jaccard of its word 5-shingle sets is >= 0.8. It is
computed for every pair within a family of copies and every pair any method proposed; at
sizes up to ``--brute-force-max`` all pairs are compared, which checks that assumption.

Each method runs in its own child process on the same documents, in the same order, as a
stream (query, then insert); wall time includes shingling, peak memory is the child's maximum
RSS minus its RSS after loading the documents. Methods:

- ``ours``: processors.dedup (MinHash 128, 32 bands of 4, candidates verified by exact Jaccard
  >= 0.8 on the shingle sets);
- ``ours+containment``: the same plus the store's containment rule (>= 0.9 of the smaller
  text in the larger): the pairs it adds are below 0.8 Jaccard by construction, so they count
  as false positives against this truth although they are duplicates for the store;
- ``datasketch-0.8``: MinHashLSH(threshold=0.8, num_perm=128), candidates taken as found;
- ``datasketch-0.7+verify``: MinHashLSH(threshold=0.7, num_perm=128), candidates verified by
  exact Jaccard >= 0.8 (the best configuration in issue 5).

Both get the same 32-bit shingle hashes (datasketch with an identity hash function, so it does
not pay for SHA-1 on top). Finally the time to store a batch of documents through
``store.repo.store_article`` into an empty store and into one that already holds the largest
size (filled in bulk with the same rows store_article writes).
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import pickle
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus"
CACHE = ROOT / "data" / "bench"
MIN_WORDS = 80


# -- data ---------------------------------------------------------------------------------------


def _extract_one(path: str) -> str | None:
    import trafilatura

    try:
        html = gzip.decompress(Path(path).read_bytes()).decode("utf-8", errors="replace")
        return trafilatura.extract(html, include_comments=False, include_tables=False)
    except Exception:  # noqa: BLE001 - a page that does not extract is left out
        return None


def real_texts() -> list[str]:
    """Real article texts, extracted once and cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = CACHE / "dedup-texts.json"
    if cache.exists():
        return list(json.loads(cache.read_text(encoding="utf-8")))
    pages = sorted(str(p) for p in (CORPUS / "extraction" / "trafilatura-eval").rglob("*.html.gz"))
    if not pages:
        raise SystemExit(f"no corpus at {CORPUS}")
    with mp.get_context("spawn").Pool(2) as pool:
        texts = [t for t in pool.map(_extract_one, pages, chunksize=16) if t]
    for path in sorted((CORPUS / "articles" / "fundus-dev").rglob("*.json")):
        for version in json.loads(path.read_text(encoding="utf-8")).values():
            paras = [p for sec in version.get("body", {}).get("sections", []) for p in sec.get("paragraphs", [])]
            texts.append("\n".join(paras))
    seen: set[str] = set()
    out = []
    for t in texts:
        key = " ".join(t.split())
        if len(key.split()) >= MIN_WORDS and key not in seen:
            seen.add(key)
            out.append(t)
    cache.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def mutate(text: str, rng: random.Random, vocab: list[str], paragraphs: list[str]) -> str:
    rate = rng.uniform(0.0, 0.06)
    paras = [p for p in text.split("\n") if p.strip()]
    if len(paras) > 3 and rng.random() < 0.15:
        del paras[rng.randrange(len(paras))]
    if rng.random() < 0.15:
        paras.insert(rng.randrange(len(paras) + 1), rng.choice(paragraphs))
    out = []
    for para in paras:
        words = []
        for w in para.split():
            r = rng.random()
            if r < rate / 3:
                words.append(rng.choice(vocab))  # substitution
            elif r < 2 * rate / 3:
                continue  # deletion
            elif r < rate:
                words += [w, rng.choice(vocab)]  # insertion
            else:
                words.append(w)
        out.append(" ".join(words))
    return "\n".join(out)


def make_docs(n: int, seed: int = 20260106) -> tuple[list[str], list[int]]:
    """``n`` documents and the family (original index) of each."""
    rng = random.Random(seed)
    texts = real_texts()
    paragraphs = [p for t in texts for p in t.split("\n") if len(p.split()) >= 15]
    vocab = [w for p in paragraphs[:5000] for w in p.split()]
    docs: list[str] = []
    family: list[int] = []
    n_real = 0
    for i in range(n):
        if docs and rng.random() < 0.3:
            src = rng.randrange(len(docs))
            docs.append(mutate(docs[src], rng, vocab, paragraphs))
            family.append(family[src])
        else:
            if n_real < len(texts):
                docs.append(texts[n_real])
                n_real += 1
            else:
                docs.append("\n".join(rng.sample(paragraphs, rng.randint(4, 10))))
            family.append(i)
    return docs, family


# -- methods (each in a child process) ------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return _rss_mb()


def _run_ours(docs: list[str], use_containment: bool) -> set[tuple[int, int]]:
    from processors import dedup

    index = dedup.MemoryIndex()
    pairs: set[tuple[int, int]] = set()
    for i, text in enumerate(docs):
        fp = dedup.fingerprint(url="", title=None, text=text)
        for m in dedup.near_matches(fp, index, use_containment):
            pairs.add((m.target, i))
        index.add(i, fp)
    return pairs


def _run_datasketch(docs: list[str], threshold: float, verify: bool) -> set[tuple[int, int]]:
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    from processors.dedup import JACCARD_THRESHOLD, jaccard, shingle_hashes

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    kept: dict[int, Any] = {}
    pairs: set[tuple[int, int]] = set()
    for i, text in enumerate(docs):
        sh = shingle_hashes(text)
        m = MinHash(num_perm=128, hashfunc=lambda x: x)
        if sh.size:
            m.update_batch(sh.astype(np.uint64))
        for j in lsh.query(m):
            if not verify or jaccard(sh, kept[j]) >= JACCARD_THRESHOLD:
                pairs.add((j, i))
        lsh.insert(i, m)
        if verify:
            kept[i] = sh
    return pairs


def _child(method: str, data_file: str, out: Any) -> None:
    import datasketch  # noqa: F401 - imports are not part of the measurement

    import processors.dedup  # noqa: F401

    with open(data_file, "rb") as fh:
        docs = pickle.load(fh)
    base = _current_rss_mb()
    t0 = time.perf_counter()
    if method.startswith("ours"):
        pairs = _run_ours(docs, use_containment=method == "ours+containment")
    elif method == "datasketch-0.8":
        pairs = _run_datasketch(docs, 0.8, verify=False)
    else:
        pairs = _run_datasketch(docs, 0.7, verify=True)
    seconds = time.perf_counter() - t0
    out.put({"seconds": seconds, "peak_mb": _rss_mb() - base, "pairs": sorted(pairs)})


def run_method(method: str, data_file: str) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_child, args=(method, data_file, q))
    proc.start()
    result: dict[str, Any] = q.get()
    proc.join()
    result["pairs"] = {tuple(p) for p in result["pairs"]}
    return result


# -- truth and scores -----------------------------------------------------------------------------


def truth_pairs(
    docs: list[str], family: list[int], proposed: set[tuple[int, int]], brute: bool
) -> tuple[set[tuple[int, int]], int]:
    import numpy as np

    from processors.dedup import JACCARD_THRESHOLD, jaccard, shingle_hashes

    sets = [shingle_hashes(t) for t in docs]
    check: set[tuple[int, int]] = set(proposed)
    members: dict[int, list[int]] = {}
    for i, f in enumerate(family):
        members.setdefault(f, []).append(i)
    for ids in members.values():
        check.update((a, b) for k, a in enumerate(ids) for b in ids[k + 1 :])
    truth = {p for p in check if jaccard(sets[p[0]], sets[p[1]]) >= JACCARD_THRESHOLD}
    missed_by_assumption = 0
    if brute:
        sizes = np.array([s.size for s in sets])
        for a in range(len(docs)):
            for b in range(a + 1, len(docs)):
                # Jaccard >= 0.8 needs the smaller set to be at least 0.8 of the larger
                if min(sizes[a], sizes[b]) < JACCARD_THRESHOLD * max(sizes[a], sizes[b]):
                    continue
                if (a, b) not in truth and jaccard(sets[a], sets[b]) >= JACCARD_THRESHOLD:
                    truth.add((a, b))
                    missed_by_assumption += 1
    return truth, missed_by_assumption


def score(pred: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, float]:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "pairs": len(pred)}


# -- the store: adding a batch to an empty store and to a full one --------------------------------


def _bulk_fill(factory: Any, docs: list[str]) -> None:
    """The rows ``store_article`` would write for ``docs``, inserted in bulk."""
    from sqlalchemy import insert

    from processors import dedup
    from processors.fingerprints import text_hash
    from store import repo
    from store.db import session_scope
    from store.models import Article, ArticleBand, ArticleSignature, Link, RawPage

    now = datetime.now(UTC)
    body = gzip.compress(b"<html></html>")
    chunk = 2000
    for lo in range(0, len(docs), chunk):
        links, raws, arts, sigs, bands = [], [], [], [], []
        for i in range(lo, min(lo + chunk, len(docs))):
            aid = i + 1
            url = f"https://bench{i % 50}.example/full/{i}"
            text = docs[i]
            fp = dedup.fingerprint(url=url, title=None, text=text, source="bench", published_at=now)
            links.append(
                {"id": aid, "url": url, "source_id": "bench", "found_url": url, "discovered_via": "feed",
                 "discovered_from": "bench", "status": "fetched", "attempts": 1, "first_seen_at": now,
                 "last_seen_at": now}
            )  # fmt: skip
            raws.append(
                {"id": aid, "link_id": aid, "source_id": "bench", "url": url, "final_url": url, "status_code": 200,
                 "headers": {}, "body_gz": body, "body_size": 13, "content_hash": f"{aid:064x}", "fetched_at": now,
                 "process_state": "processed"}
            )  # fmt: skip
            arts.append(
                {"id": aid, "link_id": aid, "raw_page_id": aid, "source_id": "bench", "url": url, "canonical_url": url,
                 "title": None, "text": text, "text_hash": text_hash(text), "published_at": now, "cluster_id": aid,
                 "seq": aid, "first_seen_at": now, "updated_at": now, "word_count": len(text.split())}
            )  # fmt: skip
            sigs.append(
                {"article_id": aid, "source_id": "bench", "url_key_hash": fp.url_key_hash, "title_key_hash": None,
                 "title_alt_hash": None, "shingle_count": int(fp.shingles.size), "minhash": fp.signature.tobytes(),
                 "scheme": dedup.SCHEME, "published_at": now}
            )  # fmt: skip
            bands += [{"article_id": aid, "band_no": b, "band_hash": h} for b, h in enumerate(fp.bands)]
        with session_scope(factory) as session:
            for model, rows in ((Link, links), (RawPage, raws), (Article, arts), (ArticleSignature, sigs)):
                session.execute(insert(model), rows)
            session.execute(insert(ArticleBand), bands)
    with session_scope(factory) as session:
        from store.models import StoreMeta

        session.merge(StoreMeta(key=repo.SEQ_KEY, value=len(docs)))


def _store_batch(factory: Any, batch: list[str], tag: str) -> float:
    from processors.fingerprints import text_hash
    from store import repo
    from store.db import session_scope
    from store.models import Link

    now = datetime.now(UTC)
    t0 = time.perf_counter()
    for i, text in enumerate(batch):
        url = f"https://batch.example/{tag}/{i}"
        with session_scope(factory) as session:
            link = Link(url=url, source_id="bench", found_url=url, discovered_via="feed", discovered_from="bench",
                        status="fetched", attempts=1, first_seen_at=now, last_seen_at=now)  # fmt: skip
            session.add(link)
            session.flush()
            raw_id, _ = repo.save_raw_page(session, link_id=link.id, source_id="bench", url=url, final_url=url,
                                           status_code=200, headers={}, body=text.encode("utf-8"))  # fmt: skip
            values = {"url": url, "canonical_url": url, "title": None, "text": text, "text_hash": text_hash(text),
                      "published_at": now + timedelta(seconds=i), "word_count": len(text.split())}  # fmt: skip
            repo.store_article(session, link_id=link.id, raw_page_id=raw_id, source_id="bench", values=values)
    return time.perf_counter() - t0


def store_benchmark(full_docs: list[str], batch: list[str], database_url: str | None) -> dict[str, Any]:
    from newsmon.config import FeedConfig, SourceConfig
    from store import repo
    from store.db import create_engine_from_url, make_session_factory, migrate, session_scope

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        for label, fill in (("empty", []), ("full", full_docs)):
            url = database_url or f"sqlite:///{tmp}/{label}.db"
            migrate(url)
            engine = create_engine_from_url(url)
            factory = make_session_factory(engine)
            with session_scope(factory) as session:
                repo.sync_sources(
                    session,
                    [
                        SourceConfig(
                            id="bench", name="bench", languages=["en"], feeds=[FeedConfig(url="https://b.example/")]
                        )
                    ],
                )
            t0 = time.perf_counter()
            _bulk_fill(factory, fill)
            fill_s = time.perf_counter() - t0
            seconds = _store_batch(factory, batch, label)
            engine.dispose()
            results[label] = {"stored_before": len(fill), "fill_seconds": round(fill_s, 1), "batch_seconds": seconds}
            if database_url:
                break  # one database URL: only the empty case can be measured cleanly
    if "full" in results:
        results["ratio_full_to_empty"] = results["full"]["batch_seconds"] / results["empty"]["batch_seconds"]
    return results


# -- main -------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument(
        "--methods", nargs="+", default=["ours", "ours+containment", "datasketch-0.8", "datasketch-0.7+verify"]
    )
    parser.add_argument("--brute-force-max", type=int, default=2000)
    parser.add_argument("--store-full", type=int, default=0, help="documents in the full store (0: no store test)")
    parser.add_argument("--store-batch", type=int, default=1000)
    parser.add_argument("--database-url", help="sqlite:///... (default: temporary SQLite files)")
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args()

    report: dict[str, Any] = {"sizes": {}}
    for n in args.sizes:
        docs, family = make_docs(n)
        with tempfile.NamedTemporaryFile(prefix="newsmon-bench-", suffix=".pkl", delete=False) as fh:
            pickle.dump(docs, fh)
            data_file = fh.name
        runs = {m: run_method(m, data_file) for m in args.methods}
        Path(data_file).unlink()
        proposed = set().union(*(r["pairs"] for r in runs.values()))
        truth, missed = truth_pairs(docs, family, proposed, brute=n <= args.brute_force_max)
        words = sum(len(d.split()) for d in docs) / n
        row: dict[str, Any] = {"docs": n, "mean_words": round(words), "true_pairs": len(truth)}
        if n <= args.brute_force_max:
            row["true_pairs_outside_families_and_proposals"] = missed
        for m, r in runs.items():
            row[m] = {**score(r["pairs"], truth), "seconds": round(r["seconds"], 2), "peak_mb": round(r["peak_mb"], 1)}
        report["sizes"][n] = row
        print(json.dumps(row, indent=1), flush=True)
    if args.store_full:
        docs, _ = make_docs(args.store_full + args.store_batch, seed=7)
        full, batch = docs[: args.store_full], docs[args.store_full :]
        report["store"] = store_benchmark(full, batch, args.database_url)
        print(json.dumps(report["store"], indent=1), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
