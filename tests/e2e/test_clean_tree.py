"""Nothing the documented workflow runs dirties the project's git tree.

A fresh project with every extension, generated as a git repository: the README's quick start
as printed, the development server answering the README's curl commands as the README says
(this is the every-extension run of ``tests/e2e/test_quick_start.py``, sharing this install),
``make test`` (lint included) and ``make serve`` answering a request, both with the real Redis,
then ``git status --porcelain`` is empty: every file they leave (the SQLite database in
instance/, metrics files, caches, .env) is ignored.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from pathlib import Path

from click.testing import CliRunner

from flaskforge import load_catalogue
from flaskforge.cli import cli
from tests import e2e
from tests.e2e.test_quick_start import (
    _free_port,
    _readme_script,
    _wait_for,
    assert_answers_as_shown,
)
from tests.render.test_quick_start import printed_steps


def _serve(command: str, cwd: Path, env: dict[str, str], url: str, log: Path) -> None:
    """Start ``command``, wait until ``url`` answers, then stop it."""
    with log.open("w") as output:
        server = subprocess.Popen(
            ["bash", "-c", command],
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(url, server, log)
        if command == "make run":
            script, curls = _readme_script(cwd, int(env["FLASK_RUN_PORT"]))
            # The answers go beside the log, not into the project.
            script = script.replace("> answer-", f"> {shlex.quote(str(log.parent))}/answer-")
            e2e.run("bash", "-c", script, cwd=cwd, env=env)
            assert_answers_as_shown(log.parent, curls)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_the_documented_workflow_leaves_git_status_empty(tmp_path: Path) -> None:
    everything = ",".join(e.name for e in load_catalogue().extensions)
    args = ["new", "shop", "-o", str(tmp_path), "--defaults", "-e", everything, "-t", "none"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    commands, _notes = printed_steps(result.stdout)
    project = tmp_path / "shop"
    urls = e2e.real_service_urls("REDIS_URL")
    port = _free_port()
    # The quick start as a newcomer runs it: no service but what .env sets up.
    env = e2e.clean_env(FLASK_RUN_PORT=str(port))
    for command in commands[1:-1]:
        e2e.run("bash", "-c", command, cwd=project, env=env)
    assert commands[0].startswith("cd ")
    assert commands[-1] == "make run"
    _serve("make run", project, env, f"http://127.0.0.1:{port}/livez", tmp_path / "run.log")
    env.update(urls)
    e2e.run("make", "test", cwd=project, env=env)
    serve_port = _free_port()
    _serve(
        "make serve",
        project,
        {**env, "PORT": str(serve_port)},
        f"http://127.0.0.1:{serve_port}/readyz",
        tmp_path / "serve.log",
    )

    status = e2e.run("git", "status", "--porcelain", "--untracked-files=all", cwd=project, env=env)
    assert status == "", f"the workflow left files git does not ignore:\n{status}"
