"""Fetching chapter pages for an import (lib/fetch.py) from a real local web server: pages
come back; private addresses (first or after a redirect), huge bodies, slow servers, other
content types, redirect loops and odd URLs are refused with a reason, within the limits."""

from __future__ import annotations

import socket
import time

import pytest

from fichive.lib.fetch import (
    FetchRefused,
    checked_addresses,
    fetch,
    is_public_address,
)
from tests.pages_server import PagesServer, Route, pages_server

PAGE = "<html><head><title>Chapter One</title></head><body><p>It begins.</p></body></html>"


@pytest.fixture
def server(settings):
    # 127.0.0.1 (as written in a URL) may be fetched; "localhost", the same address by
    # another name, may not: so a redirect to it shows the re-check of every hop.
    settings.IMPORT_ALLOW_PRIVATE_URLS = ["127.0.0.1"]
    with pages_server() as running:
        yield running


def _refused(url: str, **kwargs) -> str:
    with pytest.raises(FetchRefused) as refused:
        fetch(url, **kwargs)
    return str(refused.value)


def test_a_page_is_fetched_with_its_type_and_charset(server: PagesServer):
    url = server.page("/one.html", PAGE, content_type="text/html; charset=ISO-8859-1")

    page = fetch(url)

    assert page.body == PAGE.encode()
    assert (page.content_type, page.charset, page.url) == ("text/html", "iso-8859-1", url)


def test_a_redirect_is_followed_and_gzip_unpacked(server: PagesServer):
    target = server.gzipped("/packed.html", PAGE.encode())
    server.routes["/moved"] = Route(status=301, headers={"Location": "/packed.html"})

    page = fetch(server.url("/moved"))

    assert page.url == target
    assert page.body == PAGE.encode()


def test_private_addresses_are_refused_by_default(settings, server: PagesServer):
    url = server.page("/one.html", PAGE)
    settings.IMPORT_ALLOW_PRIVATE_URLS = []

    assert "private or local network (127.0.0.1)" in _refused(url)
    assert server.hits == {}  # never connected


def test_a_redirect_to_a_private_address_is_refused_even_from_an_allowed_host(
        server: PagesServer):
    server.page("/one.html", PAGE)
    for path, where in [("/to-localhost", "http://localhost:{port}/one.html"),
                        ("/to-ipv6", "http://[::1]:{port}/one.html"),
                        ("/to-metadata", "http://169.254.169.254/latest/meta-data/")]:
        server.routes[path] = Route(status=302, headers={"Location": where})

        reason = _refused(server.url(path))

        assert "private or local network" in reason
    assert "/one.html" not in server.hits


def test_a_huge_body_is_refused_without_reading_it_all(server: PagesServer):
    megabyte = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
    # 200 MB on offer, sent in 1 MB pieces with no Content-Length.
    server.routes["/huge"] = Route(megabyte, repeat=200, length=False)

    assert "larger than 5 MB" in _refused(server.url("/huge"))
    waited = time.monotonic()
    while "/huge" not in server.sent and time.monotonic() - waited < 10:
        time.sleep(0.05)  # the server notices the closed connection on its next write
    assert server.sent["/huge"] < 20 * 1024 * 1024


def test_a_declared_huge_length_is_refused_before_reading(server: PagesServer):
    server.routes["/declared"] = Route(b"<p>x</p>", declared_length=500 * 1024 * 1024)

    assert "larger than 5 MB" in _refused(server.url("/declared"))


def test_a_compressed_bomb_is_refused_past_the_limit(server: PagesServer):
    server.gzipped("/bomb.html", b"<p>" + b"a" * (50 * 1024 * 1024))

    assert "larger than 1 MB" in _refused(server.url("/bomb.html"), max_bytes=1024 * 1024)


def test_a_slow_body_is_cut_off_at_the_total_time(server: PagesServer):
    # A byte every 0.1 s: each read gets something, so only the total deadline stops it.
    server.routes["/slow"] = Route(b"x", repeat=10_000, delay=0.1, length=False)

    started = time.monotonic()
    reason = _refused(server.url("/slow"), total_timeout=1.0)

    assert "took longer than 1 seconds" in reason
    assert time.monotonic() - started < 5


def test_a_server_that_never_answers_is_timed_out(server: PagesServer):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never says anything
    try:
        port = listener.getsockname()[1]
        started = time.monotonic()
        reason = _refused(f"http://127.0.0.1:{port}/", total_timeout=1.0)
    finally:
        listener.close()

    assert "took longer than 1 seconds" in reason
    assert time.monotonic() - started < 5


def test_other_content_types_are_refused(server: PagesServer):
    server.routes["/picture.png"] = Route(b"\x89PNG\r\n", content_type="image/png")
    server.routes["/untyped"] = Route(b"<p>x</p>", content_type="")

    assert "the page is image/png, not text/html or application/xhtml+xml" in _refused(
        server.url("/picture.png"))
    assert "of no stated type" in _refused(server.url("/untyped"))
    server.routes["/story.txt"] = Route(b"Once.", content_type="text/plain")
    assert fetch(server.url("/story.txt"), accept=("text/plain",)).body == b"Once."


def test_a_redirect_loop_stops_after_five(server: PagesServer):
    server.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})

    assert "redirected more than 5 times" in _refused(server.url("/loop"))
    assert server.hits["/loop"] == 6


def test_error_statuses_and_bad_addresses_are_refused(server: PagesServer):
    assert "answered 404" in _refused(server.url("/missing"))
    assert "not an http or https address" in _refused("file:///etc/passwd")
    assert "not an http or https address" in _refused("ftp://example.org/x")
    assert "names no host" in _refused("http:///x")
    assert "user name or password" in _refused("http://me:secret@127.0.0.1/")
    assert "not a valid web address" in _refused("http://127.0.0.1:99999999/")


@pytest.mark.parametrize("address", [
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "127.0.0.1", "169.254.169.254", "0.0.0.0",  # noqa: S104
    "100.64.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
    "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:a00:1::",
    "64:ff9b::a00:1", "fe80::1%eth0", "not an address",
])
def test_non_public_addresses_are_not_public(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_public(address):
    assert is_public_address(address)


def _resolver(*addresses: str):
    def resolve(host, port, **kwargs):
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM,
                 socket.IPPROTO_TCP, "", (a, port)) for a in addresses]
    return resolve


def test_every_address_of_a_host_is_checked(settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = []
    assert checked_addresses("archive.example", 80, resolve=_resolver("93.184.216.34")) == [
        (socket.AF_INET, "93.184.216.34")]
    for bad in ["10.0.0.1", "169.254.169.254", "::1"]:
        with pytest.raises(FetchRefused, match="private or local network"):
            # One public address among them doesn't make a private one acceptable.
            checked_addresses("archive.example", 80, resolve=_resolver("93.184.216.34", bad))


def test_the_setting_allows_named_hosts_or_all(settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = ["oldarchive.lan"]
    assert checked_addresses("oldarchive.lan", 80, resolve=_resolver("10.0.0.1"))
    with pytest.raises(FetchRefused):
        checked_addresses("other.lan", 80, resolve=_resolver("10.0.0.1"))
    settings.IMPORT_ALLOW_PRIVATE_URLS = ["*"]
    assert checked_addresses("other.lan", 80, resolve=_resolver("10.0.0.1"))


def test_the_connection_goes_to_the_checked_address(settings, server: PagesServer):
    """DNS answering differently on the second lookup (rebinding) can't move the connection:
    only the one lookup is made, and the connection goes to what it checked."""
    server.page("/one.html", PAGE)
    settings.IMPORT_ALLOW_PRIVATE_URLS = ["rebind.example"]
    calls = []

    def resolve(host, port, **kwargs):
        calls.append(host)
        address = "127.0.0.1" if len(calls) == 1 else "10.9.9.9"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    page = fetch(f"http://rebind.example:{server.port}/one.html", resolve=resolve)

    assert page.body == PAGE.encode() and calls == ["rebind.example"]
