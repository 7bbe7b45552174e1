"""add-extension on a small inline catalogue: every merge outcome, every refusal, atomicity."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import __version__, create_project, update_project
from flaskforge._catalogue import load_catalogue
from flaskforge._grow import add_extensions
from flaskforge._merge import Outcome
from flaskforge.cli import cli
from flaskforge.errors import (
    ConflictingChoices,
    CorruptProjectRecord,
    DirtyWorkingTree,
    NotAFlaskforgeProject,
    UnknownChoice,
    UpdateFirst,
    WriteFailed,
)
from tests.helpers import extension, make_catalogue

SETTINGS_TEMPLATE = """\
# Settings
{% for s in settings %}
{{ s.name }}={{ s.example }}
{% endfor %}
"""

APP_TEMPLATE = """\
def create_app():
    app = make()
    return app


ENABLED = {{ extensions }}
"""


@pytest.fixture
def catalogue(tmp_path: Path):
    return make_catalogue(
        tmp_path / "templates",
        {
            "base/files/settings.env.jinja": SETTINGS_TEMPLATE,
            "base/files/app.py.jinja": APP_TEMPLATE,
            "extensions/cache/manifest.toml": extension("cache")
            + '[[settings]]\nname = "CACHE_URL"\nhelp = "h"\ndefault = "mem"\n',
            "extensions/cache/files/cache.py": "CACHE = True\n",
            "extensions/db/manifest.toml": extension(
                "db", conflicts=["mongo"], next_steps=["Migrate."]
            ),
            "extensions/db/files/db.py": "DB = True\n",
            "extensions/orm/manifest.toml": extension("orm", requires=["db"]),
            "extensions/mongo/manifest.toml": extension("mongo", conflicts=["db"]),
            "targets/docker/manifest.toml": extension("docker"),
            "targets/docker/files/Dockerfile": "FROM scratch\n",
        },
    )


def _git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.fixture
def project(tmp_path: Path, catalogue) -> Path:
    create_project(
        "svc",
        output_dir=tmp_path / "out",
        extensions=["none"],
        targets=["none"],
        catalogue=catalogue,
    )
    return tmp_path / "out/svc"


def test_untouched_project_becomes_what_new_would_generate(tmp_path, catalogue, project) -> None:
    result = add_extensions(["orm", "docker"], project=project, catalogue=catalogue)
    assert result.added == ("db", "docker", "orm")
    assert result.implied == ("db",)
    assert result.next_steps == ("Migrate.",)
    create_project(
        "svc",
        output_dir=tmp_path / "direct",
        extensions=["orm"],
        targets=["docker"],
        catalogue=catalogue,
    )
    assert _files(project) == _files(tmp_path / "direct/svc")
    outcomes = {c.path: c.outcome for c in result.changes}
    assert outcomes == {
        ".flaskforge.toml": Outcome.UPDATED,
        "Dockerfile": Outcome.CREATED,
        "app.py": Outcome.UPDATED,
        "db.py": Outcome.CREATED,
    }


def test_adding_again_changes_nothing(catalogue, project) -> None:
    add_extensions(["cache"], project=project, catalogue=catalogue)
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "add cache")
    again = add_extensions(["cache"], project=project, catalogue=catalogue)
    assert again.added == ()
    assert again.changes == ()
    assert _git(project, "status", "--porcelain") == ""


def test_user_edits_elsewhere_in_the_file_are_kept(catalogue, project) -> None:
    app = project / "app.py"
    app.write_text(app.read_text().replace("app = make()", "app = make()\n    app.debug = False"))
    _git(project, "commit", "-qam", "my edit")
    result = add_extensions(["cache"], project=project, catalogue=catalogue)
    assert {c.path: c.outcome for c in result.changes}["app.py"] is Outcome.MERGED
    text = app.read_text()
    assert "    app.debug = False\n" in text
    assert "ENABLED = ['cache']\n" in text
    assert result.conflicts == ()


def test_edits_to_the_same_lines_give_conflict_markers(catalogue, project) -> None:
    app = project / "app.py"
    app.write_text(app.read_text().replace("ENABLED = []", "ENABLED = ['mine']"))
    _git(project, "commit", "-qam", "my edit")
    result = add_extensions(["cache"], project=project, catalogue=catalogue)
    assert result.conflicts == ("app.py",)
    text = app.read_text()
    assert text.endswith(
        "<<<<<<< yours\nENABLED = ['mine']\n=======\nENABLED = ['cache']\n>>>>>>> flaskforge\n"
    )
    # Everything else was still applied.
    assert (project / "cache.py").read_text() == "CACHE = True\n"
    assert "CACHE_URL=mem" in (project / "settings.env").read_text()


def test_a_file_the_user_deleted_is_left_deleted(catalogue, project) -> None:
    _git(project, "rm", "-q", "app.py")
    _git(project, "commit", "-qm", "no app.py")
    result = add_extensions(["cache"], project=project, catalogue=catalogue)
    assert {c.path: c.outcome for c in result.changes}["app.py"] is Outcome.KEPT
    assert not (project / "app.py").exists()


def test_a_user_file_where_a_new_one_goes_is_merged_not_overwritten(catalogue, project) -> None:
    (project / "cache.py").write_text("# my own cache module\n")
    _git(project, "add", "cache.py")
    _git(project, "commit", "-qm", "mine")
    result = add_extensions(["cache"], project=project, catalogue=catalogue)
    assert result.conflicts == ("cache.py",)
    assert "# my own cache module\n" in (project / "cache.py").read_text()


def test_dry_run_shows_a_diff_and_writes_nothing(catalogue, project) -> None:
    before = _files(project)
    result = add_extensions(["cache"], project=project, dry_run=True, catalogue=catalogue)
    assert not result.written
    diff = "".join(c.diff() for c in result.changes)
    assert "--- /dev/null\n+++ b/cache.py\n" in diff
    assert "+CACHE_URL=mem\n" in diff
    assert _files(project) == before


def test_not_a_project(tmp_path: Path, catalogue) -> None:
    with pytest.raises(NotAFlaskforgeProject, match="is not a flaskforge project"):
        add_extensions(["cache"], project=tmp_path, catalogue=catalogue)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ("not = [toml", "not valid TOML"),
        (f'flaskforge_version = "{__version__}"\n', "'project_name' is missing"),
        (
            f'flaskforge_version = "{__version__}"\nproject_name = "svc"\npackage_name = "svc"\n'
            'description = ""\nextensions = ["ghost"]\ntargets = []\n',
            "names the extension 'ghost'",
        ),
        (
            f'flaskforge_version = "{__version__}"\nproject_name = "svc"\npackage_name = "other"\n'
            'description = ""\nextensions = []\ntargets = []\n',
            "does not match the project name",
        ),
    ],
)
def test_a_corrupt_record_is_refused(catalogue, project, record: str, reason: str) -> None:
    (project / ".flaskforge.toml").write_text(record)
    before = _files(project)
    with pytest.raises(CorruptProjectRecord, match=reason):
        add_extensions(["cache"], project=project, allow_dirty=True, catalogue=catalogue)
    assert _files(project) == before


def test_uncommitted_changes_are_refused_unless_allowed(catalogue, project) -> None:
    (project / "app.py").write_text("edited\n")
    (project / "counter_123.db").write_bytes(b"\0")  # what a dev server may leave untracked
    with pytest.raises(DirtyWorkingTree) as refused:
        add_extensions(["cache"], project=project, catalogue=catalogue)
    assert str(refused.value).startswith(
        f"{project} has uncommitted changes (app.py, counter_123.db). Commit or stash them"
    )
    assert refused.value.files == ("app.py", "counter_123.db")
    assert not (project / "cache.py").exists()
    add_extensions(["cache"], project=project, allow_dirty=True, catalogue=catalogue)
    assert (project / "cache.py").exists()


def test_unknown_and_conflicting_names_are_refused_before_writing(catalogue, project) -> None:
    before = _files(project)
    with pytest.raises(UnknownChoice, match="Did you mean 'cache'"):
        add_extensions(["cahce"], project=project, catalogue=catalogue)
    add_extensions(["db"], project=project, allow_dirty=True, catalogue=catalogue)
    with pytest.raises(ConflictingChoices):
        add_extensions(["mongo"], project=project, allow_dirty=True, catalogue=catalogue)
    assert (project / "db.py").exists()
    assert set(_files(project)) == set(before) | {"db.py"}


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_a_failure_part_way_leaves_the_project_as_it_was(
    catalogue, project, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    before = _files(project)
    swaps = []
    real_replace = Path.replace

    def failing_replace(self: Path, target):
        if self.name.startswith("new-") and len(swaps) == 2:
            raise failure
        swaps.append(self)
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    expected = KeyboardInterrupt if failure is KeyboardInterrupt else WriteFailed
    with pytest.raises(expected):
        add_extensions(["orm", "docker"], project=project, catalogue=catalogue)
    monkeypatch.undo()
    assert _files(project) == before
    assert not [p for p in project.iterdir() if p.name.startswith(".flaskforge-journal")]


def test_cli_reports_each_file_and_exits_1_on_conflict(catalogue, project, monkeypatch) -> None:
    monkeypatch.setattr("flaskforge._catalogue.templates_root", lambda: catalogue.root)
    load_catalogue.cache_clear()  # the shipped one may be cached
    app = project / "app.py"
    app.write_text(app.read_text().replace("ENABLED = []", "ENABLED = ['mine']"))
    _git(project, "commit", "-qam", "my edit")
    result = CliRunner().invoke(cli, ["add-extension", "orm", "-C", str(project)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:5] == [
        "Added db, orm (db required by your choice).",
        "  updated   .flaskforge.toml",
        "  conflict  app.py",
        "  created   db.py",
        "Next steps:",
    ]
    assert result.stderr == (
        "Error: Conflicts in app.py: you and flaskforge changed the same lines. Resolve the "
        "<<<<<<< markers, then commit; everything else was applied.\n"
    )


def test_cli_already_enabled_exits_0(catalogue, project, monkeypatch) -> None:
    monkeypatch.setattr("flaskforge._catalogue.templates_root", lambda: catalogue.root)
    load_catalogue.cache_clear()  # the shipped one may be cached
    result = CliRunner().invoke(cli, ["add-extension", "none", "-C", str(project)])
    assert (result.exit_code, result.stdout) == (
        0,
        "Nothing to do: everything named is already enabled.\n",
    )


def test_cli_outside_a_project_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["add-extension", "cache", "-C", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path} is not a flaskforge project")


def test_a_project_from_an_older_version_gets_the_extension_not_an_upgrade(
    tmp_path: Path, catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    # flaskforge 0.0.9 generated app.py differently; its baseline (in git) says how. That
    # difference must stay while the extension's change is added; 'update' brings it later.
    old = make_catalogue(
        tmp_path / "old-templates",
        {
            **{
                str(path.relative_to(catalogue.root)): path.read_bytes()
                for path in catalogue.root.rglob("*")
                if path.is_file()
            },
            "base/files/app.py.jinja": APP_TEMPLATE.replace(
                "app = make()", "app = make_old_style()"
            ),
        },
    )
    monkeypatch.setattr("flaskforge.__version__", "0.0.9")
    create_project(
        "svc", output_dir=tmp_path / "old", extensions=["none"], targets=["none"], catalogue=old
    )
    project = tmp_path / "old/svc"
    monkeypatch.setattr("flaskforge.__version__", __version__)
    result = add_extensions(["cache"], project=project, catalogue=catalogue)
    assert result.baseline == "git"
    app, record = project / "app.py", project / ".flaskforge.toml"
    assert "app = make_old_style()" in app.read_text()
    assert "ENABLED = ['cache']" in app.read_text()
    # Still at its version: the template upgrade is 'flaskforge update', which 'check' reports.
    assert 'flaskforge_version = "0.0.9"' in record.read_text()
    assert 'extensions = ["cache"]' in record.read_text()
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "cache")
    update_project(project=project, catalogue=catalogue)
    assert "app = make()" in app.read_text()
    assert "ENABLED = ['cache']" in app.read_text()
    assert f'flaskforge_version = "{__version__}"' in record.read_text()


def test_an_extension_overlapping_an_older_version_s_change_asks_for_update_first(
    tmp_path: Path, catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = make_catalogue(
        tmp_path / "old-templates",
        {
            **{
                str(path.relative_to(catalogue.root)): path.read_bytes()
                for path in catalogue.root.rglob("*")
                if path.is_file()
            },
            # The very line the extension changes was another in 0.0.9.
            "base/files/app.py.jinja": APP_TEMPLATE.replace("ENABLED =", "ENABLED_NAMES ="),
        },
    )
    monkeypatch.setattr("flaskforge.__version__", "0.0.9")
    create_project(
        "svc", output_dir=tmp_path / "old", extensions=["none"], targets=["none"], catalogue=old
    )
    project = tmp_path / "old/svc"
    monkeypatch.setattr("flaskforge.__version__", __version__)
    before = _files(project)
    with pytest.raises(UpdateFirst) as refused:
        add_extensions(["cache"], project=project, catalogue=catalogue)
    assert str(refused.value) == (
        f"The change overlaps what flaskforge changed between 0.0.9 (this project's version) and "
        f"{__version__} in app.py. Run 'flaskforge update' first, then run this command again; "
        "nothing was written."
    )
    assert _files(project) == before


def test_a_missing_project_folder_is_named_as_such(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["add-extension", "cache", "-C", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'nope'} does not exist or is not a folder. "
        "Pass the project folder with -C/--project DIR.\n"
    )
