"""Pausing Python's cycle collector while big acyclic structures are built (parsing, loading).

A runbook of thousands of nodes becomes hundreds of thousands of parser nodes, dicts and lists;
each allocation batch makes the collector walk all the young ones, and a full collection walks
everything built so far, which is about half the time of composing a large file. Those
structures hold no cycles and are freed by reference counting, so the passes are pure cost.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cycle collection inside; the collector resumes (if it ran before) on the way out."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
