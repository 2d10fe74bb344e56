"""Fetching a web page for an import (the archivist API's chapter URLs) with strict limits:
http and https only; the host resolved once, every address it has checked, and the
connection made to a checked address (so DNS can't answer differently in between); no
private, loopback, link-local, multicast, reserved or otherwise non-public address unless
settings.IMPORT_ALLOW_PRIVATE_URLS allows the host; redirects followed here, at most
MAX_REDIRECTS, each new address checked the same way; a size limit enforced while reading
(a body past it is never read whole); a connect timeout and a total deadline that covers
headers and body however slowly a server sends them; only the content types asked for.

Everything that goes wrong is a FetchRefused whose message says what, fit to show."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

# A chapter page larger than this is refused (its bytes as sent, and again once unpacked).
MAX_BYTES = 5 * 1024 * 1024
CONNECT_TIMEOUT = 10.0  # seconds to connect (each address tried)
TOTAL_TIMEOUT = 30.0  # seconds for the whole fetch, redirects included
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
USER_AGENT = "Fichive-importer/1 (archivist import of chapter pages)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_READ_SIZE = 64 * 1024
# Characters left as they are when a URL's path or query is made ASCII for the request line.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"

Resolver = Callable[..., list[Any]]


class FetchRefused(Exception):
    """A page that wasn't fetched; str(error) says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Page:
    """A fetched page: the URL it came from (after redirects), its content type (lowercase,
    no parameters), the charset its Content-Type named (or ""), and its body."""

    url: str
    content_type: str
    charset: str
    body: bytes


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(text: str) -> bool:
    """Whether an address (as getaddrinfo gives it) is a public unicast one: not private,
    loopback, link-local, multicast, reserved, unspecified or shared, nor an IPv6 address
    wrapping such an IPv4 one."""
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address.teredo is not None:
            return False
        inner = _embedded_ipv4(address)
        if inner is not None:
            return is_public_address(str(inner))
        if address.is_site_local:
            return False
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified
                or not address.is_global)


def _private_allowed(host: str) -> bool:
    allowed = [str(h).lower() for h in getattr(settings, "IMPORT_ALLOW_PRIVATE_URLS", [])]
    return "*" in allowed or host.lower() in allowed


def checked_addresses(host: str, port: int, *, resolve: Resolver = socket.getaddrinfo
                      ) -> list[tuple[int, str]]:
    """The addresses (family, address) to connect to for `host`, every one checked: all
    must be public unless the settings allow private addresses for this host name."""
    try:
        infos = resolve(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError) as exc:
        raise FetchRefused(f"the host “{host[:200]}” wasn't found") from exc
    found: list[tuple[int, str]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        found.append((family, str(sockaddr[0])))
    if not found:
        raise FetchRefused(f"the host “{host}” has no address")
    if not _private_allowed(host):
        for _family, address in found:
            if not is_public_address(address):
                raise FetchRefused(f"the host “{host}” is on a private or local network "
                                   f"({address}), which imports may not reach")
    return list(dict.fromkeys(found))


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand, whatever the host resolves to
    now (the Host header still names the host)."""

    raw: socket.socket

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = self.raw = socket.create_connection((self.address, self.port),
                                                        self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the host name."""

    raw: socket.socket

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self.raw = self.tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


@dataclass
class _Target:
    scheme: str
    host: str
    port: int
    target: str  # the request line's path and query, ASCII


def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"“{url[:200]}” is not a valid web address") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(f"“{url[:200]}” is not an http or https address")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused(f"“{url[:200]}” names no host")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("addresses with a user name or password in them aren't fetched")
    try:
        host.encode("idna")
    except UnicodeError as exc:
        raise FetchRefused(f"“{host[:200]}” is not a valid host name") from exc
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = quote(parts.query, safe=_QUERY_SAFE)
    target = path + ("?" + query if query else "")
    if any(ord(c) < 33 for c in target):
        raise FetchRefused(f"“{url[:200]}” is not a valid web address")
    return _Target(scheme, host, port or (443 if scheme == "https" else 80), target)


class _Deadline:
    """The fetch's total time: when it passes, the open connection is shut down, which ends
    any read waiting on a slow server."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.passed = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            self.passed = True
            raise self.refused()
        return left

    def ran_out(self, exc: BaseException) -> bool:
        """Whether `exc` came of the deadline: the connection shut at it, or a socket
        timeout (each wait is given no more than the time left)."""
        return self.passed or isinstance(exc, TimeoutError) or time.monotonic() >= self.ends

    def refused(self) -> FetchRefused:
        return FetchRefused(f"the page took longer than {self.seconds:g} seconds to load")

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.passed and sock is not None:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.passed = True
            if self._sock is not None:
                self._shut(self._sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _open(target: _Target, *, deadline: _Deadline, connect_timeout: float,
          resolve: Resolver) -> _PinnedHTTP | _PinnedHTTPS:
    """A connection to the first checked address of the target's host that answers."""
    addresses = checked_addresses(target.host, target.port, resolve=resolve)
    kind: type[_PinnedHTTP] | type[_PinnedHTTPS] = (
        _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)
    last: Exception | None = None
    for _family, address in addresses:
        timeout = min(connect_timeout, deadline.left())
        connection = kind(target.host, target.port, address=address, timeout=timeout)
        try:
            connection.connect()
        except ssl.SSLError as exc:
            connection.close()
            raise FetchRefused(f"the secure connection to “{target.host}” failed "
                               f"({exc.reason or 'TLS error'})") from exc
        except OSError as exc:
            connection.close()
            last = exc
            continue
        return connection
    if deadline.passed or isinstance(last, TimeoutError):
        raise FetchRefused(f"“{target.host}” didn't answer within "
                           f"{connect_timeout:g} seconds") from last
    raise FetchRefused(f"couldn't connect to “{target.host}”") from last


def _media_type(response: http.client.HTTPResponse) -> tuple[str, str]:
    header = response.getheader("Content-Type")
    if not header:
        return "", ""
    message = response.msg
    return message.get_content_type().lower(), (message.get_content_charset() or "").lower()


def _read_body(response: http.client.HTTPResponse, *, deadline: _Deadline,
               max_bytes: int) -> bytes:
    """The body, refused as soon as it passes max_bytes (sent or unpacked)."""
    limit_text = f"{max_bytes / (1024 * 1024):g} MB"
    length = response.getheader("Content-Length")
    if length is not None and length.strip().isdigit() and int(length) > max_bytes:
        raise FetchRefused(f"the page is larger than {limit_text}")
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise FetchRefused(f"the page came in an encoding that can't be read ({encoding[:40]})")
    unpack = None if encoding in ("identity", "") else zlib.decompressobj(zlib.MAX_WBITS | 32)
    chunks: list[bytes] = []
    size = sent = 0
    while True:
        deadline.left()
        try:
            chunk = response.read1(_READ_SIZE)
        except (OSError, http.client.HTTPException) as exc:
            if deadline.ran_out(exc):
                raise deadline.refused() from exc
            raise FetchRefused("the connection broke off while the page was loading") from exc
        if not chunk:
            if deadline.passed:
                raise deadline.refused()
            break
        sent += len(chunk)
        if sent > max_bytes:
            raise FetchRefused(f"the page is larger than {limit_text}")
        if unpack is not None:
            try:
                chunk = unpack.decompress(chunk, max_bytes + 1 - size)
            except zlib.error as exc:
                raise FetchRefused("the page's compressed data is broken") from exc
            if unpack.unconsumed_tail:
                raise FetchRefused(f"the page is larger than {limit_text}")
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"the page is larger than {limit_text}")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch(url: str, *, accept: Iterable[str] = HTML_TYPES, max_bytes: int = MAX_BYTES,
          connect_timeout: float = CONNECT_TIMEOUT, total_timeout: float = TOTAL_TIMEOUT,
          max_redirects: int = MAX_REDIRECTS, resolve: Resolver = socket.getaddrinfo) -> Page:
    """GET `url` within the limits above; the Page, or FetchRefused saying why not.
    `accept` are the content types taken (lowercase); `resolve` is getaddrinfo (tests give
    their own answers)."""
    accepted = tuple(accept)
    deadline = _Deadline(total_timeout)
    current = url
    try:
        for _hop in range(max_redirects + 1):
            target = _target(current)
            connection = _open(target, deadline=deadline, connect_timeout=connect_timeout,
                               resolve=resolve)
            raw: socket.socket = connection.raw
            deadline.watch(raw)
            response: http.client.HTTPResponse | None = None
            try:
                try:
                    connection.timeout = deadline.left()
                    if connection.sock is not None:
                        connection.sock.settimeout(connection.timeout)
                    connection.putrequest("GET", target.target, skip_accept_encoding=True)
                    connection.putheader("User-Agent", USER_AGENT)
                    connection.putheader("Accept", ", ".join((*accepted, "*/*;q=0.1")))
                    connection.putheader("Accept-Encoding", "gzip, deflate, identity")
                    connection.putheader("Connection", "close")
                    connection.endheaders()
                    response = connection.getresponse()
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    if deadline.ran_out(exc):
                        raise deadline.refused() from exc
                    raise FetchRefused(f"“{target.host}” didn't answer properly "
                                       f"({type(exc).__name__})") from exc
                if response.status in _REDIRECTS:
                    location = response.getheader("Location")
                    if not location:
                        raise FetchRefused(f"the page redirected ({response.status}) without "
                                           "saying where to")
                    current = urljoin(current, location.strip())
                    continue
                if not 200 <= response.status < 300:
                    raise FetchRefused(f"the page answered {response.status} "
                                       f"{response.reason or ''}".rstrip())
                content_type, charset = _media_type(response)
                if content_type not in accepted:
                    raise FetchRefused(f"the page is {content_type or 'of no stated type'}, "
                                       f"not {' or '.join(accepted)}")
                body = _read_body(response, deadline=deadline, max_bytes=max_bytes)
                return Page(url=current, content_type=content_type, charset=charset, body=body)
            finally:
                deadline.watch(None)
                if response is not None:
                    response.close()
                connection.close()
                raw.close()
        raise FetchRefused(f"the page redirected more than {max_redirects} times")
    finally:
        deadline.cancel()
