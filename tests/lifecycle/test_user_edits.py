"""add-extension keeps every line the user wrote, in each kind of generated file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import create_project, load_catalogue
from flaskforge._grow import add_extensions
from flaskforge.cli import cli
from tests import e2e

PACKAGE = "edit_svc"
# One edit per kind of file the issue names; each is (path, text to find, text to put after it).
EDITS = {
    "app factory": (
        f"src/{PACKAGE}/app.py",
        "    api.init_app(app)\n",
        '    app.config["EDITED_BY_USER"] = True\n',
    ),
    "config": (f"src/{PACKAGE}/config.py", "", "# Our team's note: settings are reviewed.\n"),
    "pyproject": ("pyproject.toml", None, "\n[tool.coverage.run]\nbranch = true\n"),
    "compose": ("compose.yaml", "", "# Local development only.\n"),
    "kubernetes": ("deploy/k8s/base/kustomization.yaml", "", "# Owned by the platform team.\n"),
    "readme": ("README.md", None, "\n## Our runbook\n\nPage the on-call engineer.\n"),
    "example resource": (
        f"src/{PACKAGE}/api/v1/items/service.py",
        None,
        '\n\ndef user_helper() -> str:\n    """Added by the user."""\n    return "mine"\n',
    ),
}
ADDED = [
    n
    for n in ("database", "ratelimit", "metrics", "caching")
    if n in {c.name for c in load_catalogue().extensions}
]


def _git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout


def _apply_edit(project: Path, path: str, anchor: str | None, text: str) -> None:
    file = project / path
    content = file.read_text()
    if anchor is None:
        content += text  # at the end
    elif anchor == "":
        content = text + content  # at the top
    else:
        assert anchor in content, f"{path} no longer contains {anchor!r}"
        content = content.replace(anchor, anchor + text, 1)
    file.write_text(content)


@pytest.fixture
def edited_project(tmp_path: Path) -> Path:
    create_project(
        "edit-svc", output_dir=tmp_path, extensions=["none"], targets=["docker", "kubernetes"]
    )
    project = tmp_path / "edit-svc"
    for path, anchor, text in EDITS.values():
        _apply_edit(project, path, anchor, text)
    _git(project, "commit", "-qam", "our edits")
    return project


def test_edits_in_every_kind_of_file_survive(edited_project: Path) -> None:
    result = add_extensions(ADDED, project=edited_project)
    assert result.conflicts == ()
    for kind, (path, _, text) in EDITS.items():
        assert text in (edited_project / path).read_text(), f"the {kind} edit was lost"
    merged = {c.path for c in result.changes if c.outcome.value == "merged"}
    assert "pyproject.toml" in merged  # the dependencies changed beside the user's edit
    pyproject = (edited_project / "pyproject.toml").read_text()
    for name in ADDED:
        for requirement in load_catalogue().get("extension", name).dependencies:
            assert f'"{requirement}"' in pyproject


@pytest.mark.e2e
def test_an_edited_and_grown_project_still_passes_its_checks(
    edited_project: Path, tmp_path: Path
) -> None:
    add_extensions(ADDED, project=edited_project)
    venv = tmp_path / "venv"
    e2e.create_venv(venv)
    e2e.pip_install(venv, "-e", f"{edited_project}[dev]")
    for command in (
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["pytest", "-q", "-W", "error", "-p", "no:cacheprovider"],
    ):
        e2e.run(
            venv / "bin" / command[0],
            *command[1:],
            cwd=edited_project,
            env={"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)},
        )


def test_conflicting_edits_are_marked_and_reported(tmp_path: Path, monkeypatch) -> None:
    create_project("edit-svc", output_dir=tmp_path, extensions=["none"], targets=["none"])
    project = tmp_path / "edit-svc"
    init = project / f"src/{PACKAGE}/extensions/__init__.py"
    init.write_text(
        init.read_text().replace(
            "ENABLED: tuple[str, ...] = ()", 'ENABLED: tuple[str, ...] = ("audit",)'
        )
    )
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nOur notes stay.\n")
    _git(project, "commit", "-qam", "our edits")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["add-extension", ADDED[0]])
    assert result.exit_code == 1
    assert f"  conflict  src/{PACKAGE}/extensions/__init__.py" in result.stdout
    assert f"Error: Conflicts in src/{PACKAGE}/extensions/__init__.py" in result.stderr
    text = init.read_text()
    assert '<<<<<<< yours\nENABLED: tuple[str, ...] = ("audit",)\n=======\n' in text
    assert ">>>>>>> flaskforge\n" in text
    # The rest was applied, and the non-conflicting edit kept.
    assert "Our notes stay.\n" in readme.read_text()
    assert (project / f"src/{PACKAGE}/extensions/{ADDED[0]}.py").exists()
