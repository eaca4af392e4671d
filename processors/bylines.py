"""The byline in the page's markup: trafilatura's ``extract_author``, in one pass over the page.

trafilatura (2.3) looks for an author in the markup with three XPath expressions, tried in
order, on a copy of the page from which comments, sidebars, ``<time>`` and ``<figure>`` were
pruned: a copy, a pruning pass and three more passes over every element, about 6 ms on a large
page, for every page that does not declare its author. Here the same three predicates are
evaluated in **one** pass (their disjunction), with ``re:test`` on literal alternations written
as the equivalent ``contains()`` / ``starts-with()`` (native to libxml2, no Python callback per
element) and, first, only for the attribute values that can match at all (the needles
below: a few substring tests of the source settle about a third of the pages, a cheap
attribute scan most of the rest); the few elements found are then sorted by the expression they satisfy; each is
dropped when it lies inside a pruned region, and its text is read without the pruned
descendants (their tails kept), as on trafilatura's pruned copy. The result is trafilatura's
(``tests/test_bylines.py`` compares the two on every corpus page).
"""

from __future__ import annotations

import re
from copy import deepcopy
from functools import lru_cache
from typing import Any

from lxml.etree import XPath


def _any(attr: str, *needles: str) -> str:
    return "(" + " or ".join(f"contains({attr}, '{n}')" for n in needles) + ")"


def _starts(attr: str, *prefixes: str) -> str:
    return "(" + " or ".join(f"starts-with({attr}, '{p}')" for p in prefixes) + ")"


# trafilatura.xpaths.AUTHOR_XPATHS, as predicates on one element.
_AUTHOR_PREDICATES = [
    # specific and almost specific (plus every <author> element, see below)
    "(self::a or self::address or self::div or self::link or self::p or self::span or self::strong) and ("
    "@rel='author' or @id='author' or @class='author' or @itemprop='author name' or rel='me' or "
    "@data-testid='AuthorCard' or @data-testid='AuthorURL' or "
    + _any("@class", "author-name", "authorname", "AuthorName", "authorName")  # author-?name|...
    + ")",
    # almost generic and generic
    "(self::a or self::div or self::h3 or self::h4 or self::p or self::span) and ("
    "@class='byline' or @class='username' or @class='byl' or @class='BBL' or "
    "contains(@itemprop, 'author') or "
    + _any("@id", "author", "zuozhe", "bianji", "xiaobian")
    + " or "
    + _any(
        "@class",
        "author",
        "channel-name",
        "zuozhe",
        "bianji",
        "xiaobian",
        "submitted-by",
        "posted-by",
        "journalist-name",
    )
    + ")",
    # last resort: any element
    "contains(@data-component, 'Byline') or contains(@itemprop, 'author') or "
    + _any("@id", "author", "Author")  # [Aa]uthor
    + " or "
    + _any("@class", "author", "Author", "screenname", "writer", "byline", "Byline"),
]

# trafilatura.xpaths.AUTHOR_DISCARD_XPATHS, as a predicate on one element.
_DISCARD_PREDICATE = (
    "self::time or self::figure or ((self::a or self::div or self::section or self::span) and ("
    "@id='comments' or @class='comments' or @class='title' or @class='date' or "
    + _starts("@id", "comments")
    + " or "
    + _any("@id", "commentlist", "comment-list", "ProductReviews")  # ^comments|comment-?list|...
    + " or "
    + _starts("@class", "comments", "Comments")  # ^[Cc]omments
    + " or "
    + _any(
        "@class",
        "commentlist",
        "comments-list",
        "sidebar",
        "is-hidden",
        "quote",
        "embedly-instagram",
        "article-share",
        "article-support",  # article-(?:share|support)
        "print",
        "category",
        "meta-date",
        "meta-reviewer",
    )
    + " or contains(@data-component, 'Figure')))"
)

# Every attribute value the predicates test for contains one of these (case-sensitively, as
# trafilatura's expressions test them), so the elements that can match are the parents of the
# attributes containing one: found with one cheap XPath over the needles the page's source holds.
NEEDLES = (
    "uthor",  # author, Author, authorName, AuthorCard, rel=author, itemprop=author
    "yline",  # byline, Byline, data-component=Byline
    "byl",
    "BBL",
    "username",
    "screenname",
    "writer",
    "zuozhe",
    "bianji",
    "xiaobian",
    "channel-name",
    "submitted-by",
    "posted-by",
    "journalist-name",
)
_TAGS = XPath("//author | //rel/..")  # <author> elements; rel='me' compares a child <rel>
_TAGS_IN_SOURCE = re.compile(r"<(?:author|rel)\b", re.IGNORECASE)
_MATCHES = [XPath(f"boolean(self::*[{p}])") for p in _AUTHOR_PREDICATES]
_IS_AUTHOR_TAG = XPath("boolean(self::author)")
_PRUNED = XPath(f"boolean(ancestor-or-self::*[{_DISCARD_PREDICATE}])")
_HAS_PRUNED_INSIDE = XPath(f"boolean(.//*[{_DISCARD_PREDICATE}])")
_PRUNE_INSIDE = [XPath(f".//*[{_DISCARD_PREDICATE}]")]


def _text(elem: Any) -> str:
    from trafilatura.htmlprocessing import prune_unwanted_nodes
    from trafilatura.utils import trim

    if _HAS_PRUNED_INSIDE(elem):
        elem = prune_unwanted_nodes(deepcopy(elem), _PRUNE_INSIDE)  # a copy of this element only
    return str(trim(" ".join(elem.itertext())))


@lru_cache(maxsize=256)
def _attribute_owners(needles: tuple[str, ...]) -> XPath:
    """The elements with an attribute value containing one of ``needles`` (compiled once per set)."""
    return XPath("//@*[" + " or ".join(f"contains(., '{n}')" for n in needles) + "]/..")


def _candidates(tree: Any, source: str | None) -> list[Any]:
    needles = tuple(n for n in NEEDLES if source is None or n in source)
    found: list[Any] = _attribute_owners(needles)(tree) if needles else []
    tags = _TAGS(tree) if source is None or _TAGS_IN_SOURCE.search(source) else []
    if tags:  # rare: merge in document order
        everything = {id(e): e for e in found + tags}
        order = {id(e): i for i, e in enumerate(tree.iter())}
        found = sorted(everything.values(), key=lambda e: order.get(id(e), -1))
    return found


def markup_author(tree: Any, source: str | None = None) -> str | None:
    """The author named in the page's markup, as trafilatura's ``extract_author`` finds it
    (``;``-separated when several), or None. ``source``, the page's HTML, lets the search skip
    the needles it does not hold (a value spelled with character references in the source,
    ``&#97;uthor``, would then be missed). ``tree`` is not modified."""
    candidates = _candidates(tree, source)
    if not candidates:
        return None
    from trafilatura.json_metadata import normalize_authors

    for index, matches in enumerate(_MATCHES):
        for elem in candidates:
            if not (matches(elem) or (index == 0 and _IS_AUTHOR_TAG(elem))):
                continue
            # The root is never pruned by trafilatura (its expressions look at descendants).
            if elem.getparent() is not None and _PRUNED(elem):
                continue
            content = _text(elem)
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None
