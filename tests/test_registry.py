"""The source registry (config/sources.yaml), the search sources generated from the topic
profile, and ``newsmon sources check``."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from newsmon.cli import main
from newsmon.config import ConfigError, load_sources, load_topic, search_sources

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "config" / "sources.yaml"
TOPIC = ROOT / "config" / "topic.yaml"
NAMED = {
    "ukrainska-pravda", "ukrinform", "kyiv-independent", "rbc-ukraine", "suspilne", "kommersant", "tass", "meduza",
    "le-monde", "france24", "rfi", "le-figaro", "euronews-fr", "dw-en", "tagesschau", "spiegel", "faz", "bbc-news",
    "the-guardian", "ap-news", "politico-europe", "rzeczpospolita", "tvn24", "pap", "euronews-en", "euronews-de",
}  # fmt: skip


def test_registry_covers_the_story() -> None:
    registry = load_sources(SOURCES, TOPIC)
    live = registry.select(["live"])
    outlets = [s for s in live if not s.id.startswith("search-")]
    assert len(outlets) >= 40
    assert {s.id for s in outlets} >= NAMED
    languages = {lang for s in live for lang in s.languages}
    assert {"en", "fr", "de", "uk", "ru", "pl", "it", "es"} <= languages
    # every language of the topic profile has outlets of its own, not only a Google News edition
    topic = load_topic(TOPIC)
    profile_languages = {lang for g in topic.groups for lang in g.terms if lang != "any"}
    assert len(profile_languages) >= 18
    assert profile_languages <= {lang for s in outlets for lang in s.languages}
    for src in outlets:
        assert src.country and re.fullmatch(r"[A-Z]{2}", src.country), src.id
        assert src.timezone and src.politeness.delay >= 2.0, src.id
        assert src.feeds or src.news_sitemaps, src.id
    assert sum(len(s.sections) for s in outlets) >= 5


def test_search_sources_are_generated_per_language() -> None:
    topic = load_topic(TOPIC)
    generated = {s.id: s for s in search_sources(topic)}
    langs = {"en", "fr", "de", "uk", "ru", "pl"}
    assert {f"search-google-news-{lang}" for lang in langs} <= set(generated)
    for lang in langs:
        src = generated[f"search-google-news-{lang}"]
        assert src.enabled and src.languages == [lang] and src.feeds[0].kind == "search"
        url = urlsplit(src.feeds[0].url)
        assert (url.scheme, url.hostname, url.path) == ("https", "news.google.com", "/rss/search")
        params = parse_qs(url.query)
        assert params["ceid"][0].endswith(":" + lang) and params["gl"][0] == src.country
        assert "when:2d" in params["q"][0]
    # The English query comes from the term groups: the plain terms of the chosen groups...
    q_en = parse_qs(urlsplit(generated["search-google-news-en"].feeds[0].url).query)["q"][0]
    assert '"coalition of the willing"' in q_en and q_en.split(")")[1].strip().startswith("Ukraine")
    # ...and a language whose terms are all stems uses the phrases its edition lists.
    q_uk = parse_qs(urlsplit(generated["search-google-news-uk"].feeds[0].url).query)["q"][0]
    assert '"гарантії безпеки"' in q_uk and "*" not in q_uk
    # no placeholder reaches a search engine, in any language: "#-puntenplan", "#denní příměří"
    for src in generated.values():
        if src.id.startswith("search-google-news-"):
            query = parse_qs(urlsplit(src.feeds[0].url).query)["q"][0]
            assert not [mark for mark in ("*", "#", "|", "...") if mark in query], (src.id, query)
    gdelt = generated["search-gdelt"]
    assert gdelt.enabled is False  # optional: off by default
    params = parse_qs(urlsplit(gdelt.feeds[0].url).query)
    assert params["format"] == ["rss"] and params["mode"] == ["artlist"] and "Ukraine" in params["query"][0]


def test_generated_search_sources_reach_the_pipeline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from newsmon.pipeline import context, list_sources

    monkeypatch.setenv("NEWSMON_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("NEWSMON_SOURCE_GROUPS", "live")
    with context(migrate=True) as ctx:
        assert ctx.sources.get("search-google-news-pl").feeds[0].kind == "search"
    feeds = list_sources("feeds")
    assert "search-google-news-fr" in feeds and "search-gdelt" not in feeds and "tass" in feeds
    assert {"the-guardian", "tvn24", "ap-news"} <= set(list_sources("sections"))


def test_search_section_errors_name_the_field(tmp_path: Path) -> None:
    text = TOPIC.read_text(encoding="utf-8")
    bad = tmp_path / "topic.yaml"
    bad.write_text(text.replace("groups: [security_guarantees, coalition_of_the_willing]", "groups: [nope]"))
    with pytest.raises(ConfigError, match=r"search\.groups: unknown term group"):
        load_topic(bad)
    stems_only = text.replace("terms: [гарантії безпеки, коаліція охочих], anchor: Україна", "anchor: Україна")
    bad.write_text(stems_only, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"search\.google_news\[uk\]: .*give the edition `terms`"):
        load_topic(bad)
    bad.write_text(text.replace("timezone: Europe/Kyiv,", "timezone: Europe/Nowhere,"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"search\.google_news\[3\]\.timezone: unknown time zone 'Europe/Nowhere'"):
        load_topic(bad)


def test_section_link_pattern_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        """\
version: 1
sources:
  - id: sec-only
    name: Sections only
    languages: [en]
    sections:
      - url: https://news.example.org/world
        link_pattern: '^https://news\\.example\\.org/(world/[0-9]+'
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert "source 'sec-only' (sources[0]): sections[0].link_pattern: link_pattern is not a valid regular" in str(
        err.value
    )
    path.write_text(path.read_text().replace("(world", "world"), encoding="utf-8")
    section = load_sources(path).get("sec-only").sections[0]
    assert section.link_pattern == r"^https://news\.example\.org/world/[0-9]+"


def test_sources_check_prints_table_and_totals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "check"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["id", "group", "country", "languages", "feeds", "sitemaps", "sections", "enabled"]
    assert re.search(r"^search-google-news-uk\s+live\s+UA\s+uk\s+1\s+0\s+0\s+yes$", out, re.M)
    assert re.search(r"^search-gdelt\s+live\s+-\s+\S+\s+1\s+0\s+0\s+no$", out, re.M)
    assert re.search(r"^the-guardian\s+live\s+GB\s+en\s+2\s+1\s+1\s+yes$", out, re.M)
    assert "enabled sources per language:" in out and "enabled sources per country:" in out
    assert re.search(r"\bpl \d+", out) and re.search(r"\bUA \d+", out)


def test_sources_check_fails_on_an_invalid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("version: 1\nsources:\n  - id: x1\n    name: X\n    languages: [english]\n    feeds: [ftp://x]\n")
    assert main(["sources", "check", "--file", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: source 'x1' (sources[0]): languages: language 'english' is not an ISO 639-1 code" in err
