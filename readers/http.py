"""One bounded HTTP GET for the readers: timeouts, a size cap, checked redirects."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from newsmon.netguard import BlockedAddress, check_url

log = logging.getLogger(__name__)


@dataclass
class FetchResult:
    """Outcome of one GET. ``status`` is one of the documented fetch statuses."""

    status: str  # ok | not_modified | http_error | timeout | too_large | blocked | network_error | redirect_loop
    url: str
    final_url: str
    http_status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    redirects: list[str] = field(default_factory=list)
    elapsed: float = 0.0


def fetch(
    url: str,
    *,
    user_agent: str,
    headers: dict[str, str] | None = None,
    timeout: float = 20.0,
    max_bytes: int = 8 * 1024 * 1024,
    max_redirects: int = 5,
    allow_private: bool = False,
) -> FetchResult:
    """GET ``url``; never raises for network or HTTP problems, returns a status instead.

    ``max_bytes`` bounds the decoded body too (httpx inflates gzip as it streams, so a gzip
    bomb stops at the cap). The total time is bounded by ``timeout`` per read and ``3 x
    timeout`` overall, so a slow drip cannot hold a worker.
    """
    started = time.monotonic()
    request_headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate", **(headers or {})}
    current = url
    redirects: list[str] = []
    deadline = started + 3 * timeout
    with httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), follow_redirects=False) as client:
        while True:
            try:
                check_url(current, allow_private)
            except BlockedAddress as exc:
                return FetchResult("blocked", url, current, error=exc.reason, redirects=redirects)
            try:
                with client.stream("GET", current, headers=request_headers) as resp:
                    if resp.status_code in (301, 302, 303, 307, 308) and "location" in resp.headers:
                        nxt = urljoin(current, resp.headers["location"])
                        redirects.append(nxt)
                        if len(redirects) > max_redirects or nxt in redirects[:-1] or nxt == url:
                            return FetchResult(
                                "redirect_loop",
                                url,
                                nxt,
                                resp.status_code,
                                error="too many redirects",
                                redirects=redirects,
                            )
                        current = nxt
                        continue
                    result_headers = {k.lower(): v for k, v in resp.headers.items()}
                    if resp.status_code == 304:
                        return FetchResult("not_modified", url, current, 304, result_headers, redirects=redirects)
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        return FetchResult(
                            "too_large",
                            url,
                            current,
                            resp.status_code,
                            result_headers,
                            error=f"{declared} bytes declared",
                        )
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            return FetchResult(
                                "too_large",
                                url,
                                current,
                                resp.status_code,
                                result_headers,
                                error=f"more than {max_bytes} bytes",
                            )
                        if time.monotonic() > deadline:
                            return FetchResult("timeout", url, current, resp.status_code, error="transfer too slow")
                        chunks.append(chunk)
                    body = b"".join(chunks)
                    status = "ok" if resp.status_code < 400 else "http_error"
                    return FetchResult(
                        status,
                        url,
                        current,
                        resp.status_code,
                        result_headers,
                        body,
                        error=None if status == "ok" else f"HTTP {resp.status_code}",
                        redirects=redirects,
                        elapsed=time.monotonic() - started,
                    )
            except httpx.TimeoutException as exc:
                return FetchResult("timeout", url, current, error=type(exc).__name__, redirects=redirects)
            except (httpx.HTTPError, OSError) as exc:
                # DecodingError (bad gzip), connection reset/refused, TLS errors, invalid URLs.
                return FetchResult(
                    "network_error", url, current, error=f"{type(exc).__name__}: {exc}"[:500], redirects=redirects
                )
