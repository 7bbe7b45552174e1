"""The baseline: written by ``new``, moved by every lifecycle command, restored when missing.

Real git in temporary repositories; the shipped catalogue where the render does not matter.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import flaskforge
from flaskforge import (
    add_extensions,
    check_project,
    create_project,
    plan_add_extensions,
    project_status,
    remove_extensions,
)
from flaskforge._baseline import REF
from flaskforge.cli import cli
from tests.lifecycle_kit import as_version, commit_all, files, git

VERSION = flaskforge.__version__


def _new(out: Path, name: str = "base-svc", **options: object) -> Path:
    create_project(
        name,
        output_dir=out,
        extensions=options.pop("extensions", ["none"]),  # type: ignore[arg-type]
        targets=["none"],
        description="Baseline",
        **options,  # type: ignore[arg-type]
    )
    return out / name


def _baseline_files(project: Path, ref: str = REF) -> dict[str, bytes]:
    names = git(project, "ls-tree", "-r", "--name-only", "-z", ref).split("\0")
    return {
        name: subprocess.run(
            ["git", "cat-file", "blob", f"{ref}:{name}"], cwd=project, capture_output=True
        ).stdout
        for name in names
        if name
    }


def test_new_stores_the_clean_render_outside_every_branch(tmp_path: Path) -> None:
    project = _new(tmp_path)
    assert _baseline_files(project) == files(project)
    # Out of the user's way: no branch, no tag, a clean status, a log of one commit.
    assert git(project, "branch", "--all", "--format=%(refname)").split() == ["refs/heads/main"]
    assert git(project, "tag") == ""
    assert git(project, "status", "--porcelain") == ""
    assert len(git(project, "log", "--oneline").splitlines()) == 1
    # Executable bits are part of it.
    listing = git(project, "ls-tree", "-r", REF)
    head = git(project, "ls-tree", "-r", "HEAD")
    assert listing == head


def test_a_file_the_first_commit_lacks_is_still_in_the_baseline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A developer's global ignore list keeps a generated file out of the first commit.
    ignore = tmp_path / "ignore"
    ignore.write_text("Makefile\n")
    config = tmp_path / "gitconfig"
    config.write_text(f"[core]\n\texcludesFile = {ignore}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    project = _new(tmp_path / "out")
    assert "Makefile" not in git(project, "ls-tree", "-r", "--name-only", "HEAD")
    assert _baseline_files(project) == files(project)


def test_the_same_answers_give_the_same_baseline_commit(tmp_path: Path) -> None:
    first = _new(tmp_path / "a")
    second = _new(tmp_path / "b")
    assert git(first, "rev-parse", REF) == git(second, "rev-parse", REF)


def test_every_lifecycle_command_moves_it_with_the_files(tmp_path: Path) -> None:
    project = _new(tmp_path)
    before = git(project, "rev-parse", REF).strip()
    add_extensions(["cors"], project=project)
    commit_all(project, "cors")
    assert _baseline_files(project) == files(project)
    remove_extensions(["cors"], project=project)
    commit_all(project, "no cors")
    assert _baseline_files(project) == files(project)
    # Its history is the project's lifecycle: new, add, remove.
    assert len(git(project, "rev-list", REF).split()) == 3
    assert git(project, "rev-parse", f"{REF}~2").strip() == before


def test_a_dry_run_leaves_it_where_it_was(tmp_path: Path) -> None:
    project = _new(tmp_path)
    before = git(project, "rev-parse", REF)
    plan = plan_add_extensions(["cors"], project=project)
    assert plan.changes
    add_extensions(["cors"], project=project, dry_run=True)
    assert git(project, "rev-parse", REF) == before


def test_without_git_the_recorded_answers_are_rendered(tmp_path: Path) -> None:
    project = _new(tmp_path, git=False)
    plan = plan_add_extensions(["cors"], project=project)
    assert plan.baseline == "rendered"
    assert plan.notes == (
        "No git repository: the baseline was rendered from the recorded answers with this "
        f"flaskforge ({VERSION}), the project's version.",
    )
    add_extensions(["cors"], project=project)
    assert project_status(project=project).baseline == "no git"


def test_a_missing_ref_is_rendered_again_and_stored_by_the_next_command(tmp_path: Path) -> None:
    project = _new(tmp_path)
    git(project, "update-ref", "-d", REF)
    assert project_status(project=project).baseline == "missing"
    plan = plan_add_extensions(["cors"], project=project)
    assert (plan.baseline, plan.notes) == (
        "rendered",
        (f"The baseline was restored: rendered with this flaskforge ({VERSION}).",),
    )
    add_extensions(["cors"], project=project)
    commit_all(project, "cors")
    assert project_status(project=project).baseline == "present"
    assert _baseline_files(project) == files(project)


def test_a_record_reset_by_the_owner_finds_its_baseline_in_the_history(tmp_path: Path) -> None:
    project = _new(tmp_path)
    add_extensions(["cors"], project=project)
    commit_all(project, "cors")
    # The owner changes their mind with git, not with flaskforge: the ref is now ahead.
    git(project, "reset", "-q", "--hard", "HEAD~1")
    assert project_status(project=project).baseline == "stale"
    plan = plan_add_extensions(["cors"], project=project)
    assert plan.baseline == "git history"
    add_extensions(["cors"], project=project)
    assert _baseline_files(project) == files(project)


def test_a_fresh_clone_fetches_it_from_the_remote_when_it_was_pushed(tmp_path: Path) -> None:
    project = _new(tmp_path / "work")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "--initial-branch=main", str(origin))
    git(project, "push", "-q", str(origin), "main", "refs/flaskforge/*:refs/flaskforge/*")
    git(tmp_path, "clone", "-q", str(origin), str(tmp_path / "clone"))
    clone = tmp_path / "clone"
    # A clone gets the branches only.
    assert git(clone, "for-each-ref", "--format=%(refname)", "refs/flaskforge") == ""
    assert project_status(project=clone).baseline == "missing"
    plan = plan_add_extensions(["cors"], project=clone)
    assert (plan.baseline, plan.notes) == (
        "remote",
        ("The baseline was fetched from the remote.",),
    )
    # The CLI says what it is waiting for.
    shown = CliRunner().invoke(cli, ["add-extension", "cors", "--dry-run", "-C", str(clone)])
    assert shown.stderr == "Fetching the baseline from origin...\n"
    assert shown.stdout.startswith("The baseline was fetched from the remote.\nWould add cors.\n")


def test_a_version_that_cannot_be_installed_is_approximated_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _new(tmp_path)
    record = project / ".flaskforge.toml"
    record.write_text(record.read_text().replace(f'"{VERSION}"', '"0.0.1.dev7"'))
    commit_all(project, "as made by 0.0.1.dev7")
    # No index, an empty wheel folder: flaskforge-generator 0.0.1.dev7 is nowhere.
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    result = check_project(project=project, diff=True, find_links=wheels)
    assert result.state == "behind"
    (note,) = result.notes
    assert note.startswith(
        "flaskforge 0.0.1.dev7, the project's version, is not available (could not install "
        "flaskforge-generator==0.0.1.dev7: ERROR: No matching distribution found for "
        "flaskforge-generator==0.0.1.dev7): "
    )
    assert note.endswith(
        f"the baseline was approximated with this flaskforge's templates ({VERSION}), so what "
        "changed between the two versions counts as your edits."
    )
    # Approximated with today's templates: the project differs from it only where the
    # templates print the version (its README, say).
    assert result.differences is not None
    for difference in result.differences:
        assert difference.clean is not None, difference.path
        assert difference.clean.replace(b"0.0.1.dev7", VERSION.encode()) == difference.yours, (
            difference.path
        )


def test_a_project_in_a_subfolder_has_a_ref_of_its_own(tmp_path: Path) -> None:
    monorepo = tmp_path / "mono"
    monorepo.mkdir()
    git(monorepo, "init", "-q", "--initial-branch=main")
    project = _new(monorepo / "services", "orders", git=False)
    other = _new(monorepo / "services", "billing", git=False)
    commit_all(monorepo, "two services")
    add_extensions(["cors"], project=project)
    add_extensions(["caching"], project=other)
    refs = git(monorepo, "for-each-ref", "--format=%(refname)", "refs/flaskforge").split()
    assert refs == [
        "refs/flaskforge/baselines/services%2Fbilling",
        "refs/flaskforge/baselines/services%2Forders",
    ]
    commit_all(monorepo, "grown")
    assert project_status(project=project).baseline == "present"
    assert project_status(project=project).baseline_ref == refs[1]
    orders = _baseline_files(monorepo, refs[1])
    assert orders == files(project)
    assert "src/orders/extensions/cors.py" in orders
    assert not any(name.startswith("billing") for name in orders)


def test_a_detached_head_is_no_obstacle(tmp_path: Path) -> None:
    project = _new(tmp_path)
    git(project, "checkout", "-q", "--detach")
    result = add_extensions(["cors"], project=project)
    assert result.written
    assert _baseline_files(project) == files(project)


def test_a_version_installed_from_a_wheel_folder_renders_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real path of a fresh clone at an older version, with a wheel of this flaskforge
    standing in for the older one (the render is what matters, not the number)."""
    from tests.wheels import build_wheel

    wheels = tmp_path / "wheels"
    build_wheel(wheels)
    project = _new(tmp_path)
    git(project, "update-ref", "-d", REF)
    # Pretend this flaskforge is newer, so that the project's version must be installed.
    as_version(monkeypatch, VERSION + ".post99")
    plan = plan_add_extensions(["cors"], project=project, find_links=wheels)
    assert plan.baseline == "installed"
    assert plan.notes == (
        f"The baseline was rendered with flaskforge {VERSION}, installed into a temporary "
        "environment.",
    )
