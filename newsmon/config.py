"""Operator configuration: the source registry and the topic profile.

Both files are validated when loaded; an error names the file, the source and the field::

    config/sources.yaml: source 'le-monde' (sources[3]): feeds[0].url: URL scheme must be http or https

Strings may reference the environment as ``${VAR}`` or ``${VAR:-default}`` (used by the demo
sources, whose replay server listens on a port chosen at run time).
"""

from __future__ import annotations

import itertools
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")
LANG_RE = re.compile(r"^[a-z]{2}$")


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or invalid. The message says where."""


def _expand_env(value: Any, path: Path, loc: tuple[int | str, ...] = (), root: Any = None) -> Any:
    root = value if root is None else root
    if isinstance(value, str):

        def repl(m: re.Match[str]) -> str:
            name, default = m.group(1), m.group(2)
            if name in os.environ:
                return os.environ[name]
            if default is not None:
                return default
            where = _where(root, loc)
            raise ConfigError(f"{path}: {where}environment variable ${{{name}}} is not set and has no default")

        return _ENV_RE.sub(repl, value)
    if isinstance(value, list):
        return [_expand_env(v, path, (*loc, i), root) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _expand_env(v, path, (*loc, k), root) for k, v in value.items()}
    return value


def _where(root: Any, loc: tuple[int | str, ...]) -> str:
    """``"source 'x' (sources[3]): feeds[0]: "`` for a location in a loaded file."""
    prefix = ""
    if len(loc) >= 2 and loc[0] in ("sources", "groups") and isinstance(loc[1], int) and isinstance(root, dict):
        items = root.get(str(loc[0])) or []
        item = items[loc[1]] if loc[1] < len(items) else None
        ident = item.get("id") if isinstance(item, dict) else None
        label = "source" if loc[0] == "sources" else "term group"
        prefix = f"{label} {ident!r} ({loc[0]}[{loc[1]}]): " if ident else f"{loc[0]}[{loc[1]}]: "
        loc = loc[2:]
    return prefix + (f"{_format_loc(loc)}: " if loc else "")


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValueError("URL scheme must be http or https")
    if not parts.hostname:
        raise ValueError("URL has no host")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Politeness(_Strict):
    """Per-source politeness. ``delay`` is seconds between two requests to one host."""

    delay: float = Field(default=2.0, ge=0.0, le=600.0)
    concurrency: int = Field(default=1, ge=1, le=4)
    obey_robots: bool = True


class Polling(_Strict):
    """Adaptive feed polling and failure accounting (global defaults in ``polling:`` at the top
    of sources.yaml, overridden per source). Intervals are seconds.

    A feed that brings new items is polled more often (down to ``min_interval``), a quiet one
    less often (up to ``max_interval``, which also bounds how stale a feed whose server answers
    304 wrongly can get; an unconditional GET is forced every ``unconditional_every``).
    Failures add their weight to a score reset by any success; the feed is disabled when the
    score reaches ``disable_after``.
    """

    min_interval: int = Field(default=300, ge=60, le=86_400)
    max_interval: int = Field(default=6 * 3600, ge=60, le=7 * 86_400)
    unconditional_every: int = Field(default=24 * 3600, ge=300)
    # New items a poll should find: fewer means the feed is polled too often, more that news
    # waits too long to be discovered (never more than a quarter of what the feed lists).
    target_new_items: float = Field(default=2.0, ge=1.0, le=50.0)
    disable_after: float = Field(default=10.0, gt=0)
    failure_weights: dict[str, float] = Field(
        default_factory=lambda: {
            "timeout": 0.5,
            "network_error": 0.5,
            "http_5xx": 0.5,
            "http_429": 0.25,
            "http_4xx": 1.0,
            "http_404": 2.0,
            "http_410": 5.0,
            "parse_error": 2.0,
            "too_large": 1.0,
            "blocked": 5.0,
            "redirect_loop": 2.0,
        }
    )

    @model_validator(mode="after")
    def _bounds(self) -> Polling:
        if self.min_interval > self.max_interval:
            raise ValueError("min_interval must not exceed max_interval")
        for key, weight in self.failure_weights.items():
            if weight < 0:
                raise ValueError(f"failure weight {key!r} must not be negative")
        return self

    def weight(self, status: str, http_status: int | None) -> float:
        """The weight of one failed poll (``http_error`` weighs by its code)."""
        w = self.failure_weights
        if status == "http_error" and http_status is not None:
            for key in (f"http_{http_status}", f"http_{http_status // 100}xx"):
                if key in w:
                    return w[key]
            return 1.0
        return w.get(status, 1.0)


class FeedConfig(_Strict):
    url: str
    name: str | None = None
    kind: Literal["feed", "search"] = "feed"

    _url = field_validator("url")(_check_http_url)


class SitemapConfig(_Strict):
    url: str
    name: str | None = None
    # Only URLs published within this many days are kept (news sitemaps carry 2 days by spec).
    max_age_days: float = Field(default=3.0, gt=0)

    _url = field_validator("url")(_check_http_url)


class SectionConfig(_Strict):
    """A section page (a list of articles) and the pattern its article links match.

    ``link_pattern`` is a Python regular expression searched in each absolute link URL of
    the page; only matching links are recorded (navigation, tags and authors are not).
    """

    url: str
    link_pattern: str
    name: str | None = None

    _url = field_validator("url")(_check_http_url)

    @field_validator("link_pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("link_pattern is empty")
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"link_pattern is not a valid regular expression: {exc}") from exc
        return value


class SourceConfig(_Strict):
    id: str
    name: str
    group: str = "live"
    homepage: str | None = None
    country: str | None = None
    languages: list[str] = Field(min_length=1)
    timezone: str = "UTC"
    # The year the outlet began publishing: a page of it dated earlier has a wrong date.
    founded: int | None = Field(default=None, ge=1600, le=2100)
    enabled: bool = True
    feeds: list[FeedConfig] = Field(default_factory=list)
    news_sitemaps: list[SitemapConfig] = Field(default_factory=list)
    sections: list[SectionConfig] = Field(default_factory=list)
    politeness: Politeness = Field(default_factory=Politeness)
    polling: Polling | None = None  # None: the file's global ``polling`` defaults

    @property
    def founded_at(self) -> datetime | None:
        """The start of the outlet's founding year (UTC): its pages are not dated earlier."""
        return datetime(self.founded, 1, 1, tzinfo=UTC) if self.founded else None

    @field_validator("feeds", "news_sitemaps", mode="before")
    @classmethod
    def _plain_urls(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"url": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError("id must be 2-63 characters of a-z, 0-9, '-' or '_'")
        return value

    @field_validator("languages")
    @classmethod
    def _langs(cls, value: list[str]) -> list[str]:
        for lang in value:
            if not LANG_RE.match(lang):
                raise ValueError(f"language {lang!r} is not an ISO 639-1 code")
        return value

    @field_validator("homepage")
    @classmethod
    def _homepage(cls, value: str | None) -> str | None:
        return None if value is None else _check_http_url(value)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _has_entry_point(self) -> SourceConfig:
        if not self.feeds and not self.news_sitemaps and not self.sections:
            raise ValueError("a source needs at least one feed or news sitemap (or a section page)")
        return self


class SourcesFile(_Strict):
    version: Literal[1] = 1
    sources: list[SourceConfig]
    polling: Polling = Field(default_factory=Polling)

    def polling_for(self, source: SourceConfig) -> Polling:
        """The polling bounds of ``source``: its own, else the global defaults."""
        return source.polling or self.polling

    @model_validator(mode="after")
    def _unique(self) -> SourcesFile:
        seen: set[str] = set()
        for src in self.sources:
            if src.id in seen:
                raise ValueError(f"duplicate source id {src.id!r}")
            seen.add(src.id)
        return self

    def select(self, groups: tuple[str, ...] | list[str] | None = None) -> list[SourceConfig]:
        """Enabled sources of the given groups (all groups when ``groups`` is empty)."""
        return [s for s in self.sources if s.enabled and (not groups or s.group in groups)]

    def get(self, source_id: str) -> SourceConfig:
        for src in self.sources:
            if src.id == source_id:
                return src
        raise KeyError(f"unknown source {source_id!r}")


class TermGroup(_Strict):
    """Terms of one concept in several languages.

    A term is a phrase matched case-insensitively on word boundaries; a trailing ``*`` matches
    any word ending (``гаранті* безпеки`` matches every case form of the Ukrainian phrase), a
    ``#`` word matches a number (``# point plan`` matches "28-point plan"; ``#denní`` matches
    "30denní", a number written together with the word), a ``...`` word
    between two words matches up to five words of the same clause (``pause ... attack* ...
    energy`` matches "pause on attacks on Ukraine's energy"; a colon and a space, a headline's
    speaker mark, may stand at either end of it), and a word ``a|b`` either of its
    alternatives (``pause|halt*``).
    """

    id: str
    weight: float = Field(default=1.0, gt=0)
    anchor: bool = False
    # A negative group subtracts its weight (confusable stories: other wars' ceasefires, polls).
    negative: bool = False
    # A topic group whose terms name the story by themselves ("coalition of the willing"): its
    # match also counts as the anchor.
    standalone: bool = False
    # A generic group ("peace talks", "ceasefire"): named in a feed summary under a headline
    # that names no topic group of the story (weak signals, weight < 1, do not count), it is
    # the setting of another story (strikes, evacuations, polls, domestic politics "amid peace
    # talks") and counts like a background mention.
    generic: bool = False
    # A supporting group ("military aid") adds to the score and gives its tag, but does not by
    # itself put an item on the story: an aid package alone is the war, not the talks.
    supporting: bool = False
    # A context group ("Trump", "the United States") adds nothing to the score and gives no
    # tag: it is matched only so that other groups can require it ("a meeting with Putin" is the
    # story's when Trump is named).
    context: bool = False
    # An off-story group names another kind of news (a corruption scandal, an evacuation,
    # sanctions, a resignation). Like a context group it adds nothing and gives no tag; named in
    # a headline that names none of the story's topic groups, it makes the talks a feed summary
    # names (generic groups) the setting of that other story. A vague headline ("Prisoner
    # exchange", "Merkel: a real chance") names neither, and the summary says what it is about.
    off_story: bool = False
    # The groups that must also have matched somewhere in the item for this one to count:
    # bare "talks" or "a meeting" are the story's talks only between the war's parties. An entry
    # that is a list is met when any one of its groups matched: ``[ukraine, [russia, usa]]``.
    requires: list[str | list[str]] = Field(default_factory=list)
    # Negative groups only: the topic groups that, when they count too, keep this one from
    # subtracting (a poll on sending soldiers to a peace force is a reaction to the force, a
    # poll on when the war will end is not). Its match stays in the evidence, marked ``unless``.
    unless: list[str] = Field(default_factory=list)
    # The fields this group is looked for in (default: all). Bare words such as "talks" say
    # what an item is about in its headline or summary, not somewhere in a long body.
    fields: list[Literal["title", "description", "text"]] | None = None
    tag: str | None = None
    terms: dict[str, list[str]]

    @model_validator(mode="after")
    def _negative(self) -> TermGroup:
        if self.negative and (self.anchor or self.tag or self.standalone or self.generic or self.supporting):
            raise ValueError("a negative group cannot be an anchor, standalone, generic, supporting or carry a tag")
        if self.supporting and (self.anchor or self.standalone):
            raise ValueError("a supporting group cannot be an anchor or standalone")
        roles = (self.anchor, self.negative, self.standalone, self.generic, self.supporting, self.tag)
        if self.context and any(roles):
            raise ValueError(
                "a context group cannot be an anchor, negative, standalone, generic, supporting or carry a tag"
            )
        if self.off_story and (any(roles) or self.context or self.requires):
            raise ValueError(
                "an off-story group cannot be an anchor, negative, standalone, generic, supporting, context,"
                " require groups or carry a tag"
            )
        if self.unless and not self.negative:
            raise ValueError("unless: only a negative group can be kept from subtracting")
        if not all(self.required_sets()):
            raise ValueError("requires: an any-of list names at least one group")
        if self.fields is not None and not self.fields:
            raise ValueError("fields: name at least one field, or leave it out for all")
        return self

    @property
    def topic(self) -> bool:
        """A group that names the story's subject (supporting groups included): not an anchor,
        a negative, a context or an off-story group."""
        return not (self.anchor or self.negative or self.context or self.off_story)

    def required_sets(self) -> tuple[frozenset[str], ...]:
        """``requires`` as sets: each is met when any of its groups matched (a name alone is a
        set of one)."""
        return tuple(frozenset([entry] if isinstance(entry, str) else entry) for entry in self.requires)

    @field_validator("terms")
    @classmethod
    def _terms(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for lang, terms in value.items():
            if lang != "any" and not LANG_RE.match(lang):
                raise ValueError(f"language {lang!r} is not an ISO 639-1 code (or 'any')")
            if not terms:
                raise ValueError(f"no terms for language {lang!r}")
            for term in terms:
                words = term.split()
                if "..." in (words[:1] + words[-1:]) or any(a == b == "..." for a, b in itertools.pairwise(words)):
                    raise ValueError(f"term {term!r}: '...' stands between two words")
                if any("|" in word and ("" in word.split("|") or "..." in word.split("|")) for word in words):
                    raise ValueError(f"term {term!r}: each '|' alternative is a word")
        return value


class GoogleNewsEdition(_Strict):
    """One Google News RSS search (one language edition): ``hl``, ``gl`` and ``ceid`` as Google
    names them. The query is built from the topic's term groups unless ``query`` is given."""

    language: str
    hl: str
    gl: str = Field(pattern=r"^[A-Z]{2}$")
    ceid: str = Field(pattern=r"^[A-Z]{2}:[A-Za-z0-9-]{2,8}$")
    timezone: str = "UTC"
    # Phrases searched besides the whole-word terms of ``search.groups`` in this language
    # (needed where those terms are stems like ``гаранті* безпеки``: Google matches words).
    terms: list[str] = Field(default_factory=list)
    # The word that ties a result to the story (default: the first plain anchor term).
    anchor: str | None = None
    query: str | None = None  # the whole query, verbatim

    @field_validator("language")
    @classmethod
    def _lang(cls, value: str) -> str:
        if not LANG_RE.match(value):
            raise ValueError(f"language {value!r} is not an ISO 639-1 code")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return SourceConfig._tz(value)


class GdeltSearch(_Strict):
    """The GDELT DOC 2.0 API (article list as RSS). Optional: off unless enabled."""

    enabled: bool = False
    query: str | None = None  # default: the English terms of ``search.groups``
    timespan: str = Field(default="1d", pattern=r"^[0-9]{1,3}(min|h|d|w|m)$")
    max_records: int = Field(default=75, ge=1, le=250)


class SearchConfig(_Strict):
    """Topic search feeds: generated sources that every DAG polls like any other feed."""

    groups: list[str] = Field(min_length=1)  # term groups whose terms make the query
    window: str = Field(default="2d", pattern=r"^[0-9]{1,3}[hd]$")  # Google's ``when:`` operator
    google_news: list[GoogleNewsEdition] = Field(default_factory=list)
    gdelt: GdeltSearch = Field(default_factory=GdeltSearch)


class TopicProfile(_Strict):
    id: str
    version: int = Field(ge=1)
    name: str
    description: str = ""
    threshold: float = Field(gt=0)
    title_boost: float = Field(default=2.0, ge=1.0)
    # Factor of a match in a feed summary or meta description (the title's is title_boost).
    description_weight: float = Field(default=1.0, gt=0)
    # A topic match in the body counts fully within this many characters of an anchor match
    # (0: anywhere), otherwise distant_factor of its weight.
    proximity: int = Field(default=0, ge=0)
    distant_factor: float = Field(default=1.0, ge=0.0, le=1.0)
    # Words that make a following topic match the setting rather than the subject
    # ("amid peace talks"): such a match counts background_factor of its weight.
    background_cues: dict[str, list[str]] = Field(default_factory=dict)
    # Words that make a following topic match the setting only in a field that also names
    # another kind of news (a negative group: a strike, another war): "Rusia ataca Ucrania tras el
    # anuncio de una tregua" is a strike report, "Zelensky after talks with Trump: ..." is not.
    setting_cues: dict[str, list[str]] = Field(default_factory=dict)
    background_factor: float = Field(default=1.0, ge=0.0, le=1.0)
    # Anchor groups that name the two sides of the story (Ukraine, Russia): a headline naming all
    # of them is about the sides' dealings, so a generic topic match in its summary is the
    # summary's subject ("Russia, Ukraine reach agreement on prisoner exchange" over "... agreed
    # at the talks in Istanbul"), not the setting of another story.
    title_sides: list[str] = Field(default_factory=list)
    groups: list[TermGroup] = Field(min_length=1)
    search: SearchConfig | None = None

    @model_validator(mode="after")
    def _anchor(self) -> TopicProfile:
        if not any(g.anchor for g in self.groups):
            raise ValueError("at least one term group must be an anchor")
        ids = [g.id for g in self.groups]
        if len(ids) != len(set(ids)):
            raise ValueError("term group ids must be unique")
        topic = {g.id for g in self.groups if g.topic}
        for group in self.groups:
            named = sorted(frozenset().union(*group.required_sets()))
            unknown = [r for r in named if r not in ids or r == group.id]
            if unknown:
                raise ValueError(f"group {group.id!r}: requires unknown or its own group(s) {unknown}")
            bad_unless = [u for u in group.unless if u not in topic]
            if bad_unless:
                raise ValueError(f"group {group.id!r}: unless names no topic group {bad_unless}")
        anchors = {g.id for g in self.groups if g.anchor}
        bad = [s for s in self.title_sides if s not in anchors]
        if bad:
            raise ValueError(f"title_sides: not anchor term groups {bad}")
        if self.search is not None:
            unknown = [g for g in self.search.groups if g not in ids]
            if unknown:
                raise ValueError(f"search.groups: unknown term group(s) {unknown}")
            langs = [e.language for e in self.search.google_news]
            if len(langs) != len(set(langs)):
                raise ValueError("search.google_news: one edition per language")
            for edition in self.search.google_news:
                search_query(self, edition)  # raises when no query can be built
            if self.search.gdelt.enabled:
                gdelt_query(self)
        return self


# -- topic search feeds -------------------------------------------------------------------------

GOOGLE_NEWS_SEARCH = "https://news.google.com/rss/search"
GDELT_DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"


def _plain_terms(topic: TopicProfile, group_ids: list[str], language: str) -> list[str]:
    """Terms of the groups in ``language`` that search engines can match: whole words only
    (a ``*`` stem matches nothing on Google, which searches words, and neither does a ``#``,
    ``...`` or ``|`` placeholder)."""
    out: list[str] = []
    for group in topic.groups:
        if group.id in group_ids:
            for term in group.terms.get(language, []):
                words = term.split()
                if "*" not in term and "|" not in term and "#" not in term and "..." not in words and term not in out:
                    out.append(term)
    return out


def _or_phrases(terms: list[str]) -> str:
    quoted = [f'"{t}"' if " " in t else t for t in terms]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def search_query(topic: TopicProfile, edition: GoogleNewsEdition) -> str:
    """The Google News query of one edition, e.g. ``("security guarantees" OR ...) Ukraine when:2d``."""
    search = topic.search
    if search is None:
        raise ValueError("the topic profile has no search section")
    if edition.query:
        return edition.query
    lang = edition.language
    terms = [*edition.terms, *(t for t in _plain_terms(topic, search.groups, lang) if t not in edition.terms)]
    if not terms:
        raise ValueError(
            f"search.google_news[{lang}]: the groups {search.groups} have no whole-word terms in {lang!r}; "
            "give the edition `terms` or a `query`"
        )
    anchor = edition.anchor
    if anchor is None:
        plain = _plain_terms(topic, [g.id for g in topic.groups if g.anchor], lang)
        anchor = plain[0] if plain else None
    parts = [_or_phrases(terms)]
    if anchor:
        parts.append(_or_phrases([anchor]))
    parts.append(f"when:{search.window}")
    return " ".join(parts)


def gdelt_query(topic: TopicProfile) -> str:
    search = topic.search
    if search is None:
        raise ValueError("the topic profile has no search section")
    if search.gdelt.query:
        return search.gdelt.query
    extra = [t for ed in search.google_news if ed.language == "en" for t in ed.terms]
    terms = [*extra, *(t for t in _plain_terms(topic, search.groups, "en") if t not in extra)]
    if not terms:
        raise ValueError("search.gdelt: no English whole-word terms in search.groups; give a query")
    return f"{_or_phrases(terms)} Ukraine"


def search_sources(topic: TopicProfile) -> list[SourceConfig]:
    """The search sources the topic profile generates: one per Google News edition, and GDELT
    (disabled unless ``search.gdelt.enabled``). They have the group ``live``."""
    from urllib.parse import urlencode

    search = topic.search
    if search is None:
        return []
    out = []
    polite = Politeness(delay=5.0)
    for ed in search.google_news:
        params = urlencode({"q": search_query(topic, ed), "hl": ed.hl, "gl": ed.gl, "ceid": ed.ceid})
        out.append(
            SourceConfig(
                id=f"search-google-news-{ed.language}",
                name=f"Google News search ({ed.language})",
                country=ed.gl,
                languages=[ed.language],
                timezone=ed.timezone,
                homepage="https://news.google.com/",
                feeds=[FeedConfig(url=f"{GOOGLE_NEWS_SEARCH}?{params}", kind="search")],
                politeness=polite,
            )
        )
    gd = search.gdelt
    try:
        query = gdelt_query(topic)
    except ValueError:
        if gd.enabled:
            raise
        return out  # disabled and nothing to ask for: no GDELT source
    params = urlencode(
        {
            "query": query,
            "mode": "artlist",
            "format": "rss",
            "sort": "datedesc",
            "timespan": gd.timespan,
            "maxrecords": gd.max_records,
        }
    )
    out.append(
        SourceConfig(
            id="search-gdelt",
            name="GDELT DOC API search",
            languages=sorted({ed.language for ed in search.google_news} or {"en"}),
            homepage="https://www.gdeltproject.org/",
            enabled=gd.enabled,
            feeds=[FeedConfig(url=f"{GDELT_DOC_API}?{params}", kind="search")],
            politeness=polite,
        )
    )
    return out


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return _expand_env(data, path)


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(top level)"


def _explain(path: Path, data: dict[str, Any], exc: ValidationError, kind: str) -> ConfigError:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        where = ""
        collection = "sources" if kind == "sources" else "groups"
        if len(loc) >= 2 and loc[0] == collection and isinstance(loc[1], int):
            items = data.get(collection) or []
            idx = loc[1]
            ident = items[idx].get("id") if idx < len(items) and isinstance(items[idx], dict) else None
            label = "source" if kind == "sources" else "term group"
            where = f"{label} {ident!r} ({collection}[{idx}]): " if ident else f"{collection}[{idx}]: "
            loc = loc[2:]
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{path}: {where}{_format_loc(loc)}: {msg}")
    return ConfigError("\n".join(lines))


def load_sources(path: Path | str, topic: Path | str | TopicProfile | None = None) -> SourcesFile:
    """The source registry; with ``topic`` (the profile or its file), plus the search sources
    its ``search`` section generates (:func:`search_sources`)."""
    path = Path(path)
    data = _read_yaml(path)
    try:
        registry = SourcesFile.model_validate(data)
    except ValidationError as exc:
        raise _explain(path, data, exc, "sources") from None
    if topic is None:
        return registry
    profile = topic if isinstance(topic, TopicProfile) else load_topic(topic)
    generated = search_sources(profile)
    clash = sorted({s.id for s in generated} & {s.id for s in registry.sources})
    if clash:
        raise ConfigError(f"{path}: source id(s) {clash} are reserved for the search sources of the topic profile")
    return SourcesFile(version=registry.version, sources=[*registry.sources, *generated], polling=registry.polling)


def load_topic(path: Path | str) -> TopicProfile:
    path = Path(path)
    data = _read_yaml(path)
    try:
        return TopicProfile.model_validate(data)
    except ValidationError as exc:
        raise _explain(path, data, exc, "topic") from None
