"""add-extension keeps every line the user wrote, in each kind of generated file.

That the edited and grown project still passes its checks: ``tests/e2e/test_user_edits.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import create_project, load_catalogue
from flaskforge._grow import add_extensions
from flaskforge.cli import cli
from tests import user_edits
from tests.user_edits import ADDED, EDITS, PACKAGE, git


@pytest.fixture
def edited_project(tmp_path: Path) -> Path:
    return user_edits.edited_project(tmp_path)


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
    git(project, "commit", "-qam", "our edits")
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
