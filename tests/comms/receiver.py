"""A webhook receiver on 127.0.0.1 for tests: records what arrives, and fails on request.

Each path is one channel. `fail(path, *faults)` queues faults the next requests to that path
meet, in order: an HTTP status (500, 503...), `Throttle(seconds)` (429 with Retry-After), or
`STALL` (the request is never read or answered until the test ends: the client must time out).
Requests that get a 2xx are `delivered`; every request, whatever it got, is in `seen`.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STALL = "stall"


@dataclass(frozen=True)
class Throttle:
    retry_after: str


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class Receiver:
    def __init__(self) -> None:
        self.delivered: list[Request] = []
        self.seen: list[tuple[str, str]] = []
        self._faults: dict[str, deque[object]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}/{path.lstrip('/')}"

    def fail(self, path: str, *faults: object) -> None:
        with self._lock:
            self._faults["/" + path.lstrip("/")].extend(faults)

    def on(self, path: str) -> list[Request]:
        return [r for r in self.delivered if r.path == "/" + path.lstrip("/")]

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def _next_fault(self, path: str) -> object | None:
        with self._lock:
            queue = self._faults[path]
            return queue.popleft() if queue else None


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            fault = receiver._next_fault(self.path)
            if fault == STALL:
                receiver.seen.append((self.path, "stalled"))
                receiver._release.wait(10)
                self.close_connection = True
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if isinstance(fault, int):
                self._answer(fault, {}, "seen")
            elif isinstance(fault, Throttle):
                self._answer(429, {"Retry-After": fault.retry_after}, "seen")
            else:
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with receiver._lock:
                    receiver.delivered.append(request)
                self._answer(200, {}, "ok")

        def _answer(self, status: int, headers: dict[str, str], text: str) -> None:
            receiver.seen.append((self.path, str(status)))
            data = text.encode()
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(data))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads `seen` instead."""

    return Handler
