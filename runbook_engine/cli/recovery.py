"""`runbook timeline continue ID --reason TEXT`: carry a damaged incident on in a new chain."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from runbook_engine.cli.incident_context import actor_of
from runbook_engine.errors import EXIT_OK
from runbook_engine.timeline.clock import SystemClock
from runbook_engine.timeline.recovery import continue_incident
from runbook_engine.timeline.store import Store

if TYPE_CHECKING:
    from typing import TypeAlias

    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    SubParser: TypeAlias = Callable[[Subparsers, str, str], argparse.ArgumentParser]


def add_recovery_parser(sub: Subparsers, make: SubParser) -> None:
    parser = make(
        sub,
        "continue",
        "carry a damaged incident on in a new incident that starts from its last good event "
        "(nothing is rewritten or deleted; see docs/timeline.md)",
    )
    parser.add_argument("incident")
    parser.add_argument("--reason", required=True, help="why the team continues (kept in the new timeline)")


def continue_chain(store: Store, args: argparse.Namespace) -> int:
    # the damaged timeline may not give its pinned policy back
    actor = actor_of(args, store.policy, store.login())
    done = continue_incident(store, args.incident, args.reason, actor, SystemClock().now())
    print(done.continued)
    print(
        f"{done.damaged} is damaged at seq {done.first_bad_seq} ({done.reason}); "
        f"events 1..{done.last_good_seq} were copied into {done.continued}, which cites it. "
        "Carry on there, e.g. "
        f"runbook walk RUNBOOK --incident {done.continued}"
    )
    return EXIT_OK
