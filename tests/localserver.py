"""A local HTTP/1.1 test server on 127.0.0.1 whose routes each test sets (shared by the
reader and fetch tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]


class LocalServer:
    """A threaded HTTP/1.1 server on 127.0.0.1:0 serving ``routes`` (path -> handler)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Recorded] = []
        self.stop = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10  # a connection that never sends a request cannot pin a thread

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                outer.requests.append(Recorded(path, {k.lower(): v for k, v in self.headers.items()}))
                self.close_connection = True
                route = outer.routes.get(path)
                try:
                    if route is None:
                        send(self, 404, b"not found", {"Content-Type": "text/plain"})
                    else:
                        route(self)
                except OSError:
                    pass  # the client went away (timeouts, size caps): expected here

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = False
        self.httpd.block_on_close = True  # server_close() joins the handler threads
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()  # wakes handlers that sleep or drip
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def send(
    handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> None:
    """A complete response with ``Connection: close`` (and, but for a 304, its body and length)."""
    handler.send_response(status)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    if status != 304:
        handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    if status != 304:
        handler.wfile.write(body)
    handler.wfile.flush()
