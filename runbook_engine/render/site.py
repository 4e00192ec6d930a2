"""`runbook docs`: write a wiki-ready folder (index, one page per runbook, library map), incrementally.

Pages are plain Markdown with relative links and images, which GitHub and GitLab wikis and MkDocs
all show as they are. A manifest of fingerprints lets a second run skip runbooks that did not
change; files are rewritten only when their bytes differ, so a wiki's git history stays quiet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from runbook_engine.errors import EngineError, InputError
from runbook_engine.format.library import RunbookInvalid, discover, load_runbook
from runbook_engine.format.model import Runbook
from runbook_engine.format.reading import ReadRefused, read_limited
from runbook_engine.frozen import frozen
from runbook_engine.render.dot import DotOptions, runbook_dot
from runbook_engine.render.escape import code_fence, markdown, page_link
from runbook_engine.render.index import MAP_PAGE, index_page
from runbook_engine.render.library_map import library_dot, library_mermaid, map_page
from runbook_engine.render.manifest import Manifest, fingerprint
from runbook_engine.render.mermaid import runbook_mermaid
from runbook_engine.render.page import runbook_page

RESERVED = frozenset({"index", "home", "library-map", "_sidebar", "_footer"})
"""Runbook ids whose page would overwrite one of the site's own pages."""
MAP_KEY = "(library map)"

ImageRenderer = Callable[[str, str], bytes]


@frozen
class SiteOptions:
    """How a documentation site is written: diagram format, direction and link style."""

    diagrams: str = "svg"
    """`svg` (rendered with dot) or `mermaid` (code blocks the wiki draws itself)."""
    direction: str = "TB"
    links: str = "files"
    """`files`: links name pages with `.md` (MkDocs, repository browsers). `wiki`: without it,
    as GitHub and GitLab wikis name pages (there a `.md` link opens the raw file)."""

    @property
    def page_suffix(self) -> str:
        return "" if self.links == "wiki" else ".md"


@dataclass
class SiteReport:
    """What writing a site did: pages rendered, left unchanged, removed, and problems met."""

    rendered: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[EngineError] = field(default_factory=list)


def load_library(runbooks_dir: Path, report: SiteReport) -> list[tuple[Runbook, bytes]]:
    """Every valid runbook under the folder with its source bytes; problems go to the report."""
    if not runbooks_dir.is_dir():
        raise InputError(f"{runbooks_dir} is not a folder", "pass the folder that holds the runbooks")
    paths = discover([str(runbooks_dir)])
    if not paths:
        raise InputError(f"no runbook files in {runbooks_dir}", "runbooks end in .yaml or .yml")
    loaded: dict[str, tuple[Runbook, bytes]] = {}
    for path in paths:
        try:
            runbook = load_runbook(path)
        except RunbookInvalid as exc:
            report.problems.append(exc)
            continue
        if runbook.id in loaded or runbook.id in RESERVED:
            why = "is used by another runbook" if runbook.id in loaded else "names a page of the site"
            report.problems.append(InputError(f"{path}: skipped: id {runbook.id!r} {why}",
                                              "give the runbook a unique id"))
            continue
        try:
            loaded[runbook.id] = (runbook, read_limited(path))
        except ReadRefused as exc:
            report.problems.append(InputError(f"{path}: {exc.message}"))
    return list(loaded.values())


def build_site(runbooks_dir: Path, site: Path, options: SiteOptions | None = None,
               render_image: ImageRenderer | None = None) -> SiteReport:
    """Write or refresh the site; returns what was rendered, kept, removed and skipped."""
    options = options or SiteOptions()
    report = SiteReport()
    library = load_library(runbooks_dir, report)
    if site.exists() and not site.is_dir():
        raise InputError(f"{site} exists and is not a folder")
    try:
        _write_site(site, library, options, render_image or _dot_renderer, report)
    except OSError as exc:
        where = exc.filename or site
        raise InputError(f"cannot write the site: {where}: {exc.strerror or exc}",
                         "choose a folder you may write to with -o") from None
    return report


def _write_site(site: Path, library: list[tuple[Runbook, bytes]], options: SiteOptions,
                renderer: ImageRenderer, report: SiteReport) -> None:
    site.mkdir(parents=True, exist_ok=True)
    old = Manifest.read(site)
    new = Manifest()
    for runbook, source in library:
        digest = fingerprint(source, options.diagrams, options.direction, options.links)
        if old.is_fresh(site, runbook.id, digest):
            new.entries[runbook.id] = old.entries[runbook.id]
            report.unchanged.append(runbook.id)
            continue
        files = _write_runbook(site, runbook, options, renderer)
        new.entries[runbook.id] = (digest, files)
        report.rendered.append(runbook.id)
    runbooks = [runbook for runbook, _ in library]
    new.entries[MAP_KEY] = _write_map(site, runbooks, options, renderer, old)
    for name in ("index.md", "Home.md"):
        _write_if_changed(site / name, index_page(runbooks, options.page_suffix).encode("utf-8"))
    report.removed = _remove_stale(site, old, new)
    new.write(site)


def _dot_renderer(dot_text: str, fmt: str) -> bytes:
    from runbook_engine.render.backend import render

    return render(dot_text, fmt)


def _write_runbook(site: Path, runbook: Runbook, options: SiteOptions,
                   renderer: ImageRenderer) -> tuple[str, ...]:
    page = page_link(runbook.id)
    if options.diagrams == "mermaid":
        diagram = code_fence(runbook_mermaid(runbook, options.direction), "mermaid")
        _write_if_changed(site / page, runbook_page(runbook, diagram, options.page_suffix).encode("utf-8"))
        return (page,)
    image = page_link(runbook.id, ".svg")
    dot_options = DotOptions(options.direction, link_href="{runbook}" + options.page_suffix)
    _write_if_changed(site / image, renderer(runbook_dot(runbook, dot_options), "svg"))
    diagram = f"![Decision graph of {markdown(runbook.title)}]({image})"
    _write_if_changed(site / page, runbook_page(runbook, diagram, options.page_suffix).encode("utf-8"))
    return (image, page)


def _write_map(site: Path, runbooks: list[Runbook], options: SiteOptions,
               renderer: ImageRenderer, old: Manifest) -> tuple[str, tuple[str, ...]]:
    if options.diagrams == "mermaid":
        diagram = code_fence(library_mermaid(runbooks), "mermaid")
        _write_if_changed(site / MAP_PAGE, map_page(runbooks, diagram, options.page_suffix).encode("utf-8"))
        return fingerprint(diagram, options.links), (MAP_PAGE,)
    dot_text = library_dot(runbooks, suffix=options.page_suffix)
    digest = fingerprint(dot_text)
    if not old.is_fresh(site, MAP_KEY, digest):
        _write_if_changed(site / "library-map.svg", renderer(dot_text, "svg"))
    diagram = "![Map of the runbook library](library-map.svg)"
    _write_if_changed(site / MAP_PAGE, map_page(runbooks, diagram, options.page_suffix).encode("utf-8"))
    return digest, ("library-map.svg", MAP_PAGE)


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True


def _remove_stale(site: Path, old: Manifest, new: Manifest) -> list[str]:
    """Delete files the previous run wrote for runbooks that are gone (and only those files)."""
    keep = {name for _, files in new.entries.values() for name in files}
    removed = []
    for key, (_, files) in sorted(old.entries.items()):
        if key in new.entries:
            continue
        for name in files:
            path = site / name
            if name not in keep and "/" not in name and path.is_file():
                path.unlink()
        removed.append(key)
    return removed
