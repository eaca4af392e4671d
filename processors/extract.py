"""Turn one raw page into an :class:`Article` or a :class:`Rejected` with its reason.

The main text comes from trafilatura; metadata is read from what the page states about itself
(JSON-LD, Open Graph and article meta tags, ``<time>``, ``rel=canonical``), then from
trafilatura's own heuristics, then from the feed or sitemap that found the page.
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import lxml.html
from lxml import etree

from processors.dates import pick_date
from processors.fingerprints import normalise_text, text_hash
from processors.language import detect_language, normalise_declared
from processors.types import Article, RawPage, Rejected
from processors.urls import canonicalize_url

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 400
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "")
_WS = re.compile(r"[ \t\u00a0]+")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ")
_BYLINE_PREFIX = re.compile(r"^(by|par|von|від|от|przez|di|por)\s+", re.IGNORECASE)
_ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "backgroundnewsarticle", "liveblogposting", "webpage", "report",
}  # fmt: skip


def _extractor_name() -> str:
    import trafilatura

    return f"trafilatura/{trafilatura.__version__}"


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode with the HTTP charset, then BOM and ``<meta charset>``, then UTF-8/cp1252."""
    from w3lib.encoding import html_to_unicode

    _enc, text = html_to_unicode(content_type, body)
    return text


def _iter_jsonld(tree: Any) -> Iterator[dict[str, Any]]:
    for node in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (node.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _types(item: dict[str, Any]) -> set[str]:
    t = item.get("@type")
    values = t if isinstance(t, list) else [t]
    return {str(v).lower() for v in values if v}


def _article_jsonld(tree: Any) -> dict[str, Any]:
    best: dict[str, Any] = {}
    for item in _iter_jsonld(tree):
        types = _types(item)
        if types & _ARTICLE_TYPES and (item.get("headline") or item.get("datePublished")):
            if "webpage" in types and best:
                continue
            best = item
            if types & {"newsarticle", "reportagenewsarticle", "analysisnewsarticle"}:
                break
    return best


def _meta(tree: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip()
        if key:
            out.setdefault(key.lower(), node.get("content", "").strip())
    return out


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "organization" in _types(value):
            return []
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _clean_person(name: str) -> str | None:
    name = _WS.sub(" ", name).strip(" ,;")
    name = _BYLINE_PREFIX.sub("", name)
    if not name or len(name) > 80 or "http" in name or "@" in name:
        return None
    return name


def _authors(ld: dict[str, Any], meta: dict[str, str], trafilatura_author: str | None) -> list[str]:
    raw = [n for n in (_unescape(v) for v in _names(ld.get("author"))) if n]
    if not raw and meta.get("author"):
        raw = [meta["author"]]
    if not raw and trafilatura_author:
        raw = trafilatura_author.split(";")
    out: list[str] = []
    for item in raw:
        for part in re.split(r"\s*(?:,|;| and | et | und | і | и | i )\s*", item):
            person = _clean_person(part)
            if person and person not in out:
                out.append(person)
    return out


def _strip_site_suffix(title: str, site_name: str | None, host: str) -> str:
    title = _WS.sub(" ", title).strip()
    host_core = host.removeprefix("www.").split(".")[0].lower()
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        tail_l = tail.strip().lower()
        if (site_name and tail_l == site_name.strip().lower()) or (host_core and host_core in tail_l.replace(" ", "")):
            return head.strip()
    return title


def _time_element(tree: Any) -> str | None:
    for node in tree.xpath("//article//time[@datetime] | //time[@itemprop='datePublished']"):
        value = node.get("datetime")
        if value:
            return str(value)
    return None


def process_page(page: RawPage, now: datetime | None = None) -> Article | Rejected:
    """Clean one page. Pure: no network, no database, no clock except ``now`` for date checks."""
    if page.status >= 400:
        return Rejected("http_error", f"HTTP {page.status}")
    content_type = page.header("content-type")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in _HTML_TYPES:
        return Rejected("not_html", mime)
    if not page.body.strip():
        return Rejected("empty", "empty body")
    html = decode_body(page.body, content_type)
    try:
        tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as exc:
        return Rejected("empty", f"unparseable HTML: {exc}")
    if tree is None or (tree.find(".//body") is None and not tree.xpath("//p")):
        return Rejected("empty", "no document body")

    url = page.effective_url
    ld = _article_jsonld(tree)
    meta = _meta(tree)
    canonical_href = next(iter(tree.xpath('//link[@rel="canonical"]/@href')), None) or meta.get("og:url")
    canonical = canonicalize_url(str(canonical_href), base=url) if canonical_href else None
    if not canonical or not canonical.startswith(("http://", "https://")):
        canonical = canonicalize_url(url)
    declared_lang = tree.get("lang") or meta.get("og:locale") or meta.get("content-language")
    anchors = _anchor_texts(tree)  # before trafilatura prunes the tree

    import trafilatura

    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )
    text = ""
    t_meta: dict[str, Any] = {}
    if doc is not None:
        t_meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        text = (t_meta.get("text") or "").strip()
    site_name = _unescape(_publisher_name(ld)) or meta.get("og:site_name") or t_meta.get("sitename")
    host = re.sub(r"^https?://", "", canonical).split("/")[0]
    raw_title = _unescape(ld.get("headline")) or meta.get("og:title") or t_meta.get("title") or page.hints.title
    title = _strip_site_suffix(str(raw_title), site_name, host) if raw_title else None
    text = _drop_leading_title(text, title)
    if not text:
        return Rejected("no_text", "no main text found")
    if _mostly_links(text, anchors):
        return Rejected("no_text", "the extracted text is navigation links")
    if len(text) < MIN_TEXT_CHARS:
        return Rejected("too_short", f"{len(text)} characters of text")

    tz = page.hints.timezone
    published, date_source = pick_date(
        [
            ("jsonld", ld.get("datePublished")),
            ("meta", meta.get("article:published_time") or meta.get("og:article:published_time")),
            ("meta", meta.get("datepublished") or meta.get("pubdate") or meta.get("publishdate")),
            ("time", _time_element(tree)),
            ("feed", page.hints.published_at),
            ("htmldate", t_meta.get("date")),
        ],
        tz=tz,
        now=now,
    )
    language = detect_language(
        f"{title or ''}\n{text}", declared=declared_lang or page.hints.language
    ) or normalise_declared(page.hints.language)
    description = meta.get("og:description") or meta.get("description") or _unescape(ld.get("description"))
    description = description or t_meta.get("description")
    return Article(
        url=url,
        canonical_url=canonical,
        title=title,
        text=text,
        authors=tuple(_authors(ld, meta, t_meta.get("author"))),
        published_at=published,
        date_source=date_source,
        language=language,
        site_name=site_name.strip() if site_name else None,
        description=_WS.sub(" ", description).strip() if description else None,
        text_hash=text_hash(text),
        word_count=len(text.split()),
        extractor=_extractor_name(),
    )


def _unescape(value: Any) -> str | None:
    """JSON-LD strings sit in <script>, where HTML entities are not decoded by the parser."""
    if not isinstance(value, str):
        return None
    return html_lib.unescape(value).strip() or None


def _anchor_texts(tree: Any) -> set[str]:
    out = set()
    for node in tree.iter("a"):
        text = normalise_text(node.text_content() or "")
        if text:
            out.add(text)
    return out


def _mostly_links(text: str, anchors: set[str]) -> bool:
    """True when most of the extracted text is lines that are just link labels (a menu)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not anchors:
        return False
    link_chars = sum(len(line) for line in lines if normalise_text(line) in anchors)
    return link_chars > 0.6 * sum(len(line) for line in lines)


def _drop_leading_title(text: str, title: str | None) -> str:
    """Some templates put the <h1> inside the article container: the text should not
    depend on that (it would change the text hash of the same story on two sites)."""
    if not title:
        return text
    first, _, rest = text.partition("\n")
    if normalise_text(first) == normalise_text(title):
        return rest.strip()
    return text


def _publisher_name(ld: dict[str, Any]) -> str | None:
    pub = ld.get("publisher")
    if isinstance(pub, list):
        pub = pub[0] if pub else None
    if isinstance(pub, dict) and isinstance(pub.get("name"), str):
        return str(pub["name"])
    return None
