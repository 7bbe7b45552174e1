"""``flaskforge update`` between two versions of a small inline catalogue: every promise of the
command, in process and through the CLI. (The same with two real wheels of the shipped catalogue
is in ``test_update_wheels``.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import _migrations, create_project, plan_update, update_project
from flaskforge._baseline import REF
from flaskforge._catalogue import load_catalogue
from flaskforge._merge import Outcome
from flaskforge.cli import cli
from flaskforge.errors import (
    DirtyWorkingTree,
    PackageFolderMissing,
    ProjectFromNewerFlaskforge,
    WriteFailed,
)
from tests.helpers import make_catalogue
from tests.lifecycle_kit import as_version, commit_all, files, git

GUIDE = "".join(f"Guide line {n}.\n" for n in range(1, 21))
MANIFEST = """
name = "base"
summary = "The base"
dependencies = ["Flask==3.1.3"]

[[settings]]
name = "SECRET_KEY"
secret = true
help = "Signing key."

[[settings]]
name = "{level}"
default = "INFO"
help = "Log level."
"""
V1 = {
    "base/manifest.toml": MANIFEST.format(level="LOG_LEVEL"),
    "base/files/README.md.jinja": (
        "# {{ project_name }}\n\nMade by flaskforge {{ flaskforge_version }}.\n\nIntro.\n\n"
        "## Usage\n\nRun it.\n"
    ),
    "base/files/app.py.jinja": (
        "import os\n\n\ndef create_app():\n    app = make()\n    return app\n\n\n"
        "ENABLED = {{ extensions }}\n"
    ),
    "base/files/.env.example.jinja": (
        "{% for s in settings %}{{ s.name }}={{ s.example }}\n{% endfor %}"
    ),
    "base/files/.gitignore": ".env\n",
    "base/files/src/{{ package_name }}/__init__.py.jinja": '"""{{ project_name }}."""\n',
    "base/files/obsolete.txt": "Soon gone.\n",
    "base/files/docs/guide.md": GUIDE,
}
V2 = {
    **{
        k: v
        for k, v in V1.items()
        if k not in ("base/files/obsolete.txt", "base/files/docs/guide.md")
    },
    "base/manifest.toml": MANIFEST.format(level="LOG_THRESHOLD"),
    "base/files/README.md.jinja": V1["base/files/README.md.jinja"].replace("Intro.", "Intro, v2."),
    "base/files/app.py.jinja": V1["base/files/app.py.jinja"].replace(
        "import os\n", "import os\nimport sys\n"
    ),
    "base/files/docs/handbook.md": GUIDE.replace("Guide line 20.", "Guide line 20, v2."),
    "base/files/CHANGES.md": "Version 2.\n",
}
RENAMED = _migrations.Migration(
    version="0.2.0",
    summary="LOG_LEVEL is now LOG_THRESHOLD",
    change=_migrations.rename_setting("LOG_LEVEL", "LOG_THRESHOLD"),
    example=({".env": b"LOG_LEVEL=1\n"}, {".env": b"LOG_THRESHOLD=1\n"}),
)


@pytest.fixture
def versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The catalogue of flaskforge 0.1.0 and that of 0.2.0 (with its migration registered)."""
    v1 = make_catalogue(tmp_path / "v1", V1)
    v2 = make_catalogue(tmp_path / "v2", V2)
    monkeypatch.setattr(_migrations, "MIGRATIONS", [RENAMED])
    return v1, v2


def _new(out: Path, catalogue, monkeypatch: pytest.MonkeyPatch, version: str, **options) -> Path:
    as_version(monkeypatch, version)
    create_project(
        "up-svc",
        output_dir=out,
        extensions=["none"],
        targets=["none"],
        description="Up",
        catalogue=catalogue,
        **options,
    )
    return out / "up-svc"


@pytest.fixture
def project(tmp_path: Path, versions, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project made by 0.1.0; the running flaskforge is 0.2.0 afterwards."""
    made = _new(tmp_path / "made", versions[0], monkeypatch, "0.1.0")
    as_version(monkeypatch, "0.2.0")
    return made


def test_an_untouched_project_becomes_what_new_makes_byte_for_byte(
    tmp_path: Path, versions, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = update_project(project=project, catalogue=versions[1])
    assert (result.from_version, result.to_version, result.written) == ("0.1.0", "0.2.0", True)
    assert result.migrations == ("LOG_LEVEL is now LOG_THRESHOLD",)
    assert {c.path: (c.outcome, c.moved_from) for c in result.changes} == {
        # The migration renames the setting in every env file, this one included.
        ".env.example": (Outcome.MIGRATED, None),
        ".flaskforge.toml": (Outcome.UPDATED, None),
        "CHANGES.md": (Outcome.CREATED, None),
        "README.md": (Outcome.UPDATED, None),
        "app.py": (Outcome.UPDATED, None),
        "docs/handbook.md": (Outcome.MOVED, "docs/guide.md"),
        "obsolete.txt": (Outcome.DELETED, None),
    }
    direct = _new(tmp_path / "direct", versions[1], monkeypatch, "0.2.0")
    assert files(project) == files(direct)
    # The baseline is the same commit a fresh project gets (its history aside).
    assert git(project, "rev-parse", f"{REF}^{{tree}}") == git(
        direct, "rev-parse", f"{REF}^{{tree}}"
    )


def test_owner_edits_survive_and_markers_only_where_both_changed(versions, project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("Intro.", "Our intro.") + "\nOur runbook.\n")
    app = project / "app.py"
    app.write_text(
        app.read_text().replace("    return app", "    app.debug = False\n    return app")
    )
    guide = project / "docs/guide.md"
    guide.write_text(guide.read_text().replace("Guide line 2.", "Guide line 2, ours."))
    (project / "obsolete.txt").write_text("Soon gone. We use it.\n")
    (project / "mine.py").write_text("MINE = 1\n")
    commit_all(project, "our edits")
    (project / ".env").write_text("SECRET_KEY=s\nLOG_LEVEL=DEBUG\n")  # ignored, like a real one

    result = update_project(project=project, catalogue=versions[1])

    outcomes = {c.path: c.outcome for c in result.changes}
    assert result.conflicts == ("README.md",)
    assert result.left == ("obsolete.txt",)
    assert outcomes["app.py"] is Outcome.MERGED
    assert outcomes["docs/handbook.md"] is Outcome.MOVED
    assert outcomes[".env"] is Outcome.MIGRATED
    assert app.read_text().startswith("import os\nimport sys\n")
    assert "    app.debug = False\n" in app.read_text()
    assert readme.read_text().count("<<<<<<< yours\n") == 1
    assert (
        "<<<<<<< yours\nOur intro.\n=======\nIntro, v2.\n>>>>>>> flaskforge\n" in readme.read_text()
    )
    assert readme.read_text().endswith("\nOur runbook.\n")
    handbook = (project / "docs/handbook.md").read_text()
    assert "Guide line 2, ours." in handbook
    assert "Guide line 20, v2." in handbook
    assert not guide.exists()
    assert (project / "obsolete.txt").read_text() == "Soon gone. We use it.\n"
    assert (project / "mine.py").read_text() == "MINE = 1\n"
    assert (project / ".env").read_text() == "SECRET_KEY=s\nLOG_THRESHOLD=DEBUG\n"
    assert 'flaskforge_version = "0.2.0"' in (project / ".flaskforge.toml").read_text()


def test_the_cli_lists_each_file_and_exits_1_for_what_needs_the_owner(
    versions, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("flaskforge._catalogue.templates_root", lambda: versions[1].root)
    load_catalogue.cache_clear()  # the shipped one may be cached
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("Intro.", "Our intro."))
    (project / "obsolete.txt").write_text("Edited.\n")
    commit_all(project, "our edits")
    result = CliRunner().invoke(cli, ["update", "-C", str(project)])
    assert result.exit_code == 1
    assert result.stdout == (
        "Updated up-svc from flaskforge 0.1.0 to 0.2.0.\n"
        "  migration: LOG_LEVEL is now LOG_THRESHOLD\n"
        "  migrated  .env.example\n"
        "  updated   .flaskforge.toml\n"
        "  created   CHANGES.md\n"
        "  conflict  README.md\n"
        "  updated   app.py\n"
        "  moved     docs/handbook.md (from docs/guide.md)\n"
        "  left      obsolete.txt\n"
    )
    assert result.stderr == (
        "Error: Conflicts in README.md: you and flaskforge changed the same lines. Resolve the "
        "<<<<<<< markers; you edited obsolete.txt, which flaskforge no longer generates: delete "
        "or keep it, then commit; everything else was applied.\n"
    )


def test_updating_twice_leaves_git_status_clean(versions, project: Path) -> None:
    update_project(project=project, catalogue=versions[1])
    commit_all(project, "update")
    again = update_project(project=project, catalogue=versions[1])
    assert (again.written, again.changes) == (False, ())
    assert git(project, "status", "--porcelain") == ""
    result = CliRunner().invoke(cli, ["update", "-C", str(project)])
    assert result.stdout == "Nothing to do: up-svc is at flaskforge 0.2.0, the installed version.\n"


def test_dry_run_shows_the_diff_and_moves_nothing(versions, project: Path) -> None:
    before, ref = files(project), git(project, "rev-parse", REF)
    plan = plan_update(project=project, catalogue=versions[1])
    result = update_project(project=project, catalogue=versions[1], dry_run=True)
    assert not result.written
    assert result.changes == plan.changes
    diff = "".join(c.diff() for c in result.changes)
    assert "--- a/obsolete.txt\n+++ /dev/null\n" in diff
    assert "+import sys\n" in diff
    assert (files(project), git(project, "rev-parse", REF)) == (before, ref)


def test_a_dirty_tree_is_refused_naming_its_files(versions, project: Path) -> None:
    for n in range(7):
        (project / f"scratch{n}.txt").write_text("x\n")
    (project / "app.py").write_text("edited\n")
    with pytest.raises(DirtyWorkingTree) as refused:
        update_project(project=project, catalogue=versions[1])
    assert str(refused.value) == (
        f"{project} has uncommitted changes (app.py, scratch0.txt, scratch1.txt, scratch2.txt, "
        "scratch3.txt and 3 more). Commit or stash them first, so that you can see and undo what "
        "flaskforge changes, or pass --allow-dirty."
    )
    assert 'flaskforge_version = "0.1.0"' in (project / ".flaskforge.toml").read_text()
    assert update_project(project=project, catalogue=versions[1], allow_dirty=True).written


@pytest.mark.parametrize("failing", ["the fourth file", "the record", "the baseline ref"])
def test_a_failure_at_any_point_leaves_the_project_and_its_baseline_as_they_were(
    versions, project: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    before, ref = files(project), git(project, "rev-parse", REF)
    real_replace = Path.replace
    swapped: list[str] = []

    def replace(self: Path, target):
        if self.name.startswith("new-"):
            if failing == "the fourth file" and len(swapped) == 3:
                raise OSError(28, "No space left on device")
            if failing == "the record" and Path(target).name == ".flaskforge.toml":
                raise OSError(5, "Input/output error")
            swapped.append(self.name)
        return real_replace(self, target)

    def update_ref(*args, **kwargs):
        raise WriteFailed("the baseline", "refused")

    monkeypatch.setattr(Path, "replace", replace)
    if failing == "the baseline ref":
        monkeypatch.setattr("flaskforge._git.update_ref", update_ref)
    with pytest.raises(WriteFailed):
        update_project(project=project, catalogue=versions[1])
    monkeypatch.undo()
    assert files(project) == before
    assert git(project, "rev-parse", REF) == ref
    assert git(project, "status", "--porcelain") == ""


def test_a_crlf_checkout_updates_without_whole_file_conflicts(versions, project: Path) -> None:
    git(project, "config", "core.autocrlf", "true")
    for path in list(project.rglob("*")):
        if path.is_file() and ".git" not in path.parts:
            path.unlink()
    git(project, "checkout", "-q", "--", ".")
    app = project / "app.py"
    app.write_bytes(
        app.read_bytes().replace(b"    return app", b"    app.debug = False\r\n    return app")
    )
    commit_all(project, "our edit, on Windows")
    result = update_project(project=project, catalogue=versions[1])
    assert result.conflicts == ()
    assert {c.path: c.outcome for c in result.changes}["app.py"] is Outcome.MERGED
    text = app.read_bytes()
    assert text.count(b"\n") == text.count(b"\r\n")
    assert b"import sys\r\n" in text
    assert b"    app.debug = False\r\n" in text
    readme = (project / "README.md").read_bytes()
    assert b"Intro, v2.\r\n" in readme
    assert readme.count(b"\n") == readme.count(b"\r\n")
    # git sees the template's change only, not a rewrite of every line.
    assert git(project, "diff", "--numstat", "--", "README.md").split()[:2] == ["2", "2"]


def test_a_missing_package_folder_is_refused_and_nothing_written(versions, project: Path) -> None:
    git(project, "mv", "src/up_svc", "src/renamed")
    commit_all(project, "renamed the package")
    before = files(project)
    with pytest.raises(PackageFolderMissing) as refused:
        update_project(project=project, catalogue=versions[1])
    assert str(refused.value) == (
        f"{project} has no src/up_svc/ folder, which its record (.flaskforge.toml) names as the "
        "package 'up_svc'. Rename the folder back, or restore it from version control; nothing "
        "was written."
    )
    assert files(project) == before


def test_a_project_of_a_newer_flaskforge_is_refused(
    versions, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_version(monkeypatch, "0.0.9")
    with pytest.raises(ProjectFromNewerFlaskforge, match="newer than this flaskforge"):
        update_project(project=project, catalogue=versions[1])


def test_without_git_the_older_version_is_approximated_and_said(
    tmp_path: Path, versions, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _new(tmp_path / "loose", versions[0], monkeypatch, "0.1.0", git=False)
    as_version(monkeypatch, "0.2.0")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    result = update_project(project=project, catalogue=versions[1], find_links=empty)
    (note,) = result.notes
    assert note.startswith(
        "No git repository: flaskforge 0.1.0, the project's version, is not available"
    )
    # With the old render unknown, today's templates count as the owner's: only the record,
    # what names the version (README) and the migration's change (.env.example) move.
    assert [c.path for c in result.changes if c.writes] == [
        ".env.example",
        ".flaskforge.toml",
        "README.md",
    ]
