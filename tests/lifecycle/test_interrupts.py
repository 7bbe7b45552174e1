"""A real flaskforge process, stopped by a real signal in the middle of writing.

The child runs the real command; a ``sitecustomize`` module on its path (test code, not
flaskforge's) pauses it at a chosen write and tells the test, which then sends the signal:

- SIGTERM, SIGHUP and SIGINT are handled like Ctrl-C: ``new`` leaves no hidden ``.partial``
  folder and no parent it created; a lifecycle command puts every file back. Exit status 130.
- SIGKILL cannot be handled: the journal is left behind, the record has not been written yet
  (it is written last), and the next command rolls the step back, or forward if it had reached
  its commit point, before anything else.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from flaskforge import add_resource, create_project
from tests.lifecycle_kit import as_version, commit_all, files, git

SITECUSTOMIZE = """
import os, pathlib, subprocess, time

_WHERE = os.environ.get("FF_PAUSE", "")
_MARKER = os.environ.get("FF_PAUSED", "")
_count = [0]


def _pause():
    descriptor = os.open(_MARKER, os.O_WRONLY | os.O_CREAT)
    os.close(descriptor)
    time.sleep(120)


def _at(limit):
    if _count[0] == limit:
        _pause()
    _count[0] += 1


kind, _, number = _WHERE.partition(":")
if kind == "swap":  # before the journal's Nth file is swapped into the project
    _replace = pathlib.Path.replace

    def replace(self, target):
        if self.name.startswith("new-"):
            _at(int(number))
        return _replace(self, target)

    pathlib.Path.replace = replace
elif kind == "write":  # before the Nth file is written
    _write = pathlib.Path.write_bytes

    def write_bytes(self, data):
        _at(int(number))
        return _write(self, data)

    pathlib.Path.write_bytes = write_bytes
elif kind == "ref":  # once every file is in place, before the baseline ref moves
    _run = subprocess.run

    def run(args, *rest, **options):
        if isinstance(args, list) and "update-ref" in args and "-d" not in args:
            _pause()
        return _run(args, *rest, **options)

    subprocess.run = run
"""


_CHILDREN: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_child_left() -> object:
    """A failed assertion must not leave a paused flaskforge behind."""
    yield
    while _CHILDREN:
        child = _CHILDREN.pop()
        if child.poll() is None:
            child.kill()
        child.communicate()


def _start(tmp_path: Path, pause: str, *args: str) -> tuple[subprocess.Popen[str], Path]:
    hooks = tmp_path / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "sitecustomize.py").write_text(textwrap.dedent(SITECUSTOMIZE))
    marker = tmp_path / "paused"
    marker.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(hooks), "FF_PAUSE": pause, "FF_PAUSED": str(marker)}
    child = subprocess.Popen(
        [sys.executable, "-m", "flaskforge", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _CHILDREN.append(child)
    deadline = time.monotonic() + 60
    while not marker.exists():
        if child.poll() is not None:
            out, err = child.communicate()
            pytest.fail(f"the command ended before the pause ({child.returncode}):\n{out}\n{err}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("the command never reached the pause")
        time.sleep(0.02)
    return child, marker


def _stop(child: subprocess.Popen[str], signum: int) -> tuple[int, str, str]:
    child.send_signal(signum)
    out, err = child.communicate(timeout=60)
    return child.returncode, out, err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_new_stopped_while_writing_leaves_nothing(tmp_path: Path, signum: int) -> None:
    out = tmp_path / "created" / "by-new"
    child, _ = _start(
        tmp_path,
        "write:5",
        "new",
        "sig-svc",
        "-o",
        str(out),
        "--defaults",
        "-e",
        "none",
        "-t",
        "none",
    )
    # Paused half-way: the hidden staging folder is there, with some files in it.
    (staging,) = out.iterdir()
    assert staging.name.startswith(".sig-svc.")
    assert staging.name.endswith(".partial")
    assert any(path.is_file() for path in staging.rglob("*"))
    code, _, stderr = _stop(child, signum)
    name = signal.Signals(signum).name
    expected = "Aborted" if signum == signal.SIGINT else f"Stopped by {name}"
    assert (code, stderr) == (130, f"Error: {expected}; nothing was written.\n")
    assert not (tmp_path / "created").exists()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    create_project("sig-svc", output_dir=tmp_path, extensions=["none"], targets=["none"])
    return tmp_path / "sig-svc"


ADD = ("add-extension", "cors", "caching")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_lifecycle_command_stopped_while_swapping_puts_every_file_back(
    tmp_path: Path, project: Path, signum: int
) -> None:
    before, ref = files(project), git(project, "rev-parse", "refs/flaskforge/baseline")
    child, _ = _start(tmp_path, "swap:3", *ADD, "-C", str(project))
    assert files(project) != before  # three files are already swapped in
    code, _, stderr = _stop(child, signum)
    assert code == 130, stderr
    assert stderr.endswith("nothing was written.\n")
    assert files(project) == before
    assert git(project, "rev-parse", "refs/flaskforge/baseline") == ref
    assert git(project, "status", "--porcelain", "--ignored") == ""


#: Each command with what it needs of the project: the same journal as add-extension's.
COMMANDS = {
    "remove-extension": ["remove-extension", "cors", "caching"],
    "update": ["update"],  # from an older version
    "add-resource": ["add-resource", "orders", "--field", "total:decimal"],
    "remove-resource": ["remove-resource", "orders"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_other_commands_stopped_while_swapping_put_every_file_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    if command == "update":
        as_version(monkeypatch, "0.0.1")
    create_project("sig-svc", output_dir=tmp_path, extensions=["cors", "caching"], targets=["none"])
    monkeypatch.undo()
    project = tmp_path / "sig-svc"
    if command == "remove-resource":
        add_resource("orders", ["total:decimal"], project=project)
        commit_all(project, "add orders")
    args = COMMANDS[command]
    before, ref = files(project), git(project, "rev-parse", "refs/flaskforge/baseline")
    child, _ = _start(tmp_path, "swap:1", *args, "-C", str(project))
    assert files(project) != before  # one file is already swapped in
    code, _, stderr = _stop(child, signal.SIGTERM)
    assert code == 130, stderr
    assert stderr.endswith("nothing was written.\n")
    assert files(project) == before
    assert git(project, "rev-parse", "refs/flaskforge/baseline") == ref
    assert git(project, "status", "--porcelain", "--ignored") == ""


def test_killed_while_swapping_the_next_run_rolls_back_first(tmp_path: Path, project: Path) -> None:
    before, ref = files(project), git(project, "rev-parse", "refs/flaskforge/baseline")
    child, _ = _start(tmp_path, "swap:4", *ADD, "-C", str(project))
    code, _, _ = _stop(child, signal.SIGKILL)
    assert code == -signal.SIGKILL
    # Half-applied, the journal still there, and the record still says what it said.
    assert (project / ".flaskforge-journal/journal.json").is_file()
    assert files(project) != before
    assert (project / ".flaskforge.toml").read_bytes() == before[".flaskforge.toml"]
    status = subprocess.run(
        [sys.executable, "-m", "flaskforge", "status", "-C", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith(
        "An interrupted flaskforge run had left the project half-changed: rolled back.\n"
    )
    assert "extensions:  none\n" in status.stdout
    assert files(project) == before
    assert git(project, "rev-parse", "refs/flaskforge/baseline") == ref
    assert git(project, "status", "--porcelain", "--ignored") == ""
    # And the command now runs as if nothing had happened.
    again = subprocess.run(
        [sys.executable, "-m", "flaskforge", *ADD, "-C", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Added caching, cors.\n")


def test_killed_after_its_commit_point_the_next_run_rolls_forward(
    tmp_path: Path, project: Path
) -> None:
    child, _ = _start(tmp_path, "ref", *ADD, "-C", str(project))
    code, _, _ = _stop(child, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert (project / ".flaskforge-journal/committed").is_file()
    status = subprocess.run(
        [sys.executable, "-m", "flaskforge", "status", "-C", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert status.stdout.startswith(
        "An interrupted flaskforge run had left the project half-changed: rolled forward.\n"
    )
    assert "extensions:  caching, cors\n" in status.stdout
    assert "baseline:    present" in status.stdout
    git(project, "add", "-A")
    assert git(project, "diff", "--cached", "--stat", "refs/flaskforge/baseline") == ""
    assert not (project / ".flaskforge-journal").exists()


def test_a_journal_of_a_live_flaskforge_is_not_touched(tmp_path: Path, project: Path) -> None:
    child, _ = _start(tmp_path, "swap:2", *ADD, "-C", str(project))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "flaskforge", "status", "-C", str(project)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1
        assert result.stderr == (
            f"Error: Another flaskforge (process {child.pid}) is changing {project}. Wait for "
            "it to finish; if no such process runs, remove the folder .flaskforge-journal and "
            "run again.\n"
        )
    finally:
        code, _, _ = _stop(child, signal.SIGTERM)
    assert code == 130
