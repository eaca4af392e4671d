"""The ``newsmon`` command."""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
from pathlib import Path
from typing import Any


def _out(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def cmd_extract(args: argparse.Namespace) -> int:
    from processors.extract import process_page
    from processors.types import RawPage, Rejected, iso_utc

    for name in args.files:
        path = Path(name)
        url = args.url or path.resolve().as_uri()
        try:
            body = path.read_bytes()
            if path.suffix == ".gz" or body[:2] == b"\x1f\x8b":
                body = gzip.decompress(body)
            result = process_page(RawPage(url=url, body=body, headers={"content-type": "text/html"}))
        except Exception as exc:  # noqa: BLE001 - one bad file yields an error object, the rest go on
            _out({"file": name, "url": url, "error": f"{type(exc).__name__}: {exc}"})
            continue
        if isinstance(result, Rejected):
            _out(
                {
                    "file": name,
                    "url": url,
                    "error": f"rejected: {result.reason}",
                    "rejected": result.reason,
                    "detail": result.detail,
                }
            )
            continue
        data = result.to_json()
        data["published_at"] = iso_utc(result.published_at)
        _out({"file": name, **data})
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from newsmon.pipeline import run_once

    if not args.once:
        print("newsmon run: only --once is supported (Airflow schedules the continuous runs)", file=sys.stderr)
        return 2
    report = run_once()
    print(json.dumps(report["summary"], indent=2, ensure_ascii=False))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from newsmon.demo import main

    return main(port=args.port)


def cmd_migrate(args: argparse.Namespace) -> int:
    from newsmon.settings import get_settings
    from store.db import migrate

    migrate(args.database_url or get_settings().database_url)
    return 0


def cmd_sources_check(args: argparse.Namespace) -> int:
    from newsmon.config import ConfigError, load_sources, load_topic
    from newsmon.settings import get_settings

    settings = get_settings()
    try:
        sources = load_sources(args.file or settings.sources_file)
        topic = load_topic(settings.topic_file)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"{'id':28} {'group':6} {'lang':9} {'feeds':>5} {'sitemaps':>8}  name")
    for s in sources.sources:
        print(f"{s.id:28} {s.group:6} {','.join(s.languages):9} {len(s.feeds):>5} {len(s.news_sitemaps):>8}  {s.name}")
    print(f"\n{len(sources.sources)} sources valid; topic profile {topic.id}@{topic.version} valid")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from newsmon.pipeline import context
    from processors.types import iso_utc
    from store import repo
    from store.db import session_scope

    with context() as ctx, session_scope(ctx.factory) as session:
        for art in repo.articles_since(session, args.cursor, args.limit, relevant_only=not args.all):
            _out(
                {
                    "seq": art.seq,
                    "id": art.id,
                    "source_id": art.source_id,
                    "url": art.url,
                    "canonical_url": art.canonical_url,
                    "title": art.title,
                    "text": art.text,
                    "authors": art.authors,
                    "published_at": iso_utc(art.published_at),
                    "language": art.language,
                    "site_name": art.site_name,
                    "description": art.description,
                    "relevant": art.relevant,
                    "relevance_score": art.relevance_score,
                    "tags": art.tags,
                    "cluster_id": art.cluster_id,
                    "duplicate_of": art.duplicate_of,
                    "duplicate_kind": art.duplicate_kind,
                    "revision": art.revision,
                    "first_seen_at": iso_utc(art.first_seen_at),
                    "updated_at": iso_utc(art.updated_at),
                }
            )
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from newsmon.pipeline import summary

    print(json.dumps(summary(), indent=2, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsmon", description="Follow one story across many outlets.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="clean HTML files into JSON lines (one per file, in order)")
    p.add_argument("files", nargs="+", metavar="FILE", help="HTML files (.html or .html.gz)")
    p.add_argument("--url", help="the URL the pages were fetched from (resolves relative links)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("run", help="one cycle in-process, without Airflow")
    p.add_argument("--once", action="store_true", help="run one cycle and exit")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("demo", help="one offline cycle through the real DAGs against a local replay server")
    p.add_argument("--port", type=int, default=8765, help="replay server port (0: any free port)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("migrate", help="create or upgrade the article store schema")
    p.add_argument("--database-url", help="defaults to NEWSMON_DATABASE_URL")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("sources", help="the source registry")
    ssub = p.add_subparsers(dest="sources_command", required=True)
    c = ssub.add_parser("check", help="validate config/sources.yaml and config/topic.yaml offline")
    c.add_argument("--file", help="another sources file")
    c.set_defaults(func=cmd_sources_check)

    p = sub.add_parser("export", help="articles changed after a cursor, as JSON lines ordered by seq")
    p.add_argument("--cursor", type=int, default=0, help="the highest seq already read")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--all", action="store_true", help="include articles not relevant to the story")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("summary", help="counts across the store")
    p.set_defaults(func=cmd_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
