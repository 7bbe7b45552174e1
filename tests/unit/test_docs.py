"""The documentation keeps up with the CLI and the catalogue."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from dataclasses import fields
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

import pytest

from flaskforge import load_catalogue
from flaskforge._components import Component, Hooks, Process, Setting, SetupStep
from flaskforge.cli import cli

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_a_generated_reference_page(name: str) -> None:
    command = cli.commands[name]
    page = DOCS / "reference" / f"{name}.md"
    assert page.is_file(), f"add docs/reference/{name}.md and list it in mkdocs.yml"
    text = page.read_text()
    assert "::: mkdocs-click" in text
    assert f":command: {command.callback.__name__}" in text
    assert f"reference/{name}.md" in (DOCS.parent / "mkdocs.yml").read_text()


@pytest.mark.parametrize("name", [c.name for c in load_catalogue().extensions])
def test_every_extension_has_a_page(name: str) -> None:
    assert (DOCS / "extensions" / f"{name}.md").is_file()
    assert f"extensions/{name}.md" in (DOCS.parent / "mkdocs.yml").read_text()


def _documented_keys(heading: str) -> list[str]:
    """The keys in the first column of the table under ``heading`` in docs/templates.md."""
    text = (DOCS / "templates.md").read_text(encoding="utf-8")
    section = text.split(f"\n{heading}\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE)


@pytest.mark.parametrize(
    ("heading", "shape"),
    [
        ("### The top level", Component),
        ("### `[[settings]]`", Setting),
        ("### `[[processes]]`", Process),
        ("### `[[setup]]`", SetupStep),
        ("### `[hooks]`", Hooks),
    ],
    ids=["top-level", "settings", "processes", "setup", "hooks"],
)
def test_templates_page_lists_exactly_the_manifest_keys(heading: str, shape: type) -> None:
    keys = [f.name for f in fields(shape) if f.metadata.get("key", True)]
    assert sorted(_documented_keys(heading)) == sorted(keys)


def _hooks() -> ModuleType:
    """The site's mkdocs hooks (scripts/mkdocs_hooks.py), as mkdocs loads them."""
    path = DOCS.parent / "scripts" / "mkdocs_hooks.py"
    spec = importlib.util.spec_from_file_location("mkdocs_hooks", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_site_runs_the_hooks() -> None:
    assert "  - scripts/mkdocs_hooks.py\n" in (DOCS.parent / "mkdocs.yml").read_text()


@pytest.mark.parametrize("name", [c.name for c in load_catalogue().extensions])
def test_extension_pages_include_the_page_the_extension_ships(name: str) -> None:
    # One source: the page a generated project carries is what the site shows, never a copy.
    source = (DOCS / "extensions" / f"{name}.md").read_text(encoding="utf-8")
    directive = re.search(rf"^<!-- flaskforge:page {name}((?: \+[a-z0-9-]+)*) -->$", source, re.M)
    assert directive, f"docs/extensions/{name}.md must include <!-- flaskforge:page {name} -->"
    assert re.search(rf"^<!-- flaskforge:adds {name}[ +a-z0-9-]* -->$", source, re.M)
    hooks = _hooks()
    shipped = hooks.shipped_page(name, tuple(directive[1].split(" +")[1:]))
    site = hooks.expand(source)
    assert shipped in site
    prose = [line for line in shipped.split("\n") if len(line) > 60 and not line.startswith("#")]
    assert prose, "the shipped page has no prose to compare"
    copied = [line for line in prose if line in source]
    assert copied == [], "the site page repeats the shipped page by hand"


def test_the_shipped_page_is_demoted_under_the_site_page() -> None:
    hooks = _hooks()
    text = "# Title\n\n### Deep\n\n```sh\n# a comment\n```\n\n#### Deeper\n"
    assert hooks.demote(text.split("\n", 1)[1]) == (
        "\n### Deep\n\n```sh\n# a comment\n```\n\n#### Deeper\n"
    )
    assert hooks.demote("## Shallow\n### Under it") == "### Shallow\n#### Under it"


def test_what_an_extension_adds_comes_from_its_manifest() -> None:
    hooks = _hooks()
    catalogue = load_catalogue()
    for component in catalogue.extensions:
        listed = hooks.adds(component.name)
        for requirement in (*component.dependencies, *component.dev_dependencies):
            assert f"`{requirement}`" in listed, (component.name, requirement)
        for setting in component.settings:
            assert f"`{setting.name}`" in listed, (component.name, setting.name)
        for service in component.services:
            assert f"`{service}`" in listed, (component.name, service)
        for process in component.processes:
            assert f"`{process.name}`" in listed, (component.name, process.name)


def test_every_directive_in_the_docs_is_one_the_hooks_expand() -> None:
    # A misspelt directive would stay an invisible HTML comment and leave a hole in the page.
    hooks = _hooks()
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        left = [line for line in hooks.expand(text).split("\n") if "<!-- flaskforge:" in line]
        assert left == [], f"{page.relative_to(DOCS)}: {left}"


def test_getting_started_shows_the_tree_and_a_picture_of_a_service() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    expanded = _hooks().expand(index)
    for entry in ("├── app.py", "├── Dockerfile", "├── deploy/", "├── extensions/"):
        assert entry in expanded, entry
    assert "](img/service.svg)" in index
    svg = ElementTree.parse(DOCS / "img" / "service.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_keeping_a_service_current_shows_the_model_and_links_the_check_schema() -> None:
    page = (DOCS / "lifecycle.md").read_text(encoding="utf-8")
    assert page.startswith("# Keeping a service current\n")
    assert "](img/lifecycle.svg)" in page
    svg = ElementTree.parse(DOCS / "img" / "lifecycle.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    words = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    for box in ("baseline", "your tree", "new render", "refs/flaskforge/baseline"):
        assert box in words, box
    # The schema 'check --json' is validated against (tests/lifecycle/test_check.py).
    assert "](reference/project-status.schema.json)" in page
    assert (DOCS / "reference" / "project-status.schema.json").is_file()
    for heading in ("## Conflicts", "## The baseline in a fresh clone and in CI"):
        assert f"\n{heading}\n" in page, heading


def test_the_site_uses_material_pinned_in_the_docs_extra() -> None:
    config = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\n  name: material\n" in config
    for feature in ("content.code.copy", "search.suggest"):
        assert f"    - {feature}\n" in config
    assert "scheme: slate" in config  # the dark mode the toggle switches to
    docs_extra = tomllib.loads((DOCS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    pins = docs_extra["project"]["optional-dependencies"]["docs"]
    assert any(re.fullmatch(r"mkdocs-material==[0-9.]+", pin) for pin in pins)
