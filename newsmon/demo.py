"""``newsmon demo``: one full cycle offline, through the real DAGs, against the replay server.

The three DAGs run with ``dag.test()`` (a real Airflow metadata database in the demo's
AIRFLOW_HOME, SQLite), in order: news_feeds -> news_crawl -> news_process. The store is
the one ``NEWSMON_DATABASE_URL`` selects (by default ``data/demo/newsmon.db``).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from newsmon.settings import REPO_ROOT

log = logging.getLogger(__name__)

DAG_ORDER = ("news_feeds", "news_crawl", "news_process")
DEFAULT_PORT = 8765


def prepare_environment(data_dir: Path, base: str) -> dict[str, str]:
    """Environment of a demo run (also used by the end-to-end test)."""
    airflow_home = Path(os.environ.get("NEWSMON_DEMO_AIRFLOW_HOME", data_dir / "airflow"))
    env = {
        "NEWSMON_DATA_DIR": str(data_dir),
        "NEWSMON_DATABASE_URL": os.environ.get("NEWSMON_DATABASE_URL") or f"sqlite:///{data_dir / 'newsmon.db'}",
        "NEWSMON_SOURCE_GROUPS": "demo",
        "NEWSMON_ALLOW_PRIVATE_ADDRESSES": "1",
        "NEWSMON_REPLAY_BASE": base,
        "NEWSMON_HOST_DELAY": "0",
        "NEWSMON_POLL_ALL_FEEDS": "1",
        "NEWSMON_SCRAPY_LOG_LEVEL": "WARNING",
        "NEWSMON_RETRY_DELAY_SECONDS": "1",
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": os.environ.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING"),
    }
    airflow_home.mkdir(parents=True, exist_ok=True)
    return env


def migrate_airflow(env: dict[str, str]) -> None:
    """``airflow db migrate`` in a child process (idempotent; fast once done)."""
    airflow = Path(sys.executable).with_name("airflow")
    cmd = [str(airflow) if airflow.exists() else "airflow", "db", "migrate"]
    proc = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")


def run_dags(dag_ids: tuple[str, ...] = DAG_ORDER) -> dict[str, str]:
    """Run each DAG once with ``dag.test()`` in this process; returns the run states."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO_ROOT / "dags"))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    states: dict[str, str] = {}
    for dag_id in dag_ids:
        dag = bag.get_dag(dag_id)
        if dag is None:
            raise RuntimeError(f"DAG {dag_id} not found")
        t0 = time.monotonic()
        run = dag.test()
        state = str(getattr(run, "state", "unknown"))
        states[dag_id] = state
        log.info("%s finished %s in %.1fs", dag_id, state, time.monotonic() - t0)
    return states


def format_summary(summary: dict[str, Any], states: dict[str, str]) -> str:
    lines = ["", "newsmon demo: one offline cycle through the DAGs", ""]
    lines.append("DAG runs:            " + ", ".join(f"{k}={v}" for k, v in states.items()))
    lines.append(f"sources polled:      {summary['sources']}  (feeds by status: {summary['feeds_by_status']})")
    links = summary["links_by_status"]
    lines.append(f"links discovered:    {sum(links.values())}  ({links})")
    lines.append(f"  not fetched:       {summary['links_not_fetched_by_reason']}")
    lines.append(f"pages fetched:       {summary['pages_fetched']}")
    lines.append(f"articles stored:     {summary['articles']}  (relevant to the story: {summary['articles_relevant']})")
    lines.append(
        f"duplicates:          {sum(summary['duplicates_by_kind'].values())}  ({summary['duplicates_by_kind']})"
    )
    lines.append(
        f"rejections:          {sum(summary['rejections_by_reason'].values())}  ({summary['rejections_by_reason']})"
    )
    return "\n".join(lines)


def main(port: int = DEFAULT_PORT, data_dir: Path | None = None) -> int:
    from newsmon.replay import ReplayServer

    data_dir = (data_dir or Path(os.environ.get("NEWSMON_DATA_DIR", REPO_ROOT / "data")) / "demo").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    with ReplayServer(port=port) as server:
        env = prepare_environment(data_dir, server.base)
        os.environ.update(env)
        print(f"replay server on {server.base}; store {env['NEWSMON_DATABASE_URL']}", flush=True)
        from store.db import migrate

        migrate(env["NEWSMON_DATABASE_URL"])
        print("migrating Airflow's metadata database (first run takes a minute)...", flush=True)
        migrate_airflow(env)
        states = run_dags()
        from newsmon.pipeline import summary

        result = summary()
    print(format_summary(result, states))
    failed = [k for k, v in states.items() if "success" not in v]
    if failed:
        print(f"\nDAG runs that did not succeed: {failed}", file=sys.stderr)
        return 1
    return 0
