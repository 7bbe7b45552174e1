"""``project_status`` and ``check_project``: what a project has, and whether it is current.

Both only read (apart from finishing a step an interrupted flaskforge left, as every command
does first). ``check_project`` can also say how the project differs from its clean render: what
its owner changed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flaskforge import _baseline, _git
from flaskforge._catalogue import Catalogue, load_catalogue
from flaskforge._merge import is_crlf, to_crlf
from flaskforge._migrations import disk_paths
from flaskforge._versions import compare, installed
from flaskforge._workspace import Workspace, open_project

#: The version of the JSON that ``flaskforge check --json`` and ``status --json`` print.
JSON_FORMAT = 1


@dataclass(frozen=True)
class Difference:
    """One file where the project differs from its clean render.

    Attributes:
        path: the file, relative to the project.
        change: ``"modified"``, ``"added"`` (not in the clean render) or ``"deleted"``.
        clean: its bytes in the clean render (None when added).
        yours: its bytes in the project (None when deleted).
    """

    path: str
    change: str
    clean: bytes | None
    yours: bytes | None

    def diff(self) -> str:
        """A unified diff from the clean render to the project."""
        origin = f"a/{self.path}" if self.clean is not None else "/dev/null"
        destination = f"b/{self.path}" if self.yours is not None else "/dev/null"
        return "".join(
            difflib.unified_diff(_lines(self.clean), _lines(self.yours), origin, destination)
        )


@dataclass(frozen=True)
class ProjectStatus:
    """What a project has and where it stands.

    Attributes:
        project: the project folder.
        name: the project name.
        package: its Python package.
        project_version: the flaskforge version the project is at (its record says).
        installed_version: this flaskforge's version.
        state: ``"current"``, ``"behind"`` (an update is available) or ``"ahead"`` (made by a
            newer flaskforge than this one).
        extensions: enabled extensions, sorted.
        targets: enabled deployment targets, sorted.
        baseline: ``"present"``, ``"stale"`` (the ref holds another state of the project),
            ``"missing"`` or ``"no git"``.
        baseline_ref: the git ref that holds it (None without git).
        differences: with ``check_project(diff=True)``, every file that differs from the
            clean render; otherwise None.
        notes: what the user should know (for instance, how the baseline was restored).
        recovered: set when an interrupted step was first rolled back or forward.
    """

    project: Path
    name: str
    package: str
    project_version: str
    installed_version: str
    state: str
    extensions: tuple[str, ...]
    targets: tuple[str, ...]
    baseline: str
    baseline_ref: str | None
    differences: tuple[Difference, ...] | None = None
    notes: tuple[str, ...] = ()
    recovered: str | None = None

    @property
    def update_available(self) -> bool:
        """Whether ``flaskforge update`` would move the project to a newer version."""
        return self.state == "behind"

    def to_json(self) -> dict[str, Any]:
        """The JSON document ``--json`` prints (docs/reference/project-status.schema.json)."""
        document: dict[str, Any] = {
            "format": JSON_FORMAT,
            "project": str(self.project),
            "name": self.name,
            "package": self.package,
            "project_version": self.project_version,
            "installed_version": self.installed_version,
            "state": self.state,
            "update_available": self.update_available,
            "extensions": list(self.extensions),
            "targets": list(self.targets),
            "baseline": {"state": self.baseline, "ref": self.baseline_ref},
        }
        if self.differences is not None:
            document["differences"] = [
                {"path": d.path, "change": d.change, "diff": d.diff()} for d in self.differences
            ]
        return document


def project_status(
    *, project: Path | str = ".", catalogue: Catalogue | None = None
) -> ProjectStatus:
    """What the project in ``project`` has: components, versions, baseline.

    Raises:
        NotAFlaskforgeProject, CorruptProjectRecord: exit status 1.
    """
    catalogue = catalogue or load_catalogue()
    return _status(open_project(project, catalogue, reading=True))


def check_project(
    *,
    project: Path | str = ".",
    diff: bool = False,
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ProjectStatus:
    """Whether the project in ``project`` is at this flaskforge's version, for CI.

    Args:
        project: the project folder.
        diff: also compare the project with its clean render (restoring the baseline if it
            must, see ``flaskforge update``).
        catalogue: the catalogue to use (the shipped one by default).
        find_links: a folder of flaskforge wheels, for restoring the baseline.

    Returns:
        The project's status; ``state`` is ``"current"`` when it is at this version.

    Raises:
        NotAFlaskforgeProject, CorruptProjectRecord: exit status 1.
    """
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue, reading=True)
    status = _status(workspace)
    if not diff or status.state == "ahead":
        return status
    baseline = _baseline.load(
        workspace.root, workspace.repo, workspace.record, catalogue, find_links=find_links
    )
    clean = {path: file.content for path, file in baseline.files.items()}
    differences = []
    for path in sorted(set(clean) | set(_project_paths(workspace))):
        file = workspace.root / path
        yours = file.read_bytes() if file.is_file() else None
        before = clean.get(path)
        if yours is not None and before is not None and is_crlf(yours):
            before = to_crlf(before)
        if yours == before:
            continue
        change = "added" if before is None else "deleted" if yours is None else "modified"
        differences.append(Difference(path, change, clean.get(path), yours))
    return _status(
        workspace,
        differences=tuple(differences),
        notes=(baseline.note,) if baseline.note else (),
    )


def _status(
    workspace: Workspace,
    *,
    differences: tuple[Difference, ...] | None = None,
    notes: tuple[str, ...] = (),
) -> ProjectStatus:
    record = workspace.record
    order = compare(record.flaskforge_version, installed())
    state = "behind" if order < 0 else "ahead" if order > 0 else "current"
    repo = workspace.repo
    return ProjectStatus(
        project=workspace.root,
        name=record.project_name,
        package=record.package_name,
        project_version=record.flaskforge_version,
        installed_version=installed(),
        state=state,
        extensions=record.extensions,
        targets=record.targets,
        baseline=_baseline.presence(repo, record),
        baseline_ref=_baseline.ref_name(repo) if repo is not None else None,
        differences=differences,
        notes=notes,
        recovered=workspace.recovered,
    )


def _project_paths(workspace: Workspace) -> list[str]:
    """The project's own files: tracked or not ignored with git, all but caches without."""
    if workspace.repo is not None:
        return _git.listed_paths(workspace.repo)
    return disk_paths(workspace.root)


def _lines(content: bytes | None) -> list[str]:
    return (content or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
