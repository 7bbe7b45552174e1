"""docs/index.md takes a newcomer from installing to a running service: what it shows `new`
printing is what `new` prints today (file count included), and its install block puts the
command on the PATH. ``tests/e2e/test_quick_start.py`` runs the steps and the curl commands.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge.cli import cli

INDEX = Path(__file__).resolve().parents[2] / "docs" / "index.md"


def console_transcript(command: str) -> list[str]:
    """The lines docs/index.md shows after ``$ command``, up to the next prompt or block end."""
    text = INDEX.read_text(encoding="utf-8")
    after = text.split(f"$ {command}\n", 1)[1]
    lines = after.split("\n```", 1)[0].splitlines()
    return lines[: next((i for i, line in enumerate(lines) if line.startswith("$ ")), len(lines))]


def test_the_first_service_transcript_is_what_new_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["new", "orders", "--defaults"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    shown = console_transcript("flaskforge new orders --defaults")
    assert shown == result.stdout.splitlines(), (
        f"docs/index.md shows another output of 'flaskforge new orders --defaults'; today it"
        f" is:\n{result.stdout}"
    )


def test_the_install_block_puts_flaskforge_on_the_path() -> None:
    text = INDEX.read_text(encoding="utf-8")
    block = text.split("## Install", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("  #", 1)[0].strip() for line in block.splitlines()]
    assert commands == [
        "python3 -m pip install --user pipx",
        "python3 -m pipx ensurepath",
        "python3 -m pipx install .",
    ]
