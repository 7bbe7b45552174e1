"""What a team expects in a new service's repository, checked by the real tools (issue 17).

The update bot's configuration against its published schema and the workflows against GitHub's,
with check-jsonschema, and the workflows audited by zizmor, on the selections of
``tests/render/test_team_files.py`` (which reads the same files as files).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from flaskforge import create_project
from tests.render.test_team_files import SELECTIONS


def _tool(name: str) -> str:
    """A tool of this test environment (installed with flaskforge's test extra)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is required: pip install -e '.[test]'"
    return found


def _targets(project: Path) -> set[str]:
    import tomllib

    return set(tomllib.loads((project / ".flaskforge.toml").read_text("utf-8"))["targets"])


@pytest.fixture(scope="module", params=sorted(SELECTIONS))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    extensions, targets = SELECTIONS[request.param]
    out = tmp_path_factory.mktemp(f"team-{request.param}")
    create_project("demo", output_dir=out, extensions=extensions, targets=targets, git=False)
    return out / "demo"


def _check_jsonschema(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_tool("check-jsonschema"), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_dependabot_config_is_valid_against_its_schema(project: Path) -> None:
    config = project / ".github/dependabot.yml"

    checked = _check_jsonschema("--builtin-schema", "vendor.dependabot", config)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(config.read_text())["updates"]}
    expected = {"pip", "github-actions"}
    if "docker" in _targets(project):
        expected |= {"docker", "docker-compose"}
    assert ecosystems == expected


def test_the_dependabot_schema_check_catches_a_misspelled_key(tmp_path: Path) -> None:
    # The check above can fail: the same schema refuses what Dependabot would refuse.
    broken = tmp_path / "dependabot.yml"
    broken.write_text(
        "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n"
        "    schedual:\n      interval: weekly\n"
    )

    checked = _check_jsonschema("--builtin-schema", "vendor.dependabot", broken)

    assert checked.returncode == 1, checked.stdout + checked.stderr


# Workflows ---------------------------------------------------------------------------------------


def _zizmor(workflows: Path) -> subprocess.CompletedProcess[str]:
    # --offline: no GitHub API (unreachable here); every audit that reads only the files runs.
    return subprocess.run(
        [_tool("zizmor"), "--offline", "--format", "plain", str(workflows)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_zizmor_finds_nothing_in_the_workflows(project: Path) -> None:
    audited = _zizmor(project / ".github/workflows")

    assert audited.returncode == 0, audited.stdout + audited.stderr
    assert "No findings to report" in audited.stdout, audited.stdout


def test_zizmor_would_report_an_unpinned_action_and_untrusted_input(tmp_path: Path) -> None:
    # What the check above guards against, in a workflow written the common way.
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        "on: pull_request\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )

    audited = _zizmor(workflows)

    assert audited.returncode != 0
    for audit in ("unpinned-uses", "template-injection", "artipacked", "excessive-permissions"):
        assert audit in audited.stdout, audited.stdout


def test_workflows_are_valid_against_the_github_workflow_schema(project: Path) -> None:
    workflows = sorted((project / ".github/workflows").glob("*.yml"))

    checked = _check_jsonschema("--builtin-schema", "vendor.github-workflows", *workflows)

    assert checked.returncode == 0, checked.stdout + checked.stderr


# Dev container -----------------------------------------------------------------------------------

#: The dev container specification's schema, vendored (see schemas/README.md for its source).
DEVCONTAINER_SCHEMA = Path(__file__).parent / "schemas" / "devContainer.base.schema.json"


def test_devcontainer_is_valid_against_the_dev_container_schema(project: Path) -> None:
    config = project / ".devcontainer/devcontainer.json"

    checked = _check_jsonschema("--schemafile", DEVCONTAINER_SCHEMA, config)

    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_dev_container_schema_check_catches_a_misspelled_key(tmp_path: Path) -> None:
    broken = tmp_path / "devcontainer.json"
    broken.write_text('{"image": "python:3.12", "postCreateComand": "make install"}')

    checked = _check_jsonschema("--schemafile", DEVCONTAINER_SCHEMA, broken)

    assert checked.returncode == 1, checked.stdout + checked.stderr


def test_the_dev_containers_compose_file_is_valid_against_the_compose_spec(project: Path) -> None:
    if "docker" not in _targets(project):
        assert not (project / ".devcontainer/compose.yaml").exists()
        return

    checked = _check_jsonschema(
        "--builtin-schema", "vendor.compose-spec", project / ".devcontainer/compose.yaml"
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr


# Reusable answers: a team's registry and namespace, through kustomize --------------------------


def test_a_teams_registry_and_namespace_hold_in_every_rendered_object(tmp_path: Path) -> None:
    from flaskforge._naming import parse_project_name
    from tests.deploy_names import check_manifest
    from tests.generated import everything

    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is required"
    answers = tmp_path / "team.toml"
    answers.write_text('image_registry = "ghcr.io/acme"\nkubernetes_namespace = "payments"\n')
    extensions, _ = everything()
    command = [_tool("flaskforge"), "new", "orders", "--answers-file", str(answers), "--no-git"]
    created = subprocess.run(
        [*command, "-e", ",".join(extensions), "-t", "kubernetes", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    deploy = parse_project_name("orders").deploy
    for overlay in ("dev", "prod"):
        folder = tmp_path / "orders/deploy/k8s/overlays" / overlay
        shutil.copy(folder / "secrets.env.example", folder / "secrets.env")
        done = subprocess.run(
            [kubectl, "kustomize", str(folder)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        docs = [d for d in yaml.safe_load_all(done.stdout) if d]
        (namespace,) = [d for d in docs if d["kind"] == "Namespace"]
        assert namespace["metadata"]["name"] == "payments"
        images = set()
        for doc in docs:
            check_manifest(doc, "payments")
            for spec in _pod_specs(doc):
                images |= {c["image"] for c in spec["containers"]}
        assert images == {f"ghcr.io/acme/{deploy}:0.1.0"}, overlay


def _pod_specs(doc: dict) -> list[dict]:
    template = doc.get("spec", {}).get("template") or doc.get("spec", {}).get("jobTemplate")
    return [template["spec"]] if template and "spec" in template else []
