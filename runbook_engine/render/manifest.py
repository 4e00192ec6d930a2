"""What the last `runbook docs` run wrote, so the next run re-renders only what changed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from runbook_engine import __version__

MANIFEST_NAME = ".runbook-docs.json"
RENDER_VERSION = "1"
"""Bump when the drawing or the page layout changes, so every page is rebuilt once."""


def fingerprint(*parts: bytes | str) -> str:
    """sha256 over the parts and the renderer's version: equal means the output would be equal."""
    digest = hashlib.sha256(f"{__version__}/{RENDER_VERSION}".encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass
class Manifest:
    """Runbook id (or a site-wide page key) to the fingerprint and the files it produced."""

    entries: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def read(cls, site: Path) -> Manifest:
        """The manifest in `site`; an unreadable or foreign one means "rebuild everything"."""
        try:
            raw = json.loads((site / MANIFEST_NAME).read_text(encoding="utf-8"))
            entries = {
                str(key): (str(value["hash"]), tuple(str(f) for f in value["files"]))
                for key, value in raw["entries"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()
        return cls(entries)

    def is_fresh(self, site: Path, key: str, digest: str) -> bool:
        entry = self.entries.get(key)
        return entry is not None and entry[0] == digest and all((site / f).is_file() for f in entry[1])

    def write(self, site: Path) -> None:
        data = {"entries": {key: {"hash": h, "files": list(files)}
                            for key, (h, files) in sorted(self.entries.items())}}
        (site / MANIFEST_NAME).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
