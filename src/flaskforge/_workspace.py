"""Open an existing project for a lifecycle command; every refusal happens here.

Find the project, finish an interrupted step, read and check its record, and find its git
repository, all before anything is planned or written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flaskforge import _git
from flaskforge._apply import recover
from flaskforge._catalogue import Catalogue, Kind
from flaskforge._naming import parse_project_name
from flaskforge._record import RECORD_FILE, ProjectRecord, read_record
from flaskforge._versions import compare, installed
from flaskforge.errors import (
    CorruptProjectRecord,
    DirtyWorkingTree,
    InvalidProjectName,
    NotAFlaskforgeProject,
    PackageFolderMissing,
    ProjectFromNewerFlaskforge,
)


@dataclass(frozen=True)
class Workspace:
    """A project opened for a lifecycle command.

    Attributes:
        root: the project folder.
        record: what its ``.flaskforge.toml`` says.
        repo: its git repository (None without git).
        recovered: ``"rolled back"`` or ``"rolled forward"`` when an interrupted step was
            finished on opening, else None.
    """

    root: Path
    record: ProjectRecord
    repo: _git.Repo | None
    recovered: str | None


def open_project(project: Path | str, catalogue: Catalogue, *, reading: bool = False) -> Workspace:
    """Open ``project``, first finishing any step an interrupted flaskforge left in it.

    Args:
        project: the project folder.
        catalogue: the catalogue the record's names must be in.
        reading: for commands that only report: a project of a newer flaskforge is opened
            (its unknown names are not checked) instead of refused.

    Raises:
        NotAFlaskforgeProject, CorruptProjectRecord, ProjectFromNewerFlaskforge, ProjectBusy.
    """
    root = Path(project)
    if not root.is_dir():
        raise NotAFlaskforgeProject(str(root), folder_exists=False)
    path = root / RECORD_FILE
    if not path.is_file():
        raise NotAFlaskforgeProject(str(root))
    recovered = recover(root)
    try:
        record = read_record(root)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CorruptProjectRecord(str(path), str(error)) from None
    try:
        newer = compare(record.flaskforge_version, installed()) > 0
    except ValueError as error:
        raise CorruptProjectRecord(str(path), f"flaskforge_version: {error}") from None
    if newer and not reading:
        raise ProjectFromNewerFlaskforge(str(root), record.flaskforge_version, installed())
    try:
        name = parse_project_name(record.project_name)
    except InvalidProjectName as error:
        raise CorruptProjectRecord(str(path), error.reason) from None
    if name.package != record.package_name:
        raise CorruptProjectRecord(
            str(path), f"package_name {record.package_name!r} does not match the project name"
        )
    if not newer:
        recorded: tuple[tuple[Kind, tuple[str, ...]], ...] = (
            ("extension", record.extensions),
            ("target", record.targets),
        )
        for kind, names in recorded:
            known = {c.name for c in catalogue.of_kind(kind)}
            for unknown in sorted(set(names) - known):
                raise CorruptProjectRecord(
                    str(path),
                    f"it names the {kind} {unknown!r}, which this flaskforge does not know",
                )
    return Workspace(root, record, _git.find_repo(root), recovered)


def require_clean(workspace: Workspace) -> None:
    """Refuse a project whose git tree has uncommitted or untracked files, naming them."""
    if workspace.repo is None:
        return  # nothing to compare with
    changed = _git.changed_paths(workspace.repo)
    if changed:
        raise DirtyWorkingTree(str(workspace.root), changed)


def require_package(workspace: Workspace, clean: Mapping[str, object]) -> None:
    """Refuse a project whose recorded package folder is missing, if its render has one.

    ``clean`` is the project's clean render; a package folder renamed by its owner would
    otherwise get new files under the old name.
    """
    folder = f"src/{workspace.record.package_name}"
    has_package = any(path.startswith(folder + "/") for path in clean)
    if has_package and not (workspace.root / folder).is_dir():
        raise PackageFolderMissing(str(workspace.root), folder, workspace.record.package_name)
