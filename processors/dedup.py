"""Near-duplicate detection, pure parts: shingles, MinHash signatures, LSH band keys, title
keys, wire credits, and the matching rules shared by the store and ``newsmon dedup``.

A text becomes the set of its word 5-shingles (after :func:`normalise_text`), each hashed to
32 bits. Its MinHash signature (128 values) is split into 32 bands of 4 rows; each band is
hashed to a signed 64-bit key. Two texts sharing any band key are candidates (probability
about 0.999 at Jaccard 0.8, 0.87 at 0.5, under 0.01 at 0.2), and each candidate is verified
on the shingle sets themselves: Jaccard >= 0.8, or containment >= 0.9 of the smaller text in
the larger (the same article with boilerplate left around it by another fetcher).

The index the candidates come from is a :class:`DedupIndex`: the article store
(``store.repo.StoreDedupIndex``: indexed ``article_bands`` table, so a lookup costs the same
whatever the store's size) or :class:`MemoryIndex` (the CLI, the benchmark).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

from processors.fingerprints import normalise_text
from processors.urls import url_key

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SCHEME = f"w{SHINGLE_WORDS}-mh{NUM_PERM}-b{BANDS}r{ROWS}"

JACCARD_THRESHOLD = 0.8
CONTAINMENT_THRESHOLD = 0.9
MIN_CONTAINMENT_SHINGLES = 30  # containment alone says little about short texts
MIN_TITLE_WORDS = 4
TITLE_WINDOW = timedelta(days=3)

DUPLICATE_KINDS = ("url", "exact", "near", "title", "revision")

_MASK64 = (1 << 64) - 1
_rng = np.random.default_rng(20260106)  # fixed: signatures are stored and must stay comparable
_PERM_A: U64 = (_rng.integers(1, 1 << 63, size=NUM_PERM, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_PERM_B: U64 = _rng.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64)
_SHINGLE_MUL = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


# -- shingles and signatures ----------------------------------------------------------------------


def words(text: str) -> list[str]:
    return normalise_text(text).split()


def shingle_hashes(text: str, k: int = SHINGLE_WORDS) -> U32:
    """Sorted, distinct 32-bit hashes of the word ``k``-shingles of ``text`` (a text shorter
    than ``k`` words is one shingle; an empty text has none)."""
    return _shingles(normalise_text(text), k)


def _shingles(normalised: str, k: int = SHINGLE_WORDS) -> U32:
    toks = normalised.encode("utf-8").split()
    if not toks:
        return np.empty(0, dtype=np.uint32)
    w = np.array(list(map(zlib.crc32, toks)), dtype=np.uint64)
    n = len(toks) - k + 1
    if n <= 0:
        h = np.zeros(1, dtype=np.uint64)
        for j in range(len(toks)):
            h = h * _SHINGLE_MUL + w[j : j + 1] + np.uint64(1)
    else:
        h = np.zeros(n, dtype=np.uint64)
        for j in range(k):
            h = h * _SHINGLE_MUL + w[j : j + n] + np.uint64(1)
    # splitmix64 finaliser, then the high 32 bits
    h ^= h >> np.uint64(30)
    h *= _MIX1
    h ^= h >> np.uint64(27)
    h *= _MIX2
    h ^= h >> np.uint64(31)
    return np.unique((h >> np.uint64(32)).astype(np.uint32))


def minhash(shingles: U32) -> U32:
    """The MinHash signature (``NUM_PERM`` 32-bit values) of a shingle set; all-ones if empty."""
    if shingles.size == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    x = shingles.astype(np.uint64)
    m = np.multiply.outer(x, _PERM_A)
    m += _PERM_B
    return (m.min(axis=0) >> np.uint64(32)).astype(np.uint32)


def band_hashes(signature: U32) -> list[int]:
    """One signed 64-bit key per band (``BANDS`` bands of ``ROWS`` rows each), in band order:
    the band's rows folded with multiply-xorshift steps and a splitmix64 finaliser."""
    rows = signature.reshape(BANDS, ROWS).astype(np.uint64)
    h = np.full(BANDS, _SHINGLE_MUL, dtype=np.uint64)
    for r in range(ROWS):
        h ^= rows[:, r]
        h *= _MIX1
        h ^= h >> np.uint64(29)
    h *= _MIX2
    h ^= h >> np.uint64(32)
    return [int(x) for x in h.view(np.int64)]


def jaccard(a: U32, b: U32) -> float:
    if a.size == 0 and b.size == 0:
        return 1.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


def containment(a: U32, b: U32) -> float:
    """Share of the smaller set found in the larger one."""
    small = min(a.size, b.size)
    if small == 0:
        return 0.0
    return np.intersect1d(a, b, assume_unique=True).size / small


def estimated_jaccard(sig_a: U32, sig_b: U32) -> float:
    return float(np.count_nonzero(sig_a == sig_b)) / NUM_PERM


# -- titles ---------------------------------------------------------------------------------------

_PREFIX = re.compile(r"^\s*([^:|]{1,60}?)\s*[:|]\s+(\S.*)$")
_SUFFIX = re.compile(r"^(.*\S)\s+[|\-–—]\s+([^|\-–—]{1,60})$")


def title_keys(title: str | None) -> tuple[str | None, str | None]:
    """(key of the whole title, key without an outlet prefix or suffix), each a SHA-1 hex digest.

    "Outlet: Title", "Outlet | Title", "Title - Outlet" and "Title | Outlet" have "Title" as
    their second key when the outlet part is at most 4 words and the rest at least
    ``MIN_TITLE_WORDS``. Titles shorter than that have no key: too many short titles repeat.
    """
    if not title:
        return None, None
    full = normalise_text(title)
    if len(full.split()) < MIN_TITLE_WORDS:
        return None, None
    alt: str | None = None
    for pattern, outlet_group, rest_group in ((_PREFIX, 1, 2), (_SUFFIX, 2, 1)):
        m = pattern.match(title)
        if m and len(normalise_text(m.group(outlet_group)).split()) <= 4:
            rest = normalise_text(m.group(rest_group))
            if len(rest.split()) >= MIN_TITLE_WORDS:
                alt = rest
                break
    return _sha1(full), (_sha1(alt) if alt else None)


def _sha1(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).hexdigest()


def url_key_hash(url: str) -> str:
    """SHA-1 of :func:`processors.urls.url_key` (scheme-, www- and trailing-slash-insensitive)."""
    return _sha1(url_key(url))


# -- wire credits ---------------------------------------------------------------------------------

# Agency -> patterns of its name (Latin and Cyrillic spellings, Polish and Ukrainian inflections).
_AGENCIES: dict[str, re.Pattern[str]] = {
    "AFP": re.compile(r"\bAFP\b|Agence France[- ]Presse|\bАФП\b|Франс[- ]Пресс"),
    "Reuters": re.compile(r"\bReuters\w*|\bРейтер\w*|\bРойтерс\w*"),
    "AP": re.compile(r"\bAP\b|Associated Press|\bАссошиэйтед Пресс|\bАссошіейтед Прес"),
    "dpa": re.compile(r"\bdpa\b|Deutsche Presse-Agentur"),
    "PAP": re.compile(r"\bPAP\b|Polska Agencja Prasowa"),
    "Ukrinform": re.compile(r"\bUkrinform\b|\bУкрінформ\w*|\bУкринформ\w*"),
    "Interfax-Ukraine": re.compile(r"Interfax[- ]Ukraine|Інтерфакс[- ]Україн\w*|Интерфакс[- ]Украин\w*"),
}
# Literal parts of the names above: a cheap test before the regular expression runs.
_NEEDLES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "France-Presse", "France Presse", "АФП", "Франс"),
    "Reuters": ("Reuters", "Рейтер", "Ройтерс"),
    "AP": ("AP", "Associated Press", "Ассошиэйтед", "Ассошіейтед"),
    "dpa": ("dpa", "Deutsche Presse"),
    "PAP": ("PAP", "Polska Agencja"),
    "Ukrinform": ("Ukrinform", "Укрінформ", "Укринформ"),
    "Interfax-Ukraine": ("Interfax", "Інтерфакс", "Интерфакс"),
}
_CREDIT_CONTEXT = re.compile(r"[(/]\s*$|^\s*[)/]|[—–-]\s*$|^\s*[—–-]")
_EDGE_CHARS = 300


def wire_credits(text: str) -> list[str]:
    """Agencies credited by the text: named in its first or last ``_EDGE_CHARS`` characters
    (datelines, "/AFP", "Source: Reuters"), or anywhere in parentheses or after a slash.
    A passing mention in the body ("Reuters reported") is not a credit."""
    found: list[str] = []
    head, tail = text[:_EDGE_CHARS], text[-_EDGE_CHARS:]
    for agency, pattern in _AGENCIES.items():
        if not any(needle in text for needle in _NEEDLES[agency]):
            continue
        if pattern.search(head) or pattern.search(tail):
            found.append(agency)
            continue
        for m in pattern.finditer(text):
            before, after = text[max(0, m.start() - 3) : m.start()], text[m.end() : m.end() + 3]
            if _CREDIT_CONTEXT.search(before) or _CREDIT_CONTEXT.search(after):
                found.append(agency)
                break
    return found


# -- fingerprints and matching --------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    """Everything the deduplicator compares, computed once per article version."""

    url_key_hash: str
    text_hash: str
    title_key_hash: str | None
    title_alt_hash: str | None
    source: str | None
    published_at: datetime | None
    shingles: U32 = field(repr=False, compare=False)
    signature: U32 = field(repr=False, compare=False)
    bands: tuple[int, ...] = field(repr=False, compare=False)


def fingerprint(
    *, url: str, title: str | None, text: str, source: str | None = None, published_at: datetime | None = None
) -> Fingerprint:
    normalised = normalise_text(text)
    shingles = _shingles(normalised)
    signature = minhash(shingles)
    key, alt = title_keys(title)
    return Fingerprint(
        url_key_hash=url_key_hash(url) if url else "",
        text_hash=hashlib.sha256(normalised.encode("utf-8")).hexdigest(),  # == text_hash(text)
        title_key_hash=key,
        title_alt_hash=alt,
        source=source,
        published_at=published_at,
        shingles=shingles,
        signature=signature,
        bands=tuple(band_hashes(signature)) if shingles.size else (),
    )


@dataclass(frozen=True)
class Candidate:
    """An indexed article as the matcher sees it."""

    id: int
    published_at: datetime | None = None


@dataclass(frozen=True)
class Match:
    target: int  # id of the matched article (not necessarily its cluster's origin)
    kind: str  # url | exact | near | title
    similarity: float = 1.0  # Jaccard (or containment) for near


class DedupIndex(Protocol):
    """What the matcher needs from an index; candidates come back earliest first."""

    def by_url(self, fp: Fingerprint) -> list[Candidate]: ...

    def by_text_hash(self, fp: Fingerprint) -> list[Candidate]: ...

    def by_title(self, fp: Fingerprint) -> list[Candidate]: ...

    def by_bands(self, fp: Fingerprint) -> list[Candidate]: ...

    def shingles(self, ids: Sequence[int]) -> dict[int, U32]: ...


def near_similarity(a: U32, b: U32, use_containment: bool = True) -> float | None:
    """The similarity that makes ``a`` and ``b`` near-duplicates, or None if they are not."""
    if a.size == 0 or b.size == 0:
        return None
    inter = np.intersect1d(a, b, assume_unique=True).size
    jac = inter / (a.size + b.size - inter)
    if jac >= JACCARD_THRESHOLD:
        return jac
    small = min(a.size, b.size)
    if use_containment and small >= MIN_CONTAINMENT_SHINGLES and inter / small >= CONTAINMENT_THRESHOLD:
        return inter / small
    return None


def near_matches(fp: Fingerprint, index: DedupIndex, use_containment: bool = True) -> list[Match]:
    """Every verified near-duplicate of ``fp`` among its LSH candidates, most similar first."""
    if not fp.bands:
        return []
    candidates = index.by_bands(fp)
    if not candidates:
        return []
    sets = index.shingles([c.id for c in candidates])
    found = []
    for cand in candidates:
        other = sets.get(cand.id)
        sim = near_similarity(fp.shingles, other, use_containment) if other is not None else None
        if sim is not None:
            found.append(Match(cand.id, "near", sim))
    found.sort(key=lambda m: -m.similarity)
    return found


def _within(a: datetime | None, b: datetime | None, window: timedelta) -> bool:
    return a is None or b is None or abs(a - b) <= window


def find_match(fp: Fingerprint, index: DedupIndex) -> Match | None:
    """The first rule that links ``fp`` to an indexed article: same URL key, same text hash,
    a verified near-duplicate, or (same source) the same title within ``TITLE_WINDOW``."""
    for kind, lookup in (("url", index.by_url), ("exact", index.by_text_hash)):
        hits = lookup(fp)
        if hits:
            return Match(hits[0].id, kind)
    near = near_matches(fp, index)
    if near:
        return near[0]
    if fp.title_key_hash is not None and fp.source is not None:
        for cand in index.by_title(fp):
            if _within(fp.published_at, cand.published_at, TITLE_WINDOW):
                return Match(cand.id, "title")
    return None


# -- an in-memory index (CLI, benchmark) ----------------------------------------------------------


def _order(c: Candidate) -> tuple[int, float, int]:
    return (c.published_at is None, c.published_at.timestamp() if c.published_at else 0.0, c.id)


class MemoryIndex:
    """The :class:`DedupIndex` of one process: dictionaries keyed like the store's indexes."""

    def __init__(self) -> None:
        self._url: dict[str, list[int]] = {}
        self._text: dict[str, list[int]] = {}
        self._title: dict[tuple[str, str], list[int]] = {}
        self._title_alt: dict[tuple[str, str], list[int]] = {}
        # One id per band key almost always: stored bare, a list only when keys collide.
        self._bands: list[dict[int, int | list[int]]] = [{} for _ in range(BANDS)]
        self._shingles: dict[int, U32] = {}
        self._published: dict[int, datetime | None] = {}

    def __len__(self) -> int:
        return len(self._shingles)

    def _cands(self, ids: Iterable[int]) -> list[Candidate]:
        return sorted((Candidate(i, self._published[i]) for i in set(ids)), key=_order)

    def by_url(self, fp: Fingerprint) -> list[Candidate]:
        return self._cands(self._url.get(fp.url_key_hash, ())) if fp.url_key_hash else []

    def by_text_hash(self, fp: Fingerprint) -> list[Candidate]:
        return self._cands(self._text.get(fp.text_hash, ()))

    def by_title(self, fp: Fingerprint) -> list[Candidate]:
        if fp.title_key_hash is None or fp.source is None:
            return []
        ids = list(self._title.get((fp.source, fp.title_key_hash), ()))
        ids += self._title_alt.get((fp.source, fp.title_key_hash), ())
        if fp.title_alt_hash is not None:
            ids += self._title.get((fp.source, fp.title_alt_hash), ())
        return self._cands(ids)

    def by_bands(self, fp: Fingerprint) -> list[Candidate]:
        ids: set[int] = set()
        for b, key in enumerate(fp.bands):
            hit = self._bands[b].get(key)
            if hit is None:
                continue
            if isinstance(hit, int):
                ids.add(hit)
            else:
                ids.update(hit)
        return self._cands(ids)

    def shingles(self, ids: Sequence[int]) -> dict[int, U32]:
        return {i: self._shingles[i] for i in ids if i in self._shingles}

    def add(self, article_id: int, fp: Fingerprint) -> None:
        """Index ``fp`` under ``article_id`` (a new id for every document version)."""
        if fp.url_key_hash:
            self._url.setdefault(fp.url_key_hash, []).append(article_id)
        self._text.setdefault(fp.text_hash, []).append(article_id)
        if fp.source is not None and fp.title_key_hash is not None:
            self._title.setdefault((fp.source, fp.title_key_hash), []).append(article_id)
            if fp.title_alt_hash is not None:
                self._title_alt.setdefault((fp.source, fp.title_alt_hash), []).append(article_id)
        for b, key in enumerate(fp.bands):
            band = self._bands[b]
            hit = band.get(key)
            if hit is None:
                band[key] = article_id
            elif isinstance(hit, int):
                band[key] = [hit, article_id]
            else:
                hit.append(article_id)
        self._shingles[article_id] = fp.shingles
        self._published[article_id] = fp.published_at


# -- clusters over a stream (``newsmon dedup``) ---------------------------------------------------


@dataclass
class StreamResult:
    id: object
    cluster_id: object
    duplicate_of: object
    duplicate_kind: str | None
    similarity: float | None = None


class StreamDeduplicator:
    """Clusters a stream of documents with the store's rules, one answer per document.

    The origin of a cluster is its earliest published member (input order breaks ties and
    stands in for missing dates). A document published before its cluster's origin becomes
    the origin; answers already given are not revisited (the store re-points them instead), so
    ``cluster_id`` (the first member's id) is the stable link between them.
    A repeated URL with another text is a ``revision`` of the earlier document. Title
    duplicates need the same ``source``, which defaults to the URL's host.
    """

    def __init__(self) -> None:
        self.index = MemoryIndex()
        self._ext_id: list[object] = []
        self._origin: dict[int, int] = {}  # cluster -> origin (internal ids)
        self._cluster: list[int] = []
        self._published: list[datetime | None] = []
        self._seen_ids: set[object] = set()

    def add(
        self,
        doc_id: object,
        *,
        url: str,
        title: str | None,
        text: str,
        published_at: datetime | None = None,
        source: str | None = None,
    ) -> StreamResult:
        if doc_id in self._seen_ids:
            raise ValueError(f"duplicate input id {doc_id!r}")
        if source is None and url:
            source = (urlsplit(url).hostname or "").removeprefix("www.") or None
        fp = fingerprint(url=url, title=title, text=text, source=source, published_at=published_at)
        match = find_match(fp, self.index)
        me = len(self._ext_id)
        self._ext_id.append(doc_id)
        self._seen_ids.add(doc_id)
        self._published.append(published_at)
        kind: str | None = None
        duplicate_of: object = None
        similarity: float | None = None
        if match is None:
            cluster = me
            self._origin[cluster] = me
        else:
            cluster = self._cluster[match.target]
            origin = self._origin[cluster]
            kind = match.kind
            similarity = match.similarity if kind == "near" else None
            if kind == "url":
                same_text = self.index.by_text_hash(fp)
                if not any(c.id == match.target for c in same_text):
                    kind = "revision"
            origin_published = self._published[origin]
            if published_at is not None and origin_published is not None and published_at < origin_published:
                self._origin[cluster] = me
                kind, similarity = None, None
            else:
                duplicate_of = self._ext_id[origin]
        self._cluster.append(cluster)
        self.index.add(me, fp)
        return StreamResult(doc_id, self._ext_id[cluster], duplicate_of, kind, similarity)
