"""Refuse to fetch non-public addresses found in third-party content (SSRF guard).

A URL is allowed when every address its host resolves to is globally routable. Loopback,
private, link-local, multicast, reserved and unspecified addresses are refused unless the
operator allows them (``NEWSMON_ALLOW_PRIVATE_ADDRESSES=1``, used by the tests and the demo).
Callers check again after every redirect.

A check by name before the request leaves a gap: the HTTP client resolves the name again when
it connects, and a hostile DNS server can answer a public address first and a private one
second (DNS rebinding). So the check is also made where the connection is opened, on the very
address connected to: :class:`GuardedTransport` for httpx (feeds, sitemaps, the fetcher), and
``spiders.resolver.PublicAddressResolver`` for Scrapy.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit


class BlockedAddress(Exception):
    """The URL resolves to an address that may not be fetched. ``reason`` is recordable."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason


def is_public(addr: str) -> bool:
    """Whether ``addr`` (an IP address) is globally routable and not multicast."""
    ip = ipaddress.ip_address(addr.split("%", maxsplit=1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


@lru_cache(maxsize=4096)
def _resolve(host: str, port: int) -> tuple[str, ...]:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return tuple(sorted({str(info[4][0]) for info in infos}))


def check_url(url: str, allow_private: bool = False) -> None:
    """Raise :class:`BlockedAddress` unless ``url`` may be fetched."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedAddress(url, "unsupported_scheme")
    host = parts.hostname
    if not host:
        raise BlockedAddress(url, "no_host")
    if allow_private:
        return
    addrs: tuple[str, ...]
    try:
        addrs = (str(ipaddress.ip_address(host)),)
    except ValueError:
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise BlockedAddress(url, "private_address") from None
        try:
            addrs = _resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        except (OSError, UnicodeError):
            raise BlockedAddress(url, "dns_error") from None
    if not addrs or not all(is_public(a) for a in addrs):
        raise BlockedAddress(url, "private_address")


# -- the same check where the connection is opened (httpx) ------------------------------------

BLOCKED_CONNECT = "newsmon-blocked-address"


@lru_cache(maxsize=2)
def _guarded_backend(allow_private: bool) -> Any:
    """The (stateless) network backend, built once per setting and shared by every fetch."""
    import httpcore

    class GuardedBackend(httpcore.SyncBackend):  # type: ignore[misc]
        """Resolves the host itself, refuses non-public addresses, connects to a vetted one."""

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> Any:
            if allow_private:
                return super().connect_tcp(host, port, timeout, local_address, socket_options)
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                raise httpcore.ConnectError(f"dns_error: {exc}") from exc
            addrs = list(dict.fromkeys(str(info[4][0]) for info in infos))
            if not addrs or not all(is_public(a) for a in addrs):
                raise httpcore.ConnectError(f"{BLOCKED_CONNECT}: {host} resolves to {', '.join(addrs)}")
            error: Exception | None = None
            for addr in addrs:  # TLS still verifies the certificate against ``host`` (SNI)
                try:
                    return super().connect_tcp(addr, port, timeout, local_address, socket_options)
                except httpcore.ConnectError as exc:
                    error = exc
            assert error is not None
            raise error

    return GuardedBackend()


def guarded_transport(allow_private: bool = False) -> Any:
    """An ``httpx.HTTPTransport`` whose connections are opened only to public addresses
    (unless ``allow_private``), checked on the address actually connected to."""
    import httpcore
    import httpx

    ssl_context = _ssl_context()
    transport = httpx.HTTPTransport(verify=ssl_context)
    # httpx builds its connection pool without a way to pass a network backend: replace the
    # pool by the same one with ours (tests/test_netguard.py fails if httpx changes this).
    transport._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=_guarded_backend(allow_private))
    return transport


@lru_cache(maxsize=1)
def _ssl_context() -> Any:
    """httpx's default client TLS context (certificate verification on), built once: loading
    the CA bundle costs milliseconds, and a client context can be shared between threads."""
    import httpx

    return httpx.create_ssl_context()
