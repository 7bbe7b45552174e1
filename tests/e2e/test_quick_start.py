"""``flaskforge new``'s next steps, run as printed, reach a running service that answers the
README's curl commands as the README says: for the default selection and for each extension of
the catalogue alone (with what it requires). ``tests/e2e/test_clean_tree.py`` runs them for every
extension at once, then goes on to ``make test`` and ``make serve`` in the same project.

Two changes to what a user types: the development server listens on a free port rather than
5000 (``FLASK_RUN_PORT``, which ``flask run`` reads), so that the test never meets another
server, and the curl commands are pointed at that port; and the README's commands for the
running service run as one script (the jwt extension's login sets ``TOKEN`` for the next
ones), each curl writing its answer to a file the test reads.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import load_catalogue
from flaskforge.cli import cli
from tests import e2e
from tests.render.test_getting_started import console_transcript
from tests.render.test_quick_start import printed_steps


def _selections() -> dict[str, list[str]]:
    """``new``'s options for each selection: the defaults, then each extension alone.

    Each installs its own project (about 25 s of an unloaded core, most of it ``make install``);
    the bare service is the same commands as cors or metrics alone, less their module.
    """
    alone = {e.name: ["-e", e.name] for e in load_catalogue().extensions}
    return {"defaults": [], **alone}


SELECTIONS = _selections()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _readme_script(project: Path, port: int) -> tuple[str, int]:
    """The README's commands for a running service, as one script, and how many curls it runs.

    Each command that starts with ``curl`` writes its answer to ``answer-<n>.json``; the others
    (logging in, with the jwt extension) run as written.
    """
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = section.split("```sh\n")[2].split("```", 1)[0]
    lines, curls = ["set -euo pipefail"], 0
    for command in block.replace("\\\n", " ").splitlines():
        command = command.replace(":5000", f":{port}")
        if command.startswith("curl "):
            command += f" > answer-{curls}.json"
            curls += 1
        lines.append(command)
    return "\n".join(lines) + "\n", curls


def _docs_curls() -> list[tuple[str, str]]:
    """Each curl command docs/index.md shows, with the answer it shows."""
    text = (Path(__file__).resolve().parents[2] / "docs/index.md").read_text(encoding="utf-8")
    shown = []
    for command in re.findall(r"^\$ (curl .*)$", text, re.M):
        shown.append((command, console_transcript(command)))
    return [(command, "\n".join(lines)) for command, lines in shown]


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the development server stopped:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {seconds} s")


def assert_answers_as_shown(folder: Path, curls: int, earlier: Sequence[object] = ()) -> None:
    """The README's curls answered as it says, their answers in ``folder``: alive, the item
    created, then a page of the list holding it after the ``earlier`` items."""
    answers = [json.loads((folder / f"answer-{n}.json").read_text()) for n in range(curls)]
    assert len(answers) == 3, answers
    alive, created, listed = answers
    assert alive == {"status": "alive"}
    assert (created["name"], created["description"]) == ("first", "an example"), created
    assert listed["items"] == [*earlier, created], listed


@pytest.mark.parametrize("selection", sorted(SELECTIONS))
def test_next_steps_run_as_printed_reach_a_service(tmp_path: Path, selection: str) -> None:
    args = ["new", "shop", "-o", str(tmp_path), "--defaults", "--no-git", *SELECTIONS[selection]]
    result = CliRunner().invoke(cli, [*args, "-t", "none"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    commands, notes = printed_steps(result.stdout)
    port = _free_port()
    env = e2e.clean_env(FLASK_RUN_PORT=str(port))
    cwd = Path.cwd()
    for command in commands[:-1]:
        if command.startswith("cd "):
            cwd = cwd / shlex.split(command)[1]
            continue
        e2e.run("bash", "-c", command, cwd=cwd, env=env)
    assert commands[-1] == "make run"
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["bash", "-c", commands[-1]],
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(f"http://127.0.0.1:{port}/livez", server, log)
        earlier: list[object] = []  # items created before the README's curls
        if selection == "defaults":  # what docs/index.md shows a newcomer, answer included
            for command, shown in _docs_curls():
                answer = e2e.run("bash", "-c", command.replace(":5000", f":{port}"), env=env)
                assert json.loads(answer) == json.loads(shown), command
                if " -X POST " in command:
                    earlier.append(json.loads(answer))
        script, curls = _readme_script(cwd, port)
        e2e.run("bash", "-c", script, cwd=cwd, env=env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert_answers_as_shown(cwd, curls, earlier)
    # The curl new prints after the steps is the README's first, which the script ran.
    printed_curl = result.stdout.split("Then, from another terminal: ", 1)[1].splitlines()[0]
    assert f"\n{printed_curl.replace(':5000', f':{port}')} > answer-0.json\n" in script
    # Each command a note gives exists: its --help works in the installed project.
    for command in re.findall(r"'(\.venv/bin/flask [^']*)'", " ".join(notes)):
        words = shlex.split(command)
        options = [i for i, word in enumerate(words) if word.startswith("-")]
        before_options = words[: options[0]] if options else words
        e2e.run(*before_options, "--help", cwd=cwd, env=env)
