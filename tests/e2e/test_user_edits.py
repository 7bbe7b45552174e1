"""An edited project, grown with add-extension, still passes its own lint and tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from flaskforge._grow import add_extensions
from tests import e2e, user_edits
from tests.user_edits import ADDED


@pytest.fixture
def edited_project(tmp_path: Path) -> Path:
    return user_edits.edited_project(tmp_path)


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
