"""``newsmon.netguard.check_url``: the SSRF guard. Literal addresses and local names only
(no internet DNS lookups: the test machine has no network)."""

from __future__ import annotations

from typing import Any

import pytest
from localserver import send

from newsmon.netguard import BlockedAddress, check_url


def _reason(url: str, allow_private: bool = False) -> str | None:
    try:
        check_url(url, allow_private)
    except BlockedAddress as exc:
        assert exc.url == url
        assert exc.reason in str(exc)
        return exc.reason
    return None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1:8080/feed.xml",
        "http://127.1.2.3/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0/",
        "http://224.0.0.1/",  # multicast
        "http://255.255.255.255/",
        "http://[::1]/",
        "http://[::]/",
        "http://[fc00::1]/",
        "http://[fd12:3456::1]/",
        "http://[fe80::1]/",
        "http://[fe80::1%25eth0]/",  # link-local with a zone id
        "http://[ff02::1]/",  # IPv6 multicast
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
        "http://[::ffff:10.0.0.1]/",
        "https://127.0.0.1:8443/",
    ],
)
def test_private_literal_addresses_are_blocked(url: str) -> None:
    assert _reason(url) == "private_address"


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/",
        "http://localhost:8000/x",
        "http://LOCALHOST/",
        "http://api.localhost/",
        "http://printer.local/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_local_names_are_blocked_without_dns(url: str) -> None:
    assert _reason(url) == "private_address"


@pytest.mark.parametrize(
    "url",
    ["http://2130706433/", "http://0x7f000001/", "http://127.1/", "http://0177.0.0.1/", "http://017700000001/"],
)
def test_shorthand_ipv4_spellings_of_loopback_are_blocked(url: str) -> None:
    """Not ``ipaddress`` literals, so they go through getaddrinfo, which (like the HTTP client)
    reads them as 127.0.0.1 without any DNS query."""
    assert _reason(url) == "private_address"


@pytest.mark.parametrize(
    "url",
    [
        "http://8.8.8.8/",
        "https://1.1.1.1/dns-query",
        "http://[2001:4860:4860::8888]/",
        "https://[2606:4700:4700::1111]:443/",
        "http://[::ffff:8.8.8.8]/",  # IPv4-mapped public address
    ],
)
def test_public_literal_addresses_are_allowed(url: str) -> None:
    assert _reason(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.org/pub/feed.xml",
        "gopher://127.0.0.1:70/",
        "javascript:alert(1)",
        "data:text/html,<p>x</p>",
        "//example.org/no-scheme",
        "feed.xml",
    ],
)
def test_non_http_schemes_are_blocked(url: str) -> None:
    assert _reason(url) == "unsupported_scheme"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/"])
def test_allow_private_does_not_allow_other_schemes(url: str) -> None:
    assert _reason(url, allow_private=True) == "unsupported_scheme"


def test_url_without_host_is_blocked() -> None:
    assert _reason("http:///path/only") == "no_host"
    assert _reason("http:///path/only", allow_private=True) == "no_host"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765/feed.xml", "http://[::1]/", "http://10.0.0.1/", "http://localhost/"]
)
def test_allow_private_allows_private_addresses(url: str) -> None:
    assert _reason(url, allow_private=True) is None


def test_blocked_address_is_an_exception_with_a_recordable_reason() -> None:
    with pytest.raises(BlockedAddress) as exc:
        check_url("http://192.168.0.10/")
    assert exc.value.reason == "private_address"
    assert str(exc.value) == "private_address: http://192.168.0.10/"


# -- DNS rebinding: the check on the address actually connected to ------------------------------


def test_fetch_refuses_a_name_that_rebinds_to_a_private_address(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-check sees a public address, the connection would go to 127.0.0.1: refused."""
    import socket

    from newsmon import netguard
    from readers.http import fetch

    server.routes["/secret"] = lambda h: send(h, 200, b"internal", {"Content-Type": "text/plain"})
    real_getaddrinfo = socket.getaddrinfo

    def rebinding_dns(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.example":
            return real_getaddrinfo("127.0.0.1", port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(netguard, "_resolve", lambda host, port: ("93.184.216.34",))  # first answer: public
    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)  # second answer: loopback
    url = f"http://rebind.example:{server.port}/secret"
    result = fetch(url, user_agent="newsmon-test")
    assert (result.status, result.error) == ("blocked", "private_address")
    assert server.requests == []
    # the same set-up with private addresses allowed (tests, demo) does connect: the refusal
    # above came from the guard, not from the fake DNS
    allowed = fetch(url, user_agent="newsmon-test", allow_private=True)
    assert (allowed.status, allowed.body) == ("ok", b"internal")


def test_guarded_transport_keeps_httpx_pool_shape() -> None:
    """netguard replaces httpx's private connection pool: fail loudly if httpx renames it."""
    import httpcore

    from newsmon.netguard import guarded_transport

    transport = guarded_transport()
    assert isinstance(transport._pool, httpcore.ConnectionPool)
    assert type(transport._pool._network_backend).__name__ == "GuardedBackend"


def test_scrapy_resolver_refuses_private_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.resolver import CachingThreadedResolver
    from twisted.internet import defer

    from spiders.resolver import PrivateAddressError, PublicAddressResolver

    answers = {"public.example": "93.184.216.34", "rebind.example": "10.1.2.3"}
    monkeypatch.setattr(
        CachingThreadedResolver, "getHostByName", lambda self, name, timeout=(): defer.succeed(answers[name])
    )
    resolver = PublicAddressResolver(None, 0, 1.0)  # type: ignore[arg-type]
    got: list[Any] = []
    resolver.getHostByName("public.example").addCallback(got.append)
    resolver.getHostByName("rebind.example").addErrback(lambda f: got.append(f.value))
    assert got[0] == "93.184.216.34"
    assert isinstance(got[1], PrivateAddressError) and "rebind.example" in str(got[1])
    resolver.allow_private = True
    resolver.getHostByName("rebind.example").addCallback(got.append)
    assert got[2] == "10.1.2.3"
    # recorded as a refusal, not a DNS failure to retry
    from scrapy.settings.default_settings import RETRY_EXCEPTIONS
    from scrapy.utils.misc import load_object
    from twisted.python.failure import Failure

    from spiders.article import classify_failure

    assert classify_failure(Failure(got[1])) == ("skipped", "private_address", None)
    retried = tuple(load_object(x) if isinstance(x, str) else x for x in RETRY_EXCEPTIONS)
    assert not isinstance(got[1], retried)


def test_scrapy_uses_the_guarded_resolver() -> None:
    from scrapy.utils.project import get_project_settings

    assert get_project_settings().get("TWISTED_DNS_RESOLVER") == "spiders.resolver.PublicAddressResolver"
