"""What the lifecycle tests share: git in a project, a project's files, a small two-version kit."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import flaskforge


def git(project: Path, *args: str) -> str:
    """Run git in ``project``; its standard output (the test fails if git does)."""
    done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout


def commit_all(project: Path, message: str) -> None:
    """Commit everything in the project's work tree."""
    git(project, "add", "-A")
    git(project, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message)


def files(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` but git's own, by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def as_version(monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    """Make the running flaskforge report ``version`` (every module reads it at each call)."""
    monkeypatch.setattr(flaskforge, "__version__", version)
