"""Addresses the platform itself sends to (reminder webhooks): never the platform's own network.

A webhook URL is typed in by an operator for a provider; delivered by the server, it could reach what only
the server can reach: loopback, the cloud's metadata service, private or link-local hosts. So a URL is refused
when its host is such an address, written in any form (`127.1`, `2130706433`, `0x7f.0.0.1`, `[::1]`,
`[::ffff:127.0.0.1]`), or a name that means one (`localhost`, `*.localhost`); a name is resolved again at each
delivery and every address it resolves to is checked, so a name cannot be pointed inside later. A host named
in `REDLINE_OUTBOUND_ALLOWED_HOSTS` is exempt (an operator's own receiver). Credentials never sit in a URL:
the endpoint's secret signs the body.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from redline.errors import InputError

METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def literal_address(host: str) -> Address | None:
    """The IP address `host` spells, in any form a resolver would accept (dotted, short, decimal, hex,
    octal, IPv6, IPv4-mapped IPv6), or None for a name."""
    text = host.strip("[]")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        try:  # the forms inet_aton takes: 127.1, 2130706433, 0x7f000001, 0177.0.0.1
            address = ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def inside(address: Address) -> bool:
    """Whether the address belongs to the platform's own or a private network."""
    return (
        address in METADATA
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def check_url(url: str, allowed_hosts: list[str], field: str = "url") -> str:
    """The URL, stripped, if the platform may send to it; otherwise a user error saying why."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(text) > 500:
        raise InputError(f"'{redact(text)}' is not an http(s) URL", field=field)
    if parts.username is not None or parts.password is not None:
        raise InputError("the URL holds credentials; the endpoint's secret signs each delivery instead", field=field)
    host = parts.hostname.lower().rstrip(".")
    if host in allowed_hosts:
        return text
    address = literal_address(host)
    if host in LOCAL_NAMES or host.endswith(".localhost") or (address is not None and inside(address)):
        raise InputError(
            f"'{host}' is a loopback, private, link-local or metadata address; the platform does "
            "not send there (an operator may allow a host in REDLINE_OUTBOUND_ALLOWED_HOSTS)",
            field=field,
        )
    return text


def check_resolved(url: str, allowed_hosts: list[str]) -> None:
    """At delivery: every address the URL's host resolves to now must be outside (DNS may have changed)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if host in allowed_hosts:
        return
    try:
        infos = socket.getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP
        )
    except OSError as exc:
        raise InputError(f"cannot resolve '{host}': {exc}", field="url") from None
    for info in infos:
        address = literal_address(str(info[4][0]))
        if address is not None and inside(address):
            raise InputError(f"'{host}' resolves to {address}, an address the platform does not send to", field="url")


def redact(url: str) -> str:
    """The URL as it may be recorded or shown: credentials and query values replaced."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username is not None:
        netloc = "[redacted]@" + netloc
    query = "&".join(f"{quote(k)}=[redacted]" for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
