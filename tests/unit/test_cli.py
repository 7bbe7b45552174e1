"""The command line through click's runner: no terminal, so every answer comes from flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import __version__, load_catalogue
from flaskforge.cli import cli


def _invoke(runner: CliRunner, *args: str):
    return runner.invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", [[], ["new"], ["extensions"], ["targets"], ["completion"]])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_help(runner: CliRunner, command: list[str], flag: str) -> None:
    result = _invoke(runner, *command, flag)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(runner: CliRunner, flag: str) -> None:
    result = _invoke(runner, flag)
    assert (result.exit_code, result.stdout) == (0, f"flaskforge, version {__version__}\n")


def test_new_from_flags_creates_the_project(runner: CliRunner, tmp_path: Path) -> None:
    result = _invoke(
        runner,
        "new",
        "my-svc",
        "-o",
        str(tmp_path),
        "-e",
        "none",
        "-t",
        "none",
        "--description",
        "Orders",
        "--no-git",
    )
    assert result.exit_code == 0, result.output
    assert f"Created {tmp_path / 'my-svc'}/" in result.stdout
    assert "extensions: none; targets: none" in result.stdout
    record = (tmp_path / "my-svc/.flaskforge.toml").read_text()
    assert 'description = "Orders"' in record
    assert not (tmp_path / "my-svc/.git").exists()


def test_defaults_takes_the_recommended_selection(runner: CliRunner, tmp_path: Path) -> None:
    result = _invoke(runner, "new", "svc", "-o", str(tmp_path), "--defaults", "--no-git")
    assert result.exit_code == 0, result.output
    catalogue = load_catalogue()
    recommended = [c.name for c in catalogue.extensions if c.recommended]
    record = (tmp_path / "svc/.flaskforge.toml").read_text()
    assert f"extensions = {json.dumps(recommended)}".replace('","', '", "') in record


def test_without_a_terminal_missing_answers_name_their_flags(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = _invoke(runner, "new", "svc", "-o", str(tmp_path), "-e", "none")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: No terminal to ask for the description and the deployment targets: pass "
        "--description and -t/--target (or -t none), or --defaults to take the defaults.\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("my service", "Invalid project name 'my service': use only letters"),
        ("123abc", "Invalid project name '123abc': it must start with a letter"),
        ("class", "Invalid project name 'class': 'class' is a Python keyword"),
        ("flask", "Invalid project name 'flask': a package named 'flask' would shadow"),
        ("", "Invalid project name '': the name is empty"),
        ("../evil", "Invalid project name '../evil': a name is not a path"),
    ],
)
def test_bad_names_are_refused_before_anything_is_written(
    runner: CliRunner, tmp_path: Path, name: str, expected: str
) -> None:
    result = _invoke(runner, "new", name, "-o", str(tmp_path / "out"), "--defaults")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: " + expected)
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "evil").exists()


def test_unknown_extension_suggests_the_closest(runner: CliRunner, tmp_path: Path) -> None:
    names = [c.name for c in load_catalogue().extensions]
    if not names:
        pytest.fail("the shipped catalogue has no extensions")
    typo = names[0][:-1]
    result = _invoke(runner, "new", "svc", "-o", str(tmp_path), "--defaults", "-e", typo)
    assert result.exit_code == 2
    assert f"Unknown extension '{typo}'. Did you mean '{names[0]}'?" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_existing_destination_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc/mine.py").write_text("keep = True\n")
    result = _invoke(runner, "new", "svc", "-o", str(tmp_path), "--defaults")
    assert result.exit_code == 2
    assert "already exists and is not empty" in result.stderr
    assert (tmp_path / "svc/mine.py").read_text() == "keep = True\n"


def test_dry_run_lists_the_files_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    result = _invoke(runner, "new", "svc", "-o", str(tmp_path), "--defaults", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "  .flaskforge.toml\n" in result.stdout
    assert result.stdout.endswith("Dry run: nothing was written.\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["extensions", "targets"])
def test_listing_as_json_matches_the_catalogue(runner: CliRunner, command: str) -> None:
    result = _invoke(runner, command, "--json")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    kind = "extension" if command == "extensions" else "target"
    assert [item["name"] for item in listed] == [c.name for c in load_catalogue().of_kind(kind)]
    for item in listed:
        assert set(item) >= {"name", "summary", "requires", "conflicts"}


def test_listing_as_text_has_a_line_per_component(runner: CliRunner) -> None:
    result = _invoke(runner, "extensions")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [c.name for c in load_catalogue().extensions]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(runner: CliRunner, shell: str) -> None:
    result = _invoke(runner, "completion", shell)
    assert result.exit_code == 0
    assert "_FLASKFORGE_COMPLETE" in result.stdout


def test_extension_names_complete(runner: CliRunner) -> None:
    result = runner.invoke(
        cli,
        [],
        prog_name="flaskforge",
        env={
            "_FLASKFORGE_COMPLETE": "bash_complete",
            "COMP_WORDS": "flaskforge new x -e no",
            "COMP_CWORD": "4",
        },
    )
    assert "plain,none" in result.stdout


def _complete(runner: CliRunner, words: str) -> list[str]:
    """What click's bash completion offers for the last of ``words`` (as a shell would ask)."""
    parts = words.split(" ")
    result = runner.invoke(
        cli,
        [],
        prog_name="flaskforge",
        env={
            "_FLASKFORGE_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        },
    )
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


def _everything_names() -> list[str]:
    catalogue = load_catalogue()
    return [c.name for c in (*catalogue.extensions, *catalogue.targets)]


def test_add_extension_completes_every_name_outside_a_project(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _complete(runner, "flaskforge add-extension ") == _everything_names()
    assert _complete(runner, "flaskforge add-extension k") == ["kubernetes"]


def _project(runner: CliRunner, where: Path) -> Path:
    args = ["new", "shop", "-o", str(where), "--defaults", "-e", "database,cors", "-t", "docker"]
    assert _invoke(runner, *args, "--no-git").exit_code == 0
    return where / "shop"


def test_add_extension_completes_only_what_the_project_lacks(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(runner, tmp_path)
    lacking = [n for n in _everything_names() if n not in ("cors", "database", "docker")]
    monkeypatch.chdir(project)
    assert _complete(runner, "flaskforge add-extension ") == lacking
    assert _complete(runner, "flaskforge add-extension c") == ["caching", "celery"]
    # Nor what is already on the line.
    assert _complete(runner, "flaskforge add-extension caching c") == ["celery"]
    monkeypatch.chdir(tmp_path)
    assert _complete(runner, f"flaskforge add-extension -C {project} ") == lacking


def test_remove_extension_completes_what_the_project_has(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(runner, tmp_path)
    monkeypatch.chdir(project)
    assert _complete(runner, "flaskforge remove-extension ") == ["cors", "database", "docker"]
    assert _complete(runner, "flaskforge remove-extension d") == ["database", "docker"]
    assert _complete(runner, "flaskforge remove-extension docker d") == ["database"]
    monkeypatch.chdir(tmp_path)
    assert _complete(runner, "flaskforge remove-extension ") == []
    assert _complete(runner, f"flaskforge remove-extension -C {project} c") == ["cors"]


@pytest.mark.parametrize("command", ["extensions", "targets"])
def test_listing_inside_a_project_marks_what_it_has(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    project = _project(runner, tmp_path)
    kind = "extension" if command == "extensions" else "target"
    enabled = {"cors", "database", "docker"}
    monkeypatch.chdir(project)
    lines = _invoke(runner, command).stdout.splitlines()
    names = [c.name for c in load_catalogue().of_kind(kind)]
    assert [line[4:].split()[0] for line in lines] == names
    assert [line[:4] for line in lines] == ["[x] " if name in enabled else "[ ] " for name in names]
    listed = json.loads(_invoke(runner, command, "--json").stdout)
    assert {item["name"]: item["enabled"] for item in listed} == {n: n in enabled for n in names}
    monkeypatch.chdir(tmp_path)
    assert "enabled" not in json.loads(_invoke(runner, command, "--json").stdout)[0]
    assert not _invoke(runner, command).stdout.startswith("[")
