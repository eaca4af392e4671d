"""``newsmon.config``: the committed registry and topic load; invalid files are refused with an
error that says where (file, source, field)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsmon.config import ConfigError, SourcesFile, TopicProfile, load_sources, load_topic

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "config" / "sources.yaml"
TOPIC = ROOT / "config" / "topic.yaml"
REPLAY_DIR = ROOT / "fixtures" / "replay"

GOOD_SOURCE = """\
version: 1
sources:
  - id: good-one
    name: Good Outlet
    languages: [en]
    feeds: [https://good.example.org/rss]
"""

GOOD_TOPIC = """\
id: test-topic
version: 1
name: Test topic
threshold: 2.0
groups:
  - id: country
    anchor: true
    terms:
      en: [Ukraine]
  - id: guarantees
    weight: 3.0
    terms:
      en: [security guarantee*]
"""


def _all_urls(sources: SourcesFile, group: str) -> list[str]:
    urls: list[str] = []
    for src in sources.sources:
        if src.group == group:
            urls += [f.url for f in src.feeds] + [s.url for s in src.news_sitemaps]
    return urls


def _write(tmp_path: Path, text: str, name: str = "sources.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _sources_error(tmp_path: Path, extra_source: str) -> str:
    """Load GOOD_SOURCE plus one more source and return the ConfigError message."""
    path = _write(tmp_path, GOOD_SOURCE + textwrap.indent(textwrap.dedent(extra_source), "  "))
    with pytest.raises(ConfigError) as exc:
        load_sources(path)
    message = str(exc.value)
    assert message.startswith(f"{path}: "), message
    assert "'good-one'" not in message or "duplicate" in message, message  # the valid source is not blamed
    return message


# -- the committed files -------------------------------------------------------------------------


@pytest.fixture
def replay_base(monkeypatch: pytest.MonkeyPatch) -> str:
    base = "http://127.0.0.1:54321"
    monkeypatch.setenv("NEWSMON_REPLAY_BASE", base)
    return base


def test_committed_sources_load(replay_base: str) -> None:
    sources = load_sources(SOURCES)
    ids = [s.id for s in sources.sources]
    assert len(ids) == len(set(ids))
    assert {"live", "demo"} <= {s.group for s in sources.sources}
    for src in sources.sources:
        assert src.feeds or src.news_sitemaps, src.id
    assert sources.get("le-monde").languages == ["fr"]
    with pytest.raises(KeyError):
        sources.get("no-such-source")


def test_live_sources_cover_at_least_five_languages(replay_base: str) -> None:
    sources = load_sources(SOURCES)
    live = sources.select(["live"])
    assert len(live) >= 5
    languages = {lang for src in live for lang in src.languages}
    assert len(languages) >= 5, languages
    assert {"en", "fr", "de", "uk", "pl"} <= languages


def test_live_sources_use_public_https_urls(replay_base: str) -> None:
    urls = _all_urls(load_sources(SOURCES), "live")
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https", url
        assert parts.hostname and "." in parts.hostname and not parts.hostname.startswith("127."), url
        assert replay_base not in url


def test_demo_sources_use_the_replay_base(replay_base: str) -> None:
    sources = load_sources(SOURCES)
    demo = sources.select(["demo"])
    assert len(demo) >= 5
    urls = _all_urls(sources, "demo")
    assert len(urls) >= len(demo)
    for url in urls:
        assert url.startswith(replay_base + "/"), url
        # ...and each one points at a file the replay server actually has.
        assert (REPLAY_DIR / url.removeprefix(replay_base + "/")).is_file(), url


def test_demo_base_defaults_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSMON_REPLAY_BASE", raising=False)
    urls = _all_urls(load_sources(SOURCES), "demo")
    assert urls
    assert all(u.startswith("http://127.0.0.1:8765/") for u in urls), urls


def test_select_filters_groups_and_disabled(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        GOOD_SOURCE
        + """\
  - id: demo-one
    name: Demo
    group: demo
    languages: [fr]
    feeds: [http://127.0.0.1:1/rss.xml]
  - id: switched-off
    name: Switched off
    enabled: false
    languages: [de]
    news_sitemaps: [https://off.example.org/news.xml]
""",
    )
    sources = load_sources(path)
    assert [s.id for s in sources.select(["live"])] == ["good-one"]
    assert [s.id for s in sources.select(["demo"])] == ["demo-one"]
    assert [s.id for s in sources.select()] == ["good-one", "demo-one"]
    assert sources.get("switched-off").news_sitemaps[0].max_age_days == 3.0


def test_committed_topic_loads() -> None:
    topic = load_topic(TOPIC)
    assert isinstance(topic, TopicProfile)
    assert topic.id == "ukraine-security-guarantees"
    assert topic.version >= 1
    assert topic.threshold > 0
    assert any(g.anchor for g in topic.groups)
    ids = [g.id for g in topic.groups]
    assert len(ids) == len(set(ids))
    # The topic follows the story in the languages the live sources publish in.
    live_langs = {lang for src in load_sources(SOURCES).select(["live"]) for lang in src.languages}
    anchor_langs = {lang for g in topic.groups if g.anchor for lang in g.terms}
    assert live_langs <= anchor_langs | {"any"}


def test_env_expansion_with_default_and_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(
        tmp_path,
        """\
        sources:
          - id: env-src
            name: "${NEWSMON_TEST_NAME:-Fallback name}"
            languages: [en]
            feeds: ["${NEWSMON_TEST_BASE}/rss.xml"]
        """,
    )
    monkeypatch.delenv("NEWSMON_TEST_NAME", raising=False)
    monkeypatch.setenv("NEWSMON_TEST_BASE", "https://env.example.org")
    src = load_sources(path).get("env-src")
    assert src.name == "Fallback name"
    assert src.feeds[0].url == "https://env.example.org/rss.xml"

    monkeypatch.setenv("NEWSMON_TEST_NAME", "From env")
    assert load_sources(path).get("env-src").name == "From env"


# -- invalid source registries -------------------------------------------------------------------


def test_bad_url_scheme_names_file_source_and_field(tmp_path: Path) -> None:
    msg = _sources_error(
        tmp_path,
        """\
        - id: bad-scheme
          name: Bad
          languages: [en]
          feeds: [ftp://bad.example.org/rss]
        """,
    )
    assert "source 'bad-scheme' (sources[1])" in msg
    assert "feeds[0].url" in msg
    assert "http or https" in msg


def test_bad_sitemap_url_without_host(tmp_path: Path) -> None:
    msg = _sources_error(
        tmp_path,
        """\
        - id: no-host
          name: X
          languages: [en]
          feeds: [https://ok.example.org/rss]
          news_sitemaps: [{url: "https:///news.xml"}]
        """,
    )
    assert "source 'no-host' (sources[1])" in msg
    assert "news_sitemaps[0].url" in msg
    assert "no host" in msg


def test_unknown_language_code(tmp_path: Path) -> None:
    msg = _sources_error(
        tmp_path,
        """\
        - id: bad-lang
          name: Bad
          languages: [en, english]
          feeds: [https://bad.example.org/rss]
        """,
    )
    assert "source 'bad-lang' (sources[1])" in msg
    assert "languages:" in msg
    assert "'english'" in msg


def test_duplicate_source_id(tmp_path: Path) -> None:
    msg = _sources_error(
        tmp_path,
        """\
        - id: good-one
          name: Same id again
          languages: [en]
          feeds: [https://again.example.org/rss]
        """,
    )
    assert "duplicate source id 'good-one'" in msg


def test_missing_required_name(tmp_path: Path) -> None:
    msg = _sources_error(
        tmp_path,
        """\
        - id: nameless
          languages: [en]
          feeds: [https://x.example.org/rss]
        """,
    )
    assert "source 'nameless' (sources[1])" in msg
    assert "name: Field required" in msg


def test_unknown_key_is_forbidden(tmp_path: Path) -> None:
    msg = _sources_error(
        tmp_path,
        """\
        - id: extra-key
          name: X
          languages: [en]
          colour: blue
          feeds: [https://x.example.org/rss]
        """,
    )
    assert "source 'extra-key' (sources[1])" in msg
    assert "colour" in msg
    assert "Extra inputs are not permitted" in msg


def test_unknown_nested_key_is_forbidden(tmp_path: Path) -> None:
    msg = _sources_error(
        tmp_path,
        """\
        - id: nested-extra
          name: X
          languages: [en]
          feeds: [{url: "https://x.example.org/rss", refresh: 5}]
        """,
    )
    assert "source 'nested-extra' (sources[1])" in msg
    assert "feeds[0].refresh" in msg


def test_source_without_feeds_or_sitemaps(tmp_path: Path) -> None:
    msg = _sources_error(
        tmp_path,
        """\
        - id: no-entry
          name: X
          languages: [en]
        """,
    )
    assert "source 'no-entry' (sources[1])" in msg
    assert "at least one feed or news sitemap" in msg


@pytest.mark.parametrize(
    ("snippet", "field", "fragment"),
    [
        ("id: Bad_ID\n", "id", "2-63 characters"),
        ("timezone: Mars/Olympus\n", "timezone", "unknown time zone"),
        ("politeness: {concurrency: 9}\n", "politeness.concurrency", "less than or equal to 4"),
        ("languages: []\n", "languages", "at least 1"),
        ("homepage: javascript:alert(1)\n", "homepage", "http or https"),
    ],
)
def test_other_field_errors_name_the_field(tmp_path: Path, snippet: str, field: str, fragment: str) -> None:
    fields = {"id": "id: other-src\n", "name": "name: X\n", "languages": "languages: [en]\n"}
    key = snippet.split(":", 1)[0]
    fields[key] = snippet
    body = "".join(fields.values()) + "feeds: [https://x.example.org/rss]\n"
    body = body.replace("\n", "\n  ").rstrip() + "\n"
    msg = _sources_error(tmp_path, "- " + body)
    assert "(sources[1])" in msg
    assert f"{field}:" in msg
    assert fragment in msg


def test_invalid_yaml(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_SOURCE + "  - id: [unclosed\n")
    with pytest.raises(ConfigError) as exc:
        load_sources(path)
    assert str(exc.value).startswith(f"{path}: not valid YAML")
    assert "line 7" in str(exc.value)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path, "- just\n- a list\n")
    with pytest.raises(ConfigError, match="expected a mapping at the top level") as exc:
        load_sources(path)
    assert str(path) in str(exc.value)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match="cannot read") as exc:
        load_sources(path)
    assert str(path) in str(exc.value)


UNSET_VAR_SOURCE = """\
  - id: env-src
    name: X
    languages: [en]
    feeds: ["${NEWSMON_TEST_SURELY_UNSET}/rss.xml"]
"""


def test_unset_env_var_without_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSMON_TEST_SURELY_UNSET", raising=False)
    path = _write(tmp_path, GOOD_SOURCE + UNSET_VAR_SOURCE)
    with pytest.raises(ConfigError) as exc:
        load_sources(path)
    msg = str(exc.value)
    assert msg.startswith(f"{path}: ")
    assert "${NEWSMON_TEST_SURELY_UNSET}" in msg
    assert "not set and has no default" in msg


def test_unset_env_var_error_names_source_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSMON_TEST_SURELY_UNSET", raising=False)
    path = _write(tmp_path, GOOD_SOURCE + UNSET_VAR_SOURCE)
    with pytest.raises(ConfigError) as exc:
        load_sources(path)
    assert "env-src" in str(exc.value)
    assert "feeds[0]" in str(exc.value)


def test_several_errors_are_all_reported(tmp_path: Path) -> None:
    msg = _sources_error(
        tmp_path,
        """\
        - id: two-errors
          name: X
          languages: [xx1]
          feeds: [gopher://x.example.org/]
        """,
    )
    lines = msg.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{tmp_path / 'sources.yaml'}: source 'two-errors'") for line in lines)


# -- topic profiles ------------------------------------------------------------------------------


def test_minimal_topic_loads(tmp_path: Path) -> None:
    topic = load_topic(_write(tmp_path, GOOD_TOPIC, "topic.yaml"))
    assert [g.id for g in topic.groups] == ["country", "guarantees"]
    assert topic.title_boost == 2.0


def test_topic_without_anchor_group_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_TOPIC.replace("    anchor: true\n", ""), "topic.yaml")
    with pytest.raises(ConfigError) as exc:
        load_topic(path)
    assert str(exc.value).startswith(f"{path}: ")
    assert "at least one term group must be an anchor" in str(exc.value)


def test_topic_duplicate_group_ids_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_TOPIC.replace("id: guarantees", "id: country"), "topic.yaml")
    with pytest.raises(ConfigError, match="term group ids must be unique"):
        load_topic(path)


def test_topic_group_error_names_the_group(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_TOPIC.replace("en: [security guarantee*]", "english: [security guarantee*]"), "t.yaml")
    with pytest.raises(ConfigError) as exc:
        load_topic(path)
    msg = str(exc.value)
    assert msg.startswith(f"{path}: term group 'guarantees' (groups[1]): terms:")
    assert "'english'" in msg


def test_committed_topic_rejected_when_anchor_removed(tmp_path: Path) -> None:
    text = TOPIC.read_text(encoding="utf-8").replace("anchor: true", "anchor: false")
    path = _write(tmp_path, text, "topic.yaml")
    with pytest.raises(ConfigError, match="anchor"):
        load_topic(path)
