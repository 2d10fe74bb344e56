"""A real local web server (threading http.server on 127.0.0.1) serving chapter pages, and
hostile ones, for the fetcher's and the archivist API's tests."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What a path answers: status, headers and body; `stream` sends `body` over and over
    (up to `repeat` times, flushing each), `delay` waits between pieces."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    repeat: int = 1
    delay: float = 0.0
    length: bool = True  # send Content-Length (of one body times repeat)
    declared_length: int | None = None  # a Content-Length to claim instead


class PagesServer:
    """Routes by path; counts the bytes each path's answers actually sent."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.sent: dict[str, int] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                route = server.routes.get(self.path)
                if route is None:
                    route = Route(b"<p>Not here.</p>", status=404)
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                for name, value in route.headers.items():
                    self.send_header(name, value.replace("{port}", str(server.port)))
                if route.declared_length is not None:
                    self.send_header("Content-Length", str(route.declared_length))
                elif route.length:
                    self.send_header("Content-Length", str(len(route.body) * route.repeat))
                self.send_header("Connection", "close")
                self.end_headers()
                sent = 0
                try:
                    for _ in range(route.repeat):
                        if route.delay:
                            time.sleep(route.delay)
                        self.wfile.write(route.body)
                        self.wfile.flush()
                        sent += len(route.body)
                except OSError:
                    pass
                finally:
                    server.sent[self.path] = server.sent.get(self.path, 0) + sent
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def page(self, path: str, html: str, **kwargs: object) -> str:
        self.routes[path] = Route(html.encode("utf-8"), **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def gzipped(self, path: str, data: bytes) -> str:
        self.routes[path] = Route(gzip.compress(data), headers={"Content-Encoding": "gzip"})
        return self.url(path)


@contextmanager
def pages_server() -> Iterator[PagesServer]:
    server = PagesServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
