"""
### news_feeds

Polls every RSS/Atom/JSON feed of the configured sources (one mapped task per source, so a
broken source fails and retries alone) with conditional GET, and writes discovered links to
the store. Each mapped task emits an event on the `newsmon.store.links` asset with its
counts; `report` logs a per-source table. A source whose feeds all failed turns red.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import dag, task

from newsmon.dag_common import DEFAULT_ARGS, LINKS, START_DATE, log_table, source_task


@dag(
    dag_id="news_feeds",
    schedule="*/15 * * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["newsmon", "discovery", "feeds"],
    doc_md=__doc__,
)
def news_feeds() -> None:
    @task
    def feed_sources() -> list[str]:
        from newsmon.pipeline import list_sources

        return list_sources("feeds")

    @task(outlets=[LINKS], map_index_template="{{ source_label }}")
    def poll(source_id: str) -> dict[str, Any]:
        from newsmon.pipeline import poll_source

        return source_task(source_id, LINKS, lambda: poll_source(source_id))

    @task(trigger_rule="all_done")
    def report(results: list[dict[str, Any]]) -> dict[str, Any]:
        import logging

        # Index the lazy XCom sequence: iterating it probes one offset past the end.
        rows = [dict(results[i]) for i in range(len(results)) if results[i]]
        logging.getLogger("newsmon").info(
            "%s",
            log_table(
                "feeds polled",
                rows,
                ["source", "feeds", "not_due", "new_links", "known_links", "errors_count", "statuses", "disabled"],
            ),
        )
        return {"sources": len(rows), "new_links": sum(int(r.get("new_links", 0)) for r in rows)}

    report(poll.expand(source_id=feed_sources()))


news_feeds()
