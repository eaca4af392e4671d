"""
### news_health

Daily source health. For every configured source: last success, last new item, new items
per day, error rate and disabled feeds (the same table as `newsmon sources status`, in the
task log). The `check` task fails (red in the UI), with the reasons in its log, when a source
has gone silent beyond its usual cadence, its error rate jumped, or one of its feeds was
disabled after repeated weighted failures.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import dag, task

from newsmon.dag_common import DEFAULT_ARGS, START_DATE


@dag(
    dag_id="news_health",
    schedule="30 6 * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["newsmon", "health", "operations"],
    doc_md=__doc__,
)
def news_health() -> None:
    @task
    def check() -> dict[str, Any]:
        """Fails with the reasons when a source is unhealthy."""
        from newsmon.dag_common import jsonable
        from newsmon.pipeline import health_report

        return jsonable(health_report())

    check()


news_health()
