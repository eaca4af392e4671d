"""processors/bylines.py finds the byline trafilatura's ``extract_author`` finds, in one pass:
checked against the expressions of the installed trafilatura (a release that looks for other
attribute values fails here first) and against ``extract_author`` itself on every corpus page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from processors.bylines import NEEDLES, markup_author


def _literals(path: str) -> list[str]:
    """The strings trafilatura's expressions compare attribute values with: regex alternatives
    split, ``-?`` and character classes such as ``[Aa]`` expanded."""
    out: list[str] = []
    for literal in re.findall(r"'([^']*)'", path):
        for alternative in literal.split("|"):
            for variant in (alternative.replace("-?", "-"), alternative.replace("-?", "")):
                out += [re.sub(r"\[(\w)(\w)\]", lambda m, i=i: m.group(1 + i), variant) for i in (0, 1)]
    return out


def test_needles_cover_every_value_trafilatura_looks_for() -> None:
    from trafilatura.metadata import AUTHOR_XPATHS

    assert len(AUTHOR_XPATHS) == 3, "trafilatura's byline search changed: review processors/bylines.py"
    for xpath in AUTHOR_XPATHS:
        for literal in _literals(xpath.path):
            if literal == "me":  # rel='me' compares a child <rel> element
                continue
            assert any(needle in literal for needle in NEEDLES), (literal, xpath.path)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<html><body><p class="article-author">Jane Doe</p><p>Text.</p></body></html>', "Jane Doe"),
        ('<html><body><span class="byline">By John Smith</span></body></html>', "John Smith"),
        ('<html><body><a rel="author" href="/a">Anna Nowak</a></body></html>', "Anna Nowak"),
        ("<html><body><author>Olena Petrenko</author></body></html>", "Olena Petrenko"),
        # inside a comment section or a <figure>: pruned, as trafilatura prunes it
        ('<html><body><div class="comments"><p class="author">A Commenter</p></div></body></html>', None),
        ('<html><body><figure><span class="author">Photo Person</span></figure></body></html>', None),
        # the pruned <time> inside the byline is left out of its text, its tail kept
        (
            '<html><body><div class="author">Jane Roe <time>2024-01-01</time> and Max Muster</div></body></html>',
            "Jane Roe; Max Muster",
        ),
        ('<html><head><meta name="description" content="x"></head><body><p>Text.</p></body></html>', None),
    ],
)
def test_small_pages_match_trafilatura(html: str, expected: str | None) -> None:
    from trafilatura.metadata import extract_author
    from trafilatura.utils import load_html

    tree = load_html(html)
    assert markup_author(tree, html) == extract_author(tree)
    assert markup_author(tree) == extract_author(tree)
    assert markup_author(tree, html) == expected


def test_same_result_as_trafilatura_on_every_corpus_page(corpus: Path) -> None:
    from trafilatura.metadata import extract_author
    from trafilatura.utils import load_html

    from newsmon.quality import load_pages
    from processors.extract import decode_body

    found = 0
    for page in load_pages(corpus):
        html = decode_body(page.html(), "text/html")
        tree = load_html(html)
        if tree is None:
            continue
        expected = extract_author(tree)
        assert markup_author(tree, html) == expected, page.url
        found += expected is not None
    assert found > 100
