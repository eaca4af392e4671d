"""Operator configuration: the source registry and the topic profile.

Both files are validated when loaded; an error names the file, the source and the field::

    config/sources.yaml: source 'le-monde' (sources[3]): feeds[0].url: URL scheme must be http or https

Strings may reference the environment as ``${VAR}`` or ``${VAR:-default}`` (used by the demo
sources, whose replay server listens on a port chosen at run time).
"""

from __future__ import annotations

import os
import re
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


class SourceConfig(_Strict):
    id: str
    name: str
    group: str = "live"
    homepage: str | None = None
    country: str | None = None
    languages: list[str] = Field(min_length=1)
    timezone: str = "UTC"
    enabled: bool = True
    feeds: list[FeedConfig] = Field(default_factory=list)
    news_sitemaps: list[SitemapConfig] = Field(default_factory=list)
    politeness: Politeness = Field(default_factory=Politeness)

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
        if not self.feeds and not self.news_sitemaps:
            raise ValueError("a source needs at least one feed or news sitemap")
        return self


class SourcesFile(_Strict):
    version: Literal[1] = 1
    sources: list[SourceConfig]

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
    any word ending (``гаранті* безпеки`` matches every case form of the Ukrainian phrase).
    """

    id: str
    weight: float = Field(default=1.0, gt=0)
    anchor: bool = False
    tag: str | None = None
    terms: dict[str, list[str]]

    @field_validator("terms")
    @classmethod
    def _terms(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for lang, terms in value.items():
            if lang != "any" and not LANG_RE.match(lang):
                raise ValueError(f"language {lang!r} is not an ISO 639-1 code (or 'any')")
            if not terms:
                raise ValueError(f"no terms for language {lang!r}")
        return value


class TopicProfile(_Strict):
    id: str
    version: int = Field(ge=1)
    name: str
    description: str = ""
    threshold: float = Field(gt=0)
    title_boost: float = Field(default=2.0, ge=1.0)
    groups: list[TermGroup] = Field(min_length=1)

    @model_validator(mode="after")
    def _anchor(self) -> TopicProfile:
        if not any(g.anchor for g in self.groups):
            raise ValueError("at least one term group must be an anchor")
        ids = [g.id for g in self.groups]
        if len(ids) != len(set(ids)):
            raise ValueError("term group ids must be unique")
        return self


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


def load_sources(path: Path | str) -> SourcesFile:
    path = Path(path)
    data = _read_yaml(path)
    try:
        return SourcesFile.model_validate(data)
    except ValidationError as exc:
        raise _explain(path, data, exc, "sources") from None


def load_topic(path: Path | str) -> TopicProfile:
    path = Path(path)
    data = _read_yaml(path)
    try:
        return TopicProfile.model_validate(data)
    except ValidationError as exc:
        raise _explain(path, data, exc, "topic") from None
