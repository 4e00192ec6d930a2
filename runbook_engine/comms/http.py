"""One JSON POST to a webhook with the standard library, with an explicit timeout and no secrets
in what it reports.

urllib does what a webhook needs (POST, headers, a timeout, status and headers of the answer),
so no HTTP client is added. Redirects are not followed (a webhook that moves is a configuration
error, and following one would resend the body elsewhere), and only http(s) URLs are accepted.
What goes wrong is reported as a short reason (`HTTP 503`, `no answer within 5 s`,
`connection refused`) that never contains the URL, because the URL is the secret.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import Message as Headers
from typing import Any

from runbook_engine.comms.response import Response

MAX_READ = 64 * 1024
"""Bytes of an answer read (webhooks answer `ok` or a short error)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post_json(url: str, body: bytes, headers: Mapping[str, str], timeout_s: float) -> Response:
    """POST `body` as JSON to `url`; never raises for network trouble, never echoes the URL."""
    if not url.lower().startswith(("https://", "http://")):
        return Response(None, "not an http(s) URL")
    request = urllib.request.Request(url, data=body, method="POST", headers=_headers(headers))  # noqa: S310
    try:
        with _OPENER.open(request, timeout=timeout_s) as answer:
            answer.read(MAX_READ)
            return Response(int(answer.status))
    except urllib.error.HTTPError as exc:
        with exc:
            return Response(exc.code, f"HTTP {exc.code}", retry_after(exc.headers))
    except TimeoutError:
        return Response(None, f"no answer within {timeout_s:g} s")
    except urllib.error.URLError as exc:
        return Response(None, _network_reason(exc.reason, timeout_s))
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Response(None, _network_reason(exc, timeout_s))


def retry_after(headers: Headers | None) -> float | None:
    """Seconds from a `Retry-After: SECONDS` header (an HTTP date or junk counts as absent)."""
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(str(value).strip())) if value is not None else None
    except ValueError:
        return None


def _headers(extra: Mapping[str, str]) -> dict[str, str]:
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": "runbook-engine", **extra}


def _network_reason(error: object, timeout_s: float) -> str:
    """A reason that names the kind of failure only (exception texts may quote the host or URL)."""
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout_s:g} s"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ConnectionResetError):
        return "connection reset"
    if isinstance(error, socket.gaierror):
        return "host name not found"
    if isinstance(error, ssl.SSLError):
        return "TLS error"
    if isinstance(error, http.client.HTTPException):
        return "malformed HTTP answer"
    return f"network error ({type(error).__name__})"
