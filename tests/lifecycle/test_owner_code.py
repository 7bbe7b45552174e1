"""add-extension and remove-extension merge around the owner's code where the generated docs say
to put it: a route on the items blueprint, a resource nested in api/v1, a setting and a CLI
command.

Merging only: that the grown project's routes answer, its setting and command work and its
tests pass is ``tests/e2e/test_owner_code.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from flaskforge import add_extensions, load_catalogue, remove_extensions
from tests.user_edits import (
    OWNER_EDITS,
    OWNER_FILES,
    OWNER_ROUTE,
    OWNER_SETTING,
    git,
    owned_project,
)

CATALOGUE = load_catalogue()
COMPONENTS = [c.name for c in CATALOGUE.extensions] + [c.name for c in CATALOGUE.targets]
PACKAGE = Path("src/owned")


@pytest.mark.parametrize("component", COMPONENTS)
def test_each_component_merges_around_the_owner_s_code(tmp_path: Path, component: str) -> None:
    project = owned_project(tmp_path, "owned")
    package = project / PACKAGE

    result = add_extensions([component], project=project)

    assert result.conflicts == ()
    for path, _, text in OWNER_EDITS:
        assert text in (package / path).read_text(), f"the owner's edit of {path} was lost"
    for path, text in OWNER_FILES.items():
        assert (package / path).read_text() == text
    config = (package / "config.py").read_text()
    assert OWNER_SETTING + ")\n" in config  # still the last row of SETTINGS
    added = [c for c in (*CATALOGUE.extensions, *CATALOGUE.targets) if c.name in result.added]
    assert added
    for setting in (setting for c in added for setting in c.settings):
        assert f'name="{setting.name}"' in config


def test_openapi_changes_the_owner_s_items_routes_in_place(tmp_path: Path) -> None:
    project = owned_project(tmp_path, "owned")
    routes = project / PACKAGE / "api/v1/items/routes.py"

    result = add_extensions(["openapi"], project=project)

    assert str((PACKAGE / "api/v1/items/routes.py").as_posix()) in {c.path for c in result.changes}
    merged = routes.read_text()
    # One items API: the owner's route beside the documented ones, on the same blueprint.
    assert merged.endswith(OWNER_ROUTE)
    assert "from ....extensions.openapi import Blueprint\n" in merged
    assert "@bp.arguments(ItemInSchema)\n" in merged
    assert not list(project.rglob("openapi_routes.py"))


def _config_module(path: Path) -> ModuleType:
    """The project's ``config.py`` (standard library only), imported on its own."""
    spec = importlib.util.spec_from_file_location(f"owned_config_{id(path)}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and NamedTuples look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.mark.parametrize("component", COMPONENTS)
def test_the_owner_s_setting_still_works_after_remove_extension(
    tmp_path: Path, component: str
) -> None:
    project = owned_project(tmp_path, "owned")
    package = project / PACKAGE
    added = add_extensions([component], project=project)
    git(project, "add", "-A")
    git(project, "commit", "-qm", f"add {component}")

    result = remove_extensions([component], project=project)

    assert result.conflicts == ()
    assert result.removed == (component,)
    for path, _, text in OWNER_EDITS:
        assert text in (package / path).read_text(), f"the owner's edit of {path} was lost"
    for path, text in OWNER_FILES.items():
        assert (package / path).read_text() == text
    config_path = package / "config.py"
    assert OWNER_SETTING + ")\n" in config_path.read_text()  # still the last row of SETTINGS
    # The setting works: read from the environment, parsed as the owner typed it, default kept.
    config = _config_module(config_path)
    development = {"APP_ENV": "development"}
    assert config.load_config(environ={**development, "REPORTS_LIMIT": "9"})["REPORTS_LIMIT"] == 9
    assert config.load_config(environ=development)["REPORTS_LIMIT"] == 7
    # What the component brought is gone; what it implied (database for migrations) stays.
    kept = set(added.added) - {component}
    removed = [c for c in (*CATALOGUE.extensions, *CATALOGUE.targets) if c.name == component]
    kept_settings = {
        s.name
        for c in (*CATALOGUE.extensions, *CATALOGUE.targets, *CATALOGUE.services)
        if c.name in kept or c.kind == "service"
        for s in c.settings
    }
    names = set(config.load_config(environ=development))
    for setting in (s for c in removed for s in c.settings if s.name not in kept_settings):
        assert setting.name not in names, f"{setting.name} outlived {component}"
