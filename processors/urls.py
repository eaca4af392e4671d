"""URL canonicalisation: one spelling per page, so the same article is one link."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only track where a click came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid",
        "mc_eid", "_ga", "_gl", "ocid", "cmpid", "cmp", "ns_mchannel", "ns_source", "ns_campaign",
        "ns_linkname", "ns_fee", "xtor", "at_medium", "at_campaign", "at_custom1", "at_custom2",
        "at_custom3", "at_custom4", "ito", "smid", "smtyp", "rss", "rssfeed", "feed", "from",
        "ref", "ref_src", "ref_url", "referrer", "share", "sharetype", "s_cid", "wt_mc", "wt.mc_id",
        "spref", "traffic_source", "guccounter", "guce_referrer", "guce_referrer_sig", "soc_src",
        "soc_trk", "taid", "mbid", "sh", "sr_share", "CMP", "utm",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_", "vero_", "__hs", "at_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_PATH = re.compile(r"(/amp/?$|/amp(?=/)|\.amp(?=\.html?$|$))", re.IGNORECASE)
_MOBILE_HOST = re.compile(r"^(m|mobile|amp)\.", re.IGNORECASE)


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(_TRACKING_PREFIXES)


def canonicalize_url(url: str, base: str | None = None) -> str:
    """A stable spelling of ``url``: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, sorted query, AMP and mobile variants mapped to the main page.

    The scheme is kept (``http`` and ``https`` may serve different content on some sites);
    the deduplicator compares pages across schemes.
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www.") and host.count(".") >= 2:
        pass  # keep www: dropping it can change the site on a few hosts
    host = _MOBILE_HOST.sub("", host) if host.count(".") >= 2 else host
    netloc = f"[{host}]" if ":" in host else host
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{parts.port}"
    path = parts.path or "/"
    path = re.sub(r"/{2,}", "/", path)
    path = _AMP_PATH.sub("", path) or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k) and k.lower() not in ("amp", "outputtype")
    ]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def url_key(url: str) -> str:
    """Scheme-, www- and trailing-slash-insensitive key for duplicate detection."""
    canon = canonicalize_url(url)
    parts = urlsplit(canon)
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")
