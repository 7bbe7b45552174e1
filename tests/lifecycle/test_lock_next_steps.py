"""add-extension and remove-extension re-render the lock files, and their next steps say so."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from flaskforge import create_project
from flaskforge._lock import parse_lock
from flaskforge.cli import cli
from tests.lifecycle_kit import commit_all, files


def _locked(project: Path) -> set[str]:
    text = (project / "requirements.txt").read_text("utf-8")
    return {entry.name for entry in parse_lock(text).entries}


def test_adding_and_removing_an_extension_relocks_and_says_so(tmp_path: Path) -> None:
    create_project("svc", output_dir=tmp_path, extensions=["none"], targets=["none"])
    project = tmp_path / "svc"
    runner = CliRunner()

    added = runner.invoke(cli, ["add-extension", "caching", "-C", str(project)])

    assert added.exit_code == 0, added.output
    assert {"flask-caching", "redis", "cachelib"} <= _locked(project)
    steps = added.output.split("Next steps:\n", 1)[1]
    assert steps.startswith(
        "  Install the new dependencies: make install (exactly the versions in requirements.txt"
        " and requirements-dev.txt, re-rendered from flaskforge's lock).\n"
        "  If you had re-locked yourself ('make lock LOCK_ARGS=--upgrade'), run 'make lock'"
        " first: it re-resolves, keeping your versions where they fit.\n"
    )
    for name in ("requirements.txt", "requirements-dev.txt"):
        assert f"  updated  {name}\n" in added.output
    create_project("svc", output_dir=tmp_path / "direct", extensions=["caching"], targets=["none"])
    assert files(project) == files(tmp_path / "direct/svc")

    commit_all(project, "Add caching")
    removed = runner.invoke(cli, ["remove-extension", "caching", "-C", str(project)])

    assert removed.exit_code == 0, removed.output
    assert not {"flask-caching", "redis", "cachelib"} & _locked(project)
    assert "  Reinstall so that their packages go: rm -rf .venv && make install (exactly" in (
        removed.output
    )
