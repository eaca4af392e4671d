"""Author credits that name the outlet, its desk or its editor, not the writer (tiny pages of our own)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from processors.extract import is_person_credit, process_page
from processors.types import Article, RawPage

HTML = {"content-type": "text/html; charset=utf-8"}
NOW = datetime(2026, 1, 10, tzinfo=UTC)
PARAGRAPHS = [
    "The city council voted on Tuesday to rebuild the old harbour bridge, closed since a storm damaged "
    "two of its piers last winter, after months of debate over its cost and its design.",
    "Engineers told the council the new bridge would carry trams as well as cars and bicycles, and that "
    "work on the piers could start in spring if the regional government approves the plan.",
    "Residents of the northern districts, who have faced long detours since the closure, welcomed the "
    "vote, while the opposition said the budget left no room for the promised school repairs.",
]


def article(
    head: str = "", extra: str = "", url: str = "https://www.harbour-news.example/2026/01/07/bridge"
) -> Article:
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>{head}</head>"
        f"<body><article><h1>Council votes to rebuild the harbour bridge</h1>{paras}{extra}</article></body></html>"
    )
    result = process_page(RawPage(url=url, body=html.encode("utf-8"), headers=HTML), now=NOW)
    assert isinstance(result, Article), result
    return result


def jsonld(data: dict[str, object]) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("harbour-news.example", False),  # a host name is the outlet
        ("www.example.com", False),
        ("Example.co.uk", False),
        ("J.Smith", True),  # initials run together are not a host (the "TLD" is capitalised)
        ("Anna M. Kowalska", True),
        ("Les Echos", False),  # "Echo" titles newspapers like "Times" or "Herald"
        ("Northern Echo", False),
        ("Agenturen", False),  # agencies, in German, French, Spanish, Italian
        ("agences", False),
        ("red.", False),  # the desk's sign-off (Redaktion / redakcja)
        ("Red", False),
        ("Redmond Walsh", True),
        ("严玉洁", True),  # names without spaces (CJK) stay people
        ("山田太郎", True),
        ("김민준", True),
        ("朝日新聞", False),  # the outlet or desk, with no space before the word (CJK)
        ("読売新聞オンライン", False),
        ("新华社", False),
        ("共同通信", False),
        ("人民日报", False),
        ("NHKニュース", False),
        ("編集部", False),
        ("연합뉴스", False),
        ("조선일보", False),
    ],
)
def test_person_credit_outlets_and_desks(name: str, person: bool) -> None:
    assert is_person_credit(name) is person


def test_credit_spelling_the_site_name_is_not_a_person() -> None:
    # The byline "red, Harbour.news/Agenturen": desk, outlet (its site name), agencies.
    head = (
        '<meta property="og:site_name" content="Harbour.news">'
        '<meta name="author" content="red, Harbour news/Agenturen">'
    )
    assert article(head).authors == ()


def test_one_word_credit_equal_to_the_outlets_handle_is_not_a_person() -> None:
    head = (
        '<meta property="og:site_name" content="HNX Harbour"><meta name="twitter:site" content="@HNX">'
        '<meta name="author" content="HNX">'
    )
    assert article(head).authors == ()


def test_full_name_equal_to_the_handle_is_still_a_person() -> None:
    # A personal site: the writer's account is the site's account; a full name is kept.
    head = '<meta name="twitter:site" content="@annakowalska"><meta name="author" content="Anna Kowalska">'
    assert article(head).authors == ("Anna Kowalska",)


def test_meta_author_that_is_the_declared_editor_is_dropped() -> None:
    head = '<meta name="editor" content="王小明"><meta name="author" content="王小明">'
    assert article(head, extra="<p>【责任编辑：王小明】</p>").authors == ()


def test_meta_author_differing_from_the_editor_is_kept() -> None:
    head = '<meta name="editor" content="王小明"><meta name="author" content="李华">'
    assert article(head).authors == ("李华",)


def test_jsonld_author_wins_over_an_editor_meta_tag() -> None:
    # The page's JSON-LD names its author: an equal "editor" meta tag does not drop it.
    ld = jsonld(
        {
            "@type": "NewsArticle",
            "headline": "Council votes to rebuild the harbour bridge",
            "datePublished": "2026-01-07T10:00:00Z",
            "author": {"@type": "Person", "name": "Li Hua"},
        }
    )
    head = f'{ld}<meta name="editor" content="Li Hua">'
    assert article(head).authors == ("Li Hua",)
