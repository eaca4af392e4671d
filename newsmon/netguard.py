"""Refuse to fetch non-public addresses found in third-party content (SSRF guard).

A URL is allowed when every address its host resolves to is globally routable. Loopback,
private, link-local, multicast, reserved and unspecified addresses are refused unless the
operator allows them (``NEWSMON_ALLOW_PRIVATE_ADDRESSES=1``, used by the tests and the demo).
Callers check again after every redirect.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit


class BlockedAddress(Exception):
    """The URL resolves to an address that may not be fetched. ``reason`` is recordable."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason


def _is_public(addr: str) -> bool:
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
    if not addrs or not all(_is_public(a) for a in addrs):
        raise BlockedAddress(url, "private_address")
