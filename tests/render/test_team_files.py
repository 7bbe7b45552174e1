"""What a team expects in a new service's repository, read as files (issue 17).

The bare, the default (recommended) and the every-extension selections are generated once per
module; the update bot's configuration is validated against its published schema with
check-jsonschema, and every text file against the project's own ``.editorconfig``. The tools
run for real on installed projects in ``tests/e2e/test_team_tools.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import editorconfig
import pytest
import yaml

from flaskforge import create_project
from tests.generated import everything

#: Each selection as ``create_project`` takes it: ``None`` is the recommended set.
SELECTIONS: dict[str, tuple[list[str] | None, list[str] | None]] = {
    "bare": (["none"], ["none"]),
    "default": (None, None),
    "everything": everything(),
}


def _tool(name: str) -> str:
    """A tool of this test environment (installed with flaskforge's test extra)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is required: pip install -e '.[test]'"
    return found


@pytest.fixture(scope="module", params=sorted(SELECTIONS))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    extensions, targets = SELECTIONS[request.param]
    out = tmp_path_factory.mktemp(f"team-{request.param}")
    create_project("demo", output_dir=out, extensions=extensions, targets=targets, git=False)
    return out / "demo"


def _targets(project: Path) -> set[str]:
    import tomllib

    return set(tomllib.loads((project / ".flaskforge.toml").read_text("utf-8"))["targets"])


def _check_jsonschema(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_tool("check-jsonschema"), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


# Update bot ----------------------------------------------------------------------------------


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


# Editor settings -----------------------------------------------------------------------------


def _editorconfig_problems(project: Path) -> list[str]:
    """Each line of each text file that breaks what ``.editorconfig`` says about it."""
    problems = []
    for path in sorted(p for p in project.rglob("*") if p.is_file()):
        relative = path.relative_to(project).as_posix()
        properties = editorconfig.get_properties(str(path.resolve()))
        raw = path.read_bytes()
        try:
            text = raw.decode(properties.get("charset", "utf-8").replace("utf-8-bom", "utf-8"))
        except UnicodeDecodeError:
            problems.append(f"{relative}: not {properties.get('charset')}")
            continue
        if properties.get("end_of_line") == "lf" and "\r" in text:
            problems.append(f"{relative}: carriage returns, but end_of_line = lf")
        if properties.get("insert_final_newline") == "true" and text and not text.endswith("\n"):
            problems.append(f"{relative}: no final newline")
        for number, line in enumerate(text.split("\n"), 1):
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if properties.get("trim_trailing_whitespace") == "true" and line != line.rstrip():
                problems.append(f"{relative}:{number}: trailing whitespace")
            if properties.get("indent_style") == "space" and "\t" in indent:
                problems.append(f"{relative}:{number}: tab indentation, but indent_style = space")
            if properties.get("indent_style") == "tab" and indent.startswith(" "):
                problems.append(f"{relative}:{number}: space indentation, but indent_style = tab")
    return problems


def test_every_file_follows_the_editorconfig(project: Path) -> None:
    assert (project / ".editorconfig").is_file()
    assert _editorconfig_problems(project) == []


def test_the_editorconfig_check_catches_a_tab_indented_python_file(project: Path) -> None:
    probe = project / "src/demo/probe_editorconfig.py"
    probe.write_text("def f():\n\treturn 1\n")
    try:
        assert _editorconfig_problems(project) == [
            "src/demo/probe_editorconfig.py:2: tab indentation, but indent_style = space"
        ]
    finally:
        probe.unlink()


# Workflows -----------------------------------------------------------------------------------

_PINNED_USES = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


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


def _workflows(project: Path) -> dict[str, dict]:
    return {
        path.name: yaml.safe_load(path.read_text("utf-8"))
        for path in sorted((project / ".github/workflows").glob("*.yml"))
    }


def test_every_action_is_pinned_by_commit_with_its_release_in_a_comment(project: Path) -> None:
    lines = [
        line.strip().removeprefix("- ").removeprefix("uses: ")
        for path in sorted((project / ".github/workflows").glob("*.yml"))
        for line in path.read_text("utf-8").splitlines()
        if line.strip().removeprefix("- ").startswith("uses: ")
    ]
    assert lines
    assert [line for line in lines if not _PINNED_USES.match(line)] == []
    # One action, one commit, in every workflow.
    commits: dict[str, set[str]] = {}
    for line in lines:
        action, _, rest = line.partition("@")
        commits.setdefault(action, set()).add(rest)
    assert {a: c for a, c in commits.items() if len(c) > 1} == {}


def test_workflows_grant_nothing_by_default_and_run_no_expression(project: Path) -> None:
    for name, workflow in _workflows(project).items():
        assert workflow["permissions"] == {}, name
        for job_name, job in workflow["jobs"].items():
            assert job["permissions"] == {"contents": "read"}, (name, job_name)
            for step in job["steps"]:
                # Values reach scripts through env:, never spliced into the script's text.
                assert "${{" not in step.get("run", ""), (name, job_name, step)
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, (name, job_name)


# Documentation -------------------------------------------------------------------------------

#: The repository files of issue 17 that every project has (the others depend on the selection).
TEAM_FILES = (".editorconfig", ".github/dependabot.yml")


def test_the_readme_says_what_each_repository_file_is_for(project: Path) -> None:
    readme = (project / "README.md").read_text("utf-8")
    rows = dict(
        line.split(" | ", 1)
        for line in readme.split("## Repository files", 1)[1].split("\n## ", 1)[0].splitlines()
        if line.startswith("| `")
    )
    listed = {cell.strip("| `") for cell in rows}

    assert set(TEAM_FILES) <= listed
    assert all((project / path).exists() for path in listed), listed
    assert all(len(text.strip(" |")) > 20 for text in rows.values()), rows
