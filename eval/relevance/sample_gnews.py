"""Draw the candidates of the second held-out set (``gnews.jsonl``) from the corpus.

Google News RSS items carry, in their description, the cluster's other headlines from other
outlets (``<li><a>headline</a> <font>outlet</font></li>``). Those headlines were never items of
``dev.jsonl``: they are distinct, real, title-only items from dozens of outlets, and the
profile was never tuned on them. This script lists them, de-duplicated by normalised title and
with every headline that also appears as a ``dev.jsonl`` title removed, and writes candidates
(without labels) as JSON lines:

- every headline naming Ukraine, the war's actors or the talks' vocabulary;
- a seeded random sample of 40 other headlines.

Run: ``python eval/relevance/sample_gnews.py ../shared/corpus/feeds/rumca-2026-01-dev > candidates.jsonl``
"""

from __future__ import annotations

import html
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ITEM = re.compile(r"<a [^>]*>(.*?)</a>(?:&nbsp;|\s)*<font[^>]*>(.*?)</font>", re.S)
VOCAB = re.compile(
    r"ukrain|kyiv|kiev|kijów|kijow|kyjiw|zelensk|zełensk|selensk|ukraiń|putin|kreml|kremlin|moscow|moskw|"
    r"russia|rosj|russland|witkoff|kushner|dmitriev|ceasefire|truce|rozejm|waffenstillstand|pokoj|pokój|"
    r"peace|frieden|koalicj|coalition|koalition|guarantee|gwarancj|garantie|nato|macron|starmer|merz|"
    r"trump|peacekeep|troops|wojsk|truppen",
    re.I,
)


def normalise(title: str) -> str:
    title = re.sub(r"\s+[-–—|]\s+[^-–—|]{2,60}$", "", title.strip())  # " - Outlet" suffix
    return re.sub(r"\W+", " ", title.lower()).strip()


def main(corpus: Path) -> int:
    dev_titles = {normalise(json.loads(line)["title"]) for line in (HERE / "dev.jsonl").open(encoding="utf-8")}
    seen: set[str] = set()
    rows: list[dict[str, str]] = []
    for path in sorted(corpus.glob("2026/01/*/*news.google.com*_entries.json")):
        day = path.parent.name
        for entry in json.loads(path.read_text(encoding="utf-8")):
            language = str(entry.get("language") or "")[:2]
            for match in ITEM.finditer(entry.get("description") or ""):
                title = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
                outlet = html.unescape(re.sub(r"<[^>]+>", "", match.group(2))).strip()
                key = normalise(title)
                if not key or key in seen or key in dev_titles:
                    continue
                seen.add(key)
                rows.append({"feed_day": day, "language": language, "title": title, "outlet": outlet})
    topical = [row for row in rows if VOCAB.search(row["title"])]
    others = [row for row in rows if not VOCAB.search(row["title"])]
    sample = random.Random(20261126).sample(others, min(40, len(others)))  # noqa: S311 - a reproducible sample
    for row in topical + sample:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} headlines, {len(topical)} topical, {len(sample)} sampled others", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/feeds/rumca-2026-01-dev")))
