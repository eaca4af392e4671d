"""Issue 4: main text choice, boilerplate, agencies, dates, rejections, CLI fields, the quality
gate's scoring and baseline rules, and the corpus never crashing the processor."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsmon import quality
from processors.boilerplate import strip_boilerplate
from processors.extract import AGENCIES, _choose_text, is_person_credit, process_page, url_date
from processors.types import REJECT_REASONS, Article, RawPage, Rejected

ROOT = Path(__file__).resolve().parents[1]
HTML = {"content-type": "text/html; charset=utf-8"}
NOW = datetime(2026, 1, 10, tzinfo=UTC)

PARAGRAPHS = [
    "European defence ministers met in Paris on Tuesday to agree on the shape of a reassurance force "
    "for Ukraine, a plan that has been discussed for months among the coalition of the willing.",
    "The ministers said the force would not be deployed before a ceasefire, and that air patrols and "
    "naval demining in the Black Sea would be its first tasks, according to officials present.",
    "A senior official said the United States had been asked for a backstop, without which several "
    "governments would not commit troops, and that talks in Washington would continue next week.",
    "Critics in several capitals said the plan left open who would command the force and what rules "
    "of engagement it would follow if the ceasefire broke down along the front line in the east.",
]


def page(head: str = "", body: str = "", url: str = "https://news.example.com/2026/01/07/force.html") -> RawPage:
    html = f"<!doctype html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    return RawPage(url=url, body=html.encode("utf-8"), headers=HTML)


def article_body(extra: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"<article><h1>Ministers agree on a reassurance force</h1>{paras}{extra}</article>"


def jsonld(data: dict[str, object]) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# -- boilerplate --------------------------------------------------------------------------------


def test_boilerplate_lines_are_dropped_and_article_lines_kept() -> None:
    text = "\n".join(
        [
            PARAGRAPHS[0],
            "Read more: Ministers meet again in Brussels",
            "Lea también: Impiden ingreso a Nicaragua a reportero",
            "Follow us on Twitter and sign up for our newsletter.",
            "© Oli Scarff/Getty Images",
            PARAGRAPHS[1],
            "The newsletter of the ministry, read by officials, said in its March issue that the plan had "
            "been agreed in principle, a claim that several governments have since disputed in public.",
            "aja/PAP",
        ]
    )
    cleaned, agencies = strip_boilerplate(text, AGENCIES)
    lines = cleaned.split("\n")
    assert lines[0] == PARAGRAPHS[0] and PARAGRAPHS[1] in lines
    assert any(line.startswith("The newsletter of the ministry") for line in lines)  # an article line
    assert not any(line.startswith(("Read more", "Lea también", "Follow us", "©", "aja/")) for line in lines)
    assert agencies == ["PAP"]


def test_sentence_starting_like_a_teaser_is_kept() -> None:
    line = "Mira Nair, the director, said the film would open in Kyiv in the spring."
    assert strip_boilerplate(line, AGENCIES)[0] == line


# -- main text ----------------------------------------------------------------------------------


def test_complete_jsonld_article_body_wins_over_a_partial_extraction() -> None:
    full = "\n".join(PARAGRAPHS)
    dom = {w for p in PARAGRAPHS for w in p.lower().replace(",", " ").replace(".", " ").split()}
    text, method = _choose_text(PARAGRAPHS[0], full, dom)
    assert (text, method) == (full, "jsonld")


def test_jsonld_article_body_not_on_the_page_is_not_trusted() -> None:
    full = "\n".join(PARAGRAPHS)
    text, method = _choose_text(PARAGRAPHS[0], full, {"unrelated", "words"})
    assert (text, method) == (PARAGRAPHS[0], "trafilatura")


def test_article_records_its_extraction_method_and_keeps_paragraphs() -> None:
    result = process_page(page(body=article_body()), now=NOW)
    assert isinstance(result, Article), result
    assert result.extraction_method in ("trafilatura", "jsonld")
    assert result.text.count("\n") >= len(PARAGRAPHS) - 1


# -- metadata -----------------------------------------------------------------------------------


def test_agencies_are_not_authors_and_outlet_is_not_a_person() -> None:
    ld = jsonld(
        {
            "@type": "NewsArticle",
            "headline": "Ministers agree on a reassurance force",
            "datePublished": "2026-01-07T09:30:00+01:00",
            "dateModified": "2026-01-07T11:00:00+01:00",
            "articleSection": "World",
            "image": {"@type": "ImageObject", "url": "/img/force.jpg"},
            "author": [
                {"@type": "Person", "name": "Jane Doe"},
                {"@type": "Organization", "name": "AFP"},
                {"@type": "Person", "name": "Reuters"},
                {"@type": "Person", "name": "Example News"},
            ],
            "publisher": {"@type": "Organization", "name": "Example News"},
        }
    )
    result = process_page(page(head=ld, body=article_body()), now=NOW)
    assert isinstance(result, Article), result
    assert result.authors == ("Jane Doe",)
    assert result.agencies == ("AFP", "Reuters")
    assert result.published_at == datetime(2026, 1, 7, 8, 30, tzinfo=UTC)
    assert result.modified_at == datetime(2026, 1, 7, 10, 0, tzinfo=UTC)
    assert result.date_source == "jsonld"
    assert result.section == "World"
    assert result.image == "https://news.example.com/img/force.jpg"
    data = result.to_json()
    assert data["modified_at"] == "2026-01-07T10:00:00Z" and data["agencies"] == ["AFP", "Reuters"]


def test_byline_with_agency_and_two_people() -> None:
    head = '<meta name="author" content="By Anna Kowalska, Piotr Nowak / PAP">'
    result = process_page(page(head=head, body=article_body()), now=NOW)
    assert isinstance(result, Article), result
    assert result.authors == ("Anna Kowalska", "Piotr Nowak")
    assert result.agencies == ("PAP",)


@pytest.mark.parametrize(
    ("name", "person"),
    [("Jane Doe", True), ("AFP", False), ("Associated Press", False), ("BR24 Redaktion", False), ("BBC News", False)],
)
def test_person_credit(name: str, person: bool) -> None:
    assert is_person_credit(name) is person


def test_url_date_is_a_fallback_and_future_dates_are_refused() -> None:
    assert url_date("https://x.org/2026/01/07/story.html") == "2026-01-07"
    assert url_date("https://x.org/story-20260107.html") is None
    head = '<meta property="article:published_time" content="2031-05-01T10:00:00Z">'
    result = process_page(page(head=head, body=article_body()), now=NOW)
    assert isinstance(result, Article), result
    assert result.published_at == datetime(2026, 1, 7, tzinfo=UTC)
    assert result.date_source == "url"


def test_naive_date_is_read_in_the_source_time_zone() -> None:
    from processors.types import PageHints

    head = '<meta property="article:published_time" content="2026-01-07T09:30:00">'
    raw = page(head=head, body=article_body())
    raw = RawPage(url=raw.url, body=raw.body, headers=HTML, hints=PageHints(timezone="Europe/Kyiv"))
    result = process_page(raw, now=NOW)
    assert isinstance(result, Article), result
    assert result.published_at == datetime(2026, 1, 7, 7, 30, tzinfo=UTC)


# -- rejections ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "body", "reason"),
    [
        ("<title>Page not found | Example News</title>", "<h1>Page not found</h1><p>Sorry.</p>", "error_page"),
        ("<title>Just a moment...</title>", "<p>Checking your browser before accessing.</p>", "bot_block"),
        (
            "<title>Example News</title>",
            "<div class='consent'><p>We use cookies to improve your experience.</p>"
            "<button>Accept all cookies</button></div>",
            "bot_block",
        ),
        (
            "<title>Example</title><script>" + "var a=1;" * 1000 + "</script>",
            "<div id='root'></div><noscript>Please enable JavaScript to read this page.</noscript>",
            "js_shell",
        ),
        (
            jsonld({"@type": "NewsArticle", "headline": "Secret plan", "isAccessibleForFree": "False"}),
            f"<article><h1>Secret plan</h1><p>{PARAGRAPHS[0]}</p><p>Subscribe to continue reading.</p></article>",
            "paywall",
        ),
        (
            jsonld({"@type": "CollectionPage", "name": "World news"}),
            "<ul>" + "".join(f"<li><a href='/a{i}'>{PARAGRAPHS[i % 4][:60]}</a></li>" for i in range(30)) + "</ul>",
            "not_article",
        ),
    ],
)
def test_rejections_with_reasons(head: str, body: str, reason: str) -> None:
    result = process_page(page(head=head, body=body), now=NOW)
    assert isinstance(result, Rejected), result
    assert result.reason == reason, result
    assert result.reason in REJECT_REASONS and result.detail


def test_rejected_page_keeps_what_could_be_read() -> None:
    head = '<link rel="canonical" href="https://news.example.com/short?utm_source=x"><title>Short note</title>'
    result = process_page(page(head=head, body="<article><h1>Short note</h1><p>Only a line.</p></article>"))
    assert isinstance(result, Rejected) and result.reason == "too_short"
    assert result.partial["title"] == "Short note"
    assert result.partial["canonical_url"] == "https://news.example.com/short"


def test_cli_prints_new_fields_and_rejected_objects(tmp_path: Path) -> None:
    ld = jsonld({"@type": "NewsArticle", "headline": "Force", "author": {"@type": "Organization", "name": "dpa"}})
    good = tmp_path / "good.html"
    good.write_bytes(page(head=ld, body=article_body()).body)
    short = tmp_path / "short.html"
    short.write_bytes(page(head="<title>Short note</title>", body="<p>Only a line.</p>").body)
    proc = subprocess.run(
        [sys.executable, "-m", "newsmon.cli", "extract", str(good), str(short)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    ok, rejected = (json.loads(line) for line in proc.stdout.splitlines())
    for key in ("modified_at", "date_source", "agencies", "section", "image"):
        assert key in ok
    assert ok["agencies"] == ["dpa"]
    assert ok["extractor"]["method"] in ("trafilatura", "jsonld")
    assert ok["extractor"]["version"].startswith("trafilatura/")
    assert rejected["rejected"] == "too_short" and rejected["title"] == "Short note"


# -- the quality gate ---------------------------------------------------------------------------


def test_scoring_functions() -> None:
    assert quality.token_f1("a b c d", "a b c d") == 1.0
    assert quality.token_f1("a b", "c d") == 0.0
    assert quality.token_f1("a b c d", "a b") == pytest.approx(2 / 3)
    assert quality.token_f1("北京欢迎你", "北京欢迎") == pytest.approx(2 * 0.8 * 1.0 / 1.8)
    assert quality.snippet_counts("Hello  world. Impressum", ["Hello world"], ["Impressum", "Cookies"]) == (1, 0, 1)
    assert quality.authors_f1(["Jane Doe"], ["jane  doe", "John Roe"]) == pytest.approx(2 / 3)
    assert quality.same_day("2026-01-07T23:30:00-02:00", "2026-01-08")
    assert not quality.same_day(None, "2026-01-08")
    assert quality.prefix_recall("one two three four five", "one two") == 1.0


def test_baseline_cannot_be_lowered_silently() -> None:
    scores = {"fundus/text_f1/de": {"ours": 0.91, "trafilatura": 0.9, "pages": 10}}
    baseline = {"corpus_sha256": "abc", "floors": {"fundus/text_f1/de": 0.95}}
    assert any("under its floor" in p for p in quality.check(scores, baseline, "abc"))
    assert any("corpus changed" in p for p in quality.check(scores, baseline, "def"))
    kept, refused = quality.update(scores, baseline, "abc", accept_lower=False)
    assert kept["floors"]["fundus/text_f1/de"] == 0.95 and refused
    lowered, refused = quality.update(scores, baseline, "abc", accept_lower=True)
    assert lowered["floors"]["fundus/text_f1/de"] == 0.91 and not refused
    raised, refused = quality.update(
        {"fundus/text_f1/de": {**scores["fundus/text_f1/de"], "ours": 0.97}}, baseline, "x", False
    )
    assert raised["floors"]["fundus/text_f1/de"] == 0.97 and raised["corpus_sha256"] == "x" and not refused


def test_committed_baseline_matches_the_corpus(corpus: Path) -> None:
    baseline = json.loads((ROOT / "quality" / "baseline.json").read_text())
    assert baseline["corpus_sha256"] == quality.fingerprint(corpus), "corpus changed: re-run make quality"
    assert baseline["floors"]


def test_gold_pages_load_and_score(corpus: Path) -> None:
    pages = quality.load_pages(corpus)
    by_dataset = {p.dataset for p in pages}
    assert by_dataset == {"trafilatura-eval", "fundus", "goose3", "newspaper4k"}
    assert len(pages) > 1000
    fundus = [p for p in pages if p.dataset == "fundus"][:3]
    rows = [quality.score_page(p) for p in fundus]
    assert all(r["ours"]["crash"] is None and r["ours"]["text_f1"] > 0.5 for r in rows)


def test_no_corpus_page_crashes_the_processor(corpus: Path) -> None:
    """Every HTML page of the shared corpus outside the gold sets (those the gate runs)."""
    paths = [
        p
        for d in ("urls", "articles")
        for p in sorted((corpus / d).rglob("*"))
        if p.is_file() and p.suffix in (".html", ".htm", ".gz", "") and "LICENSE" not in p.name
    ]
    assert paths
    for path in paths:
        body = path.read_bytes()
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        result = process_page(RawPage(url="https://example.org/page", body=body, headers={"content-type": "text/html"}))
        assert isinstance(result, Article | Rejected), path
