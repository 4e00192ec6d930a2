"""RB210: outside documents checked for reachability only when asked, against a real HTTP server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.lint.documents import document_findings, problem


class Handler(BaseHTTPRequestHandler):
    """`/ok` answers 200, `/no-head` refuses HEAD but answers GET, anything else is 404."""

    def do_HEAD(self) -> None:
        self.send_response({"/ok": 200, "/no-head": 405}.get(self.path, 404))
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("NO_PROXY", "no_proxy"):  # urllib honours proxy variables: keep 127.0.0.1 direct
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def runbook(folder: Path, base: str, dead: str) -> Path:
    path = folder / "links.yaml"
    path.write_text(f"""\
id: links
title: Links
service: demo
owners: ["@demo"]
severity: SEV-3
symptom: {{summary: Something}}
start: look
nodes:
  look:
    kind: check
    text: Look.
    signal: {{kind: manual, text: look}}
    see_also: ["{base}/ok", "{base}/no-head", "wiki:Not/Checked"]
    answers: {{fine: done, bad: away}}
  away:
    kind: handoff
    text: Continue in the handbook.
    document: {dead}
  done: {{kind: resolve, text: Fine.}}
""", encoding="utf-8")
    return path


def test_a_server_that_answers_or_refuses_only_head_is_reachable(server: str) -> None:
    assert problem(f"{server}/ok") is None
    assert problem(f"{server}/no-head") is None
    assert problem(f"{server}/gone") == "HTTP 404"
    assert problem(f"http://127.0.0.1:{closed_port()}/x", timeout_s=2) is not None


def test_dead_documents_are_findings_at_the_line_that_names_them(server: str, tmp_path: Path) -> None:
    path = runbook(tmp_path, server, f"{server}/gone")
    findings = document_findings([path])
    assert [(f.code, f.position.line, f.node) for f in findings] == [("RB210", 18, "away")]
    assert findings[0].message == f"document {server}/gone does not answer: HTTP 404"


def test_lint_checks_documents_only_when_asked(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = runbook(tmp_path, server, f"{server}/gone")
    assert main(["lint", str(path)]) == 0
    assert main(["lint", "--check-documents", str(path)]) == 1
    assert "RB210 document" in capsys.readouterr().out
    assert main(["lint", "--check-documents", "--document-timeout", "0", str(path)]) == 2
    good = runbook(tmp_path, server, f"{server}/ok")
    assert main(["lint", "--check-documents", str(good)]) == 0
