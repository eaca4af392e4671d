"""A local replay server for the demo and the tests: serves a folder of fixture files on
127.0.0.1, replacing ``{{BASE}}`` in text files with the server's own base URL."""

from __future__ import annotations

import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

from newsmon.settings import REPO_ROOT

FIXTURES = REPO_ROOT / "fixtures" / "replay"
_TEXT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain",
    ".json": "application/json",
}


class ReplayServer:
    """``with ReplayServer() as server: server.base`` -> ``http://127.0.0.1:<port>``."""

    def __init__(self, root: Path = FIXTURES, port: int = 0, host: str = "127.0.0.1") -> None:
        self.root = root.resolve()
        self.requests: list[str] = []
        handler = self._handler()
        try:
            self.httpd = ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            raise OSError(f"replay server: cannot listen on {host}:{port} ({exc.strerror}); pass another port") from exc
        self.httpd.daemon_threads = True
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="replay-server", daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                server.requests.append(self.path)

            def do_GET(self) -> None:
                path = unquote(urlsplit(self.path).path)
                target = (server.root / path.lstrip("/")).resolve()
                if not target.is_relative_to(server.root) or not target.is_file():
                    self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8")
                    return
                body = target.read_bytes()
                suffix = target.suffix.lower()
                ctype = _TEXT_TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                if ctype.startswith("text/") or ctype.endswith(("xml", "json")):
                    body = body.replace(b"{{BASE}}", server.base.encode())
                    ctype += "; charset=utf-8"
                self._send(200, body, ctype)

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
