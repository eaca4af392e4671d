"""Precision and recall of the relevance decision against the labelled dev set.

The dev set (``eval/relevance/dev.jsonl``, rules in ``eval/relevance/LABELLING.md``) holds feed
items (title and description only) labelled ``core``, ``related`` or ``other``. An item counts
as a positive when it is ``core``; the scorer's ``relevant`` decision is the prediction. The
set is split by feed day into a ``tune`` part (days the profile was tuned on) and a ``heldout``
part (not tuned on: see the caveat in LABELLING.md); ``gnews.jsonl`` is a second, blind
held-out set (split ``fresh``: other outlets' headlines, never tuned on, errors never listed).
Split ``web`` is for the web rounds of ``web_labels.jsonl`` scored from a local file::

    python -m newsmon.relevance_eval [--dev FILE ...] [--topic config/topic.yaml]
                                     [--errors tune] [--titles-only] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsmon.config import TopicProfile, load_topic
from processors.relevance import score_text

REPO = Path(__file__).resolve().parent.parent
DEV_SET = REPO / "eval" / "relevance" / "dev.jsonl"
FRESH_SET = REPO / "eval" / "relevance" / "gnews.jsonl"
DEV_SETS = (DEV_SET, FRESH_SET)
LABELS = ("core", "related", "other")
SPLITS = ("tune", "heldout", "fresh", "web")


@dataclass(frozen=True)
class DevItem:
    id: str
    split: str
    language: str
    title: str
    description: str
    label: str


@dataclass
class Counts:
    """Confusion counts of ``relevant`` against ``label == core``."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def add(self, relevant: bool, core: bool) -> None:
        """Count one decision against its label."""
        if relevant and core:
            self.tp += 1
        elif relevant:
            self.fp += 1
        elif core:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        """Share of items judged relevant that are core (1.0 when nothing was judged relevant)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of core items judged relevant (1.0 when there is no core item)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "core": self.tp + self.fn,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
        }


def load_dev_set(path: Path | str = DEV_SET) -> list[DevItem]:
    """Read the dev set; a malformed line raises ``ValueError`` naming the line."""
    path = Path(path)
    items: list[DevItem] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                item = DevItem(
                    id=str(row["id"]),
                    split=str(row["split"]),
                    language=str(row["language"]),
                    title=str(row["title"]),
                    description=str(row.get("description") or ""),
                    label=str(row["label"]),
                )
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{lineno}: malformed dev item: {exc}") from exc
            if item.label not in LABELS:
                raise ValueError(f"{path}:{lineno}: label {item.label!r} is not one of {LABELS}")
            if item.split not in SPLITS:
                raise ValueError(f"{path}:{lineno}: split {item.split!r} is not one of {SPLITS}")
            if item.id in seen:
                raise ValueError(f"{path}:{lineno}: duplicate id {item.id!r}")
            seen.add(item.id)
            items.append(item)
    return items


def evaluate(
    profile: TopicProfile, items: Iterable[DevItem], titles_only: bool = False
) -> dict[str, dict[str, Counts]]:
    """``{split: {language or "all": Counts}}`` for the profile's decisions on the items
    (scored on title and description, or on the title alone)."""
    result: dict[str, dict[str, Counts]] = {}
    for item in items:
        rel = score_text(profile, item.title, None, None if titles_only else item.description)
        positive = item.label == "core"
        for lang in (item.language, "all"):
            counts = result.setdefault(item.split, {}).setdefault(lang, Counts())
            counts.add(rel.relevant, positive)
            if rel.relevant != positive and lang == "all":
                counts.errors.append(
                    {
                        "id": item.id,
                        "label": item.label,
                        "relevant": rel.relevant,
                        "score": round(rel.score, 2),
                        "title": item.title,
                        "matches": rel.matches,
                    }
                )
    return result


def format_report(result: dict[str, dict[str, Counts]], profile: TopicProfile, titles_only: bool = False) -> str:
    fields = "feed title only" if titles_only else "feed title + description"
    lines = [f"profile {profile.id}@{profile.version}  (relevant vs label=core; {fields})"]
    lines.append(
        f"{'split':8} {'lang':5} {'items':>5} {'core':>5} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6}"
    )
    for split in SPLITS:
        langs = result.get(split, {})
        for lang in sorted(langs, key=lambda x: (x == "all", x)):
            c = langs[lang]
            lines.append(
                f"{split:8} {lang:5} {c.n:5d} {c.tp + c.fn:5d} {c.tp:4d} {c.fp:4d} {c.fn:4d} "
                f"{c.precision:6.3f} {c.recall:6.3f}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsmon.relevance_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dev", type=Path, action="append", help="labelled set(s), JSON lines (default: dev.jsonl and gnews.jsonl)"
    )
    parser.add_argument("--topic", type=Path, default=REPO / "config" / "topic.yaml", help="topic profile")
    parser.add_argument(
        "--errors",
        choices=("tune", "heldout", "web"),
        help="list the misjudged items of one split (tune while tuning: never heldout; fresh stays blind)",
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--titles-only", action="store_true", help="score the titles alone (no description)")
    args = parser.parse_args(argv)
    profile = load_topic(args.topic)
    items = [item for path in (args.dev or DEV_SETS) if Path(path).exists() for item in load_dev_set(path)]
    result = evaluate(profile, items, titles_only=args.titles_only)
    if args.json:
        print(json.dumps({s: {lang: c.to_json() for lang, c in langs.items()} for s, langs in result.items()}))
    else:
        print(format_report(result, profile, titles_only=args.titles_only))
    if args.errors:
        for err in result.get(args.errors, {}).get("all", Counts()).errors:
            print(json.dumps({"split": args.errors, **err}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
