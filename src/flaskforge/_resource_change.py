"""``add_resource`` and ``remove_resource``: a REST resource in or out of a project.

Both change the record's resources and keep everything else; the rest is the lifecycle every
command shares (``_lifecycle``): the clean render of the new record is merged into the project
from its baseline, so the owner's edits stay, ``--dry-run`` writes nothing, a dirty tree is
refused, and an interrupted run is finished or rolled back by the next one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from flaskforge._catalogue import Catalogue, load_catalogue
from flaskforge._lifecycle import ChangePlan, ChangeResult, apply_change, plan_change
from flaskforge._record import ProjectRecord, RecordedResource, ResourceAddition
from flaskforge._resource_files import (
    FIRST_REVISION,
    addition_id,
    drop_id,
    plan_revisions,
    revision_id,
    revision_ids,
    revisions_of,
)
from flaskforge._resources import parse_fields, parse_resource_name
from flaskforge._workspace import Workspace, open_project, require_clean
from flaskforge.errors import InvalidResource


@dataclass(frozen=True)
class _Change:
    target: ProjectRecord
    changed: tuple[str, ...]
    next_steps: tuple[str, ...] = ()


def plan_add_resource(
    name: str,
    fields: Iterable[str],
    *,
    project: Path | str = ".",
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ChangePlan:
    """What ``add_resource`` would do, computed without writing anything.

    Raises:
        The same errors as ``add_resource``, except ``DirtyWorkingTree``.
    """
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue)
    change = _adding(workspace, catalogue, name, fields)
    return _plan(workspace, catalogue, change, "add-resource", find_links)


def add_resource(
    name: str,
    fields: Iterable[str],
    *,
    project: Path | str = ".",
    dry_run: bool = False,
    allow_dirty: bool = False,
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ChangeResult:
    """Add the REST resource ``name`` (a plural, such as ``orders``) to the project.

    It gets, for the project's extensions, what ``items`` has: routes under
    ``/api/v1/<name>``, validation, a service, a store (a table with the database extension,
    and an Alembic revision with migrations) and tests; it is registered in
    ``api/v1/__init__.py`` and kept in the project record.

    Args:
        name: the resource's name, a plural.
        fields: ``NAME:TYPE[:ARG][?]`` specifications (see ``_resources``); at least one.
        project: the project folder.
        dry_run: plan and report, write nothing.
        allow_dirty: proceed even if the project's git tree has uncommitted changes.
        catalogue: the catalogue to use (the shipped one by default).
        find_links: a folder of flaskforge wheels, for restoring the baseline.

    For a resource the project has, the fields it does not have yet are added (optional
    ones only: its rows have no value for them), each time with a revision of their own; the
    fields it has must be given as they are (or left out).

    Returns:
        What changed; ``added`` is empty when the project has the resource with these fields
        already (nothing to do).

    Raises:
        InvalidResource: a bad name or field, a field given with another type than it has, or
            a required field for a resource the project has (exit status 2); nothing was
            written.
        The errors of ``add_extensions``.
    """
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue)
    change = _adding(workspace, catalogue, name, fields)
    return _run(workspace, catalogue, change, "add-resource", dry_run, allow_dirty, find_links)


def plan_remove_resource(
    name: str,
    *,
    project: Path | str = ".",
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ChangePlan:
    """What ``remove_resource`` would do, computed without writing anything."""
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue)
    change = _removing(workspace, catalogue, name)
    return _plan(workspace, catalogue, change, "remove-resource", find_links)


def remove_resource(
    name: str,
    *,
    project: Path | str = ".",
    dry_run: bool = False,
    allow_dirty: bool = False,
    catalogue: Catalogue | None = None,
    find_links: Path | None = None,
) -> ChangeResult:
    """Take the resource ``name`` out of the project: its files, its registration, its record.

    Files of the resource the owner edited are left in place and reported, as
    ``remove_extensions`` does. With migrations, its revisions stay (a database may have
    applied them) and a new one, after the current heads, drops its table; the record keeps
    the resource, marked removed, for them. Without migrations, it leaves the record too.

    Returns:
        What changed; ``removed`` is empty when the project has no such resource.

    Raises:
        InvalidResource: another resource refers to it (exit status 2); nothing was written.
        The errors of ``add_extensions``.
    """
    catalogue = catalogue or load_catalogue()
    workspace = open_project(project, catalogue)
    change = _removing(workspace, catalogue, name)
    return _run(workspace, catalogue, change, "remove-resource", dry_run, allow_dirty, find_links)


def _adding(workspace: Workspace, catalogue: Catalogue, name: str, specs: Iterable[str]) -> _Change:
    record = workspace.record
    specs = tuple(specs)
    known = {r.name: r for r in record.live_resources}
    if name in known:
        return _adding_fields(catalogue, record, known[name], specs)
    parse_resource_name(name, existing=known, reserved=_reserved(catalogue))
    if not specs:
        raise InvalidResource(
            "resource name", name, "give its fields, such as '--field name:str:120'"
        )
    fields = parse_fields(specs, resource=name, resources=known)
    revises: tuple[str, ...] = ()
    if "migrations" in record.extensions:
        revises = _heads(catalogue, record)
    # A name a removed resource had: its revisions stay, and this one's must differ from them.
    removed_before = sum(r.name == name for r in record.resources)
    added = RecordedResource(name, tuple(f.spec for f in fields), revises, (), (), removed_before)
    steps = [f"Run its tests: .venv/bin/pytest tests/test_{name}.py"]
    if "migrations" in record.extensions:
        steps.insert(0, f"Create its table: 'make migrate' applies revision {revision_id(added)}.")
    elif "database" in record.extensions:
        steps.insert(0, "Create its table: '.venv/bin/flask init-db' makes the missing tables.")
    return _Change(replace(record, resources=(*record.resources, added)), (name,), tuple(steps))


def _adding_fields(
    catalogue: Catalogue, record: ProjectRecord, resource: RecordedResource, specs: tuple[str, ...]
) -> _Change:
    """Fields given for a resource the project has: the new ones are added, with a revision."""
    name = resource.name
    names = [r.name for r in record.live_resources]
    recorded = {
        f.name: f for f in parse_fields(resource.all_fields, resource=name, resources=names)
    }
    fields = parse_fields(specs, resource=name, resources=names)
    for field in fields:
        if field.name in recorded and field.spec != recorded[field.name].spec:
            raise InvalidResource(
                "field",
                field.spec,
                f"{name} has it already as {recorded[field.name].spec}; flaskforge cannot"
                " change a field's type: edit the resource's files (and, with migrations, add a"
                " revision of your own)",
            )
    new = [f for f in fields if f.name not in recorded]
    if not new:
        return _Change(record, ())
    for field in new:
        if not field.optional:
            raise InvalidResource(
                "field",
                field.spec,
                f"a field added to {name}, which has rows already, must be optional (they have"
                f" no value for it): '{field.spec}?'",
            )
    revises = _heads(catalogue, record) if "migrations" in record.extensions else ()
    addition = ResourceAddition(tuple(f.spec for f in new), revises)
    grown = replace(resource, additions=(*resource.additions, addition))
    resources = tuple(grown if r is resource else r for r in record.resources)
    steps = []
    if "migrations" in record.extensions:
        revision = addition_id(resource, addition)
        steps.append(f"Add the columns: 'make migrate' applies revision {revision}.")
    elif "database" in record.extensions:
        steps.append(
            f"Add the columns to the {name} table yourself: 'flask init-db' only makes missing"
            " tables (the migrations extension writes a revision for each change)."
        )
    return _Change(replace(record, resources=resources), (name,), tuple(steps))


def _removing(workspace: Workspace, catalogue: Catalogue, name: str) -> _Change:
    record = workspace.record
    known = {r.name: r for r in record.live_resources}
    if name not in known:
        # A name no resource could have is a mistake worth a reason (and never reaches the
        # terminal raw); a valid one the project lacks is nothing to do.
        parse_resource_name(name, reserved=_reserved(catalogue))
        return _Change(record, ())
    names = list(known)
    referring = [
        f"{other.name} ({field.name})"
        for other in record.live_resources
        if other.name != name
        for field in parse_fields(other.all_fields, resource=other.name, resources=names)
        if field.type == "ref" and field.target == name
    ]
    if referring:
        raise InvalidResource(
            "resource name",
            name,
            f"{', '.join(referring)} refer to it: remove those fields or resources first",
        )
    gone = known[name]
    if "migrations" in record.extensions:
        # Its revisions stay, since databases applied them; one more drops its table.
        dropped = replace(gone, dropped=_heads(catalogue, record))
        resources = tuple(dropped if r is gone else r for r in record.resources)
        steps = (
            f"Drop its table: 'make migrate' applies revision {drop_id(dropped)}, which drops"
            f" the {name} table and its rows ('flask db downgrade' makes it again, empty).",
        )
        return _Change(replace(record, resources=resources), (name,), steps)
    return _Change(replace(record, resources=_without(record.resources, gone)), (name,))


def _without(
    resources: tuple[RecordedResource, ...], gone: RecordedResource
) -> tuple[RecordedResource, ...]:
    """``resources`` without ``gone``, which has no revision in the project (no migrations).

    Should migrations come back, a revision that followed one of its revisions (recorded when
    the project had migrations before) follows what it followed instead.
    """
    position = resources.index(gone)
    if gone.revises:
        before: tuple[str, ...] = gone.revises
    elif position > 0:
        before = (revision_ids(resources[position - 1])[-1],)
    else:
        before = (FIRST_REVISION,)
    gone_ids = set(revision_ids(gone))
    return tuple(
        replace(
            other,
            revises=_instead(other.revises, gone_ids, before),
            additions=tuple(
                replace(a, revises=_instead(a.revises, gone_ids, before)) for a in other.additions
            ),
            dropped=_instead(other.dropped, gone_ids, before),
        )
        for other in resources
        if other is not gone
    )


def _instead(revises: tuple[str, ...], gone: set[str], before: tuple[str, ...]) -> tuple[str, ...]:
    if not set(revises) & gone:
        return revises
    return tuple(sorted({*(r for r in revises if r not in gone), *before}))


def _heads(catalogue: Catalogue, record: ProjectRecord) -> tuple[str, ...]:
    """The Alembic revisions a resource added to ``record``'s project now comes after."""
    from flaskforge._project import render_project

    files = render_project(catalogue, replace(record, resources=()))
    static = revisions_of({path: file.content for path, file in files.items()})
    return plan_revisions(static, record.resources)[2]


def _reserved(catalogue: Catalogue) -> set[str]:
    """Names the catalogue's components use for packages, modules and tables."""
    return {c.name for c in catalogue.extensions} | {c.module for c in catalogue.extensions}


def _plan(
    workspace: Workspace,
    catalogue: Catalogue,
    change: _Change,
    command: str,
    find_links: Path | None,
) -> ChangePlan:
    if not change.changed:
        return ChangePlan(workspace.root, command, workspace.record, workspace.record)
    adding = command == "add-resource"
    return plan_change(
        workspace,
        catalogue,
        change.target,
        command=command,
        find_links=find_links,
        added=change.changed if adding else (),
        removed=() if adding else change.changed,
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
    values = {name: getattr(plan, name) for name in plan.__dataclass_fields__}
    return ChangeResult(**values, written=written, recovered=workspace.recovered)
