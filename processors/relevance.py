"""Relevance of a text to the story described by a topic profile, with its evidence.

The model (all numbers come from ``config/topic.yaml``):

- Each term group that matches adds its ``weight`` once, multiplied by the factor of the best
  field it matched in: ``title_boost`` for the title, ``description_weight`` for a feed summary
  or meta description, 1 for the body text. Repeated mentions in the body add a little more.
- A topic match in the body counts fully only near an anchor match (within ``proximity``
  characters); farther away it counts ``distant_factor``: an article about something else
  that mentions the story in passing stays below the threshold.
- A ``generic`` topic group ("peace talks", "ceasefire") matched only in a feed summary, under a
  headline that names another kind of news (a negative group: a strike, another conflict, a
  poll; or an ``off_story`` group: a corruption raid, a resignation, sanctions, an evacuation)
  and neither the story (any of its topic groups, counted or not: "talks with Trump" is about
  talks even where bare talks do not count; a weak signal, weight < 1, such as "peace" alone,
  does not count) nor both of its sides (``title_sides``, with no negative or off-story group
  in the headline), counts ``background_factor`` too: the talks are the setting of that story. Unless
  the summary opens with it (a match starting within its first ``_LEAD_WORDS`` words: "Plan
  pokojowy, z którym zapoznała się AFP, zakłada..."): then the talks are the summary's subject.
  A vague headline, naming neither this story nor another ("Tausch von Gefangenen", "Merkel:
  Reale Chance"), leaves it to the summary to say what the item is about.
- An ``off_story`` group adds nothing and gives no tag: it only marks such headlines.
- A group that ``requires`` other groups counts only when they matched too (bare "talks" are
  the story's talks when both Ukraine and Russia are named; a list entry is met by any one of
  its groups), and a group limited to some ``fields`` is looked for only there.
- A ``context`` group ("Trump") adds nothing by itself: it is matched only so that other
  groups can require it ("a meeting with Putin" is the story's when Trump is named).
- A ``supporting`` group ("military aid") adds its weight and tag but does not by itself make
  the item's topic match.
- A topic match right after a background cue ("amid peace talks", "trotz der Gespräche",
  "na tle rozmów") counts ``background_factor``: the talks are the setting, not the subject.
  So does one right after a setting cue ("after", "tras", "nach") in a field that also names
  another kind of news (a negative match): "Rusia ataca a Ucrania tras el anuncio de una tregua"
  is a strike report, "Zelensky after talks with Trump: ..." is about the talks.
- ``negative`` groups (other conflicts' ceasefires, opinion polls, ...) subtract their weight,
  except for a match inside a topic match ("attacks" in "halt attacks on energy" is the truce)
  and when one of the group's ``unless`` topic groups counts too (a poll on sending soldiers
  to a peace force; the evidence marks it ``discounted: {unless: [groups]}``).
- The item is relevant when an anchor group (or a ``standalone`` topic group, whose terms
  name the story by themselves) matched, a topic group matched and the score reaches
  ``threshold``.

The evidence lists, per term group, the terms matched in each field (``title``,
``description``, ``text``) and, under ``discounted``, the terms that counted less and why.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from newsmon.config import TopicProfile

FIELDS = ("title", "description", "text")
_WORD_RE = re.compile(r"\w+(?:['\-.]\w+)*")
# How far a cue reaches: it ends among the last six words before a match ("mientras se celebraba la
# reunión Putin-Trump", "as U.S. tries to revive peace talks"); four missed those (version 94).
_CUE_WINDOW_WORDS = 6
# A comma, colon or semicolon, or a sentence end (not the dot of a one-letter abbreviation, "u.s.",
# nor the last dot of a dotted one, "ee.uu.")
_CLAUSE_MARK = re.compile(r"[,:;]|(?<!\b\w)(?<!\.\w\w)[.!?](?=\s|$)")
_LEAD_WORDS = 3
_HYPHEN = r"\s*[-\u2010\u2011\u2013\u2014]\s*"


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


# "US" and "USA" in capitals are the United States in every language we read; in lower case they
# are the English pronoun and the Spanish and Italian verb. They are spelled "U.S." and "U.S.A."
# before case folding, in texts and in terms alike, so a term "US envoy" matches "US envoy" and
# "U.S. envoy" but never "us". The same for the Romanian "SUA" (Italian "sua" is "his") and the
# Dutch "VS" (English "vs" is "versus").
_US = re.compile(r"(?<![\w.])(?:USA?|SUA|VS)(?!\w)")
# Romanian is written with comma-below and cedilla letters alike (ș/ş, ț/ţ) and often without
# diacritics at all ("garantii de securitate"): both its forms and the bare letters fold to one,
# in texts and terms alike. Other languages lose nothing by it, since their terms fold the same
# way: Turkish "barış" is matched as "barıs", French "maîtrise" as "maitrise". Evidence strings
# show the folded form.
_LETTERS = str.maketrans({"ș": "s", "ş": "s", "ț": "t", "ţ": "t", "ă": "a", "â": "a", "î": "i"})


# Quotation marks are spaces to the matcher: a headline quoting part of a phrase ("Trump promised
# a «long conversation» with Putin", "Ukraine-Krieg „einfrieren“") still names it. One character
# for one, so offsets stay those of the text.
_QUOTES = str.maketrans({c: " " for c in '«»“”„‟"‹›'})
_FOLD_TABLE = {**_QUOTES, **_LETTERS}


def _fold(text: str) -> str:
    text = _US.sub(lambda m: ".".join(m.group(0)) + ".", unicodedata.normalize("NFKC", text))
    folded = text.casefold().replace("’", "'").replace("ё", "е").replace("ґ", "г").translate(_FOLD_TABLE)
    # Turkish capital "İ" case-folds to "i" and a combining dot ("İstanbul" -> "i̇stanbul")
    return folded.replace("i\u0307", "i")


# A ``...`` word in a term stands for up to ``_GAP_WORDS`` words of the same clause (no comma or
# sentence end between): "pause ... attack* ... energy" matches "pause on attacks on Ukraine's
# energy", not a pause and energy sentences apart. A word "a|b" is either of its alternatives.
_GAP_WORDS = 5
# A gap word has no sentence or clause mark, except the dots inside an abbreviation ("U.S.A.", as
# capital "USA" is spelled before matching: "spotkanie delegacji Ukrainy i USA w Miami").
_GAP_WORD = r"(?:[^\s.,!?;:]+(?:\.[^\s.,!?;:]+)+\.?|[^\s.,!?;:]+)"
# A colon followed by a space may stand where a gap begins or ends: in a headline it follows the
# speaker ("Putin: Bereit für Treffen mit Selenskyj" is Putin on a meeting with Zelensky).
_GAP_SEP = r"(?:[\s\-]+|:\s+)"
_GAP = rf"(?:{_GAP_SEP}{_GAP_WORD}){{0,{_GAP_WORDS}}}"
_SEP = r"[\s\-]+"


def _word_pattern(word: str) -> str:
    if "|" in word:
        # "pause|halt*": any one of the alternatives at this place
        return "(?:" + "|".join(_word_pattern(alt) for alt in word.split("|")) + ")"
    if word == "#":
        return r"\d+"
    if word.startswith("#") and "-" not in word:
        # a number written together with the word: "#denní" is "30denní"
        return r"\d+" + _word_pattern(word[1:])
    if "-" in word.strip("-"):
        # "Trump-Putin" also matches "Trump - Putin" and "Trump–Putin"; each piece keeps its own
        # wildcard ("Трамп*-Путін*": "Трампа-Путіна")
        return _HYPHEN.join(_word_pattern(piece) for piece in word.split("-"))
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"\w*"
    return _HYPHEN.join(re.escape(piece) for piece in word.split("-"))


def _term_pattern(term: str) -> str:
    pattern = ""
    gap = False
    for word in _fold(term).split():
        if word == "...":
            gap = True
            continue
        if pattern:
            pattern += _GAP + _GAP_SEP if gap else _SEP
        pattern += _word_pattern(word)
        gap = False
    return pattern


def _ordered(terms: list[str]) -> list[str]:
    # Longest first, so "peace talks" wins over "peace" at the same position.
    return sorted({_fold(t) for t in terms}, key=len, reverse=True)


def _bounded(patterns: list[str]) -> re.Pattern[str]:
    # Word boundaries once around the alternation, not in each term: inside a word the match
    # fails at the first check instead of once per term (profile v7, a 40k-character text: 2.3 s
    # -> 0.08 s).
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.UNICODE)


def _alternation(terms: list[str]) -> re.Pattern[str] | None:
    return _bounded([_term_pattern(t) for t in _ordered(terms)]) if terms else None


# The first letters a term's match can begin with: a set of literal prefixes of at most
# ``_KEY_LEN`` characters ("pea" for "peace talks", "pau" and "hal" for "pause|halt* ..."),
# ``_DIGIT`` for a term that begins with a number ("# hour pledge"), or None when that cannot be
# told from the term (it then makes its group use the plain alternation).
_KEY_LEN = 3
_DIGIT = ""  # never a literal prefix, never a slice of a text at a word


def _word_keys(word: str) -> frozenset[str] | None:
    """The keys of a term's first word, following ``_word_pattern``."""
    if "|" in word:
        keys: set[str] = set()
        for alt in word.split("|"):
            alt_keys = _word_keys(alt)
            if alt_keys is None:
                return None
            keys |= alt_keys
        return frozenset(keys)
    if word == "#" or (word.startswith("#") and "-" not in word):
        return frozenset({_DIGIT})
    if "-" in word.strip("-"):
        return _word_keys(word.split("-", maxsplit=1)[0])
    literal = word[:-1] if word.endswith("*") else word.split("-", maxsplit=1)[0]
    return frozenset({literal[:_KEY_LEN]}) if literal else None


def _term_keys(term: str) -> frozenset[str] | None:
    words = [w for w in _fold(term).split() if w != "..."]
    return _word_keys(words[0]) if words else None


class _Dispatch:
    """All the groups' terms, found in a text as each group's alternation would find them
    (``finditer``: leftmost matches, the first term in the group's order at each place, no
    overlaps within a group), without running every alternation at every word.

    Python's ``re`` tries an alternation's terms one by one at each word start: with hundreds of
    terms per group in eighteen languages, that was nearly all of the time spent scoring a text
    (profile v108: 9 ms per 1,000 characters of body text, 2.7 ms per headline and summary).
    A term's match begins with its literal first letters (or a number) at a word start, so a
    word's first three, two and one letters tell which terms of which groups can match there;
    only those are tried, in the group's order, as a small alternation compiled the first time
    that combination of letters is met (a few thousand in all). The matches are those of the plain
    alternations, term for term; a group with a term whose first letters cannot be told (one that
    begins with a hyphen) keeps its plain alternation."""

    def __init__(self, terms_by_group: list[list[str]]) -> None:
        self.patterns: list[list[str]] = []
        self.keys: list[dict[str, list[int]]] = []
        self.plain: dict[int, re.Pattern[str]] = {}
        lengths: set[int] = set()
        for gi, terms in enumerate(terms_by_group):
            ordered = _ordered(terms)
            keys = [_term_keys(t) for t in ordered]
            self.patterns.append([_term_pattern(t) for t in ordered])
            by_key: dict[str, list[int]] = {}
            if any(k is None for k in keys):
                self.plain[gi] = _bounded(self.patterns[gi])
            else:
                for ti, term_keys in enumerate(keys):
                    for key in term_keys or ():
                        by_key.setdefault(key, []).append(ti)
                        if key != _DIGIT:
                            lengths.add(len(key))
            self.keys.append(by_key)
        self.known = frozenset(k for by_key in self.keys for k in by_key)
        # where a match can begin: at a word, or at a term's first character that is not a letter
        others = sorted({k[0] for k in self.known if k != _DIGIT and not re.match(r"\w", k)})
        self.starts = re.compile(r"(?<!\w)(?:\w" + "".join("|" + re.escape(c) for c in others) + ")")
        self.lengths = tuple(sorted(lengths, reverse=True))
        # the groups and small alternations for each combination of keys met at a word start
        self._tries: dict[tuple[str, ...], tuple[tuple[int, re.Pattern[str]], ...]] = {}

    def _for(self, combo: tuple[str, ...]) -> tuple[tuple[int, re.Pattern[str]], ...]:
        tries = []
        for gi, by_key in enumerate(self.keys):
            picked = sorted({ti for key in combo for ti in by_key.get(key, ())})
            if picked:
                patterns = self.patterns[gi]
                alternation = "(?:" + "|".join(patterns[ti] for ti in picked) + r")(?!\w)"
                tries.append((gi, re.compile(alternation, re.UNICODE)))
        return tuple(tries)

    def find(self, value: str, wanted: list[bool]) -> dict[int, list[tuple[int, int, str]]]:
        """Every match of each wanted group in ``value``, by group index."""
        hits: dict[int, list[tuple[int, int, str]]] = {}
        for gi, pattern in self.plain.items():
            if wanted[gi]:
                found = [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(value)]
                if found:
                    hits[gi] = found
        known = self.known
        last_end = [0] * len(self.keys)
        for start_match in self.starts.finditer(value):
            start = start_match.start()
            combo = tuple(key for n in self.lengths if (key := value[start : start + n]) in known and len(key) == n)
            if value[start].isdecimal() and _DIGIT in known:
                combo += (_DIGIT,)
            if not combo:
                continue
            tries = self._tries.get(combo)
            if tries is None:
                tries = self._tries[combo] = self._for(combo)
            for gi, pattern in tries:
                if start < last_end[gi] or not wanted[gi]:
                    continue
                m = pattern.match(value, start)
                if m:
                    hits.setdefault(gi, []).append((start, m.end(), m.group(0)))
                    last_end[gi] = m.end()
        return hits


@dataclass(frozen=True)
class _Group:
    group_id: str
    weight: float
    anchor: bool
    negative: bool
    standalone: bool
    generic: bool
    supporting: bool
    context: bool
    off_story: bool
    # Names the story's subject (``TermGroup.topic``): not an anchor, a negative, a context or an
    # off-story group.
    topic: bool
    # Each entry is met when any of its groups matched (a plain name is a one-group entry).
    requires: tuple[frozenset[str], ...]
    # A negative group does not subtract when one of these counted too.
    unless: frozenset[str]
    fields: frozenset[str]
    tag: str | None


@dataclass(frozen=True)
class _Compiled:
    groups: tuple[_Group, ...]
    cues: re.Pattern[str] | None
    profile: TopicProfile
    # Topic groups that put a headline on the story: all but the weak signals (weight < 1, such
    # as "peace" or "the end of the war" alone).
    story_groups: frozenset[str]
    # Groups that name another story: negative and off-story groups.
    other_story_groups: frozenset[str]
    # The longest background cue, in words ("con el telón de fondo": 5).
    cue_words: int
    # Cues that mark the setting only beside another kind of news (``setting_cues``).
    setting_cues: re.Pattern[str] | None
    setting_cue_words: int
    negative_groups: frozenset[str]
    # every group's terms, in the order of ``groups``
    terms: _Dispatch
    # per field, which groups are looked for in it (``TermGroup.fields``), in the order of ``groups``
    wanted: dict[str, list[bool]]


# The compiled form of the last few profile objects, by identity: dumping a 3,000-term profile to
# JSON to key the cache cost about a quarter of scoring a headline and its summary. Profiles are
# frozen models (a changed profile is a new object: `model_copy`, a reload), and nothing mutates
# their term lists in place; the weak reference tells a live profile from a new one that reuses a
# collected one's id.
_BY_OBJECT: dict[int, tuple[weakref.ref[TopicProfile], _Compiled]] = {}
_BY_OBJECT_MAX = 8


def _compile(profile: TopicProfile) -> _Compiled:
    cached = _BY_OBJECT.get(id(profile))
    if cached is not None and cached[0]() is profile:
        return cached[1]
    compiled = _compile_json(profile.model_dump_json())
    if len(_BY_OBJECT) >= _BY_OBJECT_MAX:
        _BY_OBJECT.pop(next(iter(_BY_OBJECT)))
    _BY_OBJECT[id(profile)] = (weakref.ref(profile), compiled)
    return compiled


@lru_cache(maxsize=8)
def _compile_json(profile_json: str) -> _Compiled:
    profile = TopicProfile.model_validate_json(profile_json)
    groups = []
    for group in profile.groups:
        groups.append(
            _Group(
                group_id=group.id,
                weight=group.weight,
                anchor=group.anchor,
                negative=group.negative,
                standalone=group.standalone,
                generic=group.generic,
                supporting=group.supporting,
                context=group.context,
                off_story=group.off_story,
                topic=group.topic,
                requires=group.required_sets(),
                unless=frozenset(group.unless),
                fields=frozenset(group.fields or FIELDS),
                tag=group.tag,
            )
        )
    cues, cue_words = _cue_pattern(profile.background_cues)
    setting_cues, setting_words = _cue_pattern(profile.setting_cues)
    story = frozenset(g.group_id for g in groups if g.topic and not g.supporting and g.weight >= 1.0)
    other = frozenset(g.group_id for g in groups if g.negative or g.off_story)
    negative = frozenset(g.group_id for g in groups if g.negative)
    terms = _Dispatch([[t for terms in group.terms.values() for t in terms] for group in profile.groups])
    wanted = {name: [name in group.fields for group in groups] for name in FIELDS}
    return _Compiled(
        tuple(groups), cues, profile, story, other, cue_words, setting_cues, setting_words, negative, terms, wanted
    )


def _cue_pattern(by_language: dict[str, list[str]]) -> tuple[re.Pattern[str] | None, int]:
    """One pattern for the cues of every language, and the longest cue in words (how far back
    ``_after_cue`` looks for a cue's first word)."""
    cues = [c for terms in by_language.values() for c in terms]
    return _alternation(cues), max((len(_WORD_RE.findall(c)) for c in cues), default=1)


def _after_cue(value: str, start: int, cues: re.Pattern[str] | None, cue_words: int) -> bool:
    """Whether a background cue ends among the last few words before ``start``, in the same
    clause. A cue of several words may begin before them: "W tle aktywizacja Europy i negocjacje"
    is as near the talks as "Amid Europe's moves and negotiations". A clause mark between the cue
    and the match ends its reach: in "Kurz vor der 10-Tage-Frist: Witkoff reist nach Russland" and
    "Amid strikes, talks resume" the talks are the subject, not the setting."""
    if cues is None:
        return False
    spans = [m.span() for m in _WORD_RE.finditer(value, max(0, start - 200), start)]
    spans = spans[-(_CUE_WINDOW_WORDS + cue_words - 1) :]
    if not spans:
        return False
    words = [value[a:b] for a, b in spans]
    ends = list(itertools.accumulate(len(w) + 1 for w in words))  # each word's end + 1 in the joined text
    for m in cues.finditer(" ".join(words)):
        last = bisect.bisect_left(ends, m.end() + 1)  # the cue's last word
        if last >= len(words) - _CUE_WINDOW_WORDS and not _CLAUSE_MARK.search(value, spans[last][1], start):
            return True
    return False


def _near(positions: list[int], start: int, end: int, window: int) -> bool:
    if window <= 0:
        return True
    i = bisect.bisect_left(positions, start - window)
    return i < len(positions) and positions[i] <= end + window


# Every match of every group, per field: (start, end, matched text). Each field is read once for
# all groups (``_Dispatch``); the passes below reuse the result.
_Found = dict[tuple[str, str], list[tuple[int, int, str]]]


def _find_all(compiled: _Compiled, fields: dict[str, str]) -> _Found:
    found: _Found = {}
    groups = compiled.groups
    for name, value in fields.items():
        if value:
            for gi, hits in compiled.terms.find(value, compiled.wanted[name]).items():
                found[(groups[gi].group_id, name)] = hits
    return found


def _topic_spans(groups: tuple[_Group, ...], found: _Found) -> set[tuple[str, str, int, int]]:
    """The matches that count: every anchor match, each topic match that is not part of a longer
    match of another topic group ("ws. pokoju" counts once, as talks, not also as the bare
    "pokoju"; two matches that only overlap both count: "force de paix" and "paix en Ukraine"
    in "force de paix en Ukraine"), and each negative match that is not part of a topic match
    ("attacks" in "halt attacks on energy" is the truce, not a strike report)."""
    keep: set[tuple[str, str, int, int]] = set()
    for name in FIELDS:
        topic: list[tuple[int, int, str]] = []
        negative: list[tuple[int, int, str]] = []
        for group in groups:
            for start, end, _ in found.get((group.group_id, name), ()):
                if group.negative:
                    negative.append((start, end, group.group_id))
                elif not group.topic:
                    keep.add((group.group_id, name, start, end))
                else:
                    topic.append((start, end, group.group_id))
        taken: list[tuple[int, int]] = []
        for start, end, gid in sorted(topic, key=lambda t: (t[0] - t[1], t[0])):
            if any(s <= start and end <= e for s, e in taken):
                continue
            taken.append((start, end))
            keep.add((gid, name, start, end))
        for start, end, gid in negative:
            if not any(s <= start and end <= e for s, e in taken):
                keep.add((gid, name, start, end))
    return keep


def _lead_end(value: str) -> int:
    """Offset where the first ``_LEAD_WORDS`` words of ``value`` end: a match starting before
    it opens the text."""
    end = 0
    for i, m in enumerate(_WORD_RE.finditer(value)):
        if i == _LEAD_WORDS:
            break
        end = m.end()
    return end


def _counting_spans(groups: tuple[_Group, ...], found: _Found) -> tuple[tuple[_Group, ...], set[Any]]:
    """The groups that count (those whose required groups matched too) and their spans."""
    spans = _topic_spans(groups, found)
    present = {gid for gid, _, _, _ in spans}
    eligible = tuple(g for g in groups if all(entry & present for entry in g.requires))
    if len(eligible) != len(groups):
        # A group that does not count must not hide a shorter match of another one.
        spans = _topic_spans(eligible, found)
    return eligible, spans


def score_text(profile: TopicProfile, title: str | None, text: str | None, description: str | None = None) -> Relevance:
    """Score one item. Works on a title alone, a title and a feed summary, or a full text."""
    compiled = _compile(profile)
    fields = {"title": _fold(title or ""), "description": _fold(description or ""), "text": _fold(text or "")}
    factors = {"title": profile.title_boost, "description": profile.description_weight, "text": 1.0}
    found = _find_all(compiled, fields)
    anchor_positions = sorted(
        start for g in compiled.groups if g.anchor for start, _, _ in found.get((g.group_id, "text"), ())
    )
    groups, spans = _counting_spans(compiled.groups, found)
    lead_end = _lead_end(fields["description"])

    # Does the headline name another story (a strike, another conflict, a poll, a corruption
    # scandal, sanctions: a negative or off-story group) and not this one (a topic group other
    # than a weak signal, counted or not: "talks with Trump" is about talks even where bare talks
    # do not count, but not one named only as the setting: "échangent frappes avant des
    # pourparlers" is about the strikes; or both of its sides with no negative or off-story group:
    # "Trump threatens Putin with tariffs unless Ukraine gets a deal" is about tariffs)? Then a
    # generic group matched only in the summary is that story's setting. A vague headline names
    # neither: the summary says what the item is about ("Tausch von Gefangenen" over "...
    # direkte Gespräche ...").
    # A headline or summary naming another kind of news (a negative match that is not part of a
    # topic match): there a setting cue ("tras", "nach", "після") makes the story the setting
    # too. Not a body: a long text names a strike somewhere, and "after" is everywhere in it.
    beside_other_news = {name for gid, name, _, _ in spans if gid in compiled.negative_groups and name != "text"}

    @functools.cache
    def behind_cue(name: str, start: int) -> bool:
        # asked for a headline's matches here and again when they are weighed below
        return _after_cue(fields[name], start, compiled.cues, compiled.cue_words) or (
            name in beside_other_news
            and _after_cue(fields[name], start, compiled.setting_cues, compiled.setting_cue_words)
        )

    title_on_topic = any(
        name == "title" and gid in compiled.story_groups and not all(behind_cue("title", start) for start, _, _ in hits)
        for (gid, name), hits in found.items()
    ) or (
        bool(profile.title_sides)
        and all((gid, "title") in found for gid in profile.title_sides)
        and not any((gid, "title") in found for gid in compiled.other_story_groups)
    )
    title_off_story = not title_on_topic and any((gid, "title") in found for gid in compiled.other_story_groups)
    score = 0.0
    tags: list[str] = []
    matches: dict[str, Any] = {}
    anchor_hit = topic_hit = False
    counted = {gid for gid, _, _, _ in spans}
    for group in groups:
        terms_found: dict[str, set[str]] = {}
        discounted: dict[str, set[str]] = {}
        best = 0.0
        body_mentions = 0
        for name in FIELDS:
            for start, end, term in found.get((group.group_id, name), ()):
                if (group.group_id, name, start, end) not in spans:
                    continue
                terms_found.setdefault(name, set()).add(term)
                factor = factors[name]
                if group.topic:
                    if behind_cue(name, start):
                        factor *= profile.background_factor
                        discounted.setdefault("background", set()).add(term)
                    elif name == "description" and group.generic and title_off_story and start >= lead_end:
                        factor *= profile.background_factor
                        discounted.setdefault("off_topic_headline", set()).add(term)
                    elif name == "text" and not _near(anchor_positions, start, end, profile.proximity):
                        factor *= profile.distant_factor
                        discounted.setdefault("distant", set()).add(term)
                if name == "text":
                    body_mentions += 1
                best = max(best, factor)
        if not terms_found:
            continue
        group_score = group.weight * best
        if "title" not in terms_found and "description" not in terms_found:
            group_score += group.weight * 0.25 * min(body_mentions - 1, 4)
        evidence: dict[str, Any] = {name: sorted(terms)[:10] for name, terms in terms_found.items()}
        if discounted:
            evidence["discounted"] = {why: sorted(terms)[:10] for why, terms in discounted.items()}
        matches[group.group_id] = evidence
        if group.context or group.off_story:
            continue
        if group.negative:
            kept_by = sorted(group.unless & counted)
            if kept_by:
                evidence.setdefault("discounted", {})["unless"] = kept_by
            else:
                score -= group_score
            continue
        score += group_score
        if group.anchor:
            anchor_hit = True
        elif not group.supporting:
            topic_hit = True
            anchor_hit = anchor_hit or group.standalone
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
