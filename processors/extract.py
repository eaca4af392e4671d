"""Turn one raw page into an :class:`Article` or a :class:`Rejected` with its reason.

The main text comes from trafilatura; metadata is read from what the page states about itself
(JSON-LD, Open Graph and article meta tags, ``<time>``, ``rel=canonical``), then from
trafilatura's own heuristics, then from the feed or sitemap that found the page.
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cached_property
from typing import Any

import lxml.html
from lxml import etree

from processors.boilerplate import strip_boilerplate
from processors.dates import pick_date
from processors.fingerprints import normalise_text, text_hash
from processors.language import detect_language, normalise_declared
from processors.types import Article, RawPage, Rejected
from processors.urls import canonicalize_url

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 400
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "")
_WS = re.compile(r"[ \t\u00a0]+")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ")
_BYLINE_PREFIX = re.compile(r"^(by|par|von|від|от|przez|di|por)\s+", re.IGNORECASE)
_ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "backgroundnewsarticle", "liveblogposting", "webpage", "report",
}  # fmt: skip


def _extractor_name() -> str:
    import trafilatura

    return f"trafilatura/{trafilatura.__version__}"


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode with the HTTP charset, then BOM and ``<meta charset>``, then UTF-8/cp1252."""
    from w3lib.encoding import html_to_unicode

    _enc, text = html_to_unicode(content_type, body)
    return text


def _iter_jsonld(tree: Any) -> Iterator[dict[str, Any]]:
    for node in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (node.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _types(item: dict[str, Any]) -> set[str]:
    t = item.get("@type")
    values = t if isinstance(t, list) else [t]
    return {str(v).lower() for v in values if v}


def _article_jsonld(tree: Any) -> dict[str, Any]:
    best: dict[str, Any] = {}
    for item in _iter_jsonld(tree):
        types = _types(item)
        if types & _ARTICLE_TYPES and (item.get("headline") or item.get("datePublished")):
            if "webpage" in types and best:
                continue
            best = item
            if types & {"newsarticle", "reportagenewsarticle", "analysisnewsarticle"}:
                break
    return best


def _meta(tree: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip()
        if key:
            out.setdefault(key.lower(), node.get("content", "").strip())
    return out


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "organization" in _types(value):
            return []
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _clean_person(name: str) -> str | None:
    name = _WS.sub(" ", name).strip(" ,;")
    name = _BYLINE_PREFIX.sub("", name)
    if not name or len(name) > 80 or "http" in name or "@" in name:
        return None
    return name


# Wire agencies: credited in bylines, but they are not people (they go to ``agencies``).
AGENCIES = {
    "afp": "AFP", "agence france-presse": "AFP", "agence france presse": "AFP", "reuters": "Reuters",
    "ap": "AP", "associated press": "AP", "the associated press": "AP", "dpa": "dpa",
    "deutsche presse-agentur": "dpa", "pap": "PAP", "polska agencja prasowa": "PAP",
    "ukrinform": "Ukrinform", "укрінформ": "Ukrinform", "interfax-ukraine": "Interfax-Ukraine",
    "інтерфакс-україна": "Interfax-Ukraine", "interfax": "Interfax", "интерфакс": "Interfax",
    "ansa": "ANSA", "efe": "EFE", "agencia efe": "EFE", "apa": "APA", "kna": "KNA", "epd": "epd",
    "afp/dpa": "AFP", "sda": "SDA", "keystone-sda": "Keystone-SDA", "anp": "ANP", "belga": "Belga",
    "tass": "TASS", "тасс": "TASS", "ria novosti": "RIA Novosti", "риа новости": "RIA Novosti",
    "unian": "UNIAN", "уніан": "UNIAN", "bloomberg": "Bloomberg", "xinhua": "Xinhua",
    "anadolu": "Anadolu", "anadolu agency": "Anadolu", "lusa": "Lusa", "europa press": "Europa Press",
    "ntb": "NTB", "tt": "TT", "ritzau": "Ritzau", "čtk": "ČTK", "ctk": "ČTK", "mti": "MTI",
    "agerpres": "Agerpres", "ians": "IANS", "pti": "PTI", "kyodo": "Kyodo", "yonhap": "Yonhap",
    "aa": "Anadolu", "ukrinform.ua": "Ukrinform", "рбк-україна": "RBC-Ukraine",
}  # fmt: skip
_NOT_PEOPLE = re.compile(
    r"\b(redaktion|redaction|rédaction|editorial|editors?|staff|newsroom|team|desk|online|agenc(y|ies)"
    r"|agenturen|agences|agencias|agenzie|news|media|zeitung|gazeta|times|post|herald|press|verlag"
    r"|nachrichten|noticias|nouvelles|tribune|journal|daily|gazette|courier|kurier|observer|echos?|échos?"
    r"|wiadomości|новини|новости|редакція|редакция|admin)\b",
    re.IGNORECASE,
)
# Outlet and desk words of Chinese, Japanese and Korean credits ("朝日新聞", "新华社", "共同通信",
# "연합뉴스", "編集部"). Those scripts put no space (so no word boundary) between the name and
# the word, so they are looked for anywhere in the credit.
_NOT_PEOPLE_CJK = re.compile(
    r"新聞|新闻|通信|通讯|日報|日报|晚報|晚报|報社|报社|新華社|新华社|放送|電視|电视|編集|编辑|編輯"
    r"|ニュース|신문|뉴스|일보|방송|통신|편집"
)
# A credit that is a host name ("nieuwsblad.be", "www.example.com"): the outlet, not a person.
# The top-level domain must be lower case, so initials run together ("J.Smith") are not hosts.
_HOST_NAME = re.compile(r"^(?:[\w-]+\.)+[a-z]{2,6}$")
# The desk's own sign-off, abbreviated ("red." for Redaktion / redakcja / redakce).
_DESK_ABBREVIATIONS = {"red", "red.", "redakce", "redakcja"}


def _agency(name: str) -> str | None:
    key = re.sub(r"[\s.]+", " ", name).strip(" .,;()/").lower()
    return AGENCIES.get(key)


def is_person_credit(name: str, site_name: str | None = None) -> bool:
    """False for a byline that names an agency, the outlet, a desk or a team, not a person."""
    person = _clean_person(name)
    if not person or _agency(person) or _agency(name):
        return False
    if _HOST_NAME.match(person) or person.lower() in _DESK_ABBREVIATIONS:
        return False
    if site_name and person.lower() == site_name.strip().lower():
        return False
    if _NOT_PEOPLE_CJK.search(person):
        return False
    return not _NOT_PEOPLE.search(person) and any(c.isalpha() for c in person) and len(person.split()) <= 5


def _key(name: str | None) -> str:
    """A name reduced to its lower-case letters and digits: "ORF.at", "ORF at" and "orf-at" agree."""
    return "".join(c for c in (name or "").casefold() if c.isalnum())


def _outlet_keys(ld: dict[str, Any], meta: dict[str, str], host: str) -> tuple[set[str], set[str]]:
    """The names the outlet declares for itself: (full names, handles). Full names are its
    publisher and site names and its host; the handle is its own social-media account ("@LBCI"),
    which a one-word credit naming the outlet matches but a person's full name does not."""
    names = {_key(_publisher_name(ld)), _key(meta.get("og:site_name")), _key(host.lower().removeprefix("www."))}
    handles = {_key(meta.get("twitter:site", "").lstrip("@"))}
    return names - {""}, handles - {""}


def _authors_and_agencies(
    ld: dict[str, Any],
    meta: dict[str, str],
    trafilatura_author: Callable[[], str | None],
    site_name: str | None,
    host: str = "",
) -> tuple[list[str], list[str]]:
    """Person names, then wire agencies, from JSON-LD, then meta tags, then trafilatura.

    Credits naming the outlet itself (its site name, host or social handle) are dropped, and so
    is a meta-tag author the page also declares as its ``editor``: a CMS that fills the author
    tag with the desk editor's name (who is then shown as "Editor:" / "编辑："), not a byline.
    """
    raw = [n for n in (_unescape(v) for v in _names(ld.get("author"))) if n]
    agencies: list[str] = []
    for org in _org_names(ld.get("author")):
        agency = _agency(org)
        if agency and agency not in agencies:
            agencies.append(agency)
    editors: set[str] = set()
    if not raw:  # the page's JSON-LD names no person: its meta tags, then trafilatura
        editors = {_key(e) for e in re.split(r"[,;]", meta.get("editor", ""))} - {""}
    if not raw and meta.get("author") and not meta["author"].startswith("http"):
        raw = [meta["author"]]
    fallback = trafilatura_author() if not raw else None  # computed only when needed
    if not raw and fallback:
        raw = fallback.split(";")
    site = (site_name or "").strip().lower()
    outlet_names, outlet_handles = _outlet_keys(ld, meta, host)
    people: list[str] = []
    for item in raw:
        for part in re.split(r"\s*(?:,|;|/|\||&| and | et | und | і | и | i | y | e )\s*", item):
            agency = _agency(part) or _agency(_BYLINE_PREFIX.sub("", part.strip()))
            if agency:
                if agency not in agencies:
                    agencies.append(agency)
                continue
            person = _clean_person(part)
            if not person or not is_person_credit(person, site):
                continue
            key = _key(person)
            if key in outlet_names or key in editors or (" " not in person and key in outlet_handles):
                continue
            if person not in people:
                people.append(person)
    return people, agencies


def _org_names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _org_names(v)]
    if isinstance(value, dict) and "organization" in _types(value) and isinstance(value.get("name"), str):
        return [str(value["name"])]
    return []


def _strip_site_suffix(title: str, site_name: str | None, host: str) -> str:
    title = _WS.sub(" ", title).strip()
    host_core = host.removeprefix("www.").split(".")[0].lower()
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        tail_l = tail.strip().lower()
        if (site_name and tail_l == site_name.strip().lower()) or (host_core and host_core in tail_l.replace(" ", "")):
            return head.strip()
    return title


_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def _headlines(tree: Any) -> list[str]:
    """The page's visible headline candidates: ``<h1>`` inside the article, else the page's."""
    nodes = tree.xpath("//article//h1 | //*[@itemprop='headline'][self::h1 or self::h2]") or tree.xpath("//h1")
    out: list[str] = []
    for node in nodes[:3]:
        text = " ".join(_INVISIBLE.sub("", node.text_content() or "").split())
        if text and text not in out:
            out.append(text)
    return out


def _visible_headline(candidates: list[str], declared: str) -> str:
    """The headline readers see, where the page shows one unambiguous ``<h1>``; the declared
    (JSON-LD / Open Graph) headline otherwise. SEO titles often differ from the visible one."""
    declared = _INVISIBLE.sub("", declared).strip()
    if len(candidates) != 1:
        return declared
    visible, low, vis_low = candidates[0], declared.lower(), candidates[0].lower()
    if not 15 <= len(visible) <= 300 or visible == declared:
        return declared
    # The same headline with a site suffix after it, or the declared one cut short.
    if low.startswith(vis_low) or vis_low.startswith(low.rstrip(" .…")):
        return visible
    return declared


def _time_element(tree: Any) -> str | None:
    for node in tree.xpath("//article//time[@datetime] | //time[@itemprop='datePublished']"):
        value = node.get("datetime")
        if value:
            return str(value)
    return None


def process_page(page: RawPage, now: datetime | None = None) -> Article | Rejected:
    """Clean one page. Pure: no network, no database, no clock except ``now`` for date checks."""
    if page.status >= 400:
        return Rejected("http_error", f"HTTP {page.status}")
    content_type = page.header("content-type")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in _HTML_TYPES:
        return Rejected("not_html", mime)
    if not page.body.strip():
        return Rejected("empty", "empty body")
    html = decode_body(page.body, content_type)
    from trafilatura.utils import load_html

    try:
        # One parse, with trafilatura's own loader (its extraction depends on how it parses):
        # our metadata is read from the tree first, then trafilatura prunes it.
        tree = load_html(html)
    except (etree.ParserError, ValueError) as exc:
        return Rejected("empty", f"unparseable HTML: {exc}")
    if tree is None or (tree.find(".//body") is None and not tree.xpath("//p")):
        return Rejected("empty", "no document body")

    url = page.effective_url
    ld = _article_jsonld(tree)
    meta = _meta(tree)
    canonical_href = next(iter(tree.xpath('//link[@rel="canonical"]/@href')), None) or meta.get("og:url")
    canonical = canonicalize_url(str(canonical_href), base=url) if canonical_href else None
    if not canonical or not canonical.startswith(("http://", "https://")):
        canonical = canonicalize_url(url)
    declared_lang = tree.get("lang") or meta.get("og:locale") or meta.get("content-language")
    tree_headlines = _headlines(tree)
    page_signals = _PageSignals(tree, meta)  # the raw page, scripts and all
    dom_tokens = _dom_tokens(tree) if _article_body(ld) else None

    import trafilatura

    # Text only: trafilatura's own metadata pass (htmldate included) costs as much as the text
    # extraction and is needed only when the page states nothing about itself, so it runs
    # lazily below (bare_extraction works on a copy: ``tree`` is still the whole page).
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    t_meta = _LazyTrafilaturaMetadata(tree, url, html)
    raw_text = (doc.get("text") if isinstance(doc, dict) else getattr(doc, "text", None)) or ""
    text, method = _choose_text(raw_text.strip(), _article_body(ld), dom_tokens)
    site_name = _unescape(_publisher_name(ld)) or meta.get("og:site_name") or t_meta.get("sitename")
    host = re.sub(r"^https?://", "", canonical).split("/")[0]
    raw_title = _unescape(ld.get("headline")) or meta.get("og:title") or t_meta.get("title") or page.hints.title
    title = _strip_site_suffix(str(raw_title), site_name, host) if raw_title else None
    title = _visible_headline(tree_headlines, title) if title else title
    text = _drop_leading_title(text, title)
    text, signed_agencies = strip_boilerplate(text, AGENCIES)

    tz = page.hints.timezone
    published, date_source = pick_date(
        [
            ("jsonld", ld.get("datePublished")),
            ("meta", meta.get("article:published_time") or meta.get("og:article:published_time")),
            ("meta", meta.get("datepublished") or meta.get("pubdate") or meta.get("publishdate")),
            ("meta", meta.get("date") or meta.get("dc.date") or meta.get("dcterms.created")),
            ("time", lambda: _time_element(tree)),
            ("url", url_date(url) or url_date(canonical)),
            ("feed", page.hints.published_at),
            ("htmldate", t_meta.date),
        ],
        tz=tz,
        now=now,
        not_before=page.hints.not_before,
    )
    modified, _ = pick_date(
        [
            ("jsonld", ld.get("dateModified")),
            ("meta", meta.get("article:modified_time") or meta.get("og:updated_time")),
            ("meta", meta.get("datemodified") or meta.get("last-modified") or meta.get("dcterms.modified")),
        ],
        tz=tz,
        now=now,
        not_before=page.hints.not_before,
    )
    if modified and published and modified < published:
        modified = None  # a modification before publication is a template default
    language = detect_language(
        f"{title or ''}\n{text}", declared=declared_lang or page.hints.language
    ) or normalise_declared(page.hints.language)
    description = meta.get("og:description") or meta.get("description") or _unescape(ld.get("description"))
    description = description or t_meta.get("description")
    people, agencies = _authors_and_agencies(ld, meta, lambda: t_meta.get("author"), site_name, host)
    agencies += [a for a in signed_agencies if a not in agencies]
    article = Article(
        url=url,
        canonical_url=canonical,
        title=title,
        text=text,
        authors=tuple(people),
        published_at=published,
        date_source=date_source,
        language=language,
        site_name=site_name.strip() if site_name else None,
        description=_WS.sub(" ", description).strip() if description else None,
        text_hash=text_hash(text),
        word_count=len(text.split()),
        extractor=_extractor_name(),
        modified_at=modified,
        agencies=tuple(agencies),
        section=_section(ld, meta),
        image=_image(ld, meta, url),
        extraction_method=method,
    )
    rejection = _rejection(text, tree, page_signals, ld)
    if rejection is not None:
        reason, detail = rejection
        partial = article.to_json()
        return Rejected(reason, detail, partial=partial)
    return article


# -- main text ----------------------------------------------------------------------------------


def _article_body(ld: dict[str, Any]) -> str | None:
    body = ld.get("articleBody")
    if isinstance(body, list):
        body = "\n".join(str(b) for b in body if isinstance(b, str))
    if not isinstance(body, str):
        return None
    body = html_lib.unescape(body)
    if "<" in body and ">" in body:  # some sites put HTML in articleBody
        try:
            frag = lxml.html.fragment_fromstring(body, create_parent="div")
            for br in frag.iter("br"):
                br.tail = "\n" + (br.tail or "")
            for node in frag.iter("p", "div", "li", "h2", "h3", "blockquote"):
                node.tail = "\n" + (node.tail or "")
            body = frag.text_content()
        except (etree.ParserError, ValueError):
            return None
    lines = [_WS.sub(" ", line).strip() for line in body.splitlines()]
    body = "\n".join(line for line in lines if line)
    return body if len(body) >= MIN_TEXT_CHARS else None


_TOKEN = re.compile(r"\w+", re.UNICODE)


def _dom_tokens(tree: Any) -> set[str]:
    body = tree.find(".//body")
    node = body if body is not None else tree
    words: set[str] = set()
    for text in node.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]"):
        words.update(_TOKEN.findall(str(text).lower()))
    return words


def _choose_text(extracted: str, ld_body: str | None, dom_tokens: set[str] | None) -> tuple[str, str]:
    """trafilatura's text, or the page's own ``articleBody`` where that is complete and true.

    ``articleBody`` wins only when its words are on the page (not a teaser or a stale copy),
    and it holds clearly more of the article than the extracted text (which then missed
    paragraphs); the extracted text keeps its paragraph breaks otherwise.
    """
    if not ld_body or dom_tokens is None:
        return extracted, "trafilatura"
    ld_words = _TOKEN.findall(ld_body.lower())
    if not ld_words:
        return extracted, "trafilatura"
    on_page = sum(1 for w in ld_words if w in dom_tokens) / len(ld_words)
    ex_words = _TOKEN.findall(extracted.lower())
    if on_page < 0.95:
        return extracted, "trafilatura"
    ld_set = set(ld_words)
    covered = sum(1 for w in ex_words if w in ld_set) / len(ex_words) if ex_words else 0.0
    if len(ld_words) >= 1.15 * len(ex_words) and (covered >= 0.8 or len(ex_words) < 50):
        return ld_body, "jsonld"
    return extracted, "trafilatura"


# -- metadata -----------------------------------------------------------------------------------

_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?=[/-]|$)")


def url_date(url: str | None) -> str | None:
    """``/2025/03/14/`` in the path: a date (no time) the outlet wrote into the URL."""
    if not url:
        return None
    m = _URL_DATE.search(url.split("?")[0])
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


def _section(ld: dict[str, Any], meta: dict[str, str]) -> str | None:
    value: Any = meta.get("article:section") or ld.get("articleSection")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return _WS.sub(" ", html_lib.unescape(value)).strip() or None if isinstance(value, str) else None


def _image(ld: dict[str, Any], meta: dict[str, str], base: str) -> str | None:
    value: Any = meta.get("og:image") or meta.get("og:image:url") or meta.get("twitter:image") or ld.get("image")
    for _ in range(3):
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("url") or value.get("contentUrl")
    if not isinstance(value, str) or not value.strip():
        return None
    from urllib.parse import urljoin

    return urljoin(base, value.strip())


# -- rejections ---------------------------------------------------------------------------------

_ERROR_TITLE = re.compile(
    r"\b(404|410)\b|page not found|not found|seite nicht gefunden|page introuvable|p[aá]gina no encontrada"
    r"|nie znaleziono|сторінку не знайдено|сторінка не знайдена|страница не найдена|pagina non trovata",
    re.IGNORECASE,
)
_BOT_BLOCK = re.compile(
    r"just a moment\.\.\.|attention required|are you a robot|verify you are (a )?human|captcha"
    r"|access denied|request blocked|unusual traffic|bot protection|ddos protection",
    re.IGNORECASE,
)
_CONSENT = re.compile(
    r"(we|wir) (use|verwenden|nutzen) cookies|cookie (settings|consent)|consent to (the use|our use)"
    r"|zustimmung|accept all cookies|alle akzeptieren|tout accepter|privacy (settings|choices)",
    re.IGNORECASE,
)
_PAYWALL = re.compile(
    r"subscribe to (continue|read)|to continue reading|already a subscriber|subscribers only"
    r"|jetzt (abonnieren|weiterlesen)|abonnieren sie|réservé aux abonnés|pour lire la suite"
    r"|тільки для передплатників|только для подписчиков|dla subskrybentów|premium content",
    re.IGNORECASE,
)
_JS_NEEDED = re.compile(
    r"enable javascript|javascript (is )?(required|disabled)|activate javascript|javascript aktivieren"
    r"|activer javascript|włącz javascript|увімкніть javascript|включите javascript",
    re.IGNORECASE,
)
_LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage", "sitenavigationelement"}


class _PageSignals:
    """Facts about the raw page (scripts and all) for the rejection rules. The cheap ones are
    read at once; the visible text, ``<noscript>`` and script sizes, which cost a walk over
    every text node, only when a rule asks for them (only pages with little or no main text
    reach those rules). ``tree`` must stay the whole page: trafilatura extracts from a copy."""

    def __init__(self, tree: Any, meta: dict[str, str]) -> None:
        self._tree = tree
        self.title = " ".join((tree.findtext(".//title") or "").split())
        self.h1 = " ".join(" ".join((n.text_content() or "").split()) for n in tree.xpath("//h1")[:2])
        types: set[str] = set()
        paywalled = False
        for item in _iter_jsonld(tree):
            types |= _types(item)
            if "isAccessibleForFree" in item and str(item.get("isAccessibleForFree")).lower() == "false":
                paywalled = True
        self.ld_types = types
        self.paywalled = paywalled or meta.get("article:content_tier", "").lower() in ("locked", "metered")
        self.og_type = meta.get("og:type", "").lower()

    @cached_property
    def _visible(self) -> str:
        body = self._tree.find(".//body")
        if body is None:
            return ""
        parts = body.xpath(".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")
        return " ".join(" ".join(str(p).split()) for p in parts if str(p).strip())

    @property
    def visible_chars(self) -> int:
        return len(self._visible)

    @property
    def visible_head(self) -> str:
        return self._visible[:3000]

    @cached_property
    def script_chars(self) -> int:
        return sum(len(s.text or "") for s in self._tree.iter("script"))

    @cached_property
    def noscript(self) -> str:
        text = " ".join(" ".join((n.text_content() or "").split()) for n in self._tree.iter("noscript"))
        return text[:2000]


def _rejection(text: str, tree: Any, sig: _PageSignals, ld: dict[str, Any]) -> tuple[str, str] | None:
    """The reason a page is not an article we can use, or ``None``. Order: what the page is
    (error, block, shell, listing) before how much text it gave."""
    short = len(text) < MIN_TEXT_CHARS * 3
    page_title = f"{sig.title} {sig.h1}"
    if short and _ERROR_TITLE.search(page_title):
        return "error_page", f"error page served with status 200: {sig.title[:80]!r}"
    if short and (_BOT_BLOCK.search(page_title) or (not text and _BOT_BLOCK.search(sig.visible_head))):
        return "bot_block", f"bot-block page: {sig.title[:80]!r}"
    if len(text) < MIN_TEXT_CHARS and _CONSENT.search(sig.visible_head) and sig.visible_chars < 3000:
        return "bot_block", "consent wall instead of the article"
    if (
        len(text) < MIN_TEXT_CHARS
        and sig.visible_chars < 200
        and (sig.script_chars > 5000 or _JS_NEEDED.search(sig.noscript + " " + sig.visible_head))
    ):
        return "js_shell", f"{sig.visible_chars} visible characters, {sig.script_chars} of scripts"
    if sig.ld_types & _LISTING_TYPES and not ld:
        return "not_article", "the page declares itself a listing: " + ", ".join(sorted(sig.ld_types & _LISTING_TYPES))
    if len(text) < MIN_TEXT_CHARS * 2 and (sig.paywalled or _PAYWALL.search(text[-600:] or sig.visible_head)):
        return "paywall", f"{len(text)} characters before the paywall"
    if not text:
        return "no_text", "no main text found"
    if _mostly_links(text, tree):
        return "no_text", "the extracted text is navigation links"
    if len(text) < MIN_TEXT_CHARS:
        return "too_short", f"{len(text)} characters of text"
    return None


class _LazyTrafilaturaMetadata:
    """trafilatura's metadata of the page, computed on first use only and in parts: what the
    meta tags and JSON-LD declare; the title or site name searched in the markup; the byline
    searched in the markup (``processors/bylines.py``, same result as trafilatura's); the date
    search (htmldate). Each runs only when the page does not state the value itself. Same
    functions and settings as ``bare_extraction(with_metadata=True)``, on the whole page."""

    def __init__(self, tree: Any, url: str, source: str | None = None) -> None:
        # No copy of the tree: these readers do not modify it; the byline search copies only
        # the elements it prunes, htmldate's find_date copies the tree itself.
        self._tree = tree
        self._url = url
        self._source = source
        self._values: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        if key not in self._values:
            if key == "date":
                self._values[key] = self._find_date()
            elif key == "author":
                self._values[key] = self._author()
            elif key in ("title", "sitename"):
                self._values[key] = self._markup(key)
            else:
                self._values[key] = self._declared.get(key)
        return self._values[key]

    @cached_property
    def _declared(self) -> dict[str, Any]:
        """What the meta tags and JSON-LD say (title, author, site name, description...)."""
        from trafilatura.metadata import examine_meta, extract_meta_json

        md = examine_meta(self._tree)
        if md.author and " " not in md.author:
            md.author = None
        try:
            md = extract_meta_json(self._tree, md)
        except Exception as exc:  # noqa: BLE001 - trafilatura's JSON-LD reader has known bugs
            log.debug("trafilatura JSON-LD metadata failed: %s", exc)
        md.clean_and_trim()
        return dict(md.as_dict())

    def _markup(self, key: str) -> Any:
        """Title or site name: declared, else searched in the markup (headings, <title>...)."""
        from trafilatura.metadata import extract_sitename, extract_title
        from trafilatura.utils import line_processing

        value = self._declared.get(key)
        if not value:
            value = extract_title(self._tree) if key == "title" else extract_sitename(self._tree)
            value = line_processing(html_lib.unescape(value)) if value else None
        if key == "sitename" and value:
            value = value.lstrip("@")
            if value and "." not in value and not value[0].isupper():
                value = value.title()
        return value

    def _author(self) -> Any:
        """The declared author, else the byline in the markup: trafilatura's search, done in one
        pass (processors/bylines.py), and only for this field."""
        author = self._declared.get("author")
        if author:
            return author
        from trafilatura.utils import line_processing

        from processors.bylines import markup_author

        found = markup_author(self._tree, self._source)
        return line_processing(html_lib.unescape(found)) if found else None

    def _find_date(self) -> Any:
        from htmldate import find_date
        from trafilatura.metadata import extract_url
        from trafilatura.settings import Extractor

        params = dict(Extractor(url=self._url, with_metadata=True).date_params or {})
        params["url"] = extract_url(self._tree, self._url)
        return find_date(self._tree, **params)

    def date(self) -> Any:
        """The htmldate date (for ``pick_date``, which calls it only when reached)."""
        return self.get("date")


def _unescape(value: Any) -> str | None:
    """JSON-LD strings sit in <script>, where HTML entities are not decoded by the parser."""
    if not isinstance(value, str):
        return None
    return html_lib.unescape(value).strip() or None


def _anchor_texts(tree: Any) -> set[str]:
    raw = {node.text_content() for node in tree.iter("a")}  # menus repeat their links
    return {text for text in map(normalise_text, raw) if text}


_MAX_LABEL_CHARS = 500


def _mostly_links(text: str, tree: Any) -> bool:
    """True when most of the extracted text is lines that are just link labels (a menu).
    ``tree`` is the whole page (trafilatura extracted from a copy)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return False
    # A link label is a line, not a paragraph: when lines longer than any label make up 40% of
    # the text, it cannot be mostly labels, and the page's links need not be read at all.
    total = sum(len(line) for line in lines)
    if sum(len(line) for line in lines if len(line) <= _MAX_LABEL_CHARS) <= 0.6 * total:
        return False
    anchors = _anchor_texts(tree)
    if not anchors:
        return False
    link_chars = sum(len(line) for line in lines if normalise_text(line) in anchors)
    return link_chars > 0.6 * total


def _drop_leading_title(text: str, title: str | None) -> str:
    """Some templates put the <h1> inside the article container: the text should not
    depend on that (it would change the text hash of the same story on two sites)."""
    if not title:
        return text
    first, _, rest = text.partition("\n")
    if normalise_text(first) == normalise_text(title):
        return rest.strip()
    return text


def _publisher_name(ld: dict[str, Any]) -> str | None:
    pub = ld.get("publisher")
    if isinstance(pub, list):
        pub = pub[0] if pub else None
    if isinstance(pub, dict) and isinstance(pub.get("name"), str):
        return str(pub["name"])
    return None
