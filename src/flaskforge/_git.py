"""The few git operations flaskforge needs, through the ``git`` command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from flaskforge.errors import GitNotFound

# Used only when the user has no identity configured, so the initial commit never fails.
_FALLBACK_IDENTITY = ("-c", "user.name=flaskforge", "-c", "user.email=flaskforge@localhost")


def require_git() -> str:
    """The path of the ``git`` executable; GitNotFound when there is none."""
    git = shutil.which("git")
    if git is None:
        raise GitNotFound()
    return git


def init_and_commit(directory: Path, message: str) -> None:
    """Make ``directory`` a repository on branch ``main`` with everything in one commit.

    Raises:
        subprocess.CalledProcessError: git failed; its stderr is on the exception.
    """
    git = require_git()
    _run([git, "init", "--quiet", "--initial-branch=main"], directory)
    has_identity = (
        subprocess.run(
            [git, "config", "--get", "user.email"], cwd=directory, capture_output=True, check=False
        ).returncode
        == 0
    )
    identity = () if has_identity else _FALLBACK_IDENTITY
    _run([git, "add", "--all"], directory)
    # Signing would prompt for a passphrase in the middle of a scripted run.
    _run(
        [git, *identity, "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", message],
        directory,
    )


def _run(command: list[str], cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True)
