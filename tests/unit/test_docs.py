"""The documentation keeps up with the CLI and the catalogue."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from flaskforge import load_catalogue
from flaskforge._components import Component, Process, Setting, SetupStep
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
    ],
    ids=["top-level", "settings", "processes", "setup"],
)
def test_templates_page_lists_exactly_the_manifest_keys(heading: str, shape: type) -> None:
    keys = [f.name for f in fields(shape) if f.metadata.get("key", True)]
    assert sorted(_documented_keys(heading)) == sorted(keys)
