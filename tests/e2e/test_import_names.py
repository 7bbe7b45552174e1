"""The catalogue's table of import names (``templates/import-names.toml``) is what pip installs.

Every extension and target is installed with the dev tools, as a developer installs a service;
each installed distribution's top-level modules are read from its RECORD and top_level.txt and
must be the ones the table lists, which ``flaskforge new`` refuses as package names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flaskforge import load_catalogue
from flaskforge._imports import IMPORT_NAMES_FILE
from tests import e2e

# Run by the installed project's Python: {normalised distribution name: [top-level modules]}.
LIST_MODULES = r"""
import importlib.metadata, json, re
found = {}
for dist in importlib.metadata.distributions():
    names = set((dist.read_text("top_level.txt") or "").split())
    for path in dist.files or ():
        first = path.parts[0]
        if first == ".." or first == "__pycache__" or first.endswith((".dist-info", ".data")):
            continue  # scripts, metadata, bytecode
        if len(path.parts) > 1:
            names.add(first)  # a package (or namespace) folder
        elif first.endswith(".py"):
            names.add(first[:-3])
        elif first.endswith((".so", ".pyd")):
            names.add(first.split(".")[0])  # an extension module
    key = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
    found[key] = sorted(n for n in names if n.isidentifier())
print(json.dumps(found))
"""


def _table_lines(found: dict[str, list[str]]) -> str:
    return "".join(
        f"{name} = [{', '.join(json.dumps(m) for m in modules)}]\n"
        for name, modules in sorted(found.items())
    )


def test_the_table_lists_the_modules_of_every_installed_distribution(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    import tomllib

    extensions, targets = e2e.everything()
    generated = e2e.generate(tmp_path_factory.mktemp("imports"), extensions, targets)
    installed = e2e.install(generated, generated.project.parent / ".venv")
    found: dict[str, list[str]] = json.loads(
        e2e.run(installed.python, "-I", "-c", LIST_MODULES, cwd=generated.project.parent)
    )
    found.pop(generated.project.name)  # the project itself
    assert len(found) > 50, found
    path = Path(load_catalogue().root) / IMPORT_NAMES_FILE
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    # The table may list more (another Python version resolves other backports), never less.
    differing = {name: modules for name, modules in found.items() if table.get(name) != modules}
    assert not differing, (
        f"{path} is out of date for {sorted(differing)}; its entries for this install are:\n"
        + _table_lines(found)
    )
