"""Reachability of outside documents as an opt-in lint check (RB210, `--check-documents`).

Off unless asked, because it goes to the network: every http(s) `document` and `see_also` of the
linted runbooks is requested once (HEAD, then GET when a server refuses HEAD), a few at a time and
each within a timeout. `wiki:` paths are the team wiki's and are not checked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from runbook_engine.findings import Finding, Position, Severity
from runbook_engine.format.loader import Document, LoadError, load_path
from runbook_engine.format.model import runbook_from_data
from runbook_engine.frozen import frozen

CODE = "RB210"
NAME = "unreachable-document"
SUMMARY = "an outside document the runbook links to does not answer (only with --check-documents)"
HINT = "fix or replace the URL; the page may have moved (check it in a browser)"

DEFAULT_TIMEOUT_S = 5.0
PARALLEL = 8
"""Requests in flight at once: enough for a library's few dozen links, polite to one wiki."""


@frozen
class DocumentRef:
    """One outside document as written: in which file, at which position, on which node."""

    path: str
    position: Position
    url: str
    node: str


def document_refs(files: Sequence[Path]) -> list[DocumentRef]:
    """Every http(s) document and see-also of the runbooks in `files` (unloadable files skipped:
    the rules already report them)."""
    refs: list[DocumentRef] = []
    for file in files:
        try:
            document = load_path(file)
        except LoadError:
            continue
        refs += _refs_in(document)
    return refs


def _refs_in(document: Document) -> Iterator[DocumentRef]:
    if not isinstance(document.data, dict):
        return
    runbook = runbook_from_data(document.data, document.path)
    for node in runbook.nodes.values():
        places: list[tuple[tuple[str | int, ...], str]] = [(("nodes", node.id, "document"), node.document)]
        places += [(("nodes", node.id, "see_also", i), url) for i, url in enumerate(node.see_also)]
        for where, url in places:
            if url.startswith(("http://", "https://")):
                yield DocumentRef(document.path, document.locate(where), url, node.id)


def problem(url: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> str | None:
    """Why `url` is unreachable ("HTTP 404", "connection refused"...), or None when it answers."""
    # Imported here: urllib.request brings http, ssl and email, ~30 ms of every lint's start-up,
    # and the rule registry imports this module for RB210's description.
    import urllib.error

    try:
        return _status_problem(_request(url, "HEAD", timeout_s))
    except urllib.error.HTTPError as exc:
        if exc.code in (405, 501):  # the server does not do HEAD: ask for the page itself
            try:
                return _status_problem(_request(url, "GET", timeout_s))
            except urllib.error.HTTPError as again:
                return f"HTTP {again.code}"
            except (urllib.error.URLError, OSError) as again:
                return _reason(again)
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return _reason(exc)


def _request(url: str, method: str, timeout_s: float) -> int:
    import urllib.request

    # Only http(s) URLs get here (`_refs_in` filters them), never file: or custom schemes.
    request = urllib.request.Request(url, method=method, headers={"User-Agent": "runbook-lint"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
        return int(response.status)


def _status_problem(status: int) -> str | None:
    return None if status < 400 else f"HTTP {status}"


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return str(getattr(reason, "strerror", None) or reason)


def document_findings(files: Sequence[Path], timeout_s: float = DEFAULT_TIMEOUT_S) -> list[Finding]:
    """One finding per reference to a document that does not answer; each URL is asked once."""
    from concurrent.futures import ThreadPoolExecutor

    refs = document_refs(files)
    urls = sorted({ref.url for ref in refs})
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        problems = dict(zip(urls, pool.map(lambda url: problem(url, timeout_s), urls), strict=True))
    return [
        Finding(ref.path, ref.position, CODE, f"document {ref.url} does not answer: {problems[ref.url]}",
                HINT, Severity.ERROR, ref.node)
        for ref in refs
        if problems[ref.url] is not None
    ]
