"""Pure sitemap parsing: urlsets (with Google News extensions) and sitemap indexes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from processors.dates import parse_datetime

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None = None
    publication_date: datetime | None = None
    title: str | None = None
    language: str | None = None
    publication: str | None = None

    @property
    def date(self) -> datetime | None:
        return self.publication_date or self.lastmod


@dataclass(frozen=True)
class ParsedSitemap:
    kind: str  # urlset | sitemapindex | unknown
    entries: list[SitemapEntry]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el: etree._Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    value = el.text.strip()
    return value or None


def parse_sitemap(body: bytes) -> ParsedSitemap:
    """Parse a sitemap without resolving entities or touching the network; tolerant of
    namespace mistakes, a BOM and leading whitespace."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(body.lstrip(b"\xef\xbb\xbf \t\r\n"), parser=parser)
    except etree.XMLSyntaxError:
        return ParsedSitemap("unknown", [])
    if root is None:
        return ParsedSitemap("unknown", [])
    kind = _local(root.tag).lower()
    if kind not in ("urlset", "sitemapindex"):
        return ParsedSitemap("unknown", [])
    entries = []
    child_name = "url" if kind == "urlset" else "sitemap"
    for node in root:
        if _local(node.tag).lower() != child_name:
            continue
        fields: dict[str, etree._Element] = {}
        news: etree._Element | None = None
        for child in node:
            name = _local(child.tag).lower()
            if name == "news":
                news = child
            else:
                fields.setdefault(name, child)
        loc = _text(fields.get("loc"))
        if not loc:
            continue
        entry_kwargs: dict[str, object] = {"loc": loc, "lastmod": parse_datetime(_text(fields.get("lastmod")))}
        if news is not None:
            for item in news.iter():
                name = _local(item.tag).lower()
                if name == "publication_date":
                    entry_kwargs["publication_date"] = parse_datetime(_text(item))
                elif name == "title":
                    entry_kwargs["title"] = _text(item)
                elif name == "language":
                    entry_kwargs["language"] = _text(item)
                elif name == "name":
                    entry_kwargs["publication"] = _text(item)
        entries.append(SitemapEntry(**entry_kwargs))  # type: ignore[arg-type]
    return ParsedSitemap(kind, entries)
