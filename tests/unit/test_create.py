"""create_project on disk: atomic writes, git, refusals, and nothing left behind on failure."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from flaskforge import create_project
from flaskforge._record import RECORD_FILE, read_record
from flaskforge.errors import DestinationExists, InvalidOutputDir, WriteFailed
from tests.helpers import extension, make_catalogue


@pytest.fixture
def catalogue(tmp_path: Path):
    return make_catalogue(
        tmp_path / "templates",
        {
            "extensions/cache/manifest.toml": extension("cache", recommended=True),
            "extensions/cache/files/src/{{ package_name }}/cache.py.jinja": (
                "NAME = '{{ project_name }}'\n"
            ),
            "base/files/src/{{ package_name }}/__init__.py": "",
            "base/files/docs/a.md": "a\n",
            "base/files/docs/b.md": "b\n",
        },
    )


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_creates_the_project_with_a_record_and_one_commit(tmp_path: Path, catalogue) -> None:
    out = tmp_path / "out"
    result = create_project(
        "my-svc", output_dir=out, extensions=None, targets=None, catalogue=catalogue
    )
    project = out / "my-svc"
    assert result.written
    assert result.git
    assert set(_tree(project)) == {
        RECORD_FILE,
        "README.md",
        "docs/a.md",
        "docs/b.md",
        "src/my_svc/__init__.py",
        "src/my_svc/cache.py",
    }
    assert (project / "src/my_svc/cache.py").read_text() == "NAME = 'my-svc'\n"
    record = read_record(project)
    assert (record.package_name, record.extensions) == ("my_svc", ("cache",))
    log = subprocess.run(
        ["git", "log", "--format=%s"], cwd=project, capture_output=True, text=True, check=True
    )
    assert log.stdout.splitlines() == ["Generate my-svc with flaskforge 0.1.0"]
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "staging folder left behind"


def test_same_answers_give_the_same_bytes(tmp_path: Path, catalogue) -> None:
    for folder in ("one", "two"):
        create_project("svc", output_dir=tmp_path / folder, git=False, catalogue=catalogue)
    assert _tree(tmp_path / "one/svc") == _tree(tmp_path / "two/svc")


def test_no_git_writes_no_repository(tmp_path: Path, catalogue) -> None:
    create_project("svc", output_dir=tmp_path, git=False, catalogue=catalogue)
    assert not (tmp_path / "svc/.git").exists()


def test_dry_run_writes_nothing(tmp_path: Path, catalogue) -> None:
    result = create_project("svc", output_dir=tmp_path / "out", dry_run=True, catalogue=catalogue)
    assert not result.written
    assert "src/svc/cache.py" in result.plan.files
    assert not (tmp_path / "out").exists()


def test_an_existing_non_empty_destination_is_refused(tmp_path: Path, catalogue) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc/keep.txt").write_text("mine")
    with pytest.raises(DestinationExists, match="already exists and is not empty"):
        create_project("svc", output_dir=tmp_path, catalogue=catalogue)
    assert (tmp_path / "svc/keep.txt").read_text() == "mine"
    assert sorted(p.name for p in (tmp_path / "svc").iterdir()) == ["keep.txt"]


def test_an_existing_file_as_destination_is_refused(tmp_path: Path, catalogue) -> None:
    (tmp_path / "svc").write_text("a file")
    with pytest.raises(DestinationExists):
        create_project("svc", output_dir=tmp_path, catalogue=catalogue)
    assert (tmp_path / "svc").read_text() == "a file"


def test_an_empty_destination_folder_is_used(tmp_path: Path, catalogue) -> None:
    (tmp_path / "svc").mkdir()
    create_project("svc", output_dir=tmp_path, git=False, catalogue=catalogue)
    assert (tmp_path / "svc/README.md").exists()


def test_an_output_dir_that_is_a_file_is_refused(tmp_path: Path, catalogue) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidOutputDir, match="is not a folder"):
        create_project("svc", output_dir=tmp_path / "file", catalogue=catalogue)
    with pytest.raises(InvalidOutputDir, match="is not a folder"):
        create_project("svc", output_dir=tmp_path / "file/below", catalogue=catalogue)


def test_an_unwritable_output_dir_is_refused(
    tmp_path: Path, catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # CI runs as root, for whom permission bits do not apply, so ask the kernel's own question
    # (os.access) the way an ordinary user's process would get it answered.
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == locked else real_access(p, mode)
    )
    with pytest.raises(InvalidOutputDir, match="is not writable"):
        create_project("svc", output_dir=locked, catalogue=catalogue)
    assert list(locked.iterdir()) == []


def test_a_missing_output_dir_is_created(tmp_path: Path, catalogue) -> None:
    create_project("svc", output_dir=tmp_path / "a/b", git=False, catalogue=catalogue)
    assert (tmp_path / "a/b/svc/README.md").exists()


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError(errno.ENOSPC, "No space left")])
def test_a_failure_part_way_leaves_nothing_behind(
    tmp_path: Path, catalogue, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    written: list[Path] = []
    real_write_bytes = Path.write_bytes

    def failing_write_bytes(self: Path, data: bytes) -> int:
        if len(written) == 3:
            raise failure
        written.append(self)
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write_bytes)
    expected = KeyboardInterrupt if failure is KeyboardInterrupt else WriteFailed
    with pytest.raises(expected) as caught:
        create_project("svc", output_dir=tmp_path / "new/out", catalogue=catalogue)
    assert len(written) == 3
    assert not (tmp_path / "new").exists(), "created parent folders must be removed too"
    if expected is WriteFailed:
        assert str(caught.value) == (
            f"Could not write {tmp_path / 'new/out/svc'}: No space left. Nothing was written."
        )


def test_a_failing_git_commit_leaves_nothing_behind(
    tmp_path: Path, catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real git failing for a real reason: a pre-commit hook, from the user's configuration.
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    hook = hooks / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'fatal: hooks said no' >&2\nexit 1\n")
    hook.chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text(f"[core]\n\thooksPath = {hooks}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    with pytest.raises(WriteFailed, match="initial git commit: fatal: hooks said no"):
        create_project("svc", output_dir=tmp_path, catalogue=catalogue)
    assert sorted(tmp_path.iterdir()) == [
        tmp_path / "gitconfig",
        tmp_path / "hooks",
        tmp_path / "templates",
    ]
