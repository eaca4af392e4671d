"""Relevance of a text to the story described by a topic profile, with its evidence."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from newsmon.config import TopicProfile


@dataclass(frozen=True)
class Relevance:
    score: float
    relevant: bool
    tags: tuple[str, ...]
    matches: dict[str, Any] = field(default_factory=dict)
    profile: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 3),
            "relevant": self.relevant,
            "tags": list(self.tags),
            "matches": self.matches,
            "profile": self.profile,
        }


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'").replace("ё", "е")


def _term_pattern(term: str) -> str:
    words = _fold(term).split()
    parts = []
    for word in words:
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word))
    return r"(?<!\w)" + r"[\s\-]+".join(parts) + r"(?!\w)"


@dataclass(frozen=True)
class _Compiled:
    group_id: str
    weight: float
    anchor: bool
    tag: str | None
    regex: re.Pattern[str]
    term_langs: dict[str, str]


def _compile(profile: TopicProfile) -> tuple[_Compiled, ...]:
    return _compile_json(profile.model_dump_json())


@lru_cache(maxsize=8)
def _compile_json(profile_json: str) -> tuple[_Compiled, ...]:
    profile = TopicProfile.model_validate_json(profile_json)
    out = []
    for group in profile.groups:
        alts = []
        langs: dict[str, str] = {}
        for lang, terms in group.terms.items():
            for term in terms:
                alts.append(f"(?:{_term_pattern(term)})")
                langs[_fold(term)] = lang
        regex = re.compile("|".join(alts), re.UNICODE)
        out.append(_Compiled(group.id, group.weight, group.anchor, group.tag, regex, langs))
    return tuple(out)


def score_text(profile: TopicProfile, title: str | None, text: str | None, description: str | None = None) -> Relevance:
    """Score one item. Works on a title alone, a title and a feed summary, or a full text.

    Each matched term group adds its weight once, boosted when it matches in the title, plus a
    little for repeated mentions in the body. The item is relevant when an anchor group
    matched, at least one non-anchor group matched and the score reaches the threshold.
    """
    fields = {"title": _fold(title or ""), "description": _fold(description or ""), "text": _fold(text or "")}
    score = 0.0
    tags: list[str] = []
    matches: dict[str, Any] = {}
    anchor_hit = topic_hit = False
    for group in _compile(profile):
        found: dict[str, list[str]] = {}
        count = 0
        for name, value in fields.items():
            if not value:
                continue
            hits = group.regex.findall(value)
            if hits:
                found[name] = sorted(set(hits))[:10]
                count += len(hits)
        if not found:
            continue
        in_headline = "title" in found or "description" in found
        group_score = group.weight * (profile.title_boost if "title" in found else 1.0)
        if not in_headline:
            group_score += group.weight * 0.25 * min(count - 1, 4)
        score += group_score
        matches[group.group_id] = found
        if group.anchor:
            anchor_hit = True
        else:
            topic_hit = True
        if group.tag and group.tag not in tags:
            tags.append(group.tag)
    relevant = anchor_hit and topic_hit and score >= profile.threshold
    return Relevance(
        score=score,
        relevant=relevant,
        tags=tuple(tags) if relevant else (),
        matches=matches,
        profile=f"{profile.id}@{profile.version}",
    )
