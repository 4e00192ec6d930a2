"""What one webhook request came to, apart from the HTTP client that made it (so deciding on
retries, and every command that may post, does not load the standard library's HTTP stack)."""

from __future__ import annotations

from runbook_engine.frozen import frozen


@frozen
class Response:
    """What one request came to: a status (None when no answer came), Retry-After, or a reason."""

    status: int | None
    reason: str = ""
    retry_after_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300
