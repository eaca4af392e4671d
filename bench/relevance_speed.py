"""How fast the topic profile's terms are found in a text: our dispatch against one alternation
per term group, the same patterns, the same texts, the same run.

    python bench/relevance_speed.py [--rounds 3] [--with-regex] [--topic config/topic.yaml] [--corpus ../shared/corpus]

Finding the terms is nearly all of the time spent scoring (``processors/relevance.py``); the job
is: for each of the profile's term groups (thousands of terms in eighteen languages, with
wildcards, gaps and alternatives), every non-overlapping leftmost match in a headline, a feed
summary or a body text. Matchers, each checked to find exactly the same matches:

- ``newsmon``: ``_Dispatch`` (a word's first letters pick the terms that can match there);
- ``re``: one ``re`` alternation per group, ``finditer`` (the scorer's matcher up to profile v108);
- ``regex``: the same alternations compiled by the third-party ``regex`` module (``--with-regex``,
  if installed: about eight times slower than ``re`` here, so it takes minutes).

Data: the feed items of the relevance dev set and the fresh headlines (title + description, in
the repository) and, when ``../shared/corpus`` is at hand, the expected body texts of its
extraction pages. Rounds interleave the matchers; the best round of each counts, and the ratios
within one run are what counts (other work on the machine moves absolute numbers).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsmon.config import load_topic  # noqa: E402
from processors.relevance import _alternation, _Dispatch, _fold  # noqa: E402

Hits = dict[int, list[tuple[int, int, str]]]


def _items() -> list[str]:
    texts = []
    for name in ("dev.jsonl", "gnews.jsonl"):
        with (REPO / "eval" / "relevance" / name).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                texts += [_fold(row["title"]), _fold(row.get("description") or "")]
    return [t for t in texts if t]


def _bodies(corpus: Path) -> list[str]:
    if not corpus.is_dir():
        return []
    from newsmon.quality import load_pages

    return [_fold(page.text) for page in load_pages(corpus) if page.text]


def _matchers(terms: list[list[str]], with_regex: bool) -> dict[str, Callable[[str], Hits]]:
    dispatch = _Dispatch(terms)
    everything = [True] * len(terms)
    plain = [_alternation(t) for t in terms]

    def ours(text: str) -> Hits:
        return dispatch.find(text, everything)

    def alternations(patterns: list[Any]) -> Callable[[str], Hits]:
        def run(text: str) -> Hits:
            hits: Hits = {}
            for gi, pattern in enumerate(patterns):
                if pattern is None:  # a group without terms
                    continue
                found = [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]
                if found:
                    hits[gi] = found
            return hits

        return run

    matchers = {"newsmon": ours, "re": alternations(plain)}
    if not with_regex:
        return matchers
    try:
        import regex
    except ImportError:
        print("regex module not installed: skipped", file=sys.stderr)
    else:
        matchers["regex"] = alternations([regex.compile(p.pattern) if p is not None else None for p in plain])
    return matchers


def run(topic: Path, corpus: Path, rounds: int, with_regex: bool = False) -> dict[str, dict[str, Any]]:
    profile = load_topic(topic)
    terms = [[t for ts in g.terms.values() for t in ts] for g in profile.groups]
    started = time.perf_counter()
    matchers = _matchers(terms, with_regex)
    setup = time.perf_counter() - started
    sets = {"headlines and summaries": _items(), "body texts": _bodies(corpus)}
    report: dict[str, dict[str, Any]] = {}
    for label, texts in sets.items():
        if not texts:
            print(f"{label}: no texts (../shared/corpus absent?): skipped", file=sys.stderr)
            continue
        chars = sum(len(t) for t in texts)
        # the first pass warms our lazily compiled alternations and checks every matcher agrees
        reference = [matchers["re"](t) for t in texts]
        for name, matcher in matchers.items():
            first = time.perf_counter()
            got = [matcher(t) for t in texts]
            warmup = time.perf_counter() - first
            if got != reference:
                wrong = sum(a != b for a, b in zip(got, reference, strict=True))
                raise SystemExit(f"{name} finds other matches than re on {wrong} of {len(texts)} {label}")
            report.setdefault(label, {})[name] = {"first_pass_s": warmup, "best_s": float("inf")}
        for _ in range(rounds):
            for name, matcher in matchers.items():
                t0 = time.perf_counter()
                for t in texts:
                    matcher(t)
                best = report[label][name]
                best["best_s"] = min(best["best_s"], time.perf_counter() - t0)
        for row in report[label].values():
            row["texts"] = len(texts)
            row["chars"] = chars
            row["ms_per_text"] = 1000 * row["best_s"] / len(texts)
            row["us_per_kchar"] = 1e6 * row["best_s"] / (chars / 1000)
            row["speedup_vs_re"] = report[label]["re"]["best_s"] / row["best_s"]
    report["setup"] = {"dispatch_and_alternations_s": setup, "groups": len(terms), "terms": sum(map(len, terms))}
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topic", type=Path, default=REPO / "config" / "topic.yaml")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--with-regex", action="store_true", help="also the regex module (slow)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = run(args.topic, args.corpus, args.rounds, args.with_regex)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    setup = report.pop("setup")
    print(f"{setup['groups']} term groups, {setup['terms']} terms")
    for label, rows in report.items():
        first = next(iter(rows.values()))
        print(f"\n{label}: {first['texts']} texts, {first['chars']:,} characters (same matches for every matcher)")
        print(f"{'matcher':10} {'ms/text':>9} {'us/kchar':>10} {'vs re':>7} {'first pass s':>13}")
        for name, row in rows.items():
            print(
                f"{name:10} {row['ms_per_text']:9.3f} {row['us_per_kchar']:10.0f} "
                f"{row['speedup_vs_re']:6.1f}x {row['first_pass_s']:13.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
