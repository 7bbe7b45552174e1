"""The owner's code survives growth: a committed project whose owner added a route to the items
blueprint gets an extension with add-extension; the route is still registered and answers, and
the project's own lint and tests pass.

Affordable: one virtual environment with the dependencies of every extension, installed once;
each grown project goes into it without dependencies, under a package name of its own.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from flaskforge import add_extensions, create_project
from tests import e2e
from tests.lifecycle_kit import commit_all

ROUTE = '''

@bp.get("/count")
def count_items() -> dict[str, int]:
    """How many items there are (added by the service's owner)."""
    return {"count": 3}
'''
PROBE = """
import json

from {package} import create_app

app = create_app({{"APP_ENV": "testing", "SECRET_KEY": "k" * 40}})
client = app.test_client()
rules = sorted(rule.rule for rule in app.url_map.iter_rules())
print(json.dumps({{"rules": rules, "count": client.get("/api/v1/items/count").get_json()}}))
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with every extension's dependencies and the dev tools."""
    extensions, targets = e2e.everything()
    generated = e2e.generate(tmp_path_factory.mktemp("deps"), extensions, targets)
    return e2e.install(generated, tmp_path_factory.mktemp("owner") / "venv").venv


@pytest.mark.parametrize("extension", ["openapi"])
def test_the_owner_s_route_answers_after_add_extension(
    venv: Path, tmp_path: Path, extension: str
) -> None:
    package = f"owned_{extension}"
    create_project(package, output_dir=tmp_path, extensions=["none"], targets=["none"])
    project = tmp_path / package
    routes = project / "src" / package / "api/v1/items/routes.py"
    routes.write_text(routes.read_text() + ROUTE)
    commit_all(project, "the owner's route")

    result = add_extensions([extension], project=project)
    assert result.conflicts == ()

    e2e.pip_install(venv, "--no-deps", "-e", project)
    probe = e2e.run(venv / "bin/python", "-c", textwrap.dedent(PROBE.format(package=package)))
    answers = json.loads(probe.strip().splitlines()[-1])
    assert "/api/v1/items/count" in answers["rules"]
    assert answers["count"] == {"count": 3}
    for command in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        e2e.run(venv / "bin" / command[0], *command[1:], cwd=project)
    e2e.run(venv / "bin/pytest", "-q", "-W", "error", "-p", "no:cacheprovider", cwd=project)
