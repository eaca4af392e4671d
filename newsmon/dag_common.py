"""What the DAG files share: assets, default arguments, start date. Cheap to import."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Asset

# Hand-over points between DAGs. Events carry counts only; the rows are in the store.
# Plain names, not "scheme://" URIs: a URI scheme makes Airflow load its providers' URI
# handlers at parse time (~0.13 s per DAG file, measured with bench/dag_import.py).
LINKS = Asset(name="newsmon.store.links", group="newsmon")
RAW_PAGES = Asset(name="newsmon.store.raw_pages", group="newsmon")
ARTICLES = Asset(name="newsmon.store.articles", group="newsmon")

START_DATE = datetime(2026, 1, 1, tzinfo=UTC)

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "newsmon",
    "retries": 2,
    # The demo and the tests shorten the delay (an environment read, no I/O at parse time).
    "retry_delay": timedelta(seconds=float(os.environ.get("NEWSMON_RETRY_DELAY_SECONDS", "120"))),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=20),
}


def jsonable(counts: dict[str, Any]) -> dict[str, Any]:
    """Asset event extras must be JSON; keep them small (counts, not payloads)."""
    import json

    return dict(json.loads(json.dumps(counts, default=str)))


def log_table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A plain-text table for the task log, so operators read a run at a glance."""
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) if rows else len(c) for c in columns}
    lines = [title, "  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def labelled_task(
    label: str, asset: Asset, work: Callable[[], dict[str, Any]], label_key: str = "source_label"
) -> dict[str, Any]:
    """The body of a mapped task: label the mapped instance (``map_index_template=
    "{{ source_label }}"``, or the template variable ``label_key``), do the work, and put its
    counts on the task's asset event so the UI shows what the run collected."""
    from airflow.sdk import get_current_context

    context: Any = get_current_context()
    context[label_key] = label
    counts = jsonable(work())
    context["outlet_events"][asset].extra = counts
    return counts


def source_task(source_id: str, asset: Asset, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A task mapped over sources, labelled with the source id (see :func:`labelled_task`)."""
    return labelled_task(source_id, asset, work)
