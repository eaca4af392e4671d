"""The extraction quality gate: our cleaner against trafilatura on the shared corpus.

``python -m newsmon.quality`` scores, on every page of ``../shared/corpus`` that carries ground
truth, the main text, the title (exact match), the authors (F1 over names), the published date
(same UTC day) and the language, per dataset and per language, for our cleaner
(:func:`processors.extract.process_page`) and for trafilatura on the same pages in the same
run. Floors are pinned in ``quality/baseline.json``; a score under its floor fails the gate,
a floor is never lowered without ``--accept-lower``, and the corpus is fingerprinted (SHA-256
over file names and contents) so a changed fixture shows up instead of silently moving scores.

The ``ukru`` rows score Ukrainian/Russian identification (:func:`uk_ru_scores`): accuracy of
:func:`processors.language.detect_language` per language and length bucket on the corpus' real
uk/ru texts and the project's own uk/ru fixtures, with no, the right and the wrong declared
language, and on mixed texts; their ``trafilatura`` column is trafilatura's classifier (py3langid).

Text metrics:

* ``snippet_f1`` (trafilatura-eval): like trafilatura's own evaluation, each expected snippet
  found in the headline + text (the same for both contenders: the eval's snippets include
  headlines, which we keep in ``title``, not in ``text``) is a true positive, each missing
  one a false negative, each unwanted snippet found a false positive; precision, recall and
  F1 over all pages of the group.
* ``text_f1`` (fundus-dev body paragraphs, newspaper4k): token F1 (bag of words) per page,
  averaged.
* ``text_prefix`` (goose3: its expected text is only the start of the article): share of the
  expected tokens found in the start of the text (as many tokens again as the expected ones).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_BASELINE = ROOT / "quality" / "baseline.json"
EPSILON = 1e-9


@dataclass
class GoldPage:
    """One page with its expected values (``None``: the dataset does not say)."""

    dataset: str
    page_id: str
    path: Path
    url: str
    text: str | None = None  # the full expected body
    text_prefix: str | None = None  # only the start of the expected body
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)
    title: str | None = None
    authors: list[str] | None = None
    published: str | None = None  # an ISO date or datetime
    language: str | None = None
    now: datetime | None = None  # when the page was fetched (for date plausibility)

    def html(self) -> bytes:
        data = self.path.read_bytes()
        return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


# --------------------------------------------------------------------------- corpus loaders


def _trafilatura_eval(corpus: Path) -> Iterator[GoldPage]:
    base = corpus / "extraction" / "trafilatura-eval"
    spec = base / "evaldata.json"
    if not spec.is_file():
        return
    data = json.loads(spec.read_text(encoding="utf-8"))
    for url, item in sorted(data.items()):
        name = unicodedata.normalize("NFC", item["file"]) + ".gz"
        path = next((p for p in (base / "eval" / name, base / "cache" / name) if p.is_file()), None)
        if path is None:
            continue
        yield GoldPage(
            "trafilatura-eval",
            item["file"],
            path,
            url,
            with_snippets=list(item.get("with") or []),
            without_snippets=list(item.get("without") or []),
        )


def _fundus_body(body: dict[str, Any]) -> str:
    parts: list[str] = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts.extend(section.get("headline") or [])
        parts.extend(section.get("paragraphs") or [])
    return "\n\n".join(parts)


def _fundus(corpus: Path) -> Iterator[GoldPage]:
    base = corpus / "articles" / "fundus-dev"
    for country in sorted(p for p in base.glob("*") if p.is_dir()):
        info_path = country / "meta.info"
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
        for spec in sorted(country.glob("*.json")):
            versions = json.loads(spec.read_text(encoding="utf-8"))
            pages = sorted(country.glob(f"{spec.stem}_*.html.gz"))
            for (key, gold), path in zip(sorted(versions.items()), pages, strict=False):
                meta = info.get(path.name, {})
                crawl = meta.get("crawl_date")
                yield GoldPage(
                    "fundus",
                    f"{country.name}/{spec.stem}/{key}",
                    path,
                    meta.get("url") or f"https://{spec.stem.lower()}.invalid/{key}",
                    text=_fundus_body(gold.get("body") or {}),
                    title=gold.get("title"),
                    authors=list(gold.get("authors") or []),
                    published=gold.get("publishing_date"),
                    now=datetime.fromisoformat(crawl).replace(tzinfo=UTC) if crawl else None,
                )


def _goose3(corpus: Path) -> Iterator[GoldPage]:
    base = corpus / "articles" / "goose3-test-data" / "content"
    for spec in sorted(base.glob("*.json")):
        html = spec.with_suffix(".html")
        if not html.is_file():
            continue
        item = json.loads(spec.read_text(encoding="utf-8"))
        exp = item.get("expected") or {}
        if not exp.get("cleaned_text"):
            continue
        yield GoldPage(
            "goose3",
            spec.stem,
            html,
            item.get("url") or exp.get("final_url") or f"https://{spec.stem}.invalid/",
            text_prefix=exp["cleaned_text"],
            title=exp.get("title"),
            language=exp.get("meta_lang") or None,
        )


def _newspaper4k(corpus: Path) -> Iterator[GoldPage]:
    base = corpus / "articles" / "newspaper4k-test-data"
    for txt in sorted((base / "txt").glob("*.txt")):
        html = base / "html" / f"{txt.stem}.html"
        if not html.is_file():
            continue
        meta_path = base / "metadata" / f"{txt.stem}.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        authors = meta.get("authors")
        if isinstance(authors, str):
            try:
                authors = json.loads(authors.replace("'", '"'))
            except ValueError:
                authors = None
        yield GoldPage(
            "newspaper4k",
            txt.stem,
            html,
            meta.get("url") or f"https://{txt.stem}.invalid/",
            text=txt.read_text(encoding="utf-8"),
            title=meta.get("title") or None,
            authors=authors if isinstance(authors, list) else None,
            published=meta.get("publish_date") or None,
            language=meta.get("language") or None,
        )


LOADERS = {"trafilatura-eval": _trafilatura_eval, "fundus": _fundus, "goose3": _goose3, "newspaper4k": _newspaper4k}


def load_pages(corpus: Path, datasets: list[str] | None = None) -> list[GoldPage]:
    pages: list[GoldPage] = []
    for name, loader in LOADERS.items():
        if datasets and name not in datasets:
            continue
        pages.extend(loader(corpus))
    return pages


def fingerprint(corpus: Path) -> str:
    """SHA-256 over the relative names and contents of every file of the scored datasets."""
    digest = hashlib.sha256()
    roots = [corpus / "extraction" / "trafilatura-eval"] + [
        corpus / "articles" / d for d in ("fundus-dev", "goose3-test-data", "newspaper4k-test-data")
    ]
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(corpus)).encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in _LANG_CORPUS_FILES[2:]:  # the uk/ru language part's files outside those datasets
        path = corpus / name
        if path.is_file():
            digest.update(name.encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# --------------------------------------------------------------------------- scoring

_TOKEN = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Words, lower-cased; CJK and Thai characters one by one (they are not space-separated)."""
    return _TOKEN.findall(text.lower())


def token_f1(predicted: str, expected: str) -> float:
    p, e = Counter(tokens(predicted)), Counter(tokens(expected))
    if not p and not e:
        return 1.0
    common = sum((p & e).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(e.values())
    return 2 * precision * recall / (precision + recall)


def prefix_recall(predicted: str, expected_start: str) -> float:
    e = tokens(expected_start)
    if not e:
        return 1.0
    p = Counter(tokens(predicted)[: 2 * len(e)])
    return sum((p & Counter(e)).values()) / len(e)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def snippet_counts(predicted: str, with_: list[str], without: list[str]) -> tuple[int, int, int]:
    """(true positives, false negatives, false positives), as trafilatura's evaluation counts."""
    text = _squash(predicted)
    tp = sum(1 for s in with_ if _squash(s) in text)
    fp = sum(1 for s in without if _squash(s) in text)
    return tp, len(with_) - tp, fp


def _norm_name(name: str) -> str:
    return " ".join(tokens(name))


def authors_f1(predicted: list[str], expected: list[str]) -> float:
    p, e = {_norm_name(a) for a in predicted} - {""}, {_norm_name(a) for a in expected} - {""}
    if not p and not e:
        return 1.0
    common = len(p & e)
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(e)
    return 2 * precision * recall / (precision + recall)


def same_day(predicted: str | None, expected: str) -> bool:
    from processors.dates import parse_datetime

    if not predicted:
        return False
    exp = parse_datetime(expected)
    got = parse_datetime(predicted)
    return bool(exp and got and exp.date() == got.date())


def _norm_title(title: str | None) -> str:
    return _squash(title or "").strip(" \"'“”").casefold()


# --------------------------------------------------------------------------- the two contenders


def run_ours(page: GoldPage) -> dict[str, Any]:
    from processors.extract import process_page
    from processors.types import RawPage, Rejected, iso_utc

    result = process_page(RawPage(url=page.url, body=page.html(), headers={"content-type": "text/html"}), now=page.now)
    if isinstance(result, Rejected):
        out = dict(result.partial)
        out["rejected"] = result.reason
        return out
    data = result.to_json()
    data["published_at"] = iso_utc(result.published_at)
    return data


def run_trafilatura(page: GoldPage) -> dict[str, Any]:
    import trafilatura

    from processors.extract import decode_body

    html = decode_body(page.html(), "text/html")
    doc = trafilatura.bare_extraction(html, url=page.url, with_metadata=True, include_comments=False)
    if doc is None:
        return {"text": "", "title": None, "authors": [], "published_at": None, "language": None}
    d: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    authors = [a.strip() for a in (d.get("author") or "").split(";") if a.strip()]
    lang = d.get("language")
    if not lang:
        m = re.search(rb"<html[^>]*\blang=[\"']?([A-Za-z]{2})", page.html()[:5000], re.IGNORECASE)
        lang = m.group(1).decode().lower() if m else None
    return {
        "text": d.get("text") or "",
        "title": d.get("title"),
        "authors": authors,
        "published_at": d.get("date"),
        "language": lang,
    }


def _declared_language(page: GoldPage) -> str:
    from processors.language import normalise_declared

    if page.language:
        return normalise_declared(page.language) or "?"
    m = re.search(rb"<html[^>]*\blang=[\"']?([A-Za-z_-]+)", page.html()[:20000], re.IGNORECASE)
    return (normalise_declared(m.group(1).decode()) if m else None) or "?"


def score_page(page: GoldPage) -> dict[str, Any]:
    """Both contenders on one page: per-page numbers, aggregated later."""
    from processors.extract import is_person_credit

    out: dict[str, Any] = {"dataset": page.dataset, "id": page.page_id, "lang": _declared_language(page)}
    for name, runner in (("ours", run_ours), ("trafilatura", run_trafilatura)):
        try:
            got = runner(page)
        except Exception as exc:  # noqa: BLE001 - a crash is scored as a miss and reported
            log.error("%s crashed on %s: %s: %s", name, page.page_id, type(exc).__name__, exc)
            got = {"text": "", "crash": f"{type(exc).__name__}: {exc}"}
        text = got.get("text") or ""
        s: dict[str, Any] = {"crash": got.get("crash"), "rejected": got.get("rejected")}
        if page.with_snippets or page.without_snippets:
            # The eval's snippets include headlines: both contenders are read as headline + text.
            document = f"{got.get('title') or ''}\n\n{text}"
            s["snippets"] = snippet_counts(document, page.with_snippets, page.without_snippets)
        if page.text is not None:
            s["text_f1"] = token_f1(text, page.text)
        if page.text_prefix is not None:
            s["text_prefix"] = prefix_recall(text, page.text_prefix)
        if page.title:
            s["title"] = float(_norm_title(got.get("title")) == _norm_title(page.title))
        if page.authors is not None:
            # Person names only: the definition (agencies, outlets and desks are not authors).
            people = [a for a in page.authors if is_person_credit(a)]
            s["authors_f1"] = authors_f1(list(got.get("authors") or []), people)
        if page.published:
            s["date"] = float(same_day(got.get("published_at"), page.published))
        if page.language:
            from processors.language import normalise_declared

            s["language"] = float((got.get("language") or "") == normalise_declared(page.language))
        out[name] = s
    return out


def aggregate(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """``{"dataset/metric/lang": {"ours": x, "trafilatura": y, "pages": n}}`` plus ``all`` groups."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[f"{row['dataset']}/{row['lang']}"].append(row)
        groups[f"{row['dataset']}/all"].append(row)
    scores: dict[str, dict[str, float]] = {}
    for group, members in sorted(groups.items()):
        dataset, lang = group.split("/")
        metrics = {k for r in members for k in r["ours"] if k not in ("crash", "rejected")}
        for metric in sorted(metrics):
            entry: dict[str, float] = {}
            for who in ("ours", "trafilatura"):
                values = [r[who][metric] for r in members if metric in r[who]]
                if metric == "snippets":
                    tp, fn, fp = (sum(v[i] for v in values) for i in range(3))
                    precision = tp / (tp + fp) if tp + fp else 0.0
                    recall = tp / (tp + fn) if tp + fn else 0.0
                    entry[who] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
                else:
                    entry[who] = sum(values) / len(values)
                entry["pages"] = len(values)
            name = "snippet_f1" if metric == "snippets" else metric
            scores[f"{dataset}/{name}/{lang}"] = entry
    return scores


def run(corpus: Path, datasets: list[str] | None = None, workers: int = 2) -> tuple[list[dict[str, Any]], float]:
    pages = load_pages(corpus, datasets)
    start = time.perf_counter()
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = list(pool.map(score_page, pages, chunksize=8))
    else:
        rows = [score_page(p) for p in pages]
    return rows, time.perf_counter() - start


# --------------------------------------------------------------------------- uk/ru language identification
#
# Issue 4: "Ukrainian and Russian told apart reliably, also on short texts and on pages of bilingual
# outlets". Every real uk/ru text of the corpus (ground-truth bodies where they exist, otherwise the
# text trafilatura extracts), plus the project's own uk/ru replay fixtures, cut into paragraphs and
# sentences, bucketed by length, and scored with no declared language, with the right one, with
# the other one (a bilingual outlet whose <html lang> is wrong for this text), and as mixed pages
# (a text with a quote in the other language). ``trafilatura`` in these rows is trafilatura's own
# language classifier (``py3langid.classify``) on the same strings.

LANG_BUCKETS = (("lt40", 0, 40), ("40-100", 40, 100), ("100-300", 100, 300))
_CYR = re.compile(r"[\u0400-\u04ff]")
_ALPHA = re.compile(r"[^\W\d_]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»”)]*\s+(?=[«\"„(]?[A-ZА-ЯЁІЇЄҐ0-9])")
_FIXTURES = ROOT / "fixtures" / "replay"


@dataclass
class LangDoc:
    """One uk or ru document: its language is known from its source, not from a detector."""

    source: str
    lang: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _cyrillic_text(text: str) -> bool:
    letters = len(_ALPHA.findall(text))
    return letters >= 3 and len(_CYR.findall(text)) >= 0.8 * letters


def _html_paragraphs(html: str | bytes, tags: str = "h1|h2|h3|p|li|blockquote") -> list[str]:
    import lxml.html

    tree = lxml.html.fromstring(html)
    out = [_squash(el.text_content()) for el in tree.iter(*tags.split("|"))]
    return [p for p in out if p]


def _extracted_paragraphs(html: bytes) -> list[str]:
    import trafilatura

    from processors.extract import decode_body

    text = trafilatura.extract(decode_body(html, "text/html"), include_comments=False) or ""
    return [_squash(p) for p in text.split("\n") if _squash(p)]


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


# Real uk/ru pages and feeds of the corpus, found by scanning it for Cyrillic text. Its only real
# Ukrainian is two sidebar headlines of football.ua: no uk document exists in it (see README).
_LANG_CORPUS_FILES = (
    "articles/fundus-dev/ua/Pravda.json",
    "extraction/trafilatura-eval/evaldata.json",
    "urls/mediacloud-metadata-lib-fixtures/cached-httpswebarchiveorgwebhttpsuranewsnews1052317323",
    "urls/mediacloud-metadata-lib-fixtures/cached-httpswebarchiveorgwebhttpaptsvetlivejournalcom",
    "feeds/feedparser-test-corpus/wellformed/sanitize/large_atom_feed_that_needs_css_sanitisation.xml",
)


def uk_ru_corpus_docs(corpus: Path) -> list[LangDoc]:
    """The real uk/ru texts of the corpus (all Russian, from Ukrainian and Russian outlets)."""
    docs: list[LangDoc] = []
    pravda = corpus / _LANG_CORPUS_FILES[0]
    if pravda.is_file():  # pravda.com.ua/rus/: the Russian edition of a Ukrainian outlet
        for key, gold in sorted(json.loads(pravda.read_text(encoding="utf-8")).items()):
            body = gold.get("body") or {}
            paras = [gold.get("title") or ""] + [p for p in _fundus_body(body).split("\n\n")]
            docs.append(LangDoc(f"fundus/ua/Pravda/{key}", "ru", [p for p in paras if _cyrillic_text(p)]))
    evaldata = corpus / _LANG_CORPUS_FILES[1]
    if evaldata.is_file():  # football.ua (Ukrainian outlet, Russian edition): annotated snippets
        for item in json.loads(evaldata.read_text(encoding="utf-8")).values():
            if item.get("region") == "UA" and item.get("file", "").startswith("football.ua"):
                paras = [item.get("title"), item.get("description"), *item.get("with", []), *item.get("comments", [])]
                docs.append(LangDoc(f"trafilatura-eval/{item['file']}", "ru", [p for p in paras if p]))
    for name, source in (
        (_LANG_CORPUS_FILES[2], "mediacloud/ura.news"),
        (_LANG_CORPUS_FILES[3], "mediacloud/livejournal"),
    ):
        path = corpus / name
        if path.is_file():  # Russian outlets; no ground truth: trafilatura's text of the page
            paras = [p for p in _extracted_paragraphs(_read(path)) if _cyrillic_text(p)]
            docs.append(LangDoc(source, "ru", paras))
    feed = corpus / _LANG_CORPUS_FILES[4]
    if feed.is_file():  # a real Russian Atom feed (a software blog), titles and entry text
        import feedparser

        parsed = feedparser.parse(feed.read_bytes())
        for i, entry in enumerate(parsed.entries):
            paras = [entry.get("title") or ""]
            for content in entry.get("content") or [{"value": entry.get("summary") or ""}]:
                if content.get("value"):
                    paras.extend(_html_paragraphs(f"<div>{content['value']}</div>", "p|div|li|h1|h2|h3"))
            paras = [p for p in dict.fromkeys(paras) if _cyrillic_text(p)]
            if paras:
                docs.append(LangDoc(f"feedparser/large_atom_feed/{i}", "ru", paras))
    return [d for d in docs if d.paragraphs]


def uk_ru_fixture_docs(fixtures: Path = _FIXTURES) -> list[LangDoc]:
    """The project's own uk and ru replay outlets (original text written for the project)."""
    docs: list[LangDoc] = []
    for outlet, lang in (("pravda-ua", "uk"), ("vedomosti-ru", "ru")):
        for page in sorted((fixtures / outlet).rglob("*.html")):
            paras = [p for p in _html_paragraphs(page.read_bytes()) if _cyrillic_text(p)]
            docs.append(LangDoc(f"replay/{outlet}/{page.stem}", lang, paras))
        rss = fixtures / outlet / "rss.xml"
        if rss.is_file():
            import feedparser

            for i, entry in enumerate(feedparser.parse(rss.read_bytes()).entries):
                paras = [entry.get("title") or "", *_html_paragraphs(f"<div>{entry.get('summary') or ''}</div>")]
                docs.append(LangDoc(f"replay/{outlet}/rss/{i}", lang, [p for p in paras if _cyrillic_text(p)]))
    return [d for d in docs if d.paragraphs]


def split_units(doc: LangDoc, seen: set[str] | None = None) -> list[tuple[str, str]]:
    """``(bucket, text)``: each paragraph and each sentence by its length, and the whole text;
    units already in ``seen`` (a caption repeated on every item of a feed) are counted once."""
    units: dict[str, None] = {}
    for para in doc.paragraphs:
        units[para] = None
        for sentence in _SENTENCE_END.split(para):
            units[sentence.strip()] = None
    out: list[tuple[str, str]] = []
    for unit in units:
        bucket = next((name for name, lo, hi in LANG_BUCKETS if lo <= len(unit) < hi), None)
        if bucket and _cyrillic_text(unit) and (seen is None or unit not in seen):
            out.append((bucket, unit))
            if seen is not None:
                seen.add(unit)
    out.append(("full", doc.text))
    return out


def mixed_units(docs: list[LangDoc]) -> list[tuple[str, str, str]]:
    """``(lang, bucket, text)``: each document with a quote in the other language inserted after
    its first paragraph (a Ukrainian report quoting a Russian official, and the reverse); the
    text's own language is expected. ``bucket``: ``quote`` (one sentence) or ``para`` (a paragraph)."""
    quotes: dict[str, list[str]] = {"uk": [], "ru": []}
    for doc in docs:
        for bucket, unit in split_units(doc):
            if bucket == "100-300":
                quotes[doc.lang].append(unit)
    out: list[tuple[str, str, str]] = []
    for i, doc in enumerate(docs):
        other = quotes["ru" if doc.lang == "uk" else "uk"]
        if not other or len(doc.paragraphs) < 3:
            continue
        quote = other[i % len(other)]
        if len(_ALPHA.findall(doc.text)) < 3 * len(_ALPHA.findall(quote)):
            continue  # the quote would be a third of the text or more: no longer a quote
        first_sentence = _SENTENCE_END.split(quote)[0]
        for bucket, inserted in (("quote", f"«{first_sentence}»"), ("para", quote)):
            paras = [doc.paragraphs[0], inserted, *doc.paragraphs[1:]]
            out.append((doc.lang, bucket, "\n\n".join(paras)))
    return out


def _py3langid(text: str) -> str | None:
    import py3langid

    return str(py3langid.classify(text)[0])


def _accuracy(hits: dict[str, list[tuple[bool, bool]]]) -> dict[str, dict[str, float]]:
    return {
        key: {
            "ours": sum(g for g, _ in pairs) / len(pairs),
            "trafilatura": sum(r for _, r in pairs) / len(pairs),
            "pages": len(pairs),
        }
        for key, pairs in sorted(hits.items())
    }


def uk_ru_scores(corpus: Path, fixtures: Path = _FIXTURES) -> dict[str, dict[str, float]]:
    """``{"ukru/<source>_<case>/<lang>-<bucket>": {"ours", "trafilatura", "pages"}}``: accuracy
    over the units of each bucket. Sources: ``corpus`` (real texts) and ``fixtures`` (the
    project's own). Cases: ``nohint`` (no declaration), ``hint`` (the right one), ``wronghint``
    (the other language declared: a bilingual outlet's page). ``ukru/mixed/<lang>-quote|para``:
    every document of both sources with a sentence or a paragraph of the other language inserted.
    ``trafilatura`` is trafilatura's language classifier (``py3langid.classify``), which takes no
    declaration: the same answer in the three cases."""
    from processors.language import detect_language

    real, own = uk_ru_corpus_docs(corpus), uk_ru_fixture_docs(fixtures)
    hits: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for source, docs in (("corpus", real), ("fixtures", own)):
        seen: set[str] = set()
        for doc in docs:
            wrong = "ru" if doc.lang == "uk" else "uk"
            for bucket, unit in split_units(doc, seen):
                ref = _py3langid(unit) == doc.lang
                for case, declared in (("nohint", None), ("hint", doc.lang), ("wronghint", wrong)):
                    got = detect_language(unit, declared=declared) == doc.lang
                    hits[f"ukru/{source}_{case}/{doc.lang}-{bucket}"].append((got, ref))
                    hits[f"ukru/{source}_{case}/{doc.lang}-all"].append((got, ref))
    for lang, bucket, text in mixed_units(real + own):
        hits[f"ukru/mixed/{lang}-{bucket}"].append((detect_language(text) == lang, _py3langid(text) == lang))
    return _accuracy(hits)


# --------------------------------------------------------------------------- the gate


def check(scores: dict[str, dict[str, float]], baseline: dict[str, Any], corpus_sha: str) -> list[str]:
    """Failures: scores under their floor, a changed corpus."""
    problems: list[str] = []
    if baseline.get("corpus_sha256") and baseline["corpus_sha256"] != corpus_sha:
        problems.append(
            f"the corpus changed (sha256 {corpus_sha[:12]}, baseline {baseline['corpus_sha256'][:12]}):"
            " review the fixtures and re-pin with --update"
        )
    for key, floor in sorted(baseline.get("floors", {}).items()):
        got = scores.get(key, {}).get("ours")
        if got is None:
            problems.append(f"{key}: no score (floor {floor:.3f})")
        elif got + EPSILON < floor:
            problems.append(f"{key}: {got:.4f} is under its floor {floor:.4f}")
    return problems


def update(
    scores: dict[str, dict[str, float]], baseline: dict[str, Any], corpus_sha: str, accept_lower: bool
) -> tuple[dict[str, Any], list[str]]:
    """New floors = today's scores (rounded down); lowering one needs ``accept_lower``."""
    old = baseline.get("floors", {})
    floors: dict[str, float] = {}
    refused: list[str] = []
    for key, entry in sorted(scores.items()):
        new = int(entry["ours"] * 10000) / 10000
        if key in old and new < old[key] and not accept_lower:
            refused.append(f"{key}: {new:.4f} would lower the floor {old[key]:.4f} (use --accept-lower)")
            new = old[key]
        floors[key] = new
    for key in old:
        if key not in floors and not accept_lower:
            refused.append(f"{key}: the floor would be dropped (use --accept-lower)")
            floors[key] = old[key]
    return {"corpus_sha256": corpus_sha, "floors": floors}, refused


def render(scores: dict[str, dict[str, float]]) -> str:
    lines = [f"{'dataset/metric/lang':44} {'pages':>5} {'ours':>7} {'trafil.':>7} {'diff':>7}"]
    for key, e in sorted(scores.items()):
        diff = e["ours"] - e["trafilatura"]
        lines.append(f"{key:44} {int(e['pages']):5d} {e['ours']:7.4f} {e['trafilatura']:7.4f} {diff:+7.4f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsmon.quality", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    parser.add_argument("--dataset", action="append", choices=sorted([*LOADERS, "ukru"]), help="only these datasets")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--update", action="store_true", help="pin today's scores and corpus as the baseline")
    parser.add_argument("--accept-lower", action="store_true", help="allow --update to lower floors")
    parser.add_argument("--json", type=Path, help="also write every per-page row and score here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not args.corpus.is_dir():
        print(f"quality: corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    rows, seconds = run(args.corpus, args.dataset, args.workers)
    scores = aggregate(rows)
    if not args.dataset or "ukru" in args.dataset:
        scores.update(uk_ru_scores(args.corpus))
    crashes = [(r["id"], r["ours"]["crash"]) for r in rows if r["ours"].get("crash")]
    rejected = Counter(r["ours"]["rejected"] for r in rows if r["ours"].get("rejected"))
    print(render(scores))
    print(f"\n{len(rows)} pages in {seconds:.1f} s; our rejections: {dict(rejected)}; crashes: {len(crashes)}")
    for page_id, crash in crashes:
        print(f"  crash on {page_id}: {crash}")
    if args.json:
        args.json.write_text(json.dumps({"scores": scores, "rows": rows}, indent=1, ensure_ascii=False))
    corpus_sha = fingerprint(args.corpus)
    baseline = json.loads(args.baseline.read_text()) if args.baseline.is_file() else {}
    if args.dataset:
        baseline["floors"] = {k: v for k, v in baseline.get("floors", {}).items() if k.split("/")[0] in args.dataset}
        baseline.pop("corpus_sha256", None)
    if args.update:
        if args.dataset:
            print("quality: --update needs the whole corpus (no --dataset)", file=sys.stderr)
            return 2
        new, refused = update(scores, baseline, corpus_sha, args.accept_lower)
        args.baseline.parent.mkdir(parents=True, exist_ok=True)
        args.baseline.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n")
        print(f"quality: baseline written to {args.baseline}")
        for line in refused:
            print(f"  kept: {line}", file=sys.stderr)
        return 1 if refused else 0
    problems = check(scores, baseline, corpus_sha)
    if crashes:
        problems.append(f"{len(crashes)} pages crashed the processor")
    if not baseline:
        problems.append(f"no baseline at {args.baseline}: run with --update to pin one")
    for line in problems:
        print(f"FAIL {line}", file=sys.stderr)
    print("quality: " + ("FAILED" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
