"""
### news_process

Runs when new raw pages are stored (`newsmon.store.raw_pages`). Splits the pending pages
into batches (ids only cross XCom), then each mapped task cleans, scores relevance,
deduplicates and stores its pages: an `Article` or a recorded rejection with its reason.
Re-running changes nothing: processed pages are skipped and articles are upserted per link.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import dag, task

from newsmon.dag_common import ARTICLES, DEFAULT_ARGS, RAW_PAGES, START_DATE, labelled_task


@dag(
    dag_id="news_process",
    schedule=[RAW_PAGES],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["newsmon", "process"],
    doc_md=__doc__,
    dagrun_timeout=timedelta(hours=2),
)
def news_process() -> None:
    @task
    def plan() -> list[list[int]]:
        from newsmon.pipeline import plan_process_batches

        return plan_process_batches()

    @task(outlets=[ARTICLES], map_index_template="{{ batch_label }}")
    def process(raw_ids: list[int]) -> dict[str, Any]:
        from newsmon.pipeline import process_batch

        label = f"pages {raw_ids[0]}-{raw_ids[-1]}" if raw_ids else "empty"
        return labelled_task(label, ARTICLES, lambda: process_batch(raw_ids), label_key="batch_label")

    @task(trigger_rule="all_done")
    def report(results: list[dict[str, Any]]) -> dict[str, Any]:
        import logging
        from collections import Counter

        total: Counter[str] = Counter()
        for i in range(len(results)):
            r = results[i]
            if r:
                total.update({k: int(v) for k, v in r.items() if isinstance(v, int)})
        logging.getLogger("newsmon").info("processed: %s", dict(total))
        return dict(total)

    report(process.expand(raw_ids=plan()))


news_process()
