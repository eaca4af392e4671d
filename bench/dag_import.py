"""How long importing each DAG file takes, on top of ``import airflow.sdk`` (which every DAG
file pays once per parsing process). Each measurement runs in a fresh interpreter.

    .venv/bin/python bench/dag_import.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SNIPPET = r"""
import importlib.util, json, sys, time
t0 = time.perf_counter()
import airflow.sdk  # noqa: F401
from airflow.sdk import dag, task, Asset  # noqa: F401  (resolve the lazy names)
t1 = time.perf_counter()
before = set(sys.modules)
path = sys.argv[1]
if path != "-":
    spec = importlib.util.spec_from_file_location("dagfile", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
t2 = time.perf_counter()
added = set(sys.modules) - before
watch = ("scrapy", "trafilatura", "sqlalchemy", "feedparser", "lxml.html", "store", "newsmon.pipeline")
heavy = sorted(m for m in watch if m in added)
print(json.dumps({"sdk": t1 - t0, "file": t2 - t1, "heavy": heavy}))
"""


def measure(path: str, repeat: int) -> dict[str, object]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _SNIPPET, path], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "sdk_s": round(statistics.median(r["sdk"] for r in runs), 3),
        "file_s": round(statistics.median(r["file"] for r in runs), 4),
        "heavy_modules": runs[-1]["heavy"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'dag file':28} {'airflow.sdk (s)':>16} {'file itself (s)':>16}  heavy modules loaded")
    for path in sorted((ROOT / "dags").glob("*.py")):
        r = measure(str(path), args.repeat)
        print(f"{path.name:28} {r['sdk_s']:>16} {r['file_s']:>16}  {r['heavy_modules'] or '-'}")


if __name__ == "__main__":
    main()
