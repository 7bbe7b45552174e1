"""What a team expects in a new service's repository, read as files (issue 17).

The bare, the default (recommended) and the every-extension selections are generated once per
module: every text file is checked against the project's own ``.editorconfig``, and the
workflows' pins and permissions are read as YAML. The real tools (check-jsonschema, zizmor) run
on the same selections in ``tests/e2e/test_team_files.py``, and on installed projects in
``tests/e2e/test_team_tools.py``.
"""

from __future__ import annotations

import re
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


@pytest.fixture(scope="module", params=sorted(SELECTIONS))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    extensions, targets = SELECTIONS[request.param]
    out = tmp_path_factory.mktemp(f"team-{request.param}")
    create_project("demo", output_dir=out, extensions=extensions, targets=targets, git=False)
    return out / "demo"


def _targets(project: Path) -> set[str]:
    import tomllib

    return set(tomllib.loads((project / ".flaskforge.toml").read_text("utf-8"))["targets"])


# Lock ----------------------------------------------------------------------------------------


def _locked(text: str) -> dict[str, str]:
    """``name -> version`` of a lock file (the first version, for a name locked twice)."""
    from flaskforge._lock import parse_lock

    locked: dict[str, str] = {}
    for entry in parse_lock(text).entries:
        locked.setdefault(entry.name, entry.version)
    return locked


def test_the_locks_pin_what_pyproject_pins_and_agree(project: Path) -> None:
    import tomllib

    from flaskforge._lock import requirement_name, requirement_version

    metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]
    runtime = _locked((project / "requirements.txt").read_text("utf-8"))
    dev = _locked((project / "requirements-dev.txt").read_text("utf-8"))

    for requirement in metadata["dependencies"]:
        assert runtime[requirement_name(requirement)] == requirement_version(requirement)
    for requirement in metadata["optional-dependencies"]["dev"]:
        assert dev[requirement_name(requirement)] == requirement_version(requirement)
    assert runtime.items() <= dev.items()
    assert "pytest" not in runtime


def test_make_lock_writes_the_lock_files_that_install_ci_and_the_image_read(
    project: Path,
) -> None:
    from flaskforge._lock import LOCK_COMMANDS

    makefile = (project / "Makefile").read_text("utf-8")
    for name, command in LOCK_COMMANDS.items():
        assert (project / name).read_text("utf-8").splitlines()[1] == f"#    {command}"
        assert f"\t$(BIN)/{command} --quiet $(LOCK_ARGS)\n" in makefile
    install = makefile.split("\ninstall:\n", 1)[1].split("\n\n", 1)[0]
    assert "pip install --require-hashes --requirement requirements-dev.txt" in install
    assert "pip install --no-deps --editable ." in install
    ci = yaml.safe_load((project / ".github/workflows/ci.yml").read_text("utf-8"))
    runs = [step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]]
    assert "make install" in runs
    if "docker" in _targets(project):
        dockerfile = (project / "Dockerfile").read_text("utf-8")
        assert "pip install --no-cache-dir --require-hashes --requirement requirements.txt" in (
            dockerfile
        )
        assert "!requirements.txt" in (project / ".dockerignore").read_text("utf-8").split()


# Dev container -------------------------------------------------------------------------------


def test_the_dev_container_runs_the_project_with_its_backing_services(project: Path) -> None:
    import json

    config = json.loads((project / ".devcontainer/devcontainer.json").read_text("utf-8"))
    assert config["postCreateCommand"] == "make install"
    assert config["forwardPorts"] == [5000]
    if "docker" not in _targets(project):
        assert config["image"] == "mcr.microsoft.com/devcontainers/python:1-3.12-bookworm"
        return
    # Built on the project's compose file: its backing services, and a dev service beside them.
    files = [project / ".devcontainer" / name for name in config["dockerComposeFile"]]
    composed = [yaml.safe_load(path.read_text("utf-8")) for path in files]
    assert files[0].resolve() == (project / "compose.yaml").resolve()
    services = {name for c in composed for name in c["services"]}
    assert set(config["runServices"]) <= services
    backing = {"postgres", "redis"} & set(composed[0]["services"])
    assert set(config["runServices"]) == {"dev", *backing}
    dev = composed[1]["services"][config["service"]]
    # Compose resolves the relative mount from the first file's folder: the project.
    assert f".:{config['workspaceFolder']}:cached" in dev["volumes"]
    assert set(dev.get("depends_on", {})) == backing


# Migrations drift gate -----------------------------------------------------------------------


def test_ci_checks_models_against_migrations_before_the_tests_when_there_are_any(
    project: Path,
) -> None:
    import tomllib

    record = tomllib.loads((project / ".flaskforge.toml").read_text("utf-8"))
    makefile = (project / "Makefile").read_text("utf-8")
    ci = yaml.safe_load((project / ".github/workflows/ci.yml").read_text("utf-8"))
    runs = [step.get("run") for step in ci["jobs"]["checks"]["steps"]]

    if "migrations" not in record["extensions"]:
        assert "check-migrations" not in makefile
        assert "make check-migrations" not in runs
        return
    recipe = makefile.split("\ncheck-migrations: migrate\n", 1)[1].split("\n\n", 1)[0]
    assert recipe == "\t$(BIN)/flask --app demo.wsgi db check"
    assert "\nmigrate:\n\t$(BIN)/flask --app demo.wsgi db upgrade\n" in makefile
    assert runs.index("make check-migrations") < runs.index(".venv/bin/pytest")


# pre-commit ----------------------------------------------------------------------------------


def test_the_pre_commit_hooks_are_local_pinned_and_use_the_projects_ruff(project: Path) -> None:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text("utf-8"))
    makefile = (project / "Makefile").read_text("utf-8")
    pyproject = (project / "pyproject.toml").read_text("utf-8")

    (repo,) = config["repos"]
    assert repo["repo"] == "local"  # nothing to fetch from a hook repository
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert all("==" in d for d in hook["additional_dependencies"]), hook
    (ruff,) = set(hooks["ruff-check"]["additional_dependencies"])
    assert f'"{ruff}",' in pyproject
    assert hooks["ruff-format"]["additional_dependencies"] == [ruff]
    assert hooks["check-merge-conflict"]["entry"].endswith("--assume-in-merge")
    expected = {"ruff-check", "ruff-format", "trailing-whitespace", "end-of-file-fixer"}
    expected |= {"check-merge-conflict", "check-yaml", "check-toml"}
    if "docker" in _targets(project):
        expected.add("hadolint")
    assert set(hooks) == expected
    assert "\npre-commit:\n\t$(BIN)/pre-commit run --all-files\n" in makefile
    ci = yaml.safe_load((project / ".github/workflows/ci.yml").read_text("utf-8"))
    runs = [step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]]
    assert ".venv/bin/pre-commit run --all-files --show-diff-on-failure" in runs


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


def test_ci_has_an_optional_flaskforge_check_job(project: Path) -> None:
    # Issue 15: with the repository variable set, CI fails while the project is behind the
    # team's flaskforge; without it, the job is skipped.
    job = _workflows(project)["ci.yml"]["jobs"]["flaskforge"]
    assert job["if"] == "vars.FLASKFORGE_REQUIREMENT != ''"
    steps = job["steps"]
    (install,) = [s for s in steps if "pip install" in s.get("run", "")]
    assert install["run"] == 'python -m pip install "$FLASKFORGE_REQUIREMENT"'
    assert install["env"] == {"FLASKFORGE_REQUIREMENT": "${{ vars.FLASKFORGE_REQUIREMENT }}"}
    assert steps[-1]["run"] == "flaskforge check"


# Documentation -------------------------------------------------------------------------------

#: The repository files of issue 17 that every project has (the others depend on the selection).
TEAM_FILES = (
    ".editorconfig",
    ".github/dependabot.yml",
    ".pre-commit-config.yaml",
    ".devcontainer/devcontainer.json",
    "requirements.txt",
    "requirements-dev.txt",
)


def _file_rows(table: str) -> dict[str, str]:
    """``path -> what it is for`` of a Markdown table whose first column is a file in code."""
    return {
        cells[0].strip(" `"): cells[1].strip()
        for line in table.splitlines()
        if line.startswith("| `") and len(cells := line.strip("|").split(" | ", 1)) == 2
    }


def test_the_readme_says_what_each_repository_file_is_for(project: Path) -> None:
    readme = (project / "README.md").read_text("utf-8")
    rows = _file_rows(readme.split("## Repository files", 1)[1].split("\n## ", 1)[0])

    assert set(TEAM_FILES) <= set(rows)
    assert all((project / path).exists() for path in rows), rows
    assert all(len(text) > 20 for text in rows.values()), rows


def test_the_docs_say_what_each_of_those_files_is_for(project: Path) -> None:
    # docs/team.md, "The files, a line each": every file a project's README lists, and more.
    page = (Path(__file__).resolve().parents[2] / "docs/team.md").read_text("utf-8")
    documented = _file_rows(page.split("## The files, a line each", 1)[1].split("\n## ", 1)[0])
    readme = (project / "README.md").read_text("utf-8")
    listed = _file_rows(readme.split("## Repository files", 1)[1].split("\n## ", 1)[0])

    assert set(listed) <= set(documented)
    assert all(len(text) > 20 for text in documented.values()), documented
