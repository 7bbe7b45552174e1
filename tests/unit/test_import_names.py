"""Names that shadow a module of the service's dependencies are refused, from the catalogue's
table of import names (which ``tests/e2e/test_import_names.py`` checks against a real install).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import load_catalogue
from flaskforge._catalogue import _pinned
from flaskforge._imports import installed_modules
from flaskforge.cli import cli


def test_every_pinned_distribution_has_its_modules_in_the_table() -> None:
    catalogue = load_catalogue()
    table = set(installed_modules(catalogue.root).values())
    components = (catalogue.base, *catalogue.services, *catalogue.extensions, *catalogue.targets)
    pinned = {
        _pinned(requirement)[0]
        for component in components
        for requirement in (*component.dependencies, *component.dev_dependencies)
    }
    assert pinned
    assert sorted(pinned - table) == [], "add them to templates/import-names.toml"


@pytest.mark.parametrize(
    ("args", "module", "owner"),
    [
        (["blinker"], "blinker", "blinker"),  # Flask's own dependency, pinned nowhere
        (["jwt", "-e", "jwt"], "jwt", "pyjwt"),  # the import name is not the distribution's
        (["Yaml"], "yaml", "pyyaml"),  # capitals: a clash on macOS and Windows
        (["psycopg", "-e", "none"], "psycopg", "psycopg"),  # not selected, but addable later
        (["redis"], "redis", "redis"),
        (["pytest"], "pytest", "pytest"),
        (["Flask-Caching"], "flask_caching", "flask-caching"),
    ],
    ids=["blinker", "jwt", "Yaml", "psycopg", "redis", "pytest", "Flask-Caching"],
)
def test_a_name_shadowing_a_dependency_is_refused(
    runner: CliRunner, tmp_path: Path, args: list[str], module: str, owner: str
) -> None:
    result = runner.invoke(cli, ["new", *args, "--defaults", "--no-git", "-o", str(tmp_path)])
    assert result.exit_code == 2
    name = args[0]
    assert result.stderr == (
        f"Error: Invalid project name {name!r}: a package named {module!r} would shadow"
        f" {module!r} from {owner}, a dependency of the service; try '{name}-service'.\n"
    )
    assert list(tmp_path.iterdir()) == []
    suggested = runner.invoke(
        cli, ["new", f"{name}-service", *args[1:], "--defaults", "--no-git", "-o", str(tmp_path)]
    )
    assert suggested.exit_code == 0, suggested.output


def test_the_table_names_only_importable_modules() -> None:
    modules = installed_modules(load_catalogue().root)
    assert len(modules) > 50
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", m) for m in modules)
