"""``flaskforge check`` and ``flaskforge status``, through the command line as CI and people run
them: exit statuses before and after an update, the JSON against its published schema, --diff."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

import flaskforge
from flaskforge import create_project
from flaskforge.cli import cli
from tests.lifecycle_kit import as_version, commit_all, git

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs/reference/project-status.schema.json").read_text()
)
VERSION = flaskforge.__version__
NEWER = VERSION + ".post1"


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _valid(output: str) -> dict[str, object]:
    document = json.loads(output)
    jsonschema.validate(document, SCHEMA)
    return document  # type: ignore[no-any-return]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    create_project(
        "check-svc", output_dir=tmp_path, extensions=["cors"], targets=["none"], description="C"
    )
    return tmp_path / "check-svc"


def test_a_current_project_exits_0(project: Path) -> None:
    result = _invoke("check", "-C", str(project))
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"check-svc is at flaskforge {VERSION}, the installed version.\n",
        "",
    )
    document = _valid(_invoke("check", "-C", str(project), "--json").stdout)
    assert document["state"] == "current"
    assert document["update_available"] is False
    assert document["extensions"] == ["cors"]
    assert document["baseline"] == {"state": "present", "ref": "refs/flaskforge/baseline"}


def test_behind_exits_1_with_both_versions_until_updated(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_version(monkeypatch, NEWER)
    result = _invoke("check", "-C", str(project))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: check-svc is at flaskforge {VERSION}; flaskforge {NEWER} is installed. Run "
        "'flaskforge update' to move it to the installed version.\n"
    )
    as_json = _invoke("check", "-C", str(project), "--json")
    assert as_json.exit_code == 1
    document = _valid(as_json.stdout)
    assert (document["state"], document["update_available"]) == ("behind", True)
    assert (document["project_version"], document["installed_version"]) == (VERSION, NEWER)

    updated = _invoke("update", "-C", str(project))
    assert updated.exit_code == 0, updated.output
    assert updated.stdout.startswith(f"Updated check-svc from flaskforge {VERSION} to {NEWER}.\n")
    commit_all(project, "update")
    assert _invoke("check", "-C", str(project)).exit_code == 0
    assert _valid(_invoke("check", "-C", str(project), "--json").stdout)["state"] == "current"


def test_a_project_of_a_newer_flaskforge_exits_1_and_says_to_upgrade(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_version(monkeypatch, "0.0.1")
    result = _invoke("check", "-C", str(project))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {project} was last changed by flaskforge {VERSION}, newer than this flaskforge "
        "(0.0.1). Upgrade it: pip install --upgrade flaskforge-generator.\n"
    )
    as_json = _invoke("check", "-C", str(project), "--json")
    assert (as_json.exit_code, _valid(as_json.stdout)["state"]) == (1, "ahead")
    # The commands that write refuse it, with the same line.
    for command in (["update"], ["add-extension", "caching"], ["remove-extension", "cors"]):
        refused = _invoke(*command, "-C", str(project))
        assert (refused.exit_code, refused.stderr) == (1, result.stderr), command


def test_diff_shows_what_the_owner_changed(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "Our notes.\n")
    (project / "NOTES.md").write_text("mine\n")
    git(project, "rm", "-q", "Makefile")
    result = _invoke("check", "-C", str(project), "--diff")
    assert result.exit_code == 0
    assert "--- a/README.md\n+++ b/README.md\n" in result.stdout
    assert "+Our notes.\n" in result.stdout
    assert "--- /dev/null\n+++ b/NOTES.md\n@@ -0,0 +1 @@\n+mine\n" in result.stdout
    assert "--- a/Makefile\n+++ /dev/null\n" in result.stdout
    document = _valid(_invoke("check", "-C", str(project), "--diff", "--json").stdout)
    changes = {d["path"]: d["change"] for d in document["differences"]}  # type: ignore[union-attr]
    assert changes == {"Makefile": "deleted", "NOTES.md": "added", "README.md": "modified"}


def test_diff_of_an_untouched_project_is_empty(project: Path) -> None:
    result = _invoke("check", "-C", str(project), "--diff")
    assert result.stdout == (
        "The project does not differ from its clean render.\n"
        f"check-svc is at flaskforge {VERSION}, the installed version.\n"
    )
    assert (
        _valid(_invoke("check", "-C", str(project), "--diff", "--json").stdout)["differences"] == []
    )


def test_diff_ignores_a_crlf_checkout(project: Path) -> None:
    git(project, "config", "core.autocrlf", "true")
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            path.unlink()
    git(project, "checkout", "-q", "--", ".")
    assert b"\r\n" in (project / "README.md").read_bytes()
    result = _invoke("check", "-C", str(project), "--diff")
    assert result.stdout.startswith("The project does not differ from its clean render.\n")


def test_status_says_what_the_project_has(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    as_version(monkeypatch, NEWER)
    result = _invoke("status", "-C", str(project))
    assert (result.exit_code, result.stdout) == (
        0,
        f"project:     check-svc (package check_svc) in {project}\n"
        f"flaskforge:  {VERSION} (installed: {NEWER}; update available: run 'flaskforge update')\n"
        "extensions:  cors\n"
        "targets:     none\n"
        "baseline:    present (refs/flaskforge/baseline)\n",
    )
    document = _valid(_invoke("status", "-C", str(project), "--json").stdout)
    assert document["update_available"] is True
    assert "differences" not in document


def test_status_of_a_fresh_clone_and_of_a_project_without_git(tmp_path: Path) -> None:
    create_project("loose", output_dir=tmp_path, extensions=["none"], targets=["none"], git=False)
    loose = _valid(_invoke("status", "-C", str(tmp_path / "loose"), "--json").stdout)
    assert loose["baseline"] == {"state": "no git", "ref": None}
    create_project("kept", output_dir=tmp_path, extensions=["none"], targets=["none"])
    git(tmp_path, "clone", "-q", str(tmp_path / "kept"), str(tmp_path / "clone"))
    clone = _invoke("status", "-C", str(tmp_path / "clone"))
    assert (
        "baseline:    missing (a fresh clone? it is restored when a command needs it)\n"
        in clone.stdout
    )
    assert _invoke("check", "-C", str(tmp_path / "clone")).exit_code == 0


@pytest.mark.parametrize("command", ["check", "status"])
def test_outside_a_project_one_line_and_exit_1(tmp_path: Path, command: str) -> None:
    result = _invoke(command, "-C", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path} is not a flaskforge project (no .flaskforge.toml). Run it inside a "
        "project made by 'flaskforge new', or pass -C/--project DIR.\n"
    )


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ("flaskforge_version = [\n", "not valid TOML"),
        ('flaskforge_version = "next"\n', "'project_name' is missing"),
    ],
)
@pytest.mark.parametrize("command", ["check", "status", "update"])
def test_a_broken_record_is_one_line(project: Path, command: str, record: str, reason: str) -> None:
    (project / ".flaskforge.toml").write_text(record)
    result = _invoke(command, "-C", str(project))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert reason in result.stderr


def test_a_version_that_is_not_a_version_is_a_broken_record(project: Path) -> None:
    record = project / ".flaskforge.toml"
    record.write_text(record.read_text().replace(f'"{VERSION}"', '"tomorrow"'))
    result = _invoke("check", "-C", str(project))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: The project record {project}/.flaskforge.toml is broken: flaskforge_version: "
        "'tomorrow' is not a version number. Restore it from version control (git checkout -- "
        ".flaskforge.toml).\n"
    )
