"""The placeholders a runnable command may use: a fixed allow-list of incident values.

A placeholder is `{name}` with an identifier-like name (`{incident.id}`, `{node.id}`). Other
braces, such as a JSON patch's `{"spec": {...}}`, and a shell's `$VAR` or `${VAR}` are ordinary
text and pass through unchanged.
The runner fills placeholders; lint rule RB312 flags an unknown one while the runbook is still in
review, instead of at the moment an engineer tries to run the command.
"""

from __future__ import annotations

import re

ALLOWED = ("incident.id", "incident.severity", "runbook.id", "runbook.service", "node.id")
"""The only names a placeholder may refer to."""

PLACEHOLDER = re.compile(r"(?<!\$)\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
"""`${VAR}` is an environment variable for the shell, never one of ours (hence the look-behind)."""


def unknown_names(arg: str) -> list[str]:
    """Placeholder names in one argument that are not on the allow-list."""
    return [name for name in PLACEHOLDER.findall(arg) if name not in ALLOWED]


def allowed_list() -> str:
    return ", ".join(f"{{{name}}}" for name in ALLOWED)
