"""DAG integrity (parse without DB or network, tags, retries, docs) and the demo cycle end to
end through the real DAGs (``dag.test()``) against the replay server."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DAG_IDS = {"news_feeds", "news_crawl", "news_process", "news_health"}
# The DAGs one demo cycle runs (news_health is daily and judges days of history).
DEMO_DAG_IDS = DAG_IDS - {"news_health"}

_PARSE_GUARD = r"""
import json, socket, sqlite3, sys, time
from airflow.dag_processing.dagbag import DagBag  # airflow's own start-up may use its DB

touched = []
def _no_net(self, *a, **k):
    touched.append(f"socket.connect{a}")
    raise OSError("network access at DAG parse time")
def _no_sqlite(*a, **k):
    touched.append(f"sqlite3.connect{a}")
    raise sqlite3.OperationalError("database access at DAG parse time")
socket.socket.connect = _no_net
sqlite3.connect = _no_sqlite
import store.db
def _no_engine(*a, **k):
    touched.append("store.db.create_engine_from_url")
    raise RuntimeError("store engine built at DAG parse time")
store.db.create_engine_from_url = _no_engine

t0 = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1], safe_mode=False)
elapsed = time.perf_counter() - t0
out = {"errors": {k: str(v) for k, v in bag.import_errors.items()}, "touched": touched, "seconds": elapsed, "dags": {}}
for dag_id, dag in bag.dags.items():
    out["dags"][dag_id] = {
        "tags": sorted(dag.tags), "doc_md": bool(dag.doc_md), "catchup": dag.catchup,
        "start_date": dag.start_date.isoformat() if dag.start_date else None,
        "max_active_runs": dag.max_active_runs,
        "retries": {t.task_id: t.retries for t in dag.tasks},
        "fileloc": dag.fileloc,
    }
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def parsed_dags(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Parse the DAG folder in a fresh interpreter with network and database access forbidden."""
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path_factory.mktemp("airflow-home"))}
    proc = subprocess.run(
        [sys.executable, "-c", _PARSE_GUARD, str(ROOT / "dags")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_dags_import_without_errors(parsed_dags: dict[str, Any]) -> None:
    assert parsed_dags["errors"] == {}
    assert set(parsed_dags["dags"]) == DAG_IDS


def test_no_database_or_network_at_parse_time(parsed_dags: dict[str, Any]) -> None:
    assert parsed_dags["touched"] == []


@pytest.mark.parametrize("dag_id", sorted(DAG_IDS))
def test_dag_conventions(parsed_dags: dict[str, Any], dag_id: str) -> None:
    dag = parsed_dags["dags"][dag_id]
    assert "newsmon" in dag["tags"] and len(dag["tags"]) >= 2
    assert dag["doc_md"], "operators read doc_md in the UI"
    assert dag["catchup"] is False
    assert dag["start_date"] is not None and dag["start_date"].endswith("+00:00")
    assert dag["max_active_runs"] == 1
    assert all(r >= 2 for r in dag["retries"].values()), dag["retries"]


def test_dag_files_do_not_import_heavy_modules_at_top_level() -> None:
    """scrapy, trafilatura, sqlalchemy and the pipeline are imported inside tasks only."""
    heavy = ("scrapy", "trafilatura", "sqlalchemy", "feedparser", "newsmon.pipeline", "store", "processors", "readers")
    for path in (ROOT / "dags").glob("*.py"):
        top_level = [
            line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(("import ", "from "))
        ]
        for line in top_level:
            module = line.split()[1]
            assert not module.startswith(heavy), f"{path.name}: top-level `{line}`"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_demo(data_dir: Path, port: int) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSMON_", "AIRFLOW"))}
    env["NEWSMON_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "newsmon.cli", "demo", "--port", str(port)],
        env=env,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


@pytest.mark.slow
def test_demo_cycle_through_the_dags_end_to_end(tmp_path: Path) -> None:
    port = _free_port()
    first = _run_demo(tmp_path, port)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-5000:]
    assert "news_feeds=DagRunState.SUCCESS" in first.stdout or "news_feeds=success" in first.stdout
    for label in ("sources polled", "links discovered", "pages fetched", "articles stored", "duplicates", "rejections"):
        assert label in first.stdout

    db = tmp_path / "demo" / "newsmon.db"
    expected = json.loads((ROOT / "fixtures" / "replay" / "EXPECTED.json").read_text(encoding="utf-8"))
    base = f"http://127.0.0.1:{port}"
    links = {row[0]: row[1:] for row in _rows(db, "SELECT found_url, status, status_reason, discovered_via FROM links")}
    assert len(links) == len(expected)
    articles = {
        row[0]: row[1:]
        for row in _rows(
            db,
            "SELECT l.found_url, a.title, a.language, a.relevant, a.duplicate_kind, a.published_at, a.duplicate_of "
            "FROM articles a JOIN links l ON l.id = a.link_id",
        )
    }
    for path, exp in expected.items():
        url = base + path
        assert url in links, f"{path} not discovered"
        status, reason, _via = links[url]
        kind = exp["expect"]
        if kind in ("article", "duplicate_exact"):
            assert status == "fetched"
            title, language, relevant, dup_kind, published, dup_of = articles[url]
            assert title == exp["title"]
            assert language == exp["language"]
            assert bool(relevant) == exp["relevant"], path
            assert published is not None
            if kind == "duplicate_exact":
                assert dup_kind == "exact" and dup_of is not None
            else:
                assert dup_kind is None
        elif kind == "fetch_404":
            assert (status, reason) == ("failed", "http_404")
        elif kind == "skipped_robots":
            assert (status, reason) == ("skipped", "robots")
        elif kind == "skipped_not_html":
            assert (status, reason) == ("skipped", "not_html")
        elif kind == "rejected_too_short":
            assert status == "fetched"
            assert url not in articles
    rejected = _rows(db, "SELECT reject_reason, count(*) FROM raw_pages WHERE process_state='rejected' GROUP BY 1")
    assert dict(rejected) == {"too_short": sum(1 for e in expected.values() if e["expect"] == "rejected_too_short")}
    # Airflow recorded the three runs as successful.
    airflow_db = tmp_path / "demo" / "airflow" / "airflow.db"
    states = dict(_rows(airflow_db, "SELECT dag_id, state FROM dag_run"))
    assert states == {dag_id: "success" for dag_id in DEMO_DAG_IDS}

    # Idempotent: a second cycle over the same sources changes nothing and duplicates nothing.
    def snapshot() -> tuple[Any, ...]:
        return (
            _rows(db, "SELECT count(*), max(seq) FROM articles"),
            _rows(db, "SELECT count(*) FROM links"),
            _rows(db, "SELECT count(*) FROM raw_pages"),
            _rows(db, "SELECT id, text_hash, seq, duplicate_of FROM articles ORDER BY id"),
        )

    before = snapshot()
    second = _run_demo(tmp_path, port)
    assert second.returncode == 0, second.stderr[-3000:]
    assert snapshot() == before
    statuses = dict(_rows(db, "SELECT last_status, count(*) FROM feed_state WHERE kind = 'feed' GROUP BY 1"))
    assert statuses == {"unchanged": 6}


def test_published_dates_are_utc_in_store() -> None:
    from processors.dates import parse_datetime

    value = parse_datetime("2026-01-06T20:40:00+02:00")
    assert value is not None and value.tzinfo == UTC and value.hour == 18
