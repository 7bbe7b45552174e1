"""The README's first command, run as written on a machine that has never seen flaskforge,
installs it where a new login shell finds it, and generates a service (as ``.ci/run`` does).

Run in a copy of the checkout with a fresh, empty HOME, so nothing of this machine's user is
read or changed, and with no virtual environment on the PATH (a user's shell has none); the new
shell afterwards gets nothing from here but that HOME.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def readme_block(number: int) -> str:
    """The ``number``-th ```sh block of README.md (from 1), as .ci/run reads it."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("\n```sh\n")[number].split("\n```", 1)[0]


def _shell_path() -> str:
    """This PATH without virtual environments' script folders."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if not (Path(f).parent / "pyvenv.cfg").is_file())


def test_the_readme_install_command_leaves_flaskforge_on_a_new_shells_path(
    tmp_path: Path,
) -> None:
    command = readme_block(1)
    assert "pipx ensurepath" in command
    checkout = tmp_path / "checkout" / "flaskforge"
    shutil.copytree(
        REPO,
        checkout,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "__pycache__", ".*_cache", ".hypothesis", "site", "results"
        ),
    )
    home = tmp_path / "home"
    home.mkdir()
    # This machine's network settings (proxy, certificates, package index) stay; what names
    # this user's folders or an activated environment goes.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("XDG_", "PIPX_", "VIRTUAL_ENV", "PYTHON"))
    }
    env.update(HOME=str(home), PATH=_shell_path())
    done = subprocess.run(
        ["bash", "-c", command], cwd=checkout, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert (checkout.parent / "myservice" / ".flaskforge.toml").is_file()
    # A new terminal: a login shell with nothing but HOME from here.
    fresh = subprocess.run(
        ["env", "-i", f"HOME={home}", "bash", "-lc", "command -v flaskforge; flaskforge --version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    where, version = fresh.stdout.splitlines()
    assert where == str(home / ".local/bin/flaskforge")
    assert version.startswith("flaskforge, version ")
