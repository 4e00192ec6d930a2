"""`runbook incident status ID --follow`: the board again whenever the timeline grows.

It waits on the store's doorbell (LISTEN/NOTIFY on a team store, a look every half second on
SQLite) and redraws when the incident's last seq moved, and once a minute for the clocks it shows.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from runbook_engine.errors import StoreUnavailable
from runbook_engine.timeline.service import IncidentService

CLOCKS_S = 60.0
"""Redraw at least this often: the board shows times since and until."""
WAKE_S = 1.0


def follow_board(
    svc: IncidentService, incident: str, timeout: float | None, seen: int, draw: Callable[[], int]
) -> None:
    """Call `draw` (it returns the last seq it showed) whenever the incident grows past `seen`,
    until `timeout` (None: until Ctrl-C)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    bell = svc.store.doorbell()
    drawn, away = time.monotonic(), False
    try:
        while deadline is None or time.monotonic() < deadline:
            left = WAKE_S if deadline is None else max(0.0, deadline - time.monotonic())
            rung = bell.wait(min(WAKE_S, left))
            if not rung and time.monotonic() - drawn < CLOCKS_S:
                continue
            try:
                last = svc.state(incident).last_seq
            except StoreUnavailable as exc:
                if not away:
                    print(f"-- {exc.message}; the board comes back with it", file=sys.stderr, flush=True)
                away = True
                continue
            if last != seen or away or time.monotonic() - drawn >= CLOCKS_S:
                print(f"\n-- {time.strftime('%H:%M:%S')} --", flush=True)
                seen = draw()
                sys.stdout.flush()
                drawn, away = time.monotonic(), False
    finally:
        bell.close()
