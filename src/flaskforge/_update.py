"""``update_project``: move a project to the installed flaskforge version, keeping its lines.

Every line the project's owner wrote is kept.

The answers stay; the version changes. The baseline (the clean render of the project's version)
is merged into the owner's files towards the clean render of the installed version, after the
version migrations that are due (see ``_migrations``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flaskforge import _migrations
from flaskforge._catalogue import Catalogue, load_catalogue
from flaskforge._lifecycle import ChangePlan, ChangeResult, apply_change, plan_change
from flaskforge._versions import installed
from flaskforge._workspace import Workspace, open_project, require_clean


def plan_update(
    *,
    project: Path | str = ".",
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ChangePlan:
    """What ``update_project`` would do, computed without writing anything.

    Raises:
        The same errors as ``update_project``, except ``DirtyWorkingTree``.
    """
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue)
    return _plan(workspace, catalogue, find_links)


def update_project(
    *,
    project: Path | str = ".",
    dry_run: bool = False,
    allow_dirty: bool = False,
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ChangeResult:
    """Move the project in ``project`` to this flaskforge's version.

    Args:
        project: the project folder (the one holding ``.flaskforge.toml``).
        dry_run: plan and report, write nothing.
        allow_dirty: proceed even if the project's git tree has uncommitted changes.
        catalogue: the catalogue to use (the shipped one by default).
        find_links: a folder of flaskforge wheels to install the project's own version from,
            when its baseline must be rendered again (besides the package index).

    Returns:
        What changed, file by file; ``conflicts`` and ``left`` need the owner. Nothing to do
        (``written`` False, no changes) when the project is at this version already.

    Raises:
        NotAFlaskforgeProject, CorruptProjectRecord, DirtyWorkingTree, PackageFolderMissing,
        ProjectFromNewerFlaskforge: exit status 1; nothing was written.
        WriteFailed: the disk failed; the project is as it was.
    """
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue)
    current = workspace.record.flaskforge_version == installed()
    if not current and not allow_dirty and not dry_run:
        require_clean(workspace)
    plan = _plan(workspace, catalogue, find_links)
    written = not current and not dry_run
    if written:
        apply_change(workspace, plan)
    fields = {name: getattr(plan, name) for name in plan.__dataclass_fields__}
    return ChangeResult(**fields, written=written, recovered=workspace.recovered)


def _plan(workspace: Workspace, catalogue: Catalogue, find_links: Path | None) -> ChangePlan:
    record = workspace.record
    if record.flaskforge_version == installed():
        return ChangePlan(workspace.root, "update", record, record)
    return plan_change(
        workspace,
        catalogue,
        replace(record, flaskforge_version=installed()),
        command="update",
        find_links=find_links,
        migrations=_migrations.due(record.flaskforge_version, installed()),
    )
