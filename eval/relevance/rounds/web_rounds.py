"""Tooling for a hand-labelled web round (``web_labels.jsonl``, protocol in ``LABELLING.md``).

A round is collected by one labeller per language (in this project: helper agents that never see
the profile, the scorer or its output), each given ``prompt.md`` filled in for its language. The
labellers write ``OUTDIR/<round>_<lang>.jsonl`` with the headline and lead of each page; those
texts are excerpts of third-party pages and stay outside the repository. This script:

- ``prompts ROUND OUTDIR``: writes ``OUTDIR/prompt_<lang>.md``, one per language;
- ``merge ROUND OUTDIR``: joins the labellers' files into ``OUTDIR/<round>_all.jsonl`` in the
  dev-set format (split ``web``), without the URLs already labelled or given twice, ready for
  ``python -m newsmon.relevance_eval --dev OUTDIR/<round>_all.jsonl`` (score it once, blind,
  before reading any of it);
- ``record ROUND OUTDIR``: appends the round's ids, languages, labels and URLs (no texts) to
  ``web_labels.jsonl``.

Run: ``python eval/relevance/rounds/web_rounds.py merge k /tmp/websets``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
LABELS = HERE.parent / "web_labels.jsonl"
LANGUAGES = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "uk": "Ukrainian",
    "ru": "Russian",
    "pl": "Polish",
    "it": "Italian",
    "es": "Spanish",
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


def write_prompts(round_id: str, outdir: Path) -> list[Path]:
    template = (HERE / "prompt.md").read_text(encoding="utf-8")
    written = []
    for code, name in LANGUAGES.items():
        text = template.replace("LANGCODE", code).replace("LANGNAME", name)
        text = text.replace("ROUND", round_id).replace("OUTDIR", str(outdir)).replace("REPO", str(REPO))
        path = outdir / f"prompt_{code}.md"
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
                }
            )
    out = outdir / f"{round_id}_all.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for row in merged:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out, Counter(row["label"] for row in merged), dropped


def record(round_id: str, outdir: Path, labels: Path = LABELS) -> int:
    """Append the merged round's labels (no texts) to ``labels``; returns how many."""
    existing = _rows(labels) if labels.exists() else []
    if any(row["round"] == round_id for row in existing):
        raise SystemExit(f"round {round_id!r} is already in {labels}")
    rows = _rows(outdir / f"{round_id}_all.jsonl")
    rows.sort(key=lambda row: (row["language"], row["id"]))
    with labels.open("a", encoding="utf-8") as fh:
        for row in rows:
            number = row["id"].rsplit("-", 1)[-1]
            entry = {
                "id": f"web-{row['language']}-{round_id}{number}",
                "round": round_id,
                "language": row["language"],
                "label": row["label"],
                "url": row["link"],
            }
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["prompts", "merge", "record"])
    parser.add_argument("round", help="the round's letter(s), e.g. k")
    parser.add_argument("outdir", type=Path, help="where the labellers write (outside the repository)")
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args(argv)
    if not _ROUND.match(args.round):
        parser.error("a round is one to three lower-case letters")
    args.outdir.mkdir(parents=True, exist_ok=True)
    if args.command == "prompts":
        for path in write_prompts(args.round, args.outdir):
            print(path)
    elif args.command == "merge":
        out, counts, dropped = merge(args.round, args.outdir, args.labels)
        print(f"{out}: {sum(counts.values())} items {dict(counts)}; {dropped} dropped (known URL or bad label)")
    else:
        print(f"{record(args.round, args.outdir, args.labels)} labels appended to {args.labels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
