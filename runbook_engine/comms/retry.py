"""When to try a request again, kept apart from the request itself (as slack-sdk keeps its
retry handlers apart from its webhook client).

429 and 5xx answers and network failures (timeout, refused, reset) are worth retrying; any other
answer (400 bad payload, 403, 404 webhook removed) is not, until someone fixes the configuration.
A `Retry-After` the server sends is honoured: waited out when short, or carried to the next try
(`retry_at`) when longer than the sender is willing to block.
"""

from __future__ import annotations

from collections.abc import Callable

from runbook_engine.comms.response import Response
from runbook_engine.frozen import frozen


@frozen
class RetryPolicy:
    """How hard one try pushes: requests per try, backoff base and cap, longest wait in place."""

    attempts: int = 3
    base_s: float = 1.0
    cap_s: float = 8.0
    later_cap_s: float = 300.0
    """Longest pause between tries when a message stays queued (backoff across commands)."""


@frozen
class Outcome:
    """One try: delivered or not, requests made, the last status and reason, when to try again."""

    delivered: bool
    attempts: int
    status: int | None
    reason: str
    wait_s: float | None = None
    """Seconds to wait before the next try (None: no particular wait)."""


def retryable(response: Response) -> bool:
    return response.status is None or response.status == 429 or 500 <= response.status <= 599


def backoff_s(policy: RetryPolicy, attempt: int, cap: float | None = None) -> float:
    """Exponential backoff: base, 2 x base, 4 x base, ... up to the cap."""
    limit = cap if cap is not None else policy.cap_s
    return float(min(limit, policy.base_s * 2.0 ** max(0, attempt - 1)))


def deliver(send: Callable[[], Response], policy: RetryPolicy, sleep: Callable[[float], None]) -> Outcome:
    """Send until delivered, refused for good, out of attempts, or told to wait longer than the cap."""
    for attempt in range(1, policy.attempts + 1):
        response = send()
        if response.ok:
            return Outcome(True, attempt, response.status, "")
        wait = response.retry_after_s if response.retry_after_s is not None else backoff_s(policy, attempt)
        if not retryable(response) or attempt == policy.attempts or wait > policy.cap_s:
            later = response.retry_after_s if retryable(response) else None
            return Outcome(False, attempt, response.status, response.reason or "failed", later)
        sleep(wait)
    raise AssertionError("unreachable: the loop returns on its last attempt")
