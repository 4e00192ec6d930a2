"""The cycle collector is paused inside `gc_paused` and left as it was found on the way out."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from runbook_engine.gc_pause import gc_paused


@pytest.fixture
def collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:  # pragma: no cover - pytest runs with the collector on
        gc.disable()


@pytest.mark.usefixtures("collector_restored")
@pytest.mark.parametrize("running", [True, False])
def test_the_collector_is_off_inside_and_as_it_was_after(running: bool) -> None:
    gc.enable() if running else gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is running


@pytest.mark.usefixtures("collector_restored")
def test_an_error_inside_still_turns_it_back_on() -> None:
    gc.enable()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("inside")
    assert gc.isenabled()
