"""The local HTTPS server that hosts the fake identity endpoint and the fake Graph.

It records every request (host, path, query, headers, body) so tests can assert
what went over the wire, and serves scripted fault responses (410, 429 + Retry-After,
503, 403 …) ahead of the modelled behaviour. A scripted response that was never
used fails the test (see ``FakeMicrosoft.assert_clean``), and so does any protocol
violation the fake notices (a Graph call without ``Prefer: IdType="ImmutableId"``,
query options on a follow-up delta request, an unknown bearer token).
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.microsoft.tls import TlsFiles


@dataclass
class Request:
    method: str
    host: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), "")

    @property
    def prefer(self) -> list[str]:
        return [p.strip() for p in self.header("Prefer").split(",") if p.strip()]

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, doc: object, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, json.dumps(doc, ensure_ascii=False).encode(),
                   {"Content-Type": "application/json", **(headers or {})})

    @classmethod
    def graph_error(cls, status: int, code: str, message: str,
                    headers: dict[str, str] | None = None) -> Reply:
        return cls.json(status, {"error": {"code": code, "message": message, "innerError": {
            "request-id": "00000000-0000-0000-0000-000000000001", "date": "2026-03-02T09:00:00"}}},
            headers)


@dataclass
class Scripted:
    matches: Callable[[Request], bool]
    reply: Reply
    label: str


Handler = Callable[[Request], Reply]


class RecordingServer:
    """Threaded TLS (or plain) HTTP server dispatching every request to ``handle``."""

    def __init__(self, handle: Handler, tls: TlsFiles | None) -> None:
        self.handle = handle
        self.requests: list[Request] = []
        self.violations: list[str] = []
        self.scripted: list[Scripted] = []
        self.lock = threading.Lock()
        self.delay = 0.0  # seconds each Graph request is held, to make overlap observable
        self.in_flight = 0
        self.max_in_flight = 0
        self.bytes_out = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls.cert_pem, tls.key_pem)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def script(self, matches: Callable[[Request], bool], reply: Reply, label: str,
               times: int = 1) -> None:
        with self.lock:
            self.scripted.extend(Scripted(matches, reply, label) for _ in range(times))

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _dispatch(self, request: Request) -> Reply:
        graph = request.path.startswith("/v1.0/")
        with self.lock:
            self.requests.append(request)
            self.in_flight += graph
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            found = next((s for s in self.scripted if s.matches(request)), None)
            if found is not None:
                self.scripted.remove(found)
        try:
            if graph and self.delay:
                threading.Event().wait(self.delay)  # a slow server, not a test sleep
            reply = found.reply if found is not None else self._handle(request)
        finally:
            with self.lock:
                self.in_flight -= graph
        with self.lock:
            self.bytes_out += len(reply.body)
        return reply

    def _handle(self, request: Request) -> Reply:
        try:
            return self.handle(request)
        except Exception as err:  # noqa: BLE001 - a fake bug must fail the test, not hang it
            self.violations.append(f"fake crashed on {request.path}: {err!r}")
            return Reply.graph_error(500, "FakeCrashed", repr(err))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(self.command, self.headers.get("Host", ""), parts.path,
                                  dict(parse_qsl(parts.query, keep_blank_values=True)),
                                  dict(self.headers.items()), body)
                reply = server._dispatch(request)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return None

        return _Handler
