"""Typed values handed between stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PageHints:
    """What discovery knew about a page before fetching it (feed or sitemap metadata)."""

    title: str | None = None
    summary: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    source_languages: tuple[str, ...] = ()
    timezone: str = "UTC"
    not_before: datetime | None = None  # the outlet's founding: earlier dates are not its pages'


@dataclass(frozen=True)
class RawPage:
    url: str
    body: bytes
    final_url: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: datetime | None = None
    hints: PageHints = field(default_factory=PageHints)

    @property
    def effective_url(self) -> str:
        return self.final_url or self.url

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lname:
                return value
        return None


# The documented set of rejection reasons (docs/store.md lists them for downstream).
REJECT_REASONS = {
    "http_error": "the page was served with an error status",
    "not_html": "the body is not an HTML document",
    "empty": "the body is empty or could not be decoded",
    "no_text": "no main text could be extracted",
    "too_short": "the main text is shorter than an article",
    "not_article": "a section front, tag or author page, live-blog index, or a video/gallery page without text",
    "paywall": "a paywall teaser: the article text is behind a subscription",
    "js_shell": "a JavaScript-only shell: the text is rendered by scripts, the HTML has none",
    "bot_block": "a bot-block, captcha or consent wall served instead of the article",
    "error_page": "an error page (not found, removed) served with status 200",
}


@dataclass(frozen=True)
class Rejected:
    reason: str
    detail: str = ""
    # What could still be read from the page (title, canonical URL, dates...), for display.
    partial: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.reason not in REJECT_REASONS:
            raise ValueError(f"unknown rejection reason {self.reason!r}")


@dataclass(frozen=True)
class Article:
    url: str
    canonical_url: str
    title: str | None
    text: str
    authors: tuple[str, ...]
    published_at: datetime | None
    date_source: str | None
    language: str | None
    site_name: str | None
    description: str | None
    text_hash: str
    word_count: int
    extractor: str
    modified_at: datetime | None = None
    agencies: tuple[str, ...] = ()
    section: str | None = None
    image: str | None = None
    extraction_method: str | None = None  # which method produced the text (jsonld, trafilatura, ...)

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "text": self.text,
            "authors": list(self.authors),
            "published_at": iso_utc(self.published_at),
            "date_source": self.date_source,
            "language": self.language,
            "site_name": self.site_name,
            "description": self.description,
            "text_hash": self.text_hash,
            "word_count": self.word_count,
            "extractor": self.extractor,
            "extraction_method": self.extraction_method,
            "modified_at": iso_utc(self.modified_at),
            "agencies": list(self.agencies),
            "section": self.section,
            "image": self.image,
        }


def iso_utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    from datetime import UTC

    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
