"""remove-extension, installed: for every extension B, a service with everything and an owner's
own route loses B, is installed afresh, and

- pip no longer brings B's packages (those no remaining component, and no remaining package,
  needs);
- the owner's route is still registered and answers, and their command still runs;
- the project's own lint and tests pass.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from flaskforge import create_project, load_catalogue, remove_extensions
from tests import e2e
from tests.lifecycle_kit import commit_all
from tests.user_edits import add_owner_route_and_command

CATALOGUE = load_catalogue()
PACKAGE = "rm_live"
ROUTES = f"src/{PACKAGE}/api/v1/items/routes.py"
PROBE = """
import json
from importlib import metadata

from {package} import create_app

installed = {{}}
for dist in metadata.distributions():
    name = dist.metadata["Name"].lower().replace("_", "-")
    needs = set()
    for requirement in dist.requires or ():
        if "extra ==" in requirement:
            continue
        needs.add(requirement.split(";")[0].split("[")[0].split("<")[0].split(">")[0]
                  .split("=")[0].split("!")[0].split("~")[0].strip().lower().replace("_", "-"))
    installed[name] = sorted(needs)
app = create_app({{"APP_ENV": "testing", "SECRET_KEY": "k" * 40}})
owned = [r for r in app.url_map.iter_rules() if r.endpoint.endswith(".owner_count")]
rules = [r.rule for r in owned]
answer = app.test_client().get(rules[0]).get_json() if rules else None
# A blueprint's commands are grouped under its full (dotted) name.
group = owned[0].endpoint.rsplit(".", 1)[0] if owned else "{blueprint}"
command = app.test_cli_runner().invoke(args=[group, "owner-hello"])
print(json.dumps({{"installed": installed, "rules": rules, "answer": answer,
                  "command": command.output}}))
"""


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>!~;]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


@pytest.mark.parametrize("name", [c.name for c in CATALOGUE.extensions])
def test_after_removal_its_packages_go_and_the_owner_code_works(tmp_path: Path, name: str) -> None:
    extensions, targets = e2e.everything()
    create_project("rm-live", output_dir=tmp_path, extensions=extensions, targets=targets)
    project = tmp_path / "rm-live"
    routes = project / ROUTES
    blueprint_name = add_owner_route_and_command(routes)
    commit_all(project, "our route")

    result = remove_extensions([name], project=project, cascade=True)
    assert (result.conflicts, result.left) == ((), ())
    remaining = [
        CATALOGUE.get("extension", n)
        for n in extensions
        if n not in result.removed  # type: ignore[arg-type]
    ]
    still_wanted = {_name(d) for c in (CATALOGUE.base, *remaining) for d in c.dependencies}

    venv = tmp_path / "venv"
    e2e.create_venv(venv)
    e2e.pip_install(venv, ".", cwd=project)
    out = e2e.run(
        venv / "bin/python",
        "-c",
        textwrap.dedent(PROBE.format(package=PACKAGE, blueprint=blueprint_name)),
        cwd=tmp_path,
    )
    probe = json.loads(out.strip().splitlines()[-1])
    installed: dict[str, list[str]] = probe["installed"]
    needed_by_others = {need for needs in installed.values() for need in needs}
    checked = []
    for removed in result.removed:
        for requirement in CATALOGUE.get("extension", removed).dependencies:  # type: ignore[arg-type]
            distribution = _name(requirement)
            if distribution in still_wanted or distribution in needed_by_others:
                continue
            assert distribution not in installed, f"{distribution} ({removed}) is still installed"
            checked.append(distribution)
    # Every extension brings a package of its own: the check above is never empty.
    assert checked or not CATALOGUE.get("extension", name).dependencies
    assert probe["answer"] == {"count": 42}, probe["rules"]
    assert probe["command"] == "hello from the owner\n"

    e2e.pip_install(venv, "-e", ".[dev]", cwd=project)
    for command in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        e2e.run(venv / "bin" / command[0], *command[1:], cwd=project)
    e2e.run(venv / "bin/pytest", "-q", "-W", "error", "-p", "no:cacheprovider", cwd=project)
