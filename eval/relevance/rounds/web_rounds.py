"""Tooling for a hand-labelled web round (``web_labels.jsonl``, protocol in ``LABELLING.md``).

A round is collected by one labeller per language (in this project: helper agents that never see
the profile, the scorer or its output), each given ``prompt.md`` filled in for its language. The
labellers write ``OUTDIR/<round>_<lang>.jsonl`` with the headline and lead of each page; those
texts are excerpts of third-party pages and stay outside the repository. This script:

- ``prompts ROUND OUTDIR``: writes ``OUTDIR/prompt_<lang>.md``, one per language (``--languages``),
  with each labeller's hard search limit (``--searches``), the number of items to aim at
  (``--items``) and the round's angle (``--angle FILE``, a paragraph); ``--extra pl:FILE`` adds
  another labeller of a language with its own angle (``prompt_pl2.md``, output ``ROUND_pl2.jsonl``,
  ids from 501; a third from 801);
- ``merge ROUND OUTDIR``: joins the labellers' files into ``OUTDIR/<round>_all.jsonl`` in the
  dev-set format (split ``web``), without the URLs already labelled or given twice, ready for
  ``python -m newsmon.relevance_eval --dev OUTDIR/<round>_all.jsonl`` (score it once, blind,
  before reading any of it);
- ``record ROUND OUTDIR``: appends the round's ids, languages, labels and URLs (no texts) to
  ``web_labels.jsonl``, each with the blind decision of the profile committed when the round is
  recorded (``blind``: ``relevant`` and ``profile``) and the publication date the labeller read
  (``date``, when given): record a round right after scoring it once
  and before tuning on it, so that the pooled blind numbers can be recomputed without the texts;
- ``pooled [ROUNDS]``: precision and recall of those blind decisions against ``core``, per round,
  per language and (for labels with a publication date, from round zzm on) per year, over every
  round that carries them (or the comma-separated ROUNDS);
- ``sample ROUND OUTDIR``: draws a sample of a recorded round, stratified by language, and
  writes it without its labels (``OUTDIR/<round>_agree_items.jsonl``) with a prompt for a second
  labeller (``OUTDIR/prompt_agree.md``: the same labelling rules as ``prompt.md``, no search);
- ``agree ROUND OUTDIR``: appends the second labeller's labels (``OUTDIR/<round>_agree_b.jsonl``)
  next to the first ones in ``agreement.jsonl`` (ids and labels only) and prints the agreement;
- ``agreement [ROUNDS]``: how far two labellers agree on ``core``, and the blind decisions
  measured against each of them on the same items: the ceiling the labels set on the scorer.

Run: ``python eval/relevance/rounds/web_rounds.py merge k /tmp/websets``
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsmon.relevance_eval import Counts

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
LABELS = HERE.parent / "web_labels.jsonl"
AGREEMENT = HERE.parent / "agreement.jsonl"
TOPIC = REPO / "config" / "topic.yaml"
LANGUAGES = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "uk": "Ukrainian",
    "ru": "Russian",
    "pl": "Polish",
    "it": "Italian",
    "es": "Spanish",
    "nl": "Dutch",
    "pt": "Portuguese",
    "ro": "Romanian",
    "cs": "Czech",
    "sv": "Swedish",
    "tr": "Turkish",
    "da": "Danish",
    "no": "Norwegian",
    "fi": "Finnish",
    "sk": "Slovak",
}
_ROUND = re.compile(r"^[a-z]{1,3}$")


def url_key(url: str) -> str:
    """A URL without scheme, ``www.``, query, fragment, trailing slash or trailing dot."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    url = re.sub(r"^[a-z]+://(www\.)?", "", url.strip(), flags=re.IGNORECASE)
    return url.rstrip("/").rstrip(".").lower()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# The labellers of one language in a round: the first writes ROUND_xx.jsonl with ids from 001,
# the second ROUND_xx2.jsonl from 501, the third ROUND_xx3.jsonl from 801 (``_web_id`` keeps the
# number, so the ids stay apart in web_labels.jsonl).
_FIRST_IDS = ("001", "501", "801")


def write_prompts(
    round_id: str,
    outdir: Path,
    *,
    languages: list[str] | None = None,
    searches: int = 25,
    items: str = "40-50",
    angle: str = "",
    extra: list[tuple[str, str]] | None = None,
) -> list[Path]:
    """One prompt per labeller: every language of ``languages`` (default all) with ``angle``, and
    one more labeller of a language for each ``(language, angle)`` of ``extra`` (at most three
    labellers a language), each with its own output file, id range and scratch folder."""
    template = (HERE / "prompt.md").read_text(encoding="utf-8")
    labellers = [(code, angle) for code in (languages or list(LANGUAGES))] + list(extra or [])
    counts = Counter(code for code, _ in labellers)
    if unknown := sorted(set(counts) - set(LANGUAGES)):
        raise SystemExit(f"unknown language(s) {unknown}; known: {sorted(LANGUAGES)}")
    if crowded := sorted(code for code, n in counts.items() if n > len(_FIRST_IDS)):
        raise SystemExit(f"at most {len(_FIRST_IDS)} labellers a language ({crowded})")
    seen: Counter[str] = Counter()
    written = []
    for code, labeller_angle in labellers:
        k = seen[code]
        seen[code] += 1
        suffix = str(k + 1) if k else ""
        others = [first for i, first in enumerate(_FIRST_IDS[: counts[code]]) if i != k]
        note = (
            f" Other labellers of {LANGUAGES[code]} number from {' and '.join(others)} in their own files;"
            " skip their URLs too."
            if others
            else ""
        )
        text = template.replace("OUTFILE", str(outdir / f"{round_id}_{code}{suffix}.jsonl"))
        text = text.replace("SCRATCH", str(outdir / f"scratch_{code}{suffix}"))
        text = text.replace("FIRSTID", _FIRST_IDS[k]).replace("OTHERS", note)
        text = text.replace("SEARCHES", str(searches)).replace("ITEMS", items)
        text = text.replace("LANGCODE", code).replace("LANGNAME", LANGUAGES[code])
        text = text.replace("ROUND", round_id).replace("OUTDIR", str(outdir)).replace("REPO", str(REPO))
        # the angle last: its words are the round's own and are not placeholders, except the
        # language's name ("the first round in LANGNAME")
        own = labeller_angle.strip().replace("LANGNAME", LANGUAGES[code])
        text = text.replace("ANGLE\n", f"\n{own}\n" if own else "")
        path = outdir / f"prompt_{code}{suffix}.md"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def merge(round_id: str, outdir: Path, labels: Path = LABELS) -> tuple[Path, Counter[str], int]:
    """Join the labellers' files; returns the merged file, its label counts and how many
    items were dropped (URL already labelled in an earlier round, or given twice)."""
    known = {url_key(row["url"]) for row in _rows(labels)} if labels.exists() else set()
    merged: list[dict[str, str]] = []
    dropped = 0
    for path in sorted(outdir.glob(f"{round_id}_*.jsonl")):
        if path.name == f"{round_id}_all.jsonl":
            continue
        for row in _rows(path):
            key = url_key(row["url"])
            if key in known or row.get("label") not in ("core", "related", "other"):
                dropped += 1
                continue
            known.add(key)
            merged.append(
                {
                    "id": row["id"],
                    "feed": "web",
                    "feed_day": "",
                    "split": "web",
                    "language": row["language"],
                    "title": row["title"],
                    "description": row.get("description") or "",
                    "link": row["url"],
                    "label": row["label"],
                    "published": _date(row.get("date")),
                }
            )
    out = outdir / f"{round_id}_all.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for row in merged:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out, Counter(row["label"] for row in merged), dropped


def record(round_id: str, outdir: Path, labels: Path = LABELS, topic: Path = TOPIC) -> int:
    """Append the merged round's labels (no texts) to ``labels``, each with the blind decision of
    the profile at ``topic``; returns how many."""
    _importable()
    from newsmon.config import load_topic
    from processors.relevance import score_text

    existing = _rows(labels) if labels.exists() else []
    if any(row["round"] == round_id for row in existing):
        raise SystemExit(f"round {round_id!r} is already in {labels}")
    profile = load_topic(topic)
    rows = _rows(outdir / f"{round_id}_all.jsonl")
    rows.sort(key=lambda row: (row["language"], row["id"]))
    with labels.open("a", encoding="utf-8") as fh:
        for row in rows:
            decision = score_text(profile, row["title"], None, row.get("description") or None)
            entry = {
                "id": _web_id(row, round_id),
                "round": round_id,
                "language": row["language"],
                "label": row["label"],
                "url": row["link"],
                "blind": {"relevant": decision.relevant, "profile": decision.profile},
            }
            if published := _date(row.get("published")):
                entry["date"] = published
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return len(rows)


_DATE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _date(value: object) -> str:
    """A labeller's publication date as ``YYYY-MM-DD``, or "" (none given, or not a date)."""
    text = str(value or "").strip()
    return text if _DATE.match(text) else ""


def _importable() -> None:
    """Make the project's packages importable when this file runs as a script."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def pooled(labels: Path = LABELS, rounds: list[str] | None = None) -> dict[str, dict[str, Counts]]:
    """The recorded blind decisions against ``core``, counted by round, by language and, when any
    label carries its publication date, by year (``undated`` for the others; key ``all`` for the
    pool)."""
    _importable()
    from newsmon.relevance_eval import Counts

    result: dict[str, dict[str, Counts]] = {"round": {}, "language": {}, "year": {}}
    for row in _rows(labels):
        blind = row.get("blind")
        if not blind or (rounds and row["round"] not in rounds):
            continue
        year = row["date"][:4] if row.get("date") else "undated"
        for axis, key in (("round", row["round"]), ("language", row["language"]), ("year", year)):
            for k in (key, "all"):
                result[axis].setdefault(k, Counts()).add(blind["relevant"], row["label"] == "core")
    if set(result["year"]) <= {"undated", "all"}:
        del result["year"]  # no dated labels among these rounds
    return result


def _format_pooled(result: dict[str, dict[str, Counts]]) -> str:
    lines = []
    for axis, table in result.items():
        lines.append(f"{axis:<9} items   tp   fp   fn   prec recall")
        for key in sorted(table, key=lambda k: (k == "all", k)):
            c = table[key]
            lines.append(f"{key:<9} {c.n:5d} {c.tp:4d} {c.fp:4d} {c.fn:4d}  {c.precision:.3f}  {c.recall:.3f}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _web_id(row: dict[str, str], round_id: str) -> str:
    """The ``web_labels.jsonl`` id of a labeller's item (``zv-pl-012`` -> ``web-pl-zv012``)."""
    return f"web-{row['language']}-{round_id}{row['id'].rsplit('-', 1)[-1]}"


def _rules() -> str:
    """The labelling rules of ``prompt.md``, so that both labellers read the same words."""
    text = (HERE / "prompt.md").read_text(encoding="utf-8")
    start = text.index("## Labelling rules")
    return text[start : text.index("\n## ", start + 1)].strip()


def sample(round_id: str, outdir: Path, per_language: int = 25, labels: Path = LABELS) -> Path:
    """Write a seeded sample of a recorded round, ``per_language`` items of each language in a
    shuffled order, without labels, and the second labeller's prompt; returns the prompt."""
    recorded = {row["id"] for row in _rows(labels) if row["round"] == round_id}
    by_language: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _rows(outdir / f"{round_id}_all.jsonl"):
        if _web_id(row, round_id) not in recorded:
            raise SystemExit(f"record round {round_id!r} before sampling it ({row['id']} is not in {labels})")
        by_language[row["language"]].append(row)
    rng = random.Random(f"agreement-{round_id}")  # noqa: S311 - a seeded sample, not a secret
    chosen = []
    for language in sorted(by_language):
        rows = sorted(by_language[language], key=lambda row: row["id"])
        chosen += rng.sample(rows, min(per_language, len(rows)))
    rng.shuffle(chosen)
    items = outdir / f"{round_id}_agree_items.jsonl"
    with items.open("w", encoding="utf-8") as fh:
        for row in chosen:
            entry = {key: row[key] for key in ("id", "language", "title", "description")}
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    text = (HERE / "agree_prompt.md").read_text(encoding="utf-8").replace("RULES", _rules())
    text = text.replace("ITEMS", str(items)).replace("COUNT", str(len(chosen)))
    text = text.replace("LANGUAGES", ", ".join(LANGUAGES.get(code, code) for code in sorted(by_language)))
    text = text.replace("OUTFILE", str(outdir / f"{round_id}_agree_b.jsonl"))
    prompt = outdir / "prompt_agree.md"
    prompt.write_text(text, encoding="utf-8")
    return prompt


def agree(round_id: str, outdir: Path, labels: Path = LABELS, agreement: Path = AGREEMENT) -> int:
    """Append the second labeller's labels of a sampled round to ``agreement``; returns how many."""
    first = {row["id"]: row for row in _rows(labels) if row["round"] == round_id}
    existing = _rows(agreement) if agreement.exists() else []
    if any(row["round"] == round_id for row in existing):
        raise SystemExit(f"round {round_id!r} is already in {agreement}")
    sampled = {row["id"]: row for row in _rows(outdir / f"{round_id}_agree_items.jsonl")}
    second = {row["id"]: row for row in _rows(outdir / f"{round_id}_agree_b.jsonl")}
    if set(second) != set(sampled) or any(
        row.get("label") not in ("core", "related", "other") for row in second.values()
    ):
        raise SystemExit("the second labeller must give core, related or other to each sampled item, and nothing else")
    with agreement.open("a", encoding="utf-8") as fh:
        for item_id in sorted(sampled, key=lambda i: (sampled[i]["language"], i)):
            web = first[_web_id(sampled[item_id], round_id)]
            entry = {"id": web["id"], "round": round_id, "language": web["language"], "label": web["label"]}
            entry["second"] = second[item_id]["label"]
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return len(sampled)


@dataclass
class Agreement:
    """Two labellers on the same items, and the blind decisions against each of them."""

    n: int
    same_label: int
    second_vs_first: Counts
    blind_vs_first: Counts
    blind_vs_second: Counts

    @property
    def kappa(self) -> float:
        """Cohen's kappa of core against not core."""
        c = self.second_vs_first
        observed = (c.tp + c.tn) / c.n
        first_core, second_core = (c.tp + c.fn) / c.n, (c.tp + c.fp) / c.n
        expected = first_core * second_core + (1 - first_core) * (1 - second_core)
        return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement_counts(
    agreement: Path = AGREEMENT, labels: Path = LABELS, rounds: list[str] | None = None
) -> dict[str, Agreement]:
    """The agreement per language and in all (key ``all``) over the chosen rounds."""
    _importable()
    from newsmon.relevance_eval import Counts

    blind = {row["id"]: row.get("blind") for row in _rows(labels)}
    result: dict[str, Agreement] = {}
    for row in _rows(agreement) if agreement.exists() else []:
        if rounds and row["round"] not in rounds:
            continue
        decision = blind.get(row["id"])
        for key in (row["language"], "all"):
            a = result.setdefault(key, Agreement(0, 0, Counts(), Counts(), Counts()))
            a.n += 1
            a.same_label += row["label"] == row["second"]
            a.second_vs_first.add(row["second"] == "core", row["label"] == "core")
            if decision:
                a.blind_vs_first.add(decision["relevant"], row["label"] == "core")
                a.blind_vs_second.add(decision["relevant"], row["second"] == "core")
    return result


def _format_agreement(result: dict[str, Agreement]) -> str:
    # P/R of the second labeller's core (or the blind decision) against the other labels' core
    lines = ["language  items  same   kappa  2nd vs 1st   blind vs 1st  blind vs 2nd"]
    for key in sorted(result, key=lambda k: (k == "all", k)):
        a = result[key]
        cells = "  ".join(
            f"{c.precision:.3f}/{c.recall:.3f}" for c in (a.second_vs_first, a.blind_vs_first, a.blind_vs_second)
        )
        lines.append(f"{key:<9} {a.n:5d}  {a.same_label / a.n:.3f}  {a.kappa:.3f}  {cells}")
    return "\n".join(lines) + "\n"


def _csv(value: str | None) -> list[str] | None:
    """A comma-separated command-line list, or None when it names nothing."""
    return [item for item in (value or "").split(",") if item] or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["prompts", "merge", "record", "pooled", "sample", "agree", "agreement"])
    parser.add_argument(
        "round", nargs="?", help="the round's letter(s), e.g. k (pooled, agreement: a comma-separated list)"
    )
    parser.add_argument("outdir", nargs="?", type=Path, help="where the labellers write (outside the repository)")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--agreement", type=Path, default=AGREEMENT)
    parser.add_argument("--topic", type=Path, default=TOPIC, help="record: the profile that scores the round blind")
    parser.add_argument("--per-language", type=int, default=25, help="sample: items drawn from each language")
    parser.add_argument("--languages", help="prompts: a comma-separated list of language codes (default: all)")
    parser.add_argument("--searches", type=int, default=25, help="prompts: each labeller's hard search limit")
    parser.add_argument("--items", default="40-50", help="prompts: how many items each labeller aims at")
    parser.add_argument("--angle", type=Path, help="prompts: a file with the round's angle, one paragraph")
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="LANG[:FILE]",
        help="prompts: one more labeller of LANG, with the angle in FILE (default: --angle); repeatable",
    )
    args = parser.parse_args(argv)
    if args.command in ("pooled", "agreement"):
        chosen = _csv(args.round)
        if args.command == "pooled":
            print(_format_pooled(pooled(args.labels, chosen)), end="")
        else:
            print(_format_agreement(agreement_counts(args.agreement, args.labels, chosen)), end="")
        return 0
    if not args.round or not _ROUND.match(args.round):
        parser.error("a round is one to three lower-case letters")
    if args.outdir is None:
        parser.error(f"{args.command} needs OUTDIR")
    args.outdir.mkdir(parents=True, exist_ok=True)
    if args.command == "prompts":
        angle = args.angle.read_text(encoding="utf-8") if args.angle else ""
        extra = []
        for spec in args.extra:
            code, _, angle_file = spec.partition(":")
            extra.append((code, Path(angle_file).read_text(encoding="utf-8") if angle_file else angle))
        languages = _csv(args.languages)
        for path in write_prompts(
            args.round,
            args.outdir,
            languages=languages,
            searches=args.searches,
            items=args.items,
            angle=angle,
            extra=extra,
        ):
            print(path)
    elif args.command == "merge":
        out, counts, dropped = merge(args.round, args.outdir, args.labels)
        print(f"{out}: {sum(counts.values())} items {dict(counts)}; {dropped} dropped (known URL or bad label)")
    elif args.command == "record":
        print(f"{record(args.round, args.outdir, args.labels, args.topic)} labels appended to {args.labels}")
    elif args.command == "sample":
        print(sample(args.round, args.outdir, args.per_language, args.labels))
    else:
        n = agree(args.round, args.outdir, args.labels, args.agreement)
        print(f"{n} second labels appended to {args.agreement}")
        print(_format_agreement(agreement_counts(args.agreement, args.labels, [args.round])), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
