"""The owner's code survives growth, for every extension and every target.

Each case starts from a committed project (no extension, no target) whose owner added a route to
the items blueprint, a resource of their own nested in ``api/v1``, a setting and a CLI command,
each where the generated docs say (``tests/user_edits.py``); ``add-extension`` adds one
component; then the owner's routes are in ``app.url_map`` and answer, the setting is read from
the environment, the command runs, and the project's own lint and tests pass.

Affordable: one virtual environment holds every component's dependencies, installed once; each
grown project goes into it without dependencies, under a package name of its own.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from flaskforge import add_extensions, load_catalogue
from tests import e2e
from tests.user_edits import owned_project

CATALOGUE = load_catalogue()
COMPONENTS = [c.name for c in CATALOGUE.extensions] + [c.name for c in CATALOGUE.targets]
PROBE = """
import json

from {package} import create_app

app = create_app({{"APP_ENV": "testing", "SECRET_KEY": "k" * 40}})
client = app.test_client()
rules = sorted(rule.rule for rule in app.url_map.iter_rules())
command = app.test_cli_runner().invoke(args=["reports-limit"])
print(json.dumps({{
    "rules": rules,
    "count": client.get("/api/v1/items/count").get_json(),
    "reports": client.get("/api/v1/reports").get_json(),
    "command": [command.exit_code, command.output],
}}))
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with every component's dependencies and the dev tools."""
    extensions, targets = e2e.everything()
    generated = e2e.generate(tmp_path_factory.mktemp("deps"), extensions, targets)
    return e2e.install(generated, tmp_path_factory.mktemp("owner") / "venv").venv


@pytest.mark.parametrize("component", COMPONENTS)
def test_the_owner_s_code_works_after_add_extension(
    venv: Path, tmp_path: Path, component: str
) -> None:
    package = f"owned_{component}"
    project = owned_project(tmp_path, package)

    result = add_extensions([component], project=project)
    assert result.conflicts == ()

    e2e.pip_install(venv, "--no-deps", "-e", project)
    env = e2e.clean_env(REPORTS_LIMIT="9")
    probe = textwrap.dedent(PROBE.format(package=package))
    answers = json.loads(e2e.run(venv / "bin/python", "-c", probe, env=env).splitlines()[-1])
    assert {"/api/v1/items/count", "/api/v1/reports"} <= set(answers["rules"])
    assert answers["count"] == {"count": 3}
    assert answers["reports"] == {"limit": 9}
    assert answers["command"] == [0, "9\n"]
    for command in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        e2e.run(venv / "bin" / command[0], *command[1:], cwd=project)
    e2e.run(venv / "bin/pytest", "-q", "-W", "error", "-p", "no:cacheprovider", cwd=project)
