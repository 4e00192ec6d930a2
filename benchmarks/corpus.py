"""Benchmark corpora shaped like real libraries: the bundled runbooks copied with fresh ids, and big trees.

A real library has what a synthetic template tends to leave out, and each costs something:
- `id#node` links between runbooks (the linter must know the target's node ids);
- PromQL with `.*` and other `*` characters (the loader's alias guard looks for `*`);
- a few very large triage trees (513, 2,023 and 5,113 nodes).

`write_library` copies the 8 bundled runbooks again and again; copy k renames every id to
`<id>-c<k>` and every `runbook:` reference with it, so links (and `#node` links) stay inside the
copy and the library lints clean. `write_big` writes one triage tree (tests/render/big.py) whose
checks carry a PromQL regex matcher.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "runbooks"
BIG_SIZES = {513: 100, 2023: 400, 5113: 1000}
"""Nodes of a big tree -> causes for tests/render/big.py."""

_ID_LINE = re.compile(r"^(id|\s+runbook): ([a-z0-9-]+)(#[a-z0-9-]+)?$", re.MULTILINE)


LIBRARY = (
    "checkout-errors-after-deploy", "db-connection-pool-exhausted", "disk-volume-filling",
    "dns-resolution-failures", "pod-crash-loop", "queue-consumer-lag", "redis-max-connections",
    "tls-certificate-expiring",
)
"""The 8 runbooks the corpus copies: fixed, so runs before and after a change lint the same text
(runbooks added later may use fields an older engine does not know)."""


def bundled_texts() -> list[tuple[str, str]]:
    """(file stem, text) of the LIBRARY runbooks, in name order."""
    return [(stem, (BUNDLED / f"{stem}.yaml").read_text(encoding="utf-8")) for stem in LIBRARY]


def renamed(text: str, copy: int) -> str:
    """The runbook with its id and every `runbook:` link renamed for copy number `copy`."""
    return _ID_LINE.sub(lambda m: f"{m[1]}: {m[2]}-c{copy}{m[3] or ''}", text)


def write_library(folder: Path, files: int) -> list[Path]:
    """Write `files` runbooks (whole copies of the bundled 8 first) into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = bundled_texts()
    paths = []
    for n in range(files):
        copy, (stem, text) = divmod(n, len(texts))[0], texts[n % len(texts)]
        path = folder / f"{stem}-c{copy}.yaml"
        path.write_text(renamed(text, copy), encoding="utf-8")
        paths.append(path)
    return paths


def big_text(nodes: int) -> str:
    """A triage tree of `nodes` nodes (513, 2,023 or 5,113), its checks querying with a `.*` matcher."""
    sys.path.insert(0, str(REPO))
    from tests.render.big import big_runbook_yaml

    text = big_runbook_yaml(BIG_SIZES[nodes])
    return text.replace('errors{scope=', 'errors{job=~\\".*-api\\",scope=')


def write_big(folder: Path, nodes: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"big-{nodes}.yaml"
    path.write_text(big_text(nodes), encoding="utf-8")
    return path
