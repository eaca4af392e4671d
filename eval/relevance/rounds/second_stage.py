"""Would a learned second stage beat the hand-written profile? A leave-one-round-out experiment.

The web rounds keep no texts in the repository (``LABELLING.md``), so this runs on the merged
files of the rounds a session made (``OUTDIR/<round>_all.jsonl``, joined into one file), with the
feed dev set's ``tune`` split added to every training fold. For each round, three models are
trained on the other rounds and scored on it, against the profile's own decisions:

- ``rule``: the profile's decision (use a profile committed before every round of the file, so
  that no round was tuned on: its decisions are then blind on each);
- ``rules-lr``: a logistic regression over the profile's evidence (score, decision, and per
  group whether it matched in the title, in the summary, and was discounted);
- ``ngrams``: a logistic regression over character 2-5-grams of title and summary;
- ``rules+ngrams``: both feature sets.

scikit-learn is not a dependency of the project; install it apart, e.g.
``pip install --target /tmp/skl scikit-learn`` and run with ``PYTHONPATH=/tmp/skl``:
``python eval/relevance/rounds/second_stage.py ROUNDS.jsonl --topic OLD_TOPIC.yaml``.
Measured on rounds zzg-zzl (1,428 items) with profile version 72: see ``LABELLING.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
MODELS = ("rule", "rules-lr", "ngrams", "rules+ngrams")


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run(rounds_file: Path, topic: Path, models: tuple[str, ...] = MODELS) -> dict[str, dict[str, tuple[int, int, int]]]:
    """(tp, fp, fn) per model and per held-out round (key ``all`` for the pool)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from newsmon.config import load_topic
    from processors.relevance import score_text

    profile = load_topic(topic)
    group_ids = [g.id for g in profile.groups]
    items = _rows(rounds_file)
    feed = [row for row in _rows(REPO / "eval" / "relevance" / "dev.jsonl") if row["split"] == "tune"]

    def evidence(row: dict[str, Any]) -> tuple[list[float], bool]:
        rel = score_text(profile, row["title"], None, row.get("description") or None)
        feats = [rel.score, float(rel.relevant)]
        for gid in group_ids:
            found = rel.matches.get(gid, {})
            feats += [float("title" in found), float("description" in found), float("discounted" in found)]
        return feats, rel.relevant

    def text(row: dict[str, Any]) -> str:
        return row["title"] + " || " + (row.get("description") or "")

    ev = [evidence(row) for row in items]
    feats = np.array([f for f, _ in ev])
    decisions = np.array([d for _, d in ev])
    feed_feats = np.array([evidence(row)[0] for row in feed])
    gold = np.array([row["label"] == "core" for row in items])
    feed_gold = np.array([row["label"] == "core" for row in feed])
    round_of = np.array([row["id"].split("-")[0] for row in items])
    texts = [text(row) for row in items]
    feed_texts = [text(row) for row in feed]

    result: dict[str, dict[str, tuple[int, int, int]]] = {}
    for model in models:
        per_round: dict[str, tuple[int, int, int]] = {}
        for held in sorted(set(round_of)):
            train, test = round_of != held, round_of == held
            if model == "rule":
                pred = decisions[test]
            else:
                y = np.concatenate([gold[train], feed_gold])
                parts_train, parts_test = [], []
                if "ngrams" in model:
                    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
                    parts_train.append(vec.fit_transform([t for t, k in zip(texts, train) if k] + feed_texts))
                    parts_test.append(vec.transform([t for t, k in zip(texts, test) if k]))
                if "rules" in model:
                    rules_train = np.vstack([feats[train], feed_feats])
                    scale = np.abs(rules_train).max(axis=0) + 1e-9
                    weight = 3.0 if "ngrams" in model else 1.0
                    parts_train.append(csr_matrix(rules_train / scale * weight))
                    parts_test.append(csr_matrix(feats[test] / scale * weight))
                clf = LogisticRegression(C=4.0 if "ngrams" in model else 1.0, max_iter=3000, class_weight="balanced")
                clf.fit(hstack(parts_train).tocsr(), y)
                pred = clf.predict_proba(hstack(parts_test).tocsr())[:, 1] >= 0.5
            g = gold[test]
            per_round[held] = (int((pred & g).sum()), int((pred & ~g).sum()), int((~pred & g).sum()))
        per_round["all"] = tuple(sum(c[i] for c in per_round.values()) for i in range(3))  # type: ignore[assignment]
        result[model] = per_round
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rounds", type=Path, help="merged rounds in the dev-set format, ids starting with the round")
    parser.add_argument("--topic", type=Path, required=True, help="a profile committed before every round of the file")
    args = parser.parse_args(argv)
    for model, per_round in run(args.rounds, args.topic).items():
        for held, (tp, fp, fn) in per_round.items():
            precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
            print(f"{model:13s} {held:6s} {tp:4d} {fp:4d} {fn:4d}  {precision:.3f}  {recall:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
