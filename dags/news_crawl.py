"""
### news_crawl

Hourly, and whenever feeds add links: for each source, one `scrapy crawl news_sitemap`
process discovers links from its news sitemaps and one `scrapy crawl section` process from
its section pages (links matching the source's pattern), then one `scrapy crawl article` process
fetches its pending links politely (robots.txt, per-host delay, size and time limits) and
stores the raw pages. Each crawl is its own OS process (Twisted's reactor cannot restart).
Mapped per source: one failed source fails and retries alone. Fetch tasks emit events on
`newsmon.store.raw_pages`, which triggers `news_process`.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, dag, task

from newsmon.dag_common import DEFAULT_ARGS, LINKS, RAW_PAGES, START_DATE, log_table, source_task


@dag(
    dag_id="news_crawl",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("5 * * * *", timezone="UTC"), assets=LINKS),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["newsmon", "discovery", "fetch", "scrapy"],
    doc_md=__doc__,
)
def news_crawl() -> None:
    @task
    def sitemap_sources() -> list[str]:
        from newsmon.pipeline import list_sources

        return list_sources("news_sitemaps")

    @task(outlets=[LINKS], map_index_template="{{ source_label }}")
    def discover(source_id: str) -> dict[str, Any]:
        from newsmon.pipeline import crawl_source

        return source_task(source_id, LINKS, lambda: crawl_source(source_id, "news_sitemap"))

    @task
    def section_sources() -> list[str]:
        from newsmon.pipeline import list_sources

        return list_sources("sections")

    @task(outlets=[LINKS], map_index_template="{{ source_label }}")
    def discover_sections(source_id: str) -> dict[str, Any]:
        from newsmon.pipeline import crawl_source

        return source_task(source_id, LINKS, lambda: crawl_source(source_id, "section"))

    @task(trigger_rule="all_done")
    def fetch_sources() -> list[str]:
        from newsmon.pipeline import list_sources

        return list_sources("all")

    @task(outlets=[RAW_PAGES], map_index_template="{{ source_label }}")
    def fetch(source_id: str) -> dict[str, Any]:
        from newsmon.pipeline import crawl_source

        return source_task(source_id, RAW_PAGES, lambda: crawl_source(source_id, "article"))

    @task(trigger_rule="all_done")
    def report(results: list[dict[str, Any]]) -> dict[str, Any]:
        import logging

        # Index the lazy XCom sequence: iterating it probes one offset past the end.
        rows = [dict(results[i]) for i in range(len(results)) if results[i]]
        logging.getLogger("newsmon").info(
            "%s",
            log_table(
                "pages fetched",
                rows,
                ["source", "new", "known", "errors", "fetched", "downloader/request_count", "exit_code"],
            ),
        )
        return {"sources": len(rows), "fetched": sum(int(r.get("fetched", 0)) for r in rows)}

    discovered = discover.expand(source_id=sitemap_sources())
    sections = discover_sections.expand(source_id=section_sources())
    to_fetch = fetch_sources()
    [discovered, sections] >> to_fetch
    report(fetch.expand(source_id=to_fetch))


news_crawl()
