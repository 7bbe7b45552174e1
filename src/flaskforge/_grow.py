"""``add_extensions`` and ``remove_extensions``: change a project's components, keeping its lines.

Every line the project's owner wrote is kept.

Both change the answers and keep the version: the target is the clean render of the new
selection, merged into the project from its baseline (see ``_lifecycle``). Each has a
``plan_*`` twin that computes the same plan and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from flaskforge._catalogue import Catalogue, Kind, load_catalogue
from flaskforge._lifecycle import ChangePlan, ChangeResult, apply_change, plan_change
from flaskforge._record import ProjectRecord
from flaskforge._selection import NONE, Selection, resolve_selection, split_choices
from flaskforge._steps import added_steps
from flaskforge._workspace import Workspace, open_project, require_clean
from flaskforge.errors import RequiredByOthers, UnknownChoice

#: The result of ``add_extensions`` (the name it had before every lifecycle command shared it).
GrowResult = ChangeResult


@dataclass(frozen=True)
class _Change:
    """A new selection, and how it came about."""

    target: ProjectRecord
    changed: tuple[str, ...]
    implied: tuple[str, ...]
    next_steps: tuple[str, ...] = ()


def plan_add_extensions(
    names: Iterable[str],
    *,
    project: Path | str = ".",
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ChangePlan:
    """What ``add_extensions`` would do, computed without writing anything.

    Raises:
        The same errors as ``add_extensions``, except ``DirtyWorkingTree``.
    """
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue)
    change = _adding(workspace, catalogue, names)
    return _plan(workspace, catalogue, change, "add-extension", find_links)


def add_extensions(
    names: Iterable[str],
    *,
    project: Path | str = ".",
    dry_run: bool = False,
    allow_dirty: bool = False,
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ChangeResult:
    """Add extensions and/or deployment targets to the project in ``project``.

    Args:
        names: extension or target names (or aliases); requirements are added.
        project: the project folder (the one holding ``.flaskforge.toml``).
        dry_run: plan and report, write nothing.
        allow_dirty: proceed even if the project's git tree has uncommitted changes.
        catalogue: the catalogue to use (the shipped one by default).
        find_links: a folder of flaskforge wheels, for restoring the baseline of a project of
            another version (see ``flaskforge update``).

    Returns:
        What changed, file by file. ``conflicts`` lists files left with conflict markers.

    Raises:
        NotAFlaskforgeProject, CorruptProjectRecord, DirtyWorkingTree, PackageFolderMissing,
        ProjectFromNewerFlaskforge: exit status 1; nothing was written.
        UnknownChoice, ConflictingChoices: bad names; nothing was written.
        WriteFailed: the disk failed; the project is as it was.
    """
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue)
    change = _adding(workspace, catalogue, names)
    return _run(workspace, catalogue, change, "add-extension", dry_run, allow_dirty, find_links)


def plan_remove_extensions(
    names: Iterable[str],
    *,
    project: Path | str = ".",
    cascade: bool = False,
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ChangePlan:
    """What ``remove_extensions`` would do, computed without writing anything.

    Raises:
        The same errors as ``remove_extensions``, except ``DirtyWorkingTree``.
    """
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue)
    change = _removing(workspace, catalogue, names, cascade)
    return _plan(workspace, catalogue, change, "remove-extension", find_links)


def remove_extensions(
    names: Iterable[str],
    *,
    project: Path | str = ".",
    cascade: bool = False,
    dry_run: bool = False,
    allow_dirty: bool = False,
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ChangeResult:
    """Take extensions and/or deployment targets out of the project in ``project``.

    What they brought goes (files, dependencies, settings, wiring); what the owner changed in
    shared files stays. Files of theirs the owner edited are left in place and reported.

    Args:
        names: extension or target names (or aliases) to remove.
        project: the project folder.
        cascade: also remove the enabled components that require them.
        dry_run: plan and report, write nothing.
        allow_dirty: proceed even if the project's git tree has uncommitted changes.
        catalogue: the catalogue to use (the shipped one by default).
        find_links: a folder of flaskforge wheels, for restoring the baseline.

    Returns:
        What changed, file by file; ``removed`` names every component taken out.

    Raises:
        RequiredByOthers: another enabled component requires one of them (exit status 2).
        UnknownChoice: a name is not in the catalogue.
        The errors of ``add_extensions``.
    """
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue)
    change = _removing(workspace, catalogue, names, cascade)
    return _run(workspace, catalogue, change, "remove-extension", dry_run, allow_dirty, find_links)


def _plan(
    workspace: Workspace,
    catalogue: Catalogue,
    change: _Change,
    command: str,
    find_links: Path | None,
) -> ChangePlan:
    if not change.changed:
        return ChangePlan(workspace.root, command, workspace.record, workspace.record)
    adding = command == "add-extension"
    return plan_change(
        workspace,
        catalogue,
        change.target,
        command=command,
        find_links=find_links,
        added=change.changed if adding else (),
        removed=() if adding else change.changed,
        implied=change.implied,
        next_steps=change.next_steps,
    )


def _run(
    workspace: Workspace,
    catalogue: Catalogue,
    change: _Change,
    command: str,
    dry_run: bool,
    allow_dirty: bool,
    find_links: Path | None,
) -> ChangeResult:
    if change.changed and not allow_dirty and not dry_run:
        require_clean(workspace)
    plan = _plan(workspace, catalogue, change, command, find_links)
    written = bool(change.changed) and not dry_run
    if written:
        apply_change(workspace, plan)
    fields = {name: getattr(plan, name) for name in plan.__dataclass_fields__}
    return ChangeResult(**fields, written=written, recovered=workspace.recovered)


def _adding(workspace: Workspace, catalogue: Catalogue, names: Iterable[str]) -> _Change:
    record = workspace.record
    wanted = split_choices(names)
    extensions, targets = _split_kinds(catalogue, [n for n in wanted if n != NONE])
    old = Selection(record.extensions, record.targets)
    new = resolve_selection(
        catalogue,
        extensions=[*old.extensions, *extensions] or [NONE],
        targets=[*old.targets, *targets] or [NONE],
    )
    added = tuple(sorted(set(new.extensions + new.targets) - set(old.extensions + old.targets)))
    asked = set(extensions) | set(targets)
    next_steps = added_steps(new.components(catalogue), added)
    return _Change(
        replace(record, extensions=new.extensions, targets=new.targets),
        added,
        tuple(sorted(set(added) - asked)),
        next_steps,
    )


def _removing(
    workspace: Workspace, catalogue: Catalogue, names: Iterable[str], cascade: bool
) -> _Change:
    record = workspace.record
    wanted = split_choices(names)
    extensions, targets = _split_kinds(catalogue, [n for n in wanted if n != NONE])
    enabled: set[tuple[Kind, str]] = {("extension", n) for n in record.extensions}
    enabled |= {("target", n) for n in record.targets}
    asked: set[tuple[Kind, str]] = {("extension", n) for n in extensions}
    asked |= {("target", n) for n in targets}
    removing = asked & enabled
    if not removing:
        return _Change(record, (), ())
    while True:
        dependents = {
            name: tuple(sorted(set(catalogue.get(kind, name).requires) & {n for _, n in removing}))
            for kind, name in sorted(enabled - removing)
        }
        dependents = {name: needs for name, needs in dependents.items() if needs}
        if not dependents:
            break
        if not cascade:
            raise RequiredByOthers(sorted(n for _, n in removing), dependents)
        removing |= {(kind, name) for kind, name in enabled if name in dependents}
    keep_extensions = [n for n in record.extensions if ("extension", n) not in removing]
    keep_targets = [n for n in record.targets if ("target", n) not in removing]
    new = resolve_selection(
        catalogue, extensions=keep_extensions or [NONE], targets=keep_targets or [NONE]
    )
    return _Change(
        replace(record, extensions=new.extensions, targets=new.targets),
        tuple(sorted(n for _, n in removing)),
        tuple(sorted(n for _, n in removing - asked)),
    )


def _split_kinds(catalogue: Catalogue, names: list[str]) -> tuple[list[str], list[str]]:
    """Sort names into extensions and targets; a name may be either (they never overlap)."""
    lookup: dict[str, tuple[Kind, str]] = {}
    kinds: tuple[Kind, ...] = ("extension", "target")
    for kind in kinds:
        for component in catalogue.of_kind(kind):
            for alias in (component.name, *component.aliases):
                lookup[alias] = (kind, component.name)
    extensions: list[str] = []
    targets: list[str] = []
    for name in names:
        if name not in lookup:
            raise UnknownChoice("extension", name, sorted(lookup))
        kind, canonical = lookup[name]
        (extensions if kind == "extension" else targets).append(canonical)
    return extensions, targets
