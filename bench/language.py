"""uk/ru language identification: ours against reference libraries on the same strings.

The strings are the gate's (``newsmon.quality.uk_ru_scores``): the real uk/ru texts of
``../shared/corpus`` and the project's uk/ru replay fixtures, cut into paragraphs and sentences by
length bucket. References, each skipped when not installed: py3langid (trafilatura's classifier),
lingua-language-detector (all languages, low-accuracy mode off), langdetect (seeded). They are
not project dependencies: install them in a scratch venv and put it on PYTHONPATH, e.g.
``PYTHONPATH=/tmp/refvenv/lib/python3.11/site-packages .venv/bin/python bench/language.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsmon.quality import DEFAULT_CORPUS, split_units, uk_ru_corpus_docs, uk_ru_fixture_docs
from processors.language import detect_language


def contenders() -> dict[str, Callable[[str], str | None]]:
    import py3langid

    out: dict[str, Callable[[str], str | None]] = {
        "ours": detect_language,
        "py3langid": lambda t: str(py3langid.classify(t)[0]),
    }
    try:
        from lingua import LanguageDetectorBuilder

        lingua = LanguageDetectorBuilder.from_all_languages().build()

        def _lingua(t: str) -> str | None:
            lang = lingua.detect_language_of(t)
            return lang.iso_code_639_1.name.lower() if lang else None

        out["lingua"] = _lingua
    except ImportError:
        print("lingua-language-detector not installed: skipped", file=sys.stderr)
    try:
        import langdetect

        langdetect.DetectorFactory.seed = 0

        def _langdetect(t: str) -> str | None:
            try:
                return str(langdetect.detect(t))
            except langdetect.LangDetectException:
                return None

        out["langdetect"] = _langdetect
    except ImportError:
        print("langdetect not installed: skipped", file=sys.stderr)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for source, docs in (("corpus", uk_ru_corpus_docs(args.corpus)), ("fixtures", uk_ru_fixture_docs())):
        seen: set[str] = set()
        for doc in docs:
            for bucket, unit in split_units(doc, seen):
                groups[f"{source}/{doc.lang}-{bucket}"].append((unit, doc.lang))
    who = contenders()
    print(f"{'group':24} {'n':>5} " + " ".join(f"{name:>10}" for name in who))
    seconds: dict[str, float] = defaultdict(float)
    for group, items in sorted(groups.items()):
        cells = []
        for name, fn in who.items():
            start = time.perf_counter()
            right = sum(fn(text) == lang for text, lang in items)
            seconds[name] += time.perf_counter() - start
            cells.append(f"{right / len(items):10.3f}")
        print(f"{group:24} {len(items):5d} " + " ".join(cells))
    print("seconds  " + "  ".join(f"{name} {s:.2f}" for name, s in seconds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
