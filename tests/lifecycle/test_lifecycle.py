"""new, then add-extension, on the shipped catalogue: the promises of issue 'add-extension'.

- Equivalence: 'new S' then 'add-extension X' gives the same files as 'new S+X', for every
  extension and target, from the bare selection and from a few realistic ones.
- Idempotence: adding the same thing again leaves 'git status' clean.
- User edits to each kind of generated file survive; conflicting edits are reported.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from flaskforge import create_project, load_catalogue
from flaskforge._grow import add_extensions
from flaskforge._selection import resolve_selection
from flaskforge.errors import ConflictingChoices

CATALOGUE = load_catalogue()
EXTENSIONS = [c.name for c in CATALOGUE.extensions]
TARGETS = [c.name for c in CATALOGUE.targets]
STARTS = {
    "bare": ([], []),
    "recommended": (
        [c.name for c in CATALOGUE.extensions if c.recommended],
        [c.name for c in CATALOGUE.targets if c.recommended],
    ),
    "api-with-docker": ([n for n in ("cors", "ratelimit") if n in EXTENSIONS], ["docker"]),
    "authenticated-api": (
        [n for n in ("jwt", "openapi", "database") if n in EXTENSIONS],
        ["docker", "kubernetes"],
    ),
}


def _cases() -> list:
    cases = []
    for start, (extensions, targets) in STARTS.items():
        for name in [*EXTENSIONS, *TARGETS]:
            if name in extensions or name in targets:
                continue
            bigger_e = [*extensions, name] if name in EXTENSIONS else extensions
            bigger_t = [*targets, name] if name in TARGETS else targets
            try:
                selection = resolve_selection(
                    CATALOGUE, extensions=bigger_e or ["none"], targets=bigger_t or ["none"]
                )
            except ConflictingChoices:
                continue
            # Skip starts that already hold everything the addition would bring.
            if set(selection.extensions) == set(extensions) and set(selection.targets) == set(
                targets
            ):
                continue
            cases.append(pytest.param(start, name, id=f"{start}+{name}"))
    return cases


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def _git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout


def _new(out: Path, extensions: list[str], targets: list[str], *, git: bool = True) -> Path:
    create_project(
        "life-svc",
        output_dir=out,
        extensions=extensions or ["none"],
        targets=targets or ["none"],
        description="Lifecycle",
        git=git,
    )
    return out / "life-svc"


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Path], Path]:
    """``started(start, out)``: a fresh copy, below ``out``, of the project ``new`` gives ``start``.

    Each start is generated and committed once per module (git is most of the cost); every test
    grows a copy of its own, history included.
    """
    made: dict[str, Path] = {}

    def copy(start: str, out: Path) -> Path:
        if start not in made:
            made[start] = _new(tmp_path_factory.mktemp(start), *STARTS[start])
            _git(made[start], "gc", "--quiet")  # one pack: a copy is a few files, not hundreds
        project = out / made[start].name
        shutil.copytree(made[start], project, symlinks=True)
        return project

    return copy


@pytest.mark.parametrize(("start", "name"), _cases())
def test_new_then_add_equals_new_with_it(
    tmp_path: Path, started: Callable[[str, Path], Path], start: str, name: str
) -> None:
    extensions, targets = STARTS[start]
    project = started(start, tmp_path / "grown")
    result = add_extensions([name], project=project)
    assert result.conflicts == ()
    bigger_e = [*extensions, name] if name in EXTENSIONS else extensions
    bigger_t = [*targets, name] if name in TARGETS else targets
    # Compared as files (.git excluded), so the direct project needs no repository.
    direct = _new(tmp_path / "direct", bigger_e, bigger_t, git=False)
    grown, expected = _files(project), _files(direct)
    assert sorted(grown) == sorted(expected), "different file sets"
    different = [path for path in expected if grown[path] != expected[path]]
    assert different == []


@pytest.mark.parametrize("name", [*EXTENSIONS, *TARGETS])
def test_adding_twice_leaves_git_status_clean(
    tmp_path: Path, started: Callable[[str, Path], Path], name: str
) -> None:
    project = started("bare", tmp_path)
    add_extensions([name], project=project)
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", f"add {name}")
    again = add_extensions([name], project=project)
    assert again.changes == ()
    assert _git(project, "status", "--porcelain") == ""


@pytest.mark.parametrize("name", [*EXTENSIONS, *TARGETS])
def test_a_crlf_checkout_gets_the_extension_in_its_own_line_endings(
    tmp_path: Path, name: str
) -> None:
    """The same project and the same owner edit, checked out with LF and with CRLF line endings
    (core.autocrlf, as on Windows): the same merge, in each file's own line endings."""
    results = {}
    for endings in ("lf", "crlf"):
        project = _new(tmp_path / endings, [], [])
        if endings == "crlf":
            _git(project, "config", "core.autocrlf", "true")
            for path in list(project.rglob("*")):
                if path.is_file() and ".git" not in path.parts:
                    path.unlink()
            _git(project, "checkout", "-q", "--", ".")
        readme = project / "README.md"
        newline = b"\r\n" if endings == "crlf" else b"\n"
        assert readme.read_bytes().count(newline) == readme.read_bytes().count(b"\n")
        readme.write_bytes(readme.read_bytes() + newline + b"Our notes." + newline)
        _git(project, "commit", "-qam", "notes")
        result = add_extensions([name], project=project)
        _git(project, "add", "-A")
        results[endings] = (project, result, _git(project, "diff", "--cached", "--numstat"))
    (lf, lf_result, lf_diff), (crlf, crlf_result, crlf_diff) = results["lf"], results["crlf"]
    assert crlf_result.conflicts == lf_result.conflicts
    # git sees the same lines change: no file became one whole-file conflict.
    assert crlf_diff == lf_diff
    for change in crlf_result.changes:
        content = (crlf / change.path).read_bytes()
        if change.before is not None:  # an existing file keeps its CRLF line endings
            assert content == (lf / change.path).read_bytes().replace(b"\n", b"\r\n"), change.path
