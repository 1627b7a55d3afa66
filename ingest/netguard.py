"""Refuse URL imports that would reach private, loopback, link-local or otherwise non-public addresses.

The check runs on every request the client sends, redirects included, after DNS resolution. It is an
``httpx`` transport wrapped around the real one, so the network is still replaced at one point in tests.
A name that does not resolve is passed on: the real transport then fails to connect, and reaches nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

import httpx

Resolver = Callable[[str], list[str]]


class BlockedAddress(httpx.TransportError):
    """The URL's host is (or resolves to) an address that URL imports may not reach."""


def resolve(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def refused_address(host: str, resolver: Resolver = resolve) -> str | None:
    """The first non-public address ``host`` is or resolves to, or None when every address is public."""
    host = host.strip("[]")
    try:
        addresses = [str(ipaddress.ip_address(host.split("%", 1)[0]))]
    except ValueError:
        addresses = resolver(host)
    return next((a for a in addresses if not is_public(a)), None)


class GuardedTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, resolver: Resolver = resolve) -> None:
        self.inner = inner
        self.resolver = resolver

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        address = refused_address(host, self.resolver)
        if address is not None:
            shown = host if host == address else f"{host} ({address})"
            raise BlockedAddress(f"adresse non publique refusée : {shown}", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
