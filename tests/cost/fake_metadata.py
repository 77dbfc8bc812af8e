"""A cloud's instance metadata service on 127.0.0.1, answering as one provider does."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:
        pass

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_GET(self) -> None:
        self._answer("GET")

    def _answer(self, method: str) -> None:
        self.server.hits.append((method, self.path, dict(self.headers)))
        status, headers, body = self.server.respond(method, self.path, self.headers)
        data = body.encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, provider: str, machine: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.provider, self.machine = provider, machine
        self.hits: list[tuple[str, str, dict[str, str]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def respond(self, method: str, path: str, headers) -> tuple[int, dict[str, str], str]:
        """As the provider's service answers, for what the client asks."""
        p, h = self.provider, headers
        if p == "aws" and method == "PUT" and path == "/latest/api/token":
            return (
                (200, {}, "TOKEN-1")
                if h.get("X-aws-ec2-metadata-token-ttl-seconds")
                else (400, {}, "")
            )
        if p == "aws" and path == "/latest/meta-data/instance-type":
            ok = h.get("X-aws-ec2-metadata-token") == "TOKEN-1"
            return (200, {}, self.machine) if ok else (401, {}, "")
        if p == "gcp" and path == "/computeMetadata/v1/instance/machine-type":
            ok = h.get("Metadata-Flavor") == "Google"
            body = f"projects/42/machineTypes/{self.machine}"
            return (200, {"Metadata-Flavor": "Google"}, body) if ok else (403, {}, "")
        if p == "azure" and path.startswith("/metadata/instance/compute/vmSize?"):
            ok = h.get("Metadata") == "true" and "format=text" in path
            return (200, {}, self.machine) if ok else (400, {}, "")
        return 404, {}, "not found"


@contextmanager
def metadata_server(provider: str, machine: str) -> Iterator[_Server]:
    server = _Server(provider, machine)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
