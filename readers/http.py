"""One bounded HTTP GET for the readers: timeouts, a size cap, checked redirects.

Bounds: ``timeout`` per connect and per read, and ``3 x timeout`` for the whole fetch (a
watchdog shuts the socket down, so a server that drips headers or body a byte at a time
cannot hold a worker). ``max_bytes`` caps the body after decompression: compressed bodies
are inflated here, incrementally, never past the cap (a gzip bomb is refused, not inflated).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import httpx

from newsmon.netguard import BLOCKED_CONNECT, BlockedAddress, check_url, guarded_transport

log = logging.getLogger(__name__)

REDIRECT_CODES = (301, 302, 303, 307, 308)


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
    redirect_codes: list[int] = field(default_factory=list)  # the status of each hop, in order


class _TooLarge(Exception):
    pass


class _Decoder:
    """Incremental Content-Encoding decoder that never produces more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        enc = encoding.strip().lower()
        if enc in ("", "identity"):
            self._obj: Any = None
        elif enc in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(wbits=47)  # gzip or zlib header, auto-detected
        elif enc == "deflate":
            self._obj = zlib.decompressobj(wbits=15)
            self._deflate_probe = True
        else:
            raise ValueError(f"unsupported content-encoding {encoding!r}")
        self._raw_deflate = False

    def feed(self, data: bytes) -> bytes:
        if self._obj is None:
            return self._take(data)
        out = []
        pending = data
        while pending:
            room = self.limit - self.size + 1
            try:
                chunk = self._obj.decompress(pending, room)
            except zlib.error:
                if getattr(self, "_deflate_probe", False) and self.size == 0 and not self._raw_deflate:
                    # Some servers send raw deflate without the zlib header.
                    self._raw_deflate = True
                    self._obj = zlib.decompressobj(wbits=-15)
                    continue
                raise
            out.append(self._take(chunk))
            pending = self._obj.unconsumed_tail
            if not chunk and not pending:
                break
        return b"".join(out)

    def _take(self, chunk: bytes) -> bytes:
        self.size += len(chunk)
        if self.size > self.limit:
            raise _TooLarge
        return chunk


def _read_body(resp: httpx.Response, max_bytes: int) -> tuple[str, bytes, str | None]:
    """(status, decoded body, error) of a final (non-redirect) response."""
    code = resp.status_code
    if code == 304:
        return "not_modified", b"", None
    encoding = resp.headers.get("content-encoding", "")
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes and not encoding:
        return "too_large", b"", f"{declared} bytes declared"
    try:
        decoder = _Decoder(encoding, max_bytes)
        body = b"".join(decoder.feed(raw) for raw in resp.iter_raw())
    except _TooLarge:
        return "too_large", b"", f"more than {max_bytes} bytes"
    except (ValueError, zlib.error) as exc:
        return "network_error", b"", f"bad body encoding: {exc}"
    if code >= 400:
        return "http_error", body, f"HTTP {code}"
    return "ok", body, None


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
    """GET ``url``; never raises for network or HTTP problems, returns a status instead."""
    started = time.monotonic()
    request_headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate", **(headers or {})}
    current = url
    redirects: list[str] = []
    redirect_codes: list[int] = []
    sockets: list[socket.socket] = []
    expired = threading.Event()

    def trace(event: str, info: dict[str, Any]) -> None:
        if event.endswith("connect_tcp.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                sockets.append(sock)

    def expire() -> None:
        expired.set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def result(status: str, **kwargs: Any) -> FetchResult:
        return FetchResult(
            status,
            url,
            current,
            redirects=redirects,
            elapsed=time.monotonic() - started,
            redirect_codes=redirect_codes,
            **kwargs,
        )

    watchdog = threading.Timer(3 * timeout, expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        with httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            transport=guarded_transport(allow_private),
        ) as client:
            while True:
                try:
                    check_url(current, allow_private)
                except BlockedAddress as exc:
                    if exc.reason == "dns_error":  # the host does not resolve: a network failure
                        return result("network_error", error="dns_error")
                    return result("blocked", error=exc.reason)
                try:
                    with client.stream("GET", current, headers=request_headers, extensions={"trace": trace}) as resp:
                        code = resp.status_code
                        if code in REDIRECT_CODES and "location" in resp.headers:
                            nxt = urljoin(current, resp.headers["location"])
                            redirects.append(nxt)
                            redirect_codes.append(code)
                            if len(redirects) > max_redirects or nxt in redirects[:-1] or nxt == url:
                                current = nxt
                                return result("redirect_loop", http_status=code, error="too many redirects")
                            current = nxt
                            continue
                        status, body, error = _read_body(resp, max_bytes)
                        got = {k.lower(): v for k, v in resp.headers.items()}
                        return result(status, http_status=code, headers=got, body=body, error=error)
                except (httpx.HTTPError, OSError) as exc:
                    if expired.is_set():
                        return result("timeout", error=f"no complete answer within {3 * timeout:g} s")
                    if isinstance(exc, httpx.TimeoutException):
                        return result("timeout", error=type(exc).__name__)
                    if BLOCKED_CONNECT in str(exc):  # the name now resolves to a private address
                        return result("blocked", error="private_address")
                    # Connection reset/refused, TLS errors, invalid URLs, protocol errors.
                    return result("network_error", error=f"{type(exc).__name__}: {exc}"[:500])
    finally:
        watchdog.cancel()
