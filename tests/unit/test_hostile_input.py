"""The CLI given hostile and broken input: one line, the right exit status, the disk as it was.

A table of hostile and broken inputs not already covered by ``test_cli``, ``test_create``,
``test_grow``, ``test_prompts`` and ``test_terminal``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import create_project
from flaskforge.cli import cli


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every path below ``root`` with its bytes (None for folders), to prove nothing changed."""
    # git's own bookkeeping (a refreshed index) is not the user's work.
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
        if ".git" not in p.relative_to(root).parts
    }


def _deny_writes_to(path_name: str) -> Callable[[pytest.MonkeyPatch, Path], None]:
    def setup(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        locked = root / path_name
        locked.mkdir()
        real_access = os.access
        # As root (CI), permission bits do not apply: answer os.access as for an ordinary user.
        monkeypatch.setattr(
            os,
            "access",
            lambda p, mode: real_access(p, mode) and not (Path(p) == locked and mode & os.W_OK),
        )

    return setup


def _fail_writes_after(count: int, failure: BaseException, method: str = "write_bytes"):
    def setup(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        real = getattr(Path, method)
        done: list[Path] = []

        def failing(self: Path, *args: object) -> object:
            if len(done) >= count:
                raise failure
            done.append(self)
            return real(self, *args)

        monkeypatch.setattr(Path, method, failing)

    return setup


def _file_at(name: str):
    def setup(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        (root / name).write_text("I am a file\n")

    return setup


def _corrupt_record(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    (root / "svc/.flaskforge.toml").write_text("extensions = [unterminated\n")


@dataclass(frozen=True)
class Hostile:
    """One row: the arguments, what to break first, and the exit status and line expected."""

    args: tuple[str, ...]
    expected_exit: int
    expected_line: str
    setup: Callable[[pytest.MonkeyPatch, Path], None] | None = None
    needs_project: bool = False


_DISK_FULL = OSError(errno.ENOSPC, "No space left on device")
HOSTILE = {
    "name-too-long": Hostile(("new", "a" * 65), 2, "Invalid project name"),
    "name-with-slash": Hostile(("new", "a/b"), 2, "Invalid project name 'a/b'"),
    "name-windows-dotdot": Hostile(("new", "..\\evil"), 2, "Invalid project name"),
    "name-non-ascii": Hostile(("new", "sérvice"), 2, "Invalid project name"),
    "name-dot": Hostile(("new", "."), 2, "Invalid project name '.'"),
    "output-dir-is-a-file": Hostile(
        ("new", "svc", "-o", "{root}/taken"), 2, "is not a folder", _file_at("taken")
    ),
    "output-dir-below-a-file": Hostile(
        ("new", "svc", "-o", "{root}/taken/below"), 2, "is not a folder", _file_at("taken")
    ),
    "output-dir-not-writable": Hostile(
        ("new", "svc", "-o", "{root}/locked"), 2, "is not writable", _deny_writes_to("locked")
    ),
    "new-disk-full": Hostile(
        ("new", "svc", "-o", "{root}/out"),
        1,
        "No space left on device",
        _fail_writes_after(2, _DISK_FULL),
    ),
    "new-ctrl-c-while-writing": Hostile(
        ("new", "svc", "-o", "{root}/out"),
        130,
        "Aborted; nothing was written",
        _fail_writes_after(2, KeyboardInterrupt()),
    ),
    "add-corrupt-record": Hostile(
        ("add-extension", "cors", "-C", "{root}/svc"),
        1,
        "not valid TOML",
        _corrupt_record,
        needs_project=True,
    ),
    "add-missing-project-dir": Hostile(
        ("add-extension", "cors", "-C", "{root}/nowhere"), 1, "does not exist or is not a folder"
    ),
    "add-disk-full": Hostile(
        ("add-extension", "cors", "-C", "{root}/svc"),
        1,
        "No space left on device",
        _fail_writes_after(1, _DISK_FULL),
        needs_project=True,
    ),
    "add-ctrl-c-while-writing": Hostile(
        ("add-extension", "cors", "-C", "{root}/svc"),
        130,
        "Aborted",
        _fail_writes_after(1, KeyboardInterrupt()),
        needs_project=True,
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_input_gives_one_line_and_changes_nothing(
    case: Hostile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case.needs_project:
        create_project("svc", output_dir=tmp_path, extensions=["none"], targets=["none"])
    if case.setup:
        case.setup(monkeypatch, tmp_path)
    before = _tree(tmp_path)
    args = [a.replace("{root}", str(tmp_path)) for a in case.args]
    if args[0] == "new" and "-o" not in args:
        args += ["-o", str(tmp_path / "out")]
    if args[0] == "new":
        args += ["--defaults", "-e", "none", "-t", "none", "--no-git"]

    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    monkeypatch.undo()

    assert result.exit_code == case.expected_exit, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert case.expected_line in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert _tree(tmp_path) == before
