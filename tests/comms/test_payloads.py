"""Each service's payload: the draft's fields all arrive, documented limits hold, long text is
cut with a pointer to the full export, people's words cannot ping a channel, the receipt ends it."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from runbook_engine.comms import ActionLine, DraftInputs, build_draft
from runbook_engine.comms.formats import FORMATS
from runbook_engine.comms.message import Message, message_from_event, split_text
from runbook_engine.policy import load_policy
from runbook_engine.timeline.events import EventType
from runbook_engine.timeline.state import fold
from tests.comms.shapes import SCHEMAS_EXTERNAL, adaptive_card_schema, slack_problems, teams_problems
from tests.timeline.build import INCIDENT, chain, opened
from tests.timeline.conftest import BOB

POLICY = load_policy()
FIELDS = {
    "severity": "SEV-1",
    "impact": "38% of checkouts fail",
    "scope": "shoppers paying in the web app",
    "hypothesis": "bad release 2026.11.3",
    "action": "gateway check",
    "owner": "sara",
    "eta": "14:40 UTC",
    "next": "14:30 UTC or sooner",
}


def _message(impact: str = FIELDS["impact"], text: str | None = None) -> Message:
    start_spec = (0.0, BOB, EventType.INCIDENT_OPENED, opened("SEV-1"))
    start = chain([start_spec])
    state = fold(start, POLICY)
    inputs = DraftInputs(
        impact=impact,
        affected=FIELDS["scope"],
        hypothesis=FIELDS["hypothesis"],
        actions=(ActionLine(FIELDS["action"], FIELDS["owner"], FIELDS["eta"]),),
    )
    draft = build_draft(state, POLICY, datetime(2026, 3, 4, 14, 20, tzinfo=timezone.utc), "initial", inputs)
    payload = {**draft.payload(), "severity": draft.severity, "post_to": ["exec-slack"]}
    if text is not None:
        payload["text"] = text
    events = chain([start_spec, (20, BOB, EventType.STATUS_UPDATE, payload)])
    return message_from_event(events[1], "2:exec-slack")


def _text_of(body: object) -> str:
    """Every string in a payload, joined: what a person in the channel can read."""
    return json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("service", list(FORMATS))
def test_the_receiver_sees_every_field_of_the_draft_and_the_receipt(service: str) -> None:
    message = _message()
    body = FORMATS[service].payload(message)
    seen = _text_of(body)
    for name, value in FIELDS.items():
        assert value in seen, (service, name)
    assert message.receipt.head in seen and f"--expect-head {message.receipt.head}" in seen
    assert FORMATS[service].problems(body) == []


def test_every_labelled_line_of_the_text_becomes_a_slack_section() -> None:
    message = _message()
    body = FORMATS["slack"].payload(message)
    assert slack_problems(body) == []
    sections = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    assert len(sections) == len(message.lines)
    assert body["blocks"][0]["text"]["text"] == message.header
    assert body["blocks"][-1]["type"] == "context"
    assert body["text"].endswith(message.receipt.text())


def test_slack_cuts_a_long_value_with_a_pointer_to_the_full_export() -> None:
    message = _message(impact="x" * 10_000)
    body = FORMATS["slack"].payload(message)
    assert slack_problems(body) == []
    impact = next(b["text"]["text"] for b in body["blocks"] if "Impact" in b.get("text", {}).get("text", ""))
    assert len(impact) <= 3000
    assert f"runbook timeline export {INCIDENT} --format md" in impact
    assert len(body["text"]) <= 3000 and body["text"].endswith(message.receipt.text())


def test_slack_keeps_to_fifty_blocks_however_many_lines() -> None:
    text = "HEADER\n" + "\n".join(f"Line {n}: value {n}" for n in range(120))
    body = FORMATS["slack"].payload(_message(text=text))
    assert len(body["blocks"]) == 50 and slack_problems(body) == []
    assert "value 119" in _text_of(body["blocks"][-2])


def test_nobody_s_words_ping_a_channel() -> None:
    message = _message(impact="<!channel> @channel @all see <https://evil.example|here>")
    slack = _text_of(FORMATS["slack"].payload(message))
    assert "<!channel>" not in slack and "<https://evil" not in slack
    mattermost = FORMATS["mattermost"].payload(message)["text"]
    assert "@channel" not in mattermost and "@all" not in mattermost


def test_mattermost_text_stays_under_the_post_limit() -> None:
    body = FORMATS["mattermost"].payload(_message(impact="y" * 40_000))
    assert len(body["text"]) <= 16383 and "--format md" in body["text"]
    assert FORMATS["mattermost"].problems(body) == []


def test_teams_card_has_the_documented_shape_and_fits_28_kb() -> None:
    for impact in (FIELDS["impact"], "z" * 60_000):
        body = FORMATS["teams"].payload(_message(impact=impact))
        assert teams_problems(body) == []
        card = body["attachments"][0]["content"]
        assert card["version"] == "1.4"
        facts = {f["title"]: f["value"] for e in card["body"] if e["type"] == "FactSet" for f in e["facts"]}
        assert "Impact" in facts and "Next update" in facts


def test_teams_card_against_the_adaptive_card_schema() -> None:
    schema_path = adaptive_card_schema()
    if schema_path is None:
        pytest.skip(f"no Adaptive Card schema in {SCHEMAS_EXTERNAL}")
    import jsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    card = FORMATS["teams"].payload(_message())["attachments"][0]["content"]
    jsonschema.validators.validator_for(schema)(schema).validate(card)


def test_generic_webhook_carries_the_structured_fields_and_delivery_id() -> None:
    body = FORMATS["webhook"].payload(_message())
    assert body["delivery_id"] == "2:exec-slack"
    assert body["fields"]["severity"] == "SEV-1"
    assert body["fields"]["actions"] == [{"action": "gateway check", "owner": "sara", "eta": "14:40 UTC"}]
    assert body["receipt"]["seq"] == 2 and len(body["receipt"]["hash"]) == 64


def test_split_text_keeps_unlabelled_lines_with_the_line_above() -> None:
    header, lines = split_text("[14:00] HEAD\nImpact: bad\n  and worse\nNext update: 14:30 UTC\n")
    assert header == "[14:00] HEAD"
    assert lines == (("Impact", "bad\nand worse"), ("Next update", "14:30 UTC"))
