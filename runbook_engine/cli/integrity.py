"""Commands that write a document from a timeline check its chain first: refuse, or mark it.

A forged note must never slip into a postmortem, an export or a status update unnoticed. By
default a broken chain is refused (exit 1) with where it breaks and what to do; with
`--allow-broken` the document is written with a warning at its top and on stderr.
"""

from __future__ import annotations

import argparse
import sys

from runbook_engine.errors import Refused
from runbook_engine.timeline.chain import VerifyReport
from runbook_engine.timeline.events import Event
from runbook_engine.timeline.store import Store


def add_allow_broken(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-broken",
        action="store_true",
        help="write the document even when the timeline fails verification, marked as such",
    )


Checked = tuple[VerifyReport | None, list[Event]]


def checked_events(store: Store, incident: str, allow_broken: bool) -> Checked:
    """(None, the events) when the chain verifies, read and parsed once; (the failing report, every
    event) when `allow_broken`; else raises Refused."""
    report, events = store.verified_events(incident)
    if report.ok:
        return None, events
    if not allow_broken:
        raise Refused(
            f"the timeline of {incident} fails verification at seq {report.first_bad_seq}: {report.reason}",
            f"see `runbook timeline verify {incident}`; `runbook timeline continue {incident} --reason ...` "
            "carries the incident on from the last good event; --allow-broken writes a marked document",
        )
    sys.stderr.write(f"warning: {broken_line(incident, report)}\n")
    return report, store.events(incident)


def broken_line(incident: str, report: VerifyReport) -> str:
    return (
        f"UNVERIFIED: the timeline of {incident} fails verification at seq {report.first_bad_seq} "
        f"({report.reason}); events from there on may be forged or missing"
    )


def markdown_banner(incident: str, report: VerifyReport | None) -> str:
    """A block quote for the top of a Markdown document, or '' when the chain verified."""
    if report is None:
        return ""
    from runbook_engine.render.escape import markdown

    return f"> **{markdown(broken_line(incident, report))}**\n\n"
