"""`runbook docs`: the wiki folder, its pages, and that a second run renders only what changed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.format.library import load_runbook
from runbook_engine.render.manifest import MANIFEST_NAME
from runbook_engine.render.site import SiteOptions, build_site
from tests.render.helpers import FIXTURES, check_mermaid, svg_root


class CountingRenderer:
    """Stands in for dot: records what it was asked to draw."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, dot_text: str, fmt: str) -> bytes:
        self.calls.append(dot_text.split('"', 2)[1])
        return b'<svg xmlns="http://www.w3.org/2000/svg"/>'


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "runbooks"
    folder.mkdir()
    for name in ("primary-db-down.yaml", "hostile.yaml"):
        shutil.copy(FIXTURES / name, folder / name)
    (folder / "policy.yaml").write_text("not: a runbook\n")
    return folder


def test_site_has_index_pages_diagrams_and_map(library: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    report = build_site(library, site, render_image=CountingRenderer())
    assert sorted(report.rendered) == ["hostile", "primary-db-down"]
    names = sorted(p.name for p in site.iterdir())
    assert names == [MANIFEST_NAME, "Home.md", "hostile.md", "hostile.svg", "index.md",
                     "library-map.md", "library-map.svg", "primary-db-down.md", "primary-db-down.svg"]
    index = (site / "index.md").read_text()
    assert "### orders\\-db" not in index and "### orders-db" in index
    assert "| OrdersDbPrimaryDown | [Primary database unreachable](primary-db-down.md) |" in index
    assert (site / "Home.md").read_text() == index


def test_runbook_page_sections(library: Path, tmp_path: Path) -> None:
    build_site(library, tmp_path / "site", render_image=CountingRenderer())
    page = (tmp_path / "site" / "primary-db-down.md").read_text()
    assert "![Decision graph of Primary database unreachable](primary-db-down.svg)" in page
    assert "- **Primary answers?** (check)" in page
    assert "  - *no* → **Primary host lost?** (cause)" in page
    assert "```sh\npatronictl failover --candidate orders-db-2 --force\n```" in page
    assert "**Promote the best replica** (`promote-replica`): IRREVERSIBLE, needs IC approval" in page
    assert "  - Strategy: degrade" in page
    assert "  - Cannot be undone: Writes the old primary" in page
    assert "  - Rollback: Nothing to undo; pods come back with the same version." in page
    assert "| Owners | @orders-oncall, @dba |" in page
    assert "[postgres-deep-dive](postgres-deep-dive.md)" in page


def test_second_run_renders_nothing_and_changes_render_only_that_runbook(
    library: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    build_site(library, site, render_image=CountingRenderer())
    again = CountingRenderer()
    report = build_site(library, site, render_image=again)
    assert (report.rendered, again.calls) == ([], [])
    assert sorted(report.unchanged) == ["hostile", "primary-db-down"]
    path = library / "primary-db-down.yaml"
    path.write_text(path.read_text().replace("title: Pool full?", "title: Pool saturated?"))
    changed = CountingRenderer()
    report = build_site(library, site, render_image=changed)
    assert report.rendered == ["primary-db-down"] and changed.calls == ["primary-db-down"]
    assert "Pool saturated?" in (site / "primary-db-down.md").read_text()


def test_a_deleted_page_or_runbook_is_handled(library: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(library, site, render_image=CountingRenderer())
    (site / "hostile.svg").unlink()
    assert build_site(library, site, render_image=CountingRenderer()).rendered == ["hostile"]
    (library / "hostile.yaml").unlink()
    report = build_site(library, site, render_image=CountingRenderer())
    assert report.removed == ["hostile"]
    assert not (site / "hostile.md").exists() and not (site / "hostile.svg").exists()
    assert "hostile" not in (site / "index.md").read_text()


def test_mermaid_site_needs_no_dot(library: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    renderer = CountingRenderer()
    build_site(library, site, SiteOptions(diagrams="mermaid"), render_image=renderer)
    assert renderer.calls == []
    page = (site / "primary-db-down.md").read_text()
    block = page.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert check_mermaid(block + "\n") == []
    assert not (site / "primary-db-down.svg").exists()
    library_map = (site / "library-map.md").read_text()
    assert check_mermaid(library_map.split("```mermaid\n", 1)[1].split("\n```", 1)[0] + "\n") == []


def test_library_map_lists_links(library: Path, tmp_path: Path) -> None:
    build_site(library, tmp_path / "site", render_image=CountingRenderer())
    text = (tmp_path / "site" / "library-map.md").read_text()
    assert ("- [Primary database unreachable](primary-db-down.md) → postgres-deep-dive "
            "(missing from the library), from Page the DBA") in text


def test_invalid_and_duplicate_runbooks_are_reported_and_skipped(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (library / "broken.yaml").write_text("id: broken\ntitle: [\n")
    shutil.copy(library / "hostile.yaml", library / "zz-copy.yaml")
    code = main(["docs", str(library), "-o", str(tmp_path / "site"), "--diagrams", "mermaid"])
    captured = capsys.readouterr()
    assert code == 1
    assert "broken.yaml" in captured.err and "id 'hostile' is used by another runbook" in captured.err
    assert "2 rendered, 0 unchanged, 0 removed, 2 skipped" in captured.out


@pytest.mark.needs_dot
def test_docs_with_real_dot_writes_svg_that_parses(library: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    assert main(["docs", str(library), "-o", str(site)]) == 0
    for runbook_id in ("primary-db-down", "hostile"):
        svg = (site / f"{runbook_id}.svg").read_bytes()
        assert svg_root(svg).tag.endswith("svg") and b"<script" not in svg
    assert svg_root((site / "library-map.svg").read_bytes()) is not None
    assert main(["docs", str(library), "-o", str(site)]) == 0
    assert "0 rendered, 2 unchanged" in capsys.readouterr().out
    assert load_runbook(library / "hostile.yaml").id == "hostile"


def test_not_a_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", str(tmp_path / "missing"), "-o", str(tmp_path / "site")]) == 2
    assert "is not a folder" in capsys.readouterr().err


@pytest.mark.parametrize("output", ["/proc/nope", "/proc/version/site"])
def test_an_output_folder_that_cannot_be_made_is_a_usage_error(
    library: Path, output: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["docs", str(library), "-o", output, "--diagrams", "mermaid"]) == 2
    err = capsys.readouterr().err
    assert "cannot write the site" in err and "internal error" not in err


def test_a_drill_folder_that_cannot_be_made_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", "--new", str(FIXTURES / "primary-db-down.yaml"), "--to", "/proc/nope"]) == 2
    assert "cannot write drills into /proc/nope" in capsys.readouterr().err


def test_wiki_links_name_pages_without_md_and_switching_renders_again(library: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(library, site, SiteOptions(links="wiki"), render_image=CountingRenderer())
    index = (site / "index.md").read_text()
    assert "| OrdersDbPrimaryDown | [Primary database unreachable](primary-db-down) |" in index
    assert "[library map](library-map)" in index
    page = (site / "primary-db-down.md").read_text()
    assert "](postgres-deep-dive)" in page
    assert "![Decision graph of Primary database unreachable](primary-db-down.svg)" in page
    for written in site.glob("*.md"):
        assert not re.search(r"\]\([^)]*\.md\)", written.read_text()), written.name
    report = build_site(library, site, SiteOptions(links="files"), render_image=CountingRenderer())
    assert sorted(report.rendered) == ["hostile", "primary-db-down"]
    assert "](postgres-deep-dive.md)" in (site / "primary-db-down.md").read_text()


def test_docs_links_option_is_checked(library: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    assert main(["docs", str(library), "-o", str(site), "--diagrams", "mermaid", "--links", "wiki"]) == 0
    assert "[library map](library-map)" in (site / "Home.md").read_text()
    capsys.readouterr()
    assert main(["docs", str(library), "-o", str(site), "--links", "confluence"]) == 2
    assert "invalid choice: 'confluence'" in capsys.readouterr().err


def test_a_folder_without_runbooks_is_a_usage_error_as_in_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["lint", str(empty)]) == 2
    assert main(["docs", str(empty), "-o", str(tmp_path / "site")]) == 2
    assert "no runbook files" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()
