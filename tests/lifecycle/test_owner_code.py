"""add-extension merges into the files an owner writes in, where the generated docs say to.

Merging only: that the grown project's routes answer and its tests pass is
``tests/e2e/test_owner_code.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flaskforge import add_extensions, create_project, load_catalogue
from tests.lifecycle_kit import commit_all

PACKAGE = "owned"
ROUTES = f"src/{PACKAGE}/api/v1/items/routes.py"
CONFIG = f"src/{PACKAGE}/config.py"
#: The owner's setting goes below the example that ends the comment saying where.
SETTINGS_EXAMPLE = '    # Setting(name="ORDERS_PAGE_SIZE", default="50", type="int"),\n'
SETTING = '    Setting(name="REPORTS_LIMIT", default="7", type="int"),\n'
COUNT_ROUTE = '''

@bp.get("/count")
def count_items() -> dict[str, int]:
    """How many items there are (added by the service's owner)."""
    return {"count": 3}
'''


def test_openapi_merges_into_the_owner_s_items_routes(tmp_path: Path) -> None:
    create_project("owned", output_dir=tmp_path, extensions=["none"], targets=["none"])
    project = tmp_path / "owned"
    routes = project / ROUTES
    routes.write_text(routes.read_text() + COUNT_ROUTE)
    commit_all(project, "GET /api/v1/items/count")

    result = add_extensions(["openapi"], project=project)

    assert result.conflicts == ()
    assert ROUTES in {change.path for change in result.changes}
    merged = routes.read_text()
    # One items API: the owner's route beside the documented ones, on the same blueprint.
    assert merged.endswith(COUNT_ROUTE)
    assert "from ....extensions.openapi import Blueprint\n" in merged
    assert "@bp.arguments(ItemInSchema)\n" in merged
    assert not list(project.rglob("openapi_routes.py"))


@pytest.mark.parametrize("extension", [e.name for e in load_catalogue().extensions])
def test_each_extension_merges_its_settings_around_the_owner_s(
    tmp_path: Path, extension: str
) -> None:
    create_project("owned", output_dir=tmp_path, extensions=["none"], targets=["none"])
    project = tmp_path / "owned"
    config = project / CONFIG
    assert SETTINGS_EXAMPLE in config.read_text()
    config.write_text(config.read_text().replace(SETTINGS_EXAMPLE, SETTINGS_EXAMPLE + SETTING))
    commit_all(project, "the owner's setting")

    result = add_extensions([extension], project=project)

    assert result.conflicts == ()
    merged = config.read_text()
    assert SETTINGS_EXAMPLE + SETTING + ")\n" in merged
    for setting in load_catalogue().get("extension", extension).settings:
        assert f'name="{setting.name}"' in merged
