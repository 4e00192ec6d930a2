"""The PostgreSQL server under the team store: URLs, connecting lazily, errors a person can act on.

psycopg is imported only here and only when a `postgresql://` store is opened, so `lint`, `walk`
and every SQLite command run without it (it is the optional extra `team`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from runbook_engine.errors import InputError, StoreUnavailable

if TYPE_CHECKING:
    import psycopg

URL_SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_S = 5
BACKOFF_S = (0.1, 0.2, 0.4, 0.8, 1.6)
"""Pauses between attempts to reach the server again: about three seconds in all."""


def is_url(location: str) -> bool:
    return location.startswith(URL_SCHEMES)


def describe(url: str) -> str:
    """`host:port/database` of a URL, never its password (for messages)."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path or '/'}"


def psycopg_module() -> object:
    try:
        import psycopg
    except ImportError:
        raise InputError(
            "a postgresql:// store needs psycopg, which is not installed",
            "install the team extra: pip install 'runbook-engine[team]'",
        ) from None
    return psycopg


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection[tuple[object, ...]]:
    """A connection, or StoreUnavailable saying why the server cannot be reached."""
    psycopg_module()
    import psycopg

    try:
        return psycopg.connect(
            url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S, application_name="runbook"
        )
    except psycopg.OperationalError as exc:
        raise unavailable(url, exc) from None


def connect_with_backoff(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """Try again a few times (the server may be restarting), then give up with StoreUnavailable."""
    for pause in BACKOFF_S:
        try:
            return connect(url)
        except StoreUnavailable:
            time.sleep(pause)
    return connect(url)


def unavailable(url: str, exc: BaseException) -> StoreUnavailable:
    reason = _first_line(exc)
    return StoreUnavailable(
        f"cannot reach the team store at {describe(url)}: {reason}",
        "check the server and your network; `runbook store check URL` tells more",
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[-1].strip() if text else type(exc).__name__


@contextmanager
def server_errors(url: str) -> Iterator[None]:
    """Errors the server reports become InputError with a message a person can act on."""
    import psycopg

    try:
        yield
    except psycopg.OperationalError as exc:
        raise unavailable(url, exc) from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise InputError(
            f"the team store at {describe(url)} refused: {_first_line(exc)}",
            "your login needs the runbook role: GRANT runbook TO <login> (see docs/team.md)",
        ) from None
    except psycopg.Error as exc:
        raise InputError(f"team store error at {describe(url)}: {_first_line(exc)}") from None
