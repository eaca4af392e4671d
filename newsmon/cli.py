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


def _source_hints(source_id: str) -> Any:
    """The page hints an outlet of the registry gives (time zone, languages, founding year);
    ``KeyError`` for an unknown outlet."""
    from newsmon.config import load_sources, load_topic
    from newsmon.settings import get_settings
    from processors.types import PageHints

    settings = get_settings()
    src = load_sources(settings.sources_file, load_topic(settings.topic_file)).get(source_id)
    return PageHints(source_languages=tuple(src.languages), timezone=src.timezone, not_before=src.founded_at)


def cmd_extract(args: argparse.Namespace) -> int:
    from newsmon.config import ConfigError
    from processors.extract import process_page
    from processors.types import PageHints, RawPage, Rejected, iso_utc

    hints = PageHints()
    if args.source:
        try:
            hints = _source_hints(args.source)
        except KeyError:
            print(
                f"newsmon extract: no source {args.source!r} in the registry (newsmon sources check)", file=sys.stderr
            )
            return 2
        except ConfigError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    for name in args.files:
        path = Path(name)
        url = args.url or path.resolve().as_uri()
        try:
            body = path.read_bytes()
            if path.suffix == ".gz" or body[:2] == b"\x1f\x8b":
                body = gzip.decompress(body)
            result = process_page(RawPage(url=url, body=body, headers={"content-type": "text/html"}, hints=hints))
        except Exception as exc:  # noqa: BLE001 - one bad file yields an error object, the rest go on
            _out({"file": name, "url": url, "error": f"{type(exc).__name__}: {exc}"})
            continue
        if isinstance(result, Rejected):
            # The object is still printed, with every field the processor could fill.
            _out(
                {
                    "file": name,
                    "url": url,
                    **_extractor_field(dict(result.partial)),
                    "error": f"rejected: {result.reason}",
                    "rejected": result.reason,
                    "detail": result.detail,
                }
            )
            continue
        data = _extractor_field(result.to_json())
        data["published_at"] = iso_utc(result.published_at)
        _out({"file": name, **data})
    return 0


def _extractor_field(data: dict[str, Any]) -> dict[str, Any]:
    """``extractor`` as ``{"method": "jsonld" | "trafilatura", "version": "trafilatura/2.0.0"}``."""
    if "extractor" in data:
        data["extractor"] = {"method": data.pop("extraction_method", None), "version": data["extractor"]}
    return data


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
    """Validate the registry and the topic profile offline; print every source (the search
    sources the topic generates included) and the totals per language and country."""
    from collections import Counter

    from newsmon.config import ConfigError, load_sources, load_topic
    from newsmon.settings import get_settings

    settings = get_settings()
    try:
        topic = load_topic(args.topic or settings.topic_file)
        sources = load_sources(args.file or settings.sources_file, topic)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    header = ("id", "group", "country", "languages", "feeds", "sitemaps", "sections", "enabled")
    rows = [
        (
            s.id,
            s.group,
            s.country or "-",
            ",".join(s.languages),
            str(len(s.feeds)),
            str(len(s.news_sitemaps)),
            str(len(s.sections)),
            "yes" if s.enabled else "no",
        )
        for s in sources.sources
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(
            "  ".join(c.rjust(w) if 4 <= i <= 6 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
        )
    enabled = [s for s in sources.sources if s.enabled]
    by_lang = Counter(lang for s in enabled for lang in s.languages)
    by_country = Counter(s.country or "-" for s in enabled)
    by_group = Counter(s.group for s in enabled)
    print()
    print("enabled sources per language: " + ", ".join(f"{k} {v}" for k, v in sorted(by_lang.items())))
    print("enabled sources per country:  " + ", ".join(f"{k} {v}" for k, v in sorted(by_country.items())))
    print("enabled sources per group:    " + ", ".join(f"{k} {v}" for k, v in sorted(by_group.items())))
    print(
        f"{len(sources.sources)} sources valid ({len(enabled)} enabled; "
        f"{sum(len(s.feeds) for s in enabled)} feeds, {sum(len(s.news_sitemaps) for s in enabled)} news sitemaps, "
        f"{sum(len(s.sections) for s in enabled)} section pages); topic profile {topic.id}@{topic.version} valid"
    )
    return 0


def read_feed(source: str, base_url: str | None = None, max_bytes: int | None = None) -> list[dict[str, Any]]:
    """The items of one feed (a file or an http(s) URL) as JSON-able dicts, or one object with
    an ``error`` field when it cannot be read or parsed. Never raises; input is size-capped
    (decompressed size too) and URLs are fetched with the bounded reader (readers/http.py)."""
    from newsmon.settings import get_settings
    from readers.feeds import parse_feed

    settings = get_settings()
    limit = max_bytes or settings.max_download_bytes
    content_type = None
    where: dict[str, Any] = {"url": source} if source.startswith(("http://", "https://")) else {"file": source}
    try:
        if "url" in where:
            from readers.feeds import FEED_ACCEPT
            from readers.http import fetch

            result = fetch(
                source,
                user_agent=settings.user_agent,
                headers={"Accept": FEED_ACCEPT},
                timeout=settings.fetch_timeout,
                max_bytes=limit,
                allow_private=settings.allow_private_addresses,
            )
            if result.status != "ok":
                return [{**where, "error": f"{result.status}: {result.error or result.http_status}"}]
            body, content_type = result.body, result.headers.get("content-type")
            base_url = base_url or result.final_url
        else:
            body = _read_capped(Path(source), limit)
        parsed = parse_feed(body, base_url=base_url, content_type=content_type)
    except _TooLarge as exc:
        return [{**where, "error": f"too_large: {exc}"}]
    except OSError as exc:
        return [{**where, "error": f"cannot read: {exc.strerror or exc}"}]
    except Exception as exc:  # noqa: BLE001 - any input yields an error object, never a crash
        return [{**where, "error": f"{type(exc).__name__}: {exc}"[:500]}]
    if not parsed.items and parsed.bozo:
        return [{**where, "error": f"parse_error: {parsed.bozo}"[:500]}]
    return [item.to_json() for item in parsed.items]


class _TooLarge(Exception):
    pass


def _read_capped(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a file, gunzipped (bounded) when it is gzip."""
    import zlib

    with path.open("rb") as fh:
        body = fh.read(limit + 1)
    if len(body) > limit:
        raise _TooLarge(f"more than {limit} bytes")
    if body[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(wbits=47)
        try:
            out = inflater.decompress(body, limit + 1)
        except zlib.error as exc:
            raise OSError(f"bad gzip data: {exc}") from exc
        if len(out) > limit or inflater.unconsumed_tail:
            raise _TooLarge(f"more than {limit} bytes once decompressed")
        body = out
    return body


def cmd_read_feed(args: argparse.Namespace) -> int:
    for obj in read_feed(args.source, base_url=args.url, max_bytes=args.max_bytes):
        _out(obj)
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
                    "duplicate_similarity": art.duplicate_similarity,
                    "revision": art.revision,
                    "first_seen_at": iso_utc(art.first_seen_at),
                    "updated_at": iso_utc(art.updated_at),
                }
            )
    return 0


def cmd_sources_status(args: argparse.Namespace) -> int:
    """Health per source (and per feed with ``--feeds``): the table the news_health DAG logs.
    Exits 1 when a source has a problem, so scripts and cron can alert on it."""
    from newsmon.health import FEED_COLUMNS, feed_rows, format_table, source_health
    from newsmon.pipeline import context
    from store import repo
    from store.db import session_scope

    with context() as ctx, session_scope(ctx.factory) as session:
        ids = [s.id for s in ctx.selected()]
        now = repo.utcnow()
        health = source_health(session, now, ids)
        feeds = feed_rows(session, now, ids) if args.feeds else []
    if args.json:
        for h in health:
            _out({**h.row(), "problems": list(h.problems), "error_rate": round(h.error_rate, 4)})
        return 1 if any(h.problems for h in health) else 0
    if not health:
        print("no feed or sitemap of the configured sources has been polled yet")
        return 0
    print(format_table([h.row() for h in health]))
    if feeds:
        print()
        print(format_table(feeds, FEED_COLUMNS))
    unhealthy = [h for h in health if h.problems]
    print(f"\n{len(health)} sources, {len(unhealthy)} with problems")
    return 1 if unhealthy else 0


def cmd_summary(args: argparse.Namespace) -> int:
    from newsmon.pipeline import summary

    print(json.dumps(summary(), indent=2, ensure_ascii=False))
    return 0


def _dedup_fields(obj: Any) -> dict[str, Any]:
    """The validated fields of one ``newsmon dedup`` input line; ValueError names what is wrong."""
    from datetime import UTC, datetime

    if not isinstance(obj, dict):
        raise ValueError("each line must be a JSON object")
    if obj.get("id") is None or isinstance(obj["id"], (dict, list)):
        raise ValueError("field 'id' is required (a string or a number)")
    for name in ("url", "title", "text", "published_at", "source"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise ValueError(f"field {name!r} must be a string")
    if not obj.get("text") and not obj.get("title"):
        raise ValueError("field 'text' is required (or at least 'title')")
    published = None
    if obj.get("published_at"):
        try:
            published = datetime.fromisoformat(obj["published_at"].replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"field 'published_at' is not an ISO 8601 date: {obj['published_at']!r}") from None
        published = published.replace(tzinfo=UTC) if published.tzinfo is None else published.astimezone(UTC)
    return {
        "url": obj.get("url") or "",
        "title": obj.get("title"),
        "text": obj.get("text") or "",
        "published_at": published,
        "source": obj.get("source") or None,
    }


def cmd_dedup(args: argparse.Namespace) -> int:
    """JSON lines in (``id``, ``url``, ``title``, ``text``, optional ``published_at`` and
    ``source``), one JSON line out per input, in order. Same rules as the article store."""
    from processors.dedup import StreamDeduplicator

    if args.index_store:
        return _dedup_index_store()
    dedup = StreamDeduplicator()
    errors = 0
    for lineno, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        doc_id: Any = None
        try:
            obj = json.loads(line)
            doc_id = obj.get("id") if isinstance(obj, dict) else None
            result = dedup.add(obj["id"] if isinstance(obj, dict) else None, **_dedup_fields(obj))
        except json.JSONDecodeError as exc:
            errors += 1
            _out({"id": None, "line": lineno, "error": f"invalid JSON: {exc}"})
            continue
        except ValueError as exc:
            errors += 1
            _out({"id": doc_id, "line": lineno, "error": str(exc)})
            continue
        out: dict[str, Any] = {
            "id": result.id,
            "cluster_id": result.cluster_id,
            "duplicate_of": result.duplicate_of,
            "duplicate_kind": result.duplicate_kind,
        }
        if result.similarity is not None:
            out["similarity"] = round(result.similarity, 4)
        _out(out)
        sys.stdout.flush()
    return 1 if errors else 0


def _dedup_index_store() -> int:
    from newsmon.pipeline import context
    from store import repo
    from store.db import session_scope

    total = 0
    with context() as ctx:
        while True:
            with session_scope(ctx.factory) as session:
                n = repo.index_missing_signatures(session, limit=500)
            if not n:
                break
            total += n
    print(f"indexed {total} stored articles for deduplication", file=sys.stderr)
    return 0


def _score_fields(obj: Any) -> tuple[str | None, str | None, str | None]:
    """``(title, text, description)`` of one ``newsmon score`` input; ``ValueError`` when bad."""
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    values: dict[str, str | None] = {}
    for key in ("title", "text", "description"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key!r} must be a string")
        values[key] = value
    language = obj.get("language")
    if language is not None and not (isinstance(language, str) and len(language) == 2 and language.isalpha()):
        raise ValueError("'language' must be an ISO 639-1 code")
    if not any((values[k] or "").strip() for k in values):
        raise ValueError("no 'title', 'text' or 'description' to score")
    return values["title"], values["text"], values["description"]


def cmd_score(args: argparse.Namespace) -> int:
    """JSON lines in (``title``, and ``text`` or ``description``, optional ``language`` and
    ``id``), one JSON line out per input, in order: ``id``, ``score``, ``relevant``, ``tags``,
    ``matches`` (term group -> field -> matched terms) and ``profile``. A bad line yields an
    object with ``error``; the exit status stays 0. ``language`` is checked but does not narrow
    the terms: headlines mix names and phrases across languages, and every group's terms of
    every language are matched."""
    from newsmon.config import ConfigError, load_topic
    from newsmon.settings import get_settings
    from processors.relevance import score_text

    try:
        profile = load_topic(args.topic or get_settings().topic_file)
    except ConfigError as exc:
        print(f"newsmon score: {exc}", file=sys.stderr)
        return 2
    for lineno, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        item_id: Any = None
        try:
            obj = json.loads(line)
            item_id = obj.get("id") if isinstance(obj, dict) else None
            title, text, description = _score_fields(obj)
        except json.JSONDecodeError as exc:
            _out({"id": None, "line": lineno, "error": f"invalid JSON: {exc}"})
            continue
        except ValueError as exc:
            _out({"id": item_id, "line": lineno, "error": str(exc)})
            continue
        rel = score_text(profile, title, text, description)
        _out({"id": item_id, **rel.to_json()})
        sys.stdout.flush()
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from newsmon.pipeline import rescore_articles

    print(json.dumps(rescore_articles(all_articles=args.all), ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsmon", description="Follow one story across many outlets.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="clean HTML files into JSON lines (one per file, in order)")
    p.add_argument("files", nargs="+", metavar="FILE", help="HTML files (.html or .html.gz)")
    p.add_argument("--url", help="the URL the pages were fetched from (resolves relative links)")
    p.add_argument(
        "--source",
        metavar="ID",
        help="the registry's outlet the pages come from: its time zone for dates without one, its "
        "founding year against impossible dates",
    )
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
    c.add_argument("--topic", help="another topic profile (its `search` section generates search sources)")
    c.set_defaults(func=cmd_sources_check)
    c = ssub.add_parser("status", help="source health: last success, new items per day, error rate, disabled feeds")
    c.add_argument("--feeds", action="store_true", help="also one row per feed and news sitemap")
    c.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    c.set_defaults(func=cmd_sources_status)

    p = sub.add_parser("read-feed", help="parse one feed (file or URL) and print its items as JSON lines")
    p.add_argument("source", metavar="FILE|URL", help="a feed file (gzip too) or an http(s) URL")
    p.add_argument("--url", help="the URL the feed was fetched from (resolves relative links)")
    p.add_argument("--max-bytes", type=int, help="refuse larger input (default: NEWSMON_MAX_DOWNLOAD_BYTES)")
    p.set_defaults(func=cmd_read_feed)

    p = sub.add_parser("export", help="articles changed after a cursor, as JSON lines ordered by seq")
    p.add_argument("--cursor", type=int, default=0, help="the highest seq already read")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--all", action="store_true", help="include articles not relevant to the story")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "dedup",
        help="cluster JSON lines from stdin (id, url, title, text, published_at) into duplicates, one line out each",
        description="Reads JSON lines (id, url, title, text, optional published_at and source; source defaults "
        "to the URL's host) and writes one line per input, in order: id, cluster_id, duplicate_of (the id of "
        "the cluster's origin, or null), duplicate_kind (url, exact, near, title, revision, or null). A bad line "
        "gets an error line and the exit status is 1.",
    )
    p.add_argument(
        "--index-store",
        action="store_true",
        help="instead: index the stored articles that have no dedup signature yet (stored before migration 0005)",
    )
    p.set_defaults(func=cmd_dedup)
    p = sub.add_parser(
        "score",
        help="score JSON lines from stdin (title, text or description) for relevance, one line out each",
        description="Reads JSON lines (title, and text or description; optional language and id) and writes one "
        "line per input, in order: id, score, relevant, tags, matches (term group -> field -> matched terms) and "
        "profile. A bad line gets an object with an error field; the exit status is 0.",
    )
    p.add_argument("--topic", help="another topic profile (default: NEWSMON_TOPIC_FILE or config/topic.yaml)")
    p.set_defaults(func=cmd_score)
    p = sub.add_parser(
        "rescore",
        help="re-score stored articles with the current topic profile (no fetching)",
        description="Re-scores the stored articles whose topic_version is not the current profile's (all of them "
        "with --all). Each row whose relevance changes takes a new seq; running it again changes nothing.",
    )
    p.add_argument("--all", action="store_true", help="re-score every article, not only those of other versions")
    p.set_defaults(func=cmd_rescore)
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
    from newsmon.config import ConfigError
    from store.db import StoreSchemaError

    try:
        return int(args.func(args))
    except (ConfigError, StoreSchemaError) as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
