"""'flaskforge new' in a real pseudo-terminal, as a person at a keyboard uses it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect


def _spawn(*args: str) -> pexpect.spawn:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "flaskforge", *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )


def test_answering_every_prompt_on_a_terminal(tmp_path: Path) -> None:
    child = _spawn("new", "term-svc", "-o", str(tmp_path), "--no-git")
    child.expect("Describe the service in one line")
    child.send("\x15Terminal made\r")
    child.expect("Which extensions")
    child.send("\r")
    child.expect("Which deployment targets")
    child.send("\r")
    child.expect("Created ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    record = (tmp_path / "term-svc/.flaskforge.toml").read_text()
    assert 'description = "Terminal made"' in record


def test_ctrl_c_on_a_terminal_writes_nothing(tmp_path: Path) -> None:
    child = _spawn("new", "term-svc", "-o", str(tmp_path))
    child.expect("Describe the service in one line")
    child.send("\r")
    child.expect("Which extensions")
    child.sendintr()
    child.expect("Aborted; nothing was written.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []


def test_an_answers_file_or_another_project_asks_nothing_on_a_terminal(tmp_path: Path) -> None:
    # Issue 17: a team's defaults (or another service's record) answer every question; what
    # they leave open takes its default, on a terminal too.
    team = tmp_path / "team.toml"
    team.write_text('extensions = ["cors"]\nimage_registry = "ghcr.io/acme"\n')
    for name, source in (
        ("team-svc", ["--answers-file", str(team)]),
        ("copy-svc", ["--from", str(tmp_path / "team-svc")]),
    ):
        child = _spawn("new", name, "-o", str(tmp_path), "--no-git", *source)
        output = child.read()  # to the end: a question would wait here until the timeout
        child.close()
        assert child.exitstatus == 0, output
        assert "?" not in output.split("Created ", 1)[0], output
        record = (tmp_path / name / ".flaskforge.toml").read_text()
        assert 'extensions = ["cors"]' in record
        assert 'image_registry = "ghcr.io/acme"' in record
