"""Commands shown for copying: pasted into a real shell, every line gives back exactly the argv."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook_engine.format.command_line import copyable
from runbook_engine.format.steps import Step
from runbook_engine.render.page import step_text
from runbook_engine.timeline.events import EventType
from runbook_engine.timeline.format import human_line
from tests.timeline.build import SAMPLES, chain
from tests.timeline.conftest import ALICE

HOSTILE = [
    "deployctl", ";rm -rf /", "$(id)", "`id`", "a\nb", "tab\there", "it's", "\x1b]0;x\x07", "\u202eevil", "",
]
PRINT_WORDS = 'for word in "$@"; do printf "%s\\0" "$word"; done'


def words_bash_sees(line: str) -> list[str]:
    """Paste `line` after a function that prints its arguments NUL-separated, in a real bash."""
    script = f"print_words() {{ {PRINT_WORDS}; }}; print_words {line}"
    done = subprocess.run(["bash", "-c", script], capture_output=True, check=True)
    return done.stdout.decode("utf-8").split("\0")[:-1]


pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not on PATH")


def test_hostile_words_come_back_exactly_and_run_nothing() -> None:
    line = copyable(HOSTILE)
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert words_bash_sees(line) == HOSTILE


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12),
                min_size=1, max_size=5))
def test_any_argv_round_trips_through_bash(argv: list[str]) -> None:
    assert words_bash_sees(copyable(argv)) == argv


def test_the_walk_screen_the_docs_page_and_the_timeline_line_show_the_same_quoted_line() -> None:
    step = Step(kind="command", argv=tuple(HOSTILE))
    payload = {**SAMPLES[EventType.COMMAND_RUN], "argv": HOSTILE}
    line = human_line(chain([(0, ALICE, EventType.COMMAND_RUN, payload)])[0])
    quoted = copyable(HOSTILE)
    assert step.describe() == step_text(step) == quoted
    assert f": {quoted} -> exit" in line
    assert "$'a\\nb'" in line and "';rm -rf /'" in line
