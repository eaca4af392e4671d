"""``newsmon.netguard.check_url``: the SSRF guard. Literal addresses and local names only
(no internet DNS lookups: the test machine has no network)."""

from __future__ import annotations

import pytest

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
