"""The spine every command that changes an existing project goes through.

1. **Render** the target: the clean tree for the (answers, version) the command moves to
   (``_clean``), beside the baseline, the clean tree the project started from (``_baseline``).
2. **Plan**, in memory: run the version migrations that are due, then merge baseline -> target
   into the owner's files, file by file (``_merge``). ``--dry-run`` stops here.
3. **Apply**: every file in one journaled step, the record last, the baseline ref moved with
   them (``_apply``).

``add-extension`` and ``remove-extension`` change the answers; ``update`` changes the version.
That is the only fork.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from flaskforge import _baseline, _git
from flaskforge._apply import RefMove, Transaction, apply
from flaskforge._clean import render_installed
from flaskforge._lock import LOCK_COMMANDS
from flaskforge._merge import FileChange, Outcome, merge_trees
from flaskforge._migrations import Migration, ProjectFiles, disk_paths, run
from flaskforge._record import RECORD_FILE, ProjectRecord, dump_record
from flaskforge._versions import installed
from flaskforge._workspace import Workspace, require_package
from flaskforge.errors import UpdateFirst, WriteFailed

if TYPE_CHECKING:
    from flaskforge._catalogue import Catalogue
    from flaskforge._render import RenderedFile


@dataclass(frozen=True)
class ChangePlan:
    """What a lifecycle command will do to a project, computed without writing anything.

    Attributes:
        project: the project folder.
        command: ``"add-extension"``, ``"remove-extension"`` or ``"update"``.
        record: the project's record now.
        target: its record afterwards.
        added: components added (as asked for and implied), sorted.
        implied: those added because another one requires them.
        removed: components removed (as asked for and, with cascade, their dependents).
        migrations: the summaries of the version migrations that run, in order.
        changes: every file that changes or needs the owner's attention, sorted by path.
        baseline: where the baseline came from (see ``Baseline.source``).
        notes: what the user should know (for instance, that the baseline was approximated).
        next_steps: what the user should do afterwards, from the components' manifests.
    """

    project: Path
    command: str
    record: ProjectRecord
    target: ProjectRecord
    added: tuple[str, ...] = ()
    implied: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    migrations: tuple[str, ...] = ()
    changes: tuple[FileChange, ...] = ()
    baseline: str = ""
    notes: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    # What applying needs besides the files: the new baseline and the commit it follows.
    _goal: Mapping[str, RenderedFile] = field(default_factory=dict, repr=False, compare=False)
    _parent: str | None = field(default=None, repr=False, compare=False)

    @property
    def conflicts(self) -> tuple[str, ...]:
        """Files written with conflict markers, for the user to resolve."""
        return tuple(c.path for c in self.changes if c.outcome is Outcome.CONFLICT)

    @property
    def left(self) -> tuple[str, ...]:
        """Files the user edited that flaskforge no longer generates, left in place."""
        return tuple(c.path for c in self.changes if c.outcome is Outcome.LEFT)

    @property
    def locks_written(self) -> tuple[str, ...]:
        """The lock files (``requirements.txt``, ``requirements-dev.txt``) the change writes."""
        written = {c.path for c in self.changes if c.writes}
        return tuple(path for path in LOCK_COMMANDS if path in written)

    @property
    def dependencies_changed(self) -> bool:
        """Whether the change writes ``pyproject.toml`` or a lock file: reinstall afterwards."""
        return bool(self.locks_written) or any(
            c.path == "pyproject.toml" and c.writes for c in self.changes
        )

    @property
    def from_version(self) -> str:
        """The project's flaskforge version before the command."""
        return self.record.flaskforge_version

    @property
    def to_version(self) -> str:
        """The project's flaskforge version after the command."""
        return self.target.flaskforge_version


@dataclass(frozen=True)
class ChangeResult(ChangePlan):
    """What a lifecycle command did: its plan, and whether it was written.

    Attributes:
        written: False for a dry run or when there was nothing to do.
        recovered: ``"rolled back"`` or ``"rolled forward"`` when the command first finished
            a step an interrupted flaskforge had left in the project.
    """

    written: bool = False
    recovered: str | None = None


def plan_change(
    workspace: Workspace,
    catalogue: Catalogue,
    target: ProjectRecord,
    *,
    command: str,
    find_links: Path | None = None,
    migrations: Sequence[Migration] = (),
    added: tuple[str, ...] = (),
    implied: tuple[str, ...] = (),
    removed: tuple[str, ...] = (),
    next_steps: tuple[str, ...] = (),
) -> ChangePlan:
    """Plan moving ``workspace`` to ``target`` (new answers, or the installed version).

    Raises:
        PackageFolderMissing: the recorded package folder is not there.
        UpdateFirst: an add or remove on an older version's files cannot be expressed.
    """
    record = workspace.record
    baseline = _baseline.load(
        workspace.root, workspace.repo, record, catalogue, find_links=find_links
    )
    require_package(workspace, baseline.files)
    if record.flaskforge_version == target.flaskforge_version == installed() or command == "update":
        goal = render_installed(catalogue, target)
    else:
        goal = _carried(catalogue, baseline.files, record, target)
    base = {path: file.content for path, file in baseline.files.items()}
    owner_changes: dict[str, bytes | None] = {}
    if migrations:
        base_changes = run(migrations, ProjectFiles(base, base.get))
        base = {p: c for p, c in {**base, **base_changes}.items() if c is not None}
        owner_changes = run(migrations, ProjectFiles(disk_paths(workspace.root), _disk(workspace)))
    disk = _disk(workspace)

    def yours(path: str) -> bytes | None:
        return owner_changes[path] if path in owner_changes else disk(path)

    changes = merge_trees(
        base,
        yours,
        {path: file.content for path, file in goal.items()},
        executable={path: file.executable for path, file in goal.items()},
        replaced=frozenset({RECORD_FILE}),
    )
    changes = _with_migrations(changes, owner_changes, disk)
    parent = (
        _git.resolve(workspace.repo, _baseline.ref_name(workspace.repo)) if workspace.repo else None
    )
    return ChangePlan(
        project=workspace.root,
        command=command,
        record=record,
        target=target,
        added=added,
        implied=implied,
        removed=removed,
        migrations=tuple(m.summary for m in migrations),
        changes=tuple(changes),
        baseline=baseline.source,
        notes=(baseline.note,) if baseline.note else (),
        next_steps=next_steps,
        _goal=goal,
        _parent=parent or baseline.commit,
    )


def apply_change(workspace: Workspace, plan: ChangePlan) -> None:
    """Write ``plan`` into the project in one journaled step, and move its baseline with it.

    Raises:
        WriteFailed: the disk failed; the project is as it was.
    """
    writes: dict[str, bytes | None] = {}
    modes: dict[str, int] = {}
    umask = _umask()
    for change in plan.changes:
        if not change.writes:
            continue
        if change.moved_from is not None:
            writes[change.moved_from] = None
        writes[change.path] = change.after
        if change.executable:
            modes[change.path] = 0o777 & ~umask
    ref = None
    repo = workspace.repo
    if repo is not None:
        try:
            commit = _baseline.store(repo, dict(plan._goal), plan.target, plan._parent)
        except OSError as error:
            raise WriteFailed(str(workspace.root), error.strerror or str(error)) from error
        ref = RefMove(
            _baseline.ref_name(repo), commit, _git.resolve(repo, _baseline.ref_name(repo))
        )
    apply(workspace.root, Transaction(writes, modes, last=RECORD_FILE, ref=ref))


def _carried(
    catalogue: Catalogue,
    baseline: Mapping[str, RenderedFile],
    record: ProjectRecord,
    target: ProjectRecord,
) -> dict[str, RenderedFile]:
    """The target of an add or remove on a project of an older version.

    This flaskforge does not have that version's templates: the component's change, rendered
    with today's templates, is merged into the older baseline the way it is merged into the
    owner's files.
    """
    from flaskforge._render import RenderedFile

    now = {
        p: f.content
        for p, f in render_installed(
            catalogue, replace(record, flaskforge_version=installed())
        ).items()
    }
    later_files = render_installed(catalogue, replace(target, flaskforge_version=installed()))
    later = {p: f.content for p, f in later_files.items()}
    carried = merge_trees(
        now, lambda path: baseline[path].content if path in baseline else None, later
    )
    stuck = [c.path for c in carried if c.outcome in (Outcome.CONFLICT, Outcome.LEFT)]
    if stuck:
        raise UpdateFirst(record.flaskforge_version, installed(), stuck)
    goal = dict(baseline)
    for change in carried:
        if change.moved_from is not None:
            goal.pop(change.moved_from, None)
        if change.after is None:
            goal.pop(change.path, None)
        else:
            executable = (
                baseline[change.path].executable
                if change.path in baseline
                else later_files[change.path].executable
            )
            goal[change.path] = RenderedFile(change.after, executable)
    goal[RECORD_FILE] = RenderedFile(dump_record(target).encode("utf-8"))
    return dict(sorted(goal.items()))


def _with_migrations(
    changes: list[FileChange],
    owner_changes: Mapping[str, bytes | None],
    disk: Callable[[str], bytes | None],
) -> list[FileChange]:
    """Account for what the migrations changed in the owner's files.

    The merge compared against the migrated files; a file it leaves alone still has to get the
    migration's change, and a file no render has is changed by the migration alone.
    """
    if not owner_changes:
        return changes
    result = []
    for change in changes:
        on_disk = disk(change.moved_from or change.path)
        outcome = change.outcome
        if change.path in owner_changes and outcome is Outcome.KEPT:
            outcome = Outcome.MIGRATED
        result.append(replace(change, before=on_disk, outcome=outcome))
    planned = {c.path for c in result} | {c.moved_from for c in result if c.moved_from}
    for path, content in owner_changes.items():
        if path in planned:
            continue
        on_disk = disk(path)
        if content != on_disk:
            result.append(FileChange(path, Outcome.MIGRATED, on_disk, content))
    return sorted(result, key=lambda c: c.path)


def _disk(workspace: Workspace) -> Callable[[str], bytes | None]:
    """Reads the project's files (None when absent), each once."""
    cache: dict[str, bytes | None] = {}

    def read(path: str) -> bytes | None:
        if path not in cache:
            file = workspace.root / path
            cache[path] = file.read_bytes() if file.is_file() else None
        return cache[path]

    return read


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
