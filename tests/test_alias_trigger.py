"""The alias guard runs for every document with an alias, and not for PromQL's `.*`."""

from __future__ import annotations

import pytest
import yaml

from runbook_engine.format import loader
from runbook_engine.format.loader import LoadError, load_text

WITH_ALIASES = [
    "a: &x 1\nb: *x\n",
    "a: &x 1\nb:\n  - *x\n",
    "a: &x 1\nb: [*x]\n",
    "a: &x 1\nb: [1,*x]\n",
    "a: &x 1\nb: {c: *x}\n",
    'a: &x 1\nb: {"c":*x}\n',
    "a: &x k\n? *x\n: 1\n",
    "a: &x [1]\nb: &y [*x, *x]\nc: *y\n",
    "a: &x-y_1 1\nb: *x-y_1\n",
]
WITHOUT_ALIASES = [
    'q: sum(rate(errors{code=~"5.*"}[5m]))\n',
    "q: job=~.*-api\n",
    "t: a*b and 2 * 3\n",
    "t: 'a *quoted* word'\n",  # a false alarm would only cost time; this one is not an alias
]


def _has_alias(text: str) -> bool:
    return any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader))


@pytest.mark.parametrize("text", WITH_ALIASES)
def test_every_alias_triggers_the_guard(text: str) -> None:
    assert _has_alias(text)
    assert loader._might_alias(text)


@pytest.mark.parametrize("text", WITHOUT_ALIASES[:3])
def test_promql_stars_do_not_trigger_it(text: str) -> None:
    assert not _has_alias(text)
    assert not loader._might_alias(text)


def test_a_bomb_behind_promql_is_still_refused() -> None:
    bomb = 'q: x{a=~".*"}\na: &a [x, x, x, x, x, x, x, x, x]\n' + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(LoadError) as caught:
        load_text(bomb)
    assert caught.value.code == "RB008"
