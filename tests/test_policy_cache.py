"""The policy cache: a policy that passed is read back without YAML, and any edit is checked again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from runbook_engine.policy import PolicyError, load_policy
from runbook_engine.resources import DEFAULT_POLICY

PROBE = (
    "import sys; from runbook_engine.policy import load_policy; load_policy(); print('yaml' in sys.modules)"
)


def yaml_imported(cache: Path) -> bool:
    env = {**os.environ, "RUNBOOK_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip() == "True"


def test_the_second_load_reads_no_yaml(tmp_path: Path) -> None:
    assert yaml_imported(tmp_path)
    assert not yaml_imported(tmp_path)


def test_an_edited_policy_is_checked_again(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(DEFAULT_POLICY.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_policy(policy) == load_policy()
    policy.write_text(policy.read_text(encoding="utf-8").replace("update_cadence:", "update_cadense:", 1))
    with pytest.raises(PolicyError):
        load_policy(policy)
