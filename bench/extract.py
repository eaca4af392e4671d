"""Our cleaner (``processors.extract.process_page``) against trafilatura on the same pages in
the same run: pages per second, and peak memory, with their ratio.

    .venv/bin/python bench/extract.py [--corpus ../shared/corpus] [--limit N] [--repeat 1]

Speed: one process runs both contenders page by page, alternating which goes first, so a
machine shared with other work slows both alike; the pages are read into memory beforehand.
Trafilatura runs as we would use it alone: decode, ``bare_extraction`` with metadata.
Memory: each contender runs over all pages in a fresh interpreter of its own; reported is the
peak resident set size of that process minus its size after imports and a warm-up page.
The pages are every page of the quality corpus (``newsmon.quality``), plus the largest pages
of ``urls/mediacloud-metadata-lib-fixtures`` (3.5 MB and more) when present.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_bodies(corpus: Path, limit: int | None) -> list[tuple[str, bytes]]:
    from newsmon.quality import load_pages

    pages = [(p.url, p.html()) for p in load_pages(corpus)]
    big = corpus / "urls" / "mediacloud-metadata-lib-fixtures"
    if big.is_dir():
        files = sorted(
            (p for p in big.iterdir() if p.is_file() and p.name != "LICENSE"), key=lambda p: -p.stat().st_size
        )
        pages += [("https://example.org/" + p.name, p.read_bytes()) for p in files[:5]]
    return pages[:limit] if limit else pages


def ours(url: str, body: bytes) -> None:
    from processors.extract import process_page
    from processors.types import RawPage

    process_page(RawPage(url=url, body=body, headers={"content-type": "text/html"}))


def theirs(url: str, body: bytes) -> None:
    import trafilatura

    from processors.extract import decode_body

    trafilatura.bare_extraction(decode_body(body, "text/html"), url=url, with_metadata=True, include_comments=False)


CONTENDERS = {"ours": ours, "trafilatura": theirs}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def memory_child(name: str, corpus: Path, limit: int | None) -> dict[str, float]:
    pages = load_bodies(corpus, limit)
    run = CONTENDERS[name]
    run(*pages[0])  # imports and lazy models
    before = _rss_mb()
    for url, body in pages:
        run(url, body)
    return {"peak_mb": _rss_mb(), "growth_mb": _rss_mb() - before}


def speed(corpus: Path, limit: int | None, repeat: int) -> dict[str, dict[str, float]]:
    pages = load_bodies(corpus, limit)
    for run in CONTENDERS.values():
        run(*pages[0])
    totals = dict.fromkeys(CONTENDERS, 0.0)
    slowest = dict.fromkeys(CONTENDERS, 0.0)
    order = list(CONTENDERS)
    for _ in range(repeat):
        for i, (url, body) in enumerate(pages):
            for name in order if i % 2 else reversed(order):
                start = time.perf_counter()
                CONTENDERS[name](url, body)
                elapsed = time.perf_counter() - start
                totals[name] += elapsed
                slowest[name] = max(slowest[name], elapsed)
    n = len(pages) * repeat
    return {
        name: {"pages": n, "seconds": totals[name], "pages_per_s": n / totals[name], "slowest_s": slowest[name]}
        for name in CONTENDERS
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--memory-child", choices=sorted(CONTENDERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child, args.corpus, args.limit)))
        return 0
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    result: dict[str, Any] = speed(args.corpus, args.limit, args.repeat)
    for name in CONTENDERS:
        cmd = [sys.executable, __file__, "--corpus", str(args.corpus), "--memory-child", name]
        if args.limit:
            cmd += ["--limit", str(args.limit)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        result[name].update(json.loads(out.stdout.strip().splitlines()[-1]))
    o, t = result["ours"], result["trafilatura"]
    print(f"{'':12} {'pages':>6} {'pages/s':>8} {'ms/page':>8} {'slowest s':>9} {'peak MB':>8} {'growth MB':>9}")
    for name, r in result.items():
        print(
            f"{name:12} {r['pages']:6d} {r['pages_per_s']:8.1f} {1000 / r['pages_per_s']:8.2f} "
            f"{r['slowest_s']:9.3f} {r['peak_mb']:8.1f} {r['growth_mb']:9.1f}"
        )
    print(
        f"ratio ours/trafilatura: speed {o['pages_per_s'] / t['pages_per_s']:.2f}x, "
        f"peak memory {o['peak_mb'] / t['peak_mb']:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
