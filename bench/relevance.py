"""Precision and recall of relevance against the labelled dev set, per language and split.

    python bench/relevance.py [--errors tune] [--json] [--topic config/topic.yaml]

A thin entry point to ``newsmon.relevance_eval`` (rules and data: eval/relevance/).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsmon.relevance_eval import main

if __name__ == "__main__":
    sys.exit(main())
