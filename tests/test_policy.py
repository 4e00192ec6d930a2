"""The severity policy: the bundled default matches the seeds' table; bad files give clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_engine.policy import PolicyError, load_policy


def test_bundled_policy_follows_the_severity_table() -> None:
    policy = load_policy()
    sev1, sev2, sev3, sev4 = (policy.rule(f"SEV-{n}") for n in range(1, 5))
    assert (sev1.response_start_s, sev1.update_cadence_s) == (300, 600)
    assert (sev2.response_start_s, sev2.update_cadence_s) == (900, 900)
    assert (sev3.response_start_s, sev3.update_cadence_s) == (1800, 1800)
    assert (sev4.response_start_s, sev4.update_cadence_s) == (None, None)
    assert set(sev1.required_roles) == {"ic", "comms", "ops", "scribe"}
    assert sev1.approver_role == sev2.approver_role == "ic"


def test_missing_field_names_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    text = load_text_without("update_cadence: 10m")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match=r"policy\.yaml: .*update_cadence"):
        load_policy(bad)


def test_unreadable_and_malformed(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy"):
        load_policy(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("severities: [\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"broken\.yaml"):
        load_policy(broken)


def load_text_without(line: str) -> str:
    from runbook_engine.resources import DEFAULT_POLICY

    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    return text.replace(f"    {line}\n", "", 1)


BAD_CHANNELS = sorted((Path(__file__).parent / "fixtures" / "bad-channels").glob("*.yaml"))


@pytest.mark.parametrize("fixture", BAD_CHANNELS, ids=lambda path: path.stem)
def test_bad_channel_sections_name_the_file_and_the_problem(fixture: Path, tmp_path: Path) -> None:
    """Each fixture's first line says the error it must give; the severities come from the default."""
    text = fixture.read_text(encoding="utf-8")
    expected = text.splitlines()[0].removeprefix("# expect: ")
    policy = tmp_path / "policy.yaml"
    policy.write_text(load_text_without("") + "\n" + text, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(policy)
    assert str(caught.value).startswith(f"{policy}: ")
    assert expected in str(caught.value)
    assert "hooks.slack.com" not in str(caught.value)


def test_channels_map_groups_to_destinations_without_urls(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    extra = "channels:\n  ops:\n    - {name: ops-room, service: slack, url_env: HOOK_OPS}\n"
    policy.write_text(load_text_without("") + "\n" + extra + "comms: {secrets_file: hooks.yaml}\n")
    loaded = load_policy(policy).channels
    assert [c.name for c in loaded.of_groups(["ops", "ops", "nobody"])] == ["ops-room"]
    assert loaded.settings.secrets_file == tmp_path / "hooks.yaml"
