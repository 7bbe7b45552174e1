"""remove-extension on the shipped catalogue: properties over whatever the catalogue renders.

- Equivalence: ``new A+B`` then ``remove-extension B`` gives the same files as ``new`` of what
  remains, byte for byte, for every extension and target B and several selections A (with
  ``--cascade`` where something requires B; refused with exit status 2 without it).
- ``add B``, ``remove B``, ``add B`` gives the same files as one ``add B``.
- Owner edits in shared files are kept (or marked) by every removal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import (
    add_extensions,
    create_project,
    load_catalogue,
    plan_project,
    remove_extensions,
)
from flaskforge._selection import resolve_selection
from flaskforge.cli import cli
from flaskforge.errors import ConflictingChoices, RequiredByOthers
from tests.lifecycle_kit import commit_all, files, git

CATALOGUE = load_catalogue()
EXTENSIONS = [c.name for c in CATALOGUE.extensions]
TARGETS = [c.name for c in CATALOGUE.targets]
ALL = [*EXTENSIONS, *TARGETS]
STARTS = {
    "bare": ([], []),
    "recommended": (
        [c.name for c in CATALOGUE.extensions if c.recommended],
        [c.name for c in CATALOGUE.targets if c.recommended],
    ),
    "api-with-docker": ([n for n in ("cors", "ratelimit") if n in EXTENSIONS], ["docker"]),
    "everything": (EXTENSIONS, TARGETS),
}


def _kind(name: str) -> str:
    return "extension" if name in EXTENSIONS else "target"


def _requirers(selection: set[str], removed: set[str]) -> set[str]:
    """Everything in ``selection`` that requires something removed, transitively."""
    result: set[str] = set()
    while True:
        more = {
            name
            for name in selection - removed - result
            if set(CATALOGUE.get(_kind(name), name).requires) & (removed | result)  # type: ignore[arg-type]
        }
        if not more:
            return result
        result |= more


def _cases() -> list:
    seen, cases = set(), []
    for start, (extensions, targets) in STARTS.items():
        for name in ALL:
            try:
                selection = resolve_selection(
                    CATALOGUE,
                    extensions=[*extensions, name]
                    if name in EXTENSIONS
                    else extensions or ["none"],
                    targets=[*targets, name] if name in TARGETS else targets or ["none"],
                )
            except ConflictingChoices:
                continue
            chosen = frozenset(selection.extensions + selection.targets)
            if (chosen, name) not in seen:
                seen.add((chosen, name))
                cases.append(pytest.param(chosen, name, id=f"{start}-{name}"))
    return cases


def _answers(names) -> dict[str, object]:
    return {
        "extensions": sorted(n for n in names if n in EXTENSIONS) or ["none"],
        "targets": sorted(n for n in names if n in TARGETS) or ["none"],
        "description": "Removal",
    }


def _new(out: Path, names) -> Path:
    create_project("rm-svc", output_dir=out, **_answers(names))  # type: ignore[arg-type]
    return out / "rm-svc"


def _fresh(names) -> dict[str, bytes]:
    """What 'flaskforge new' makes for ``names``, rendered in memory."""
    plan = plan_project("rm-svc", output_dir="unused", **_answers(names))  # type: ignore[arg-type]
    return {path: file.content for path, file in plan.files.items()}


@pytest.mark.parametrize(("selection", "name"), _cases())
def test_new_with_it_then_remove_equals_new_without_it(
    tmp_path: Path, selection: frozenset[str], name: str
) -> None:
    project = _new(tmp_path / "removed", selection)
    dependents = _requirers(set(selection), {name})
    if dependents:
        with pytest.raises(RequiredByOthers) as refused:
            remove_extensions([name], project=project)
        assert refused.value.exit_code == 2
        assert set(refused.value.dependents) <= dependents
        assert git(project, "status", "--porcelain") == ""
    result = remove_extensions([name], project=project, cascade=bool(dependents))
    assert (result.conflicts, result.left) == ((), ())
    assert set(result.removed) == {name} | dependents
    removed, direct = files(project), _fresh(set(selection) - {name} - dependents)
    assert sorted(removed) == sorted(direct), "different file sets"
    assert [path for path in direct if removed[path] != direct[path]] == []
    # Its baseline moved with it: the next command starts from the smaller selection.
    commit_all(project, "removed")
    assert git(project, "diff", "refs/flaskforge/baseline", "--stat") == ""


@pytest.mark.parametrize("name", ALL)
def test_add_remove_add_equals_one_add(tmp_path: Path, name: str) -> None:
    project = _new(tmp_path / "thrice", set())
    add_extensions([name], project=project)
    commit_all(project, "add")
    remove_extensions([name], project=project, cascade=True)
    commit_all(project, "remove")
    add_extensions([name], project=project)
    added = resolve_selection(
        CATALOGUE,
        extensions=[name] if name in EXTENSIONS else ["none"],
        targets=[name] if name in TARGETS else ["none"],
    )
    assert files(project) == _fresh(added.extensions + added.targets)


PACKAGE = "rm_svc"
#: Owner edits in files every extension shares, each (path, anchor, text added after it); an
#: anchor of None appends. Written against what any catalogue renders: the ends of the files.
EDITS = {
    "app factory": (f"src/{PACKAGE}/app.py", None, "\n\n# Reviewed by the platform team.\n"),
    "config": (f"src/{PACKAGE}/config.py", None, "\n\nOWNER_SETTING = 'ours'\n"),
    "pyproject": ("pyproject.toml", None, "\n[tool.coverage.run]\nbranch = true\n"),
    "readme": ("README.md", None, "\n## Our runbook\n\nPage the on-call engineer.\n"),
    "items routes": (f"src/{PACKAGE}/api/v1/items/routes.py", None, "\n\n# Owner note.\n"),
}


@pytest.mark.parametrize("name", ALL)
def test_owner_edits_in_shared_files_are_kept_or_marked(tmp_path: Path, name: str) -> None:
    project = _new(tmp_path, set(EXTENSIONS) | set(TARGETS))
    for path, _, text in EDITS.values():
        file = project / path
        file.write_text(file.read_text() + text)
    commit_all(project, "our edits")
    result = remove_extensions([name], project=project, cascade=True)
    for kind, (path, _, text) in EDITS.items():
        content = (project / path).read_text()
        if path in result.conflicts:
            assert "<<<<<<< yours\n" in content, kind
        assert text.strip() in content, f"the {kind} edit was lost"


def test_an_extension_file_the_owner_edited_is_left_and_reported(tmp_path: Path) -> None:
    project = _new(tmp_path, {"cors"})
    module = project / f"src/{PACKAGE}/extensions/cors.py"
    module.write_text(module.read_text() + "\n# We tuned this.\n")
    commit_all(project, "tuned")
    result = CliRunner().invoke(cli, ["remove-extension", "cors", "-C", str(project)])
    assert result.exit_code == 1
    assert f"  left     src/{PACKAGE}/extensions/cors.py\n" in result.stdout
    assert result.stderr == (
        f"Error: You edited src/{PACKAGE}/extensions/cors.py, which flaskforge no longer "
        "generates: delete or keep it, then commit; everything else was applied.\n"
    )
    assert module.read_text().endswith("# We tuned this.\n")
    assert "extensions = []" in (project / ".flaskforge.toml").read_text()


def test_a_line_the_owner_changed_where_the_removal_changes_it_is_marked_exit_1(
    tmp_path: Path,
) -> None:
    project = _new(tmp_path, {"cors"})
    init = project / f"src/{PACKAGE}/extensions/__init__.py"
    bound = "    cors.init_app(app)\n"
    assert bound in init.read_text()
    init.write_text(init.read_text().replace(bound, "    cors.init_app(app)  # Ours: reviewed.\n"))
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nOur notes stay.\n")
    commit_all(project, "our edits")
    result = CliRunner().invoke(cli, ["remove-extension", "cors", "-C", str(project)])
    assert result.exit_code == 1
    assert f"  conflict  src/{PACKAGE}/extensions/__init__.py\n" in result.stdout
    assert result.stderr.startswith(f"Error: Conflicts in src/{PACKAGE}/extensions/__init__.py")
    assert (
        "<<<<<<< yours\n    cors.init_app(app)  # Ours: reviewed.\n=======\n>>>>>>> flaskforge\n"
    ) in init.read_text()
    # The rest was applied: the extension's own files are gone, the other edit is kept.
    assert not (project / f"src/{PACKAGE}/extensions/cors.py").exists()
    assert readme.read_text().endswith("\nOur notes stay.\n")
    assert "extensions = []" in (project / ".flaskforge.toml").read_text()


@pytest.mark.parametrize(
    ("args", "exit_code", "line"),
    [
        (["caching", "--cascade"], 0, "Nothing to do: none of them is enabled.\n"),
        (["cahcing"], 2, "Error: Unknown extension 'cahcing'. Did you mean 'caching'?"),
        (["../etc"], 2, "Error: Unknown extension '../etc'."),
        (["none"], 0, "Nothing to do: none of them is enabled.\n"),
    ],
)
def test_odd_names(tmp_path: Path, args: list[str], exit_code: int, line: str) -> None:
    project = _new(tmp_path, {"cors"})
    result = CliRunner().invoke(cli, ["remove-extension", *args, "-C", str(project)])
    assert result.exit_code == exit_code
    assert line in (result.stdout if exit_code == 0 else result.stderr)
    assert git(project, "status", "--porcelain") == ""


def test_a_required_one_is_refused_with_exit_2_naming_who_needs_it(tmp_path: Path) -> None:
    requirers = [c for c in CATALOGUE.extensions if c.requires]
    if not requirers:
        pytest.fail("the catalogue has no extension that requires another")
    needing = requirers[0]
    project = _new(tmp_path, {needing.name})
    needed = needing.requires[0]
    result = CliRunner().invoke(cli, ["remove-extension", needed, "-C", str(project)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: Cannot remove {needed}: {needing.name} requires {needed}. Remove those too, "
        "or pass --cascade to remove them with it.\n"
    )
    cascaded = CliRunner().invoke(
        cli, ["remove-extension", needed, "--cascade", "-C", str(project)]
    )
    assert cascaded.exit_code == 0, cascaded.output
    assert cascaded.stdout.startswith(
        f"Removed {', '.join(sorted([needed, needing.name]))} ({needing.name} required what you "
        "named: removed too).\n"
    )
