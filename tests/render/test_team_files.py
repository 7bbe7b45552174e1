"""What a team expects in a new service's repository, read as files (issue 17).

The bare, the default (recommended) and the every-extension selections are generated once per
module; the update bot's configuration is validated against its published schema with
check-jsonschema, and every text file against the project's own ``.editorconfig``. The tools
run for real on installed projects in ``tests/e2e/test_team_tools.py``.
"""

from __future__ import annotations

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
