"""add-extension merges into the files an owner writes in, where the generated docs say to.

Merging only: that the grown project's routes answer and its tests pass is
``tests/e2e/test_owner_code.py``.
"""

from __future__ import annotations

from pathlib import Path

from flaskforge import add_extensions, create_project
from tests.lifecycle_kit import commit_all

PACKAGE = "owned"
ROUTES = f"src/{PACKAGE}/api/v1/items/routes.py"
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
