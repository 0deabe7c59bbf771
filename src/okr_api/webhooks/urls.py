"""Where webhooks may be sent: ``https`` URLs to public addresses. Loopback (``http`` or
``https``, for a receiver on the same machine) only where the settings allow it
(``OKR_WEBHOOKS_ALLOW_LOOPBACK``; by default in development only). Private, link-local
and other special addresses are refused, at registration for literal addresses and at
every delivery for what the name resolves to."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class UrlRefused(ValueError):
    pass


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    address = _address(host)
    return host.lower() in LOOPBACK_NAMES if address is None else address.is_loopback


def _refused_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address,
                     allow_loopback: bool) -> str | None:
    if address.is_loopback:
        return None if allow_loopback else "loopback addresses are not allowed"
    if not address.is_global or address.is_multicast:
        return "private and special-purpose addresses are not allowed"
    return None


def check_url(url: str, allow_loopback: bool) -> str:
    """The URL when it may receive webhooks; raises UrlRefused with the reason."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise UrlRefused("the URL must be an absolute https URL")
    if parts.username or parts.password:
        raise UrlRefused("the URL must not carry credentials; use the signing secret")
    loopback = _is_loopback(host)
    if parts.scheme == "http" and not (loopback and allow_loopback):
        raise UrlRefused("the URL must use https")
    if loopback and not allow_loopback:
        raise UrlRefused("loopback URLs are only allowed in development")
    address = _address(host)
    if address is not None and (reason := _refused_address(address, allow_loopback)):
        raise UrlRefused(reason)
    return url.strip()


async def check_resolved(url: str, allow_loopback: bool) -> None:
    """Refuse a name that resolves to an address webhooks may not reach."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if _address(host) is not None:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise UrlRefused(f"the host does not resolve: {error}") from None
    for info in infos:
        address = _address(str(info[4][0]))
        if address is not None and (reason := _refused_address(address, allow_loopback)):
            raise UrlRefused(f"the host resolves to {address}: {reason}")
