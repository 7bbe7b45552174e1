"""Every lifecycle command against a broken or unusual project: one line, the documented exit
status, nothing written (files, index or refs); or, where the situation is a normal one (a
detached HEAD, a project in a subfolder, a fresh clone), the command simply works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import flaskforge
from flaskforge import create_project
from flaskforge.cli import cli
from tests.lifecycle_kit import commit_all, git

VERSION = flaskforge.__version__
COMMANDS = {
    "add": ["add-extension", "caching"],
    "remove": ["remove-extension", "cors"],
    "update": ["update"],
    "check": ["check"],
    "status": ["status"],
    "add-resource": ["add-resource", "orders", "--field", "total:decimal"],
    "remove-resource": ["remove-resource", "orders"],
}


def _record(project: Path) -> Path:
    return project / ".flaskforge.toml"


def _broken_toml(project: Path) -> None:
    _record(project).write_text("extensions = [unterminated\n")


def _unknown_extension(project: Path) -> None:
    text = _record(project).read_text()
    _record(project).write_text(text.replace('extensions = ["cors"]', 'extensions = ["ghost"]'))


def _newer(project: Path) -> None:
    text = _record(project).read_text()
    _record(project).write_text(text.replace(f'"{VERSION}"', '"99.0"'))


def _package_renamed(project: Path) -> None:
    git(project, "mv", "src/hostile_svc", "src/renamed")


def _journal_of_a_dead_run_without_plan(project: Path) -> None:
    (project / ".flaskforge-journal").mkdir()
    (project / ".flaskforge-journal/pid").write_text("999999999")


SITUATIONS: dict[str, tuple[Callable[[Path], None], dict[str, tuple[int, str]]]] = {
    "record-not-toml": (
        _broken_toml,
        dict.fromkeys(COMMANDS, (1, "is broken: it is not valid TOML")),
    ),
    "record-names-an-unknown-extension": (
        _unknown_extension,
        dict.fromkeys(
            COMMANDS,
            (1, "is broken: it names the extension 'ghost', which this flaskforge does not know"),
        ),
    ),
    "record-of-a-newer-flaskforge": (
        _newer,
        {
            **dict.fromkeys(
                ("add", "remove", "update", "check", "add-resource", "remove-resource"),
                (1, f"was last changed by flaskforge 99.0, newer than this flaskforge ({VERSION})"),
            ),
            "status": (0, ""),
        },
    ),
    "package-folder-renamed": (
        _package_renamed,
        {
            "add": (1, "has no src/hostile_svc/ folder"),
            "remove": (1, "has no src/hostile_svc/ folder"),
            "update": (0, ""),  # nothing to do at the installed version
            "check": (0, ""),
            "status": (0, ""),
            "add-resource": (1, "has no src/hostile_svc/ folder"),
            "remove-resource": (0, ""),  # the project has no orders: nothing to do
        },
    ),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    create_project("hostile-svc", output_dir=tmp_path, extensions=["cors"], targets=["none"])
    return tmp_path / "hostile-svc"


def _state(project: Path) -> tuple[dict[str, bytes | None], str]:
    tree = {
        p.relative_to(project).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(project.rglob("*"))
        if ".git" not in p.relative_to(project).parts
    }
    return tree, git(project, "for-each-ref")


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_one_line_and_nothing_written(project: Path, situation: str, command: str) -> None:
    setup, expected = SITUATIONS[situation]
    setup(project)
    commit_all(project, situation)
    before = _state(project)
    result = CliRunner().invoke(cli, [*COMMANDS[command], "-C", str(project)])
    code, line = expected[command]
    assert result.exit_code == code, result.output
    if code:
        assert result.stderr.count("\n") == 1, result.stderr
        assert line in result.stderr
        assert "Traceback" not in result.output
        assert _state(project) == before


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_project_folder_that_is_missing(tmp_path: Path, command: str) -> None:
    result = CliRunner().invoke(cli, [*COMMANDS[command], "-C", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'nowhere'} does not exist or is not a folder. Pass the project "
        "folder with -C/--project DIR.\n"
    )


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_journal_left_by_a_run_killed_while_staging_is_cleared(
    project: Path, command: str
) -> None:
    _journal_of_a_dead_run_without_plan(project)
    result = CliRunner().invoke(cli, [*COMMANDS[command], "-C", str(project)])
    assert result.exit_code == 0, result.output
    assert not (project / ".flaskforge-journal").exists()


@pytest.mark.parametrize("command", ["add", "remove"])
def test_git_failing_at_the_last_step_is_one_line_and_puts_everything_back(
    project: Path, command: str
) -> None:
    # A lock file a crashed git left on the baseline ref: the files are written by then, and
    # git refuses to move the ref. A flaskforge error (not a traceback), every file back.
    before = _state(project)
    (project / ".git/refs/flaskforge/baseline.lock").touch()
    result = CliRunner().invoke(cli, [*COMMANDS[command], "-C", str(project)])
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: git update-ref failed: ")
    assert "cannot lock ref 'refs/flaskforge/baseline'" in result.stderr
    assert "Traceback" not in result.output
    assert _state(project) == before
    assert git(project, "status", "--porcelain") == ""


@pytest.mark.parametrize("where", ["detached HEAD", "subfolder of a repository", "fresh clone"])
def test_ordinary_situations_just_work(tmp_path: Path, where: str) -> None:
    if where == "subfolder of a repository":
        top = tmp_path / "mono"
        top.mkdir()
        git(top, "init", "-q", "--initial-branch=main")
        create_project(
            "hostile-svc", output_dir=top / "svc", extensions=["cors"], targets=["none"], git=False
        )
        commit_all(top, "service")
        project = top / "svc/hostile-svc"
    else:
        create_project(
            "hostile-svc", output_dir=tmp_path / "made", extensions=["cors"], targets=["none"]
        )
        project = tmp_path / "made/hostile-svc"
        if where == "detached HEAD":
            git(project, "checkout", "-q", "--detach")
        else:
            git(tmp_path, "clone", "-q", str(project), str(tmp_path / "clone"))
            project = tmp_path / "clone"
    for command in ("add", "remove", "check", "status", "update"):
        result = CliRunner().invoke(cli, [*COMMANDS[command], "-C", str(project)])
        assert result.exit_code == 0, (command, result.output)
        if command in ("add", "remove"):
            commit_all(project, command)
    assert git(project, "status", "--porcelain") == ""
